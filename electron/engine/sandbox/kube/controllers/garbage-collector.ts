import { customResources } from '../custom-resources.js';
import { resourceKey } from '../resources.js';
import type { Change } from '../store.js';
import type { Pod } from '../types.js';
import type { Controller, ControllerContext } from './context.js';
import { beginPodDeletion } from './pods.js';

/**
 * Background cascading deletion (the garbage collector) and namespace termination: deleting a
 * Deployment removes its ReplicaSets and their pods; deleting a namespace empties it first.
 * https://kubernetes.io/docs/concepts/architecture/garbage-collection/
 */

const DEPENDENTS = ['replicasets.apps', 'pods', 'controllerrevisions.apps', 'endpointslices.discovery.k8s.io'];
const NAMESPACED = [
  'deployments.apps', 'statefulsets.apps', 'daemonsets.apps', 'replicasets.apps', 'controllerrevisions.apps', 'pods', 'services', 'endpoints',
  'ingresses.networking.k8s.io', 'horizontalpodautoscalers.autoscaling', 'poddisruptionbudgets.policy', 'configmaps', 'serviceaccounts', 'events',
  'secrets', 'persistentvolumeclaims', 'jobs.batch', 'cronjobs.batch', 'endpointslices.discovery.k8s.io', 'networkpolicies.networking.k8s.io',
  'roles.rbac.authorization.k8s.io', 'rolebindings.rbac.authorization.k8s.io',
];

export class GarbageCollector implements Controller {
  private orphaned: string[] = [];
  private terminating = new Set<string>();

  constructor(private readonly ctx: ControllerContext) {}

  observe(change: Change): void {
    if (change.type === 'DELETED') this.orphaned.push(change.object.metadata.uid);
    if (change.resource === 'namespaces' && change.object.metadata.deletionTimestamp) this.terminating.add(change.object.metadata.name);
  }

  sync(now: number): boolean {
    let changed = false;
    const uids = this.orphaned;
    this.orphaned = [];
    for (const uid of uids) {
      for (const resource of DEPENDENTS) {
        for (const dependent of this.ctx.store.owned(resource, uid)) {
          changed = true;
          if (resource === 'pods') beginPodDeletion(this.ctx.store, dependent as Pod, now);
          else this.ctx.store.remove(resource, dependent.metadata.namespace, dependent.metadata.name);
        }
      }
    }
    for (const ns of [...this.terminating]) {
      let remaining = 0;
      const custom = customResources(this.ctx.store).filter((r) => r.namespaced).map(resourceKey);
      for (const resource of [...NAMESPACED, ...custom]) {
        for (const obj of this.ctx.store.objects(resource, ns)) {
          remaining++;
          if (resource === 'pods') beginPodDeletion(this.ctx.store, obj as Pod, now);
          else this.ctx.store.remove(resource, ns, obj.metadata.name);
        }
      }
      if (remaining === 0) {
        this.ctx.store.remove('namespaces', undefined, ns);
        this.terminating.delete(ns);
      }
      changed = true;
    }
    return changed;
  }
}
