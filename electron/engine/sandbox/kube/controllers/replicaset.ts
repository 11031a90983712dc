import type { Change } from '../store.js';
import type { Pod, ReplicaSet } from '../types.js';
import type { Controller, ControllerContext } from './context.js';
import { WorkQueue } from './context.js';
import { beginPodDeletion, condition, isActive, isAvailable, isReady, podFromTemplate } from './pods.js';

/**
 * The ReplicaSet controller: keep spec.replicas active pods, create from the template, and
 * when there are too many delete the least useful first (unscheduled, then pending, then not
 * ready, then the youngest), as controller.ActivePods ranks them.
 */

/** At most this many pods created per ReplicaSet per step, like the controller's slow-start batches. */
const BURST = 500;

function deletionRank(pod: Pod): number[] {
  return [
    pod.spec.nodeName ? 1 : 0,
    pod.status.phase === 'Pending' ? 0 : pod.status.phase === 'Unknown' ? 1 : 2,
    isReady(pod) ? 1 : 0,
    -(pod.status.containerStatuses ?? []).reduce((n, c) => n + c.restartCount, 0),
    -Date.parse(pod.metadata.creationTimestamp),
  ];
}

function compareRank(a: number[], b: number[]): number {
  for (let i = 0; i < a.length; i++) {
    const d = (a[i] ?? 0) - (b[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}

export class ReplicaSetController implements Controller {
  private readonly queue = new WorkQueue();

  constructor(private readonly ctx: ControllerContext) {}

  observe(change: Change): void {
    if (change.resource === 'replicasets.apps') {
      if (change.type !== 'DELETED') this.queue.add(change.object.metadata.namespace, change.object.metadata.name);
      return;
    }
    if (change.resource !== 'pods') return;
    const owner = change.object.metadata.ownerReferences?.find((r) => r.controller && r.kind === 'ReplicaSet');
    if (owner) this.queue.add(change.object.metadata.namespace, owner.name);
  }

  sync(now: number): boolean {
    let changed = false;
    for (const { namespace, name } of this.queue.drain()) {
      const rs = this.ctx.store.get<ReplicaSet>('replicasets.apps', namespace, name);
      if (rs && !rs.metadata.deletionTimestamp) changed = this.reconcile(rs, now) || changed;
    }
    return changed;
  }

  private reconcile(rs: ReplicaSet, now: number): boolean {
    const { store, events } = this.ctx;
    const all = store.owned<Pod>('pods', rs.metadata.uid);
    const active = all.filter(isActive);
    const want = rs.spec.replicas ?? 1;
    let changed = false;
    if (active.length < want) {
      const toCreate = Math.min(want - active.length, BURST);
      for (let i = 0; i < toCreate; i++) {
        const pod = podFromTemplate({
          name: `${rs.metadata.name}-${store.nameSuffix()}`,
          namespace: rs.metadata.namespace ?? 'default',
          template: rs.spec.template,
          owner: rs,
        });
        pod.metadata.generateName = `${rs.metadata.name}-`;
        const created = store.create('pods', pod);
        active.push(created);
        events.record(rs, 'Normal', 'SuccessfulCreate', `Created pod: ${created.metadata.name}`, 'replicaset-controller');
      }
      if (active.length < want) this.queue.add(rs.metadata.namespace, rs.metadata.name);
      changed = true;
    } else if (active.length > want) {
      const victims = [...active].sort((a, b) => compareRank(deletionRank(a), deletionRank(b))).slice(0, active.length - want);
      for (const pod of victims) {
        beginPodDeletion(store, pod, now);
        events.record(rs, 'Normal', 'SuccessfulDelete', `Deleted pod: ${pod.metadata.name}`, 'replicaset-controller');
      }
      const gone = new Set(victims.map((v) => v.metadata.uid));
      active.splice(0, active.length, ...active.filter((p) => !gone.has(p.metadata.uid)));
      changed = true;
    }
    const minReady = rs.spec.minReadySeconds ?? 0;
    const ready = active.filter(isReady).length;
    const available = active.filter((p) => isAvailable(p, minReady, now)).length;
    if (minReady > 0 && available < ready) {
      // Pods ready but not yet available become available later without any change to observe.
      this.ctx.timers.at(now + 1000, () => this.queue.add(rs.metadata.namespace, rs.metadata.name));
    }
    const labels = rs.spec.template.metadata?.labels ?? {};
    const fullyLabeled = active.filter((p) => Object.entries(labels).every(([k, v]) => p.metadata.labels?.[k] === v)).length;
    const before = rs.metadata.resourceVersion;
    const updated = store.mutate<ReplicaSet>('replicasets.apps', rs.metadata.namespace, rs.metadata.name, (r) => {
      r.status = {
        ...r.status,
        replicas: active.length,
        fullyLabeledReplicas: fullyLabeled,
        readyReplicas: ready,
        availableReplicas: available,
        observedGeneration: r.metadata.generation ?? 1,
      };
      const failure = condition(r, 'ReplicaFailure');
      if (failure) r.status.conditions = (r.status.conditions ?? []).filter((c) => c.type !== 'ReplicaFailure');
    });
    return changed || (updated !== undefined && updated.metadata.resourceVersion !== before);
  }
}
