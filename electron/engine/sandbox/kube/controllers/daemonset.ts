import type { Change } from '../store.js';
import type { DaemonSet, NodeObject, Pod } from '../types.js';
import type { Controller, ControllerContext } from './context.js';
import { WorkQueue } from './context.js';
import { beginPodDeletion, isActive, isAvailable, isReady, podFromTemplate, templateHash } from './pods.js';

/** The DaemonSet controller: one pod per node, replaced one at a time when the template changes. */
export class DaemonSetController implements Controller {
  private readonly queue = new WorkQueue();

  constructor(private readonly ctx: ControllerContext) {}

  observe(change: Change): void {
    if (change.resource === 'daemonsets.apps') {
      if (change.type !== 'DELETED') this.queue.add(change.object.metadata.namespace, change.object.metadata.name);
    } else if (change.resource === 'nodes' && change.type !== 'MODIFIED') {
      for (const ds of this.ctx.store.objects('daemonsets.apps')) this.queue.add(ds.metadata.namespace, ds.metadata.name);
    } else if (change.resource === 'pods') {
      const owner = change.object.metadata.ownerReferences?.find((r) => r.controller && r.kind === 'DaemonSet');
      if (owner) this.queue.add(change.object.metadata.namespace, owner.name);
    }
  }

  sync(now: number): boolean {
    let changed = false;
    for (const { namespace, name } of this.queue.drain()) {
      const ds = this.ctx.store.get<DaemonSet>('daemonsets.apps', namespace, name);
      if (ds && !ds.metadata.deletionTimestamp) changed = this.reconcile(ds, now) || changed;
    }
    return changed;
  }

  private reconcile(ds: DaemonSet, now: number): boolean {
    const { store, events } = this.ctx;
    const hash = templateHash(ds.spec.template);
    const nodes = store.objects<NodeObject>('nodes').filter((n) => Object.entries(ds.spec.template.spec.nodeSelector ?? {}).every(([k, v]) => n.metadata.labels?.[k] === v));
    const pods = store.owned<Pod>('pods', ds.metadata.uid).filter(isActive);
    const byNode = new Map<string, Pod>();
    for (const p of pods) if (p.spec.nodeName) byNode.set(p.spec.nodeName, p);
    let acted = false;
    for (const node of nodes) {
      if (byNode.has(node.metadata.name)) continue;
      const pod = podFromTemplate({
        name: `${ds.metadata.name}-${store.nameSuffix()}`,
        namespace: ds.metadata.namespace ?? 'default',
        template: ds.spec.template,
        owner: ds,
        extraLabels: { 'controller-revision-hash': hash, 'pod-template-generation': String(ds.metadata.generation ?? 1) },
        nodeName: node.metadata.name,
      });
      pod.spec.tolerations = [...(pod.spec.tolerations ?? []).filter((t) => t.tolerationSeconds === undefined), { operator: 'Exists' }];
      const created = store.create('pods', pod);
      events.record(ds, 'Normal', 'SuccessfulCreate', `Created pod: ${created.metadata.name}`, 'daemonset-controller');
      acted = true;
    }
    const nodeNames = new Set(nodes.map((n) => n.metadata.name));
    for (const p of pods) {
      if (p.spec.nodeName && !nodeNames.has(p.spec.nodeName)) {
        beginPodDeletion(store, p, now);
        acted = true;
      }
    }
    if (!acted && pods.every(isReady)) {
      const stale = pods.find((p) => p.metadata.labels?.['controller-revision-hash'] !== hash);
      if (stale) {
        beginPodDeletion(store, stale, now);
        events.record(ds, 'Normal', 'SuccessfulDelete', `Deleted pod: ${stale.metadata.name}`, 'daemonset-controller');
        acted = true;
      }
    }
    const current = store.owned<Pod>('pods', ds.metadata.uid).filter(isActive);
    const ready = current.filter(isReady).length;
    const available = current.filter((p) => isAvailable(p, ds.spec.minReadySeconds ?? 0, now)).length;
    const before = ds.metadata.resourceVersion;
    const result = store.mutate<DaemonSet>('daemonsets.apps', ds.metadata.namespace, ds.metadata.name, (d) => {
      d.status = {
        currentNumberScheduled: current.length,
        numberMisscheduled: 0,
        desiredNumberScheduled: nodes.length,
        numberReady: ready,
        observedGeneration: d.metadata.generation ?? 1,
        updatedNumberScheduled: current.filter((p) => p.metadata.labels?.['controller-revision-hash'] === hash).length,
        numberAvailable: available,
        ...(nodes.length - available > 0 ? { numberUnavailable: nodes.length - available } : {}),
      };
    });
    return acted || (result !== undefined && result.metadata.resourceVersion !== before);
  }
}
