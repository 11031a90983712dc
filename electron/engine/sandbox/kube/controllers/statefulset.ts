import type { Change } from '../store.js';
import type { ControllerRevision, Pod, StatefulSet } from '../types.js';
import type { Controller, ControllerContext } from './context.js';
import { WorkQueue } from './context.js';
import { beginPodDeletion, controllerRef, isActive, isAvailable, isReady, podFromTemplate, semanticJson, templateHash } from './pods.js';

/**
 * The StatefulSet controller: stable ordinal names, one pod at a time in order
 * (OrderedReady), scale-down from the highest ordinal, rolling updates from the highest
 * ordinal down to the partition, and ControllerRevisions as its history so
 * `kubectl rollout history|undo statefulset` work.
 * https://kubernetes.io/docs/concepts/workloads/controllers/statefulset/#deployment-and-scaling-guarantees
 */

const REVISION_LABEL = 'controller-revision-hash';

function ordinal(pod: Pod, setName: string): number {
  const suffix = pod.metadata.name.slice(setName.length + 1);
  return /^\d+$/.test(suffix) ? Number(suffix) : -1;
}

export class StatefulSetController implements Controller {
  private readonly queue = new WorkQueue();

  constructor(private readonly ctx: ControllerContext) {}

  observe(change: Change): void {
    if (change.resource === 'statefulsets.apps') {
      if (change.type !== 'DELETED') this.queue.add(change.object.metadata.namespace, change.object.metadata.name);
      return;
    }
    if (change.resource !== 'pods') return;
    const owner = change.object.metadata.ownerReferences?.find((r) => r.controller && r.kind === 'StatefulSet');
    if (owner) this.queue.add(change.object.metadata.namespace, owner.name);
  }

  sync(now: number): boolean {
    let changed = false;
    for (const { namespace, name } of this.queue.drain()) {
      const sts = this.ctx.store.get<StatefulSet>('statefulsets.apps', namespace, name);
      if (sts && !sts.metadata.deletionTimestamp) changed = this.reconcile(sts, now) || changed;
    }
    return changed;
  }

  /** The ControllerRevision for the current template, created when new; returns its name. */
  private ensureRevision(sts: StatefulSet): string {
    const { store } = this.ctx;
    const revisions = store.owned<ControllerRevision>('controllerrevisions.apps', sts.metadata.uid);
    const data = { spec: { template: { ...sts.spec.template, $patch: 'replace' } } };
    const text = semanticJson(data);
    const existing = revisions.find((r) => semanticJson(r.data) === text);
    const max = revisions.reduce((m, r) => Math.max(m, r.revision), 0);
    if (existing) {
      if (existing.revision < max) {
        store.mutate<ControllerRevision>('controllerrevisions.apps', existing.metadata.namespace, existing.metadata.name, (r) => {
          r.revision = max + 1;
        });
      }
      return existing.metadata.name;
    }
    const hash = templateHash(sts.spec.template);
    const name = `${sts.metadata.name}-${hash}`;
    store.create<ControllerRevision>('controllerrevisions.apps', {
      apiVersion: 'apps/v1',
      kind: 'ControllerRevision',
      metadata: {
        name,
        namespace: sts.metadata.namespace,
        uid: '',
        resourceVersion: '',
        creationTimestamp: '',
        labels: { ...(sts.spec.template.metadata?.labels ?? {}), [REVISION_LABEL]: hash },
        ownerReferences: [controllerRef(sts)],
      },
      data,
      revision: max + 1,
    });
    const limit = sts.spec.revisionHistoryLimit ?? 10;
    const stale = revisions.sort((a, b) => a.revision - b.revision).slice(0, Math.max(0, revisions.length + 1 - limit - 1));
    for (const r of stale) store.remove('controllerrevisions.apps', r.metadata.namespace, r.metadata.name);
    return name;
  }

  private reconcile(sts: StatefulSet, now: number): boolean {
    const { store, events } = this.ctx;
    const updateRevision = this.ensureRevision(sts);
    const hash = updateRevision.slice(sts.metadata.name.length + 1);
    const want = sts.spec.replicas ?? 1;
    const pods = store.owned<Pod>('pods', sts.metadata.uid);
    const byOrdinal = new Map<number, Pod>();
    for (const p of pods) byOrdinal.set(ordinal(p, sts.metadata.name), p);
    const ordered = (sts.spec.podManagementPolicy ?? 'OrderedReady') === 'OrderedReady';
    const minReady = sts.spec.minReadySeconds ?? 0;
    let acted = false;

    for (let i = 0; i < want; i++) {
      const pod = byOrdinal.get(i);
      if (!pod) {
        const created = store.create(
          'pods',
          podFromTemplate({
            name: `${sts.metadata.name}-${i}`,
            namespace: sts.metadata.namespace ?? 'default',
            template: sts.spec.template,
            owner: sts,
            extraLabels: { [REVISION_LABEL]: hash, 'statefulset.kubernetes.io/pod-name': `${sts.metadata.name}-${i}`, 'apps.kubernetes.io/pod-index': String(i) },
            hostname: `${sts.metadata.name}-${i}`,
            subdomain: sts.spec.serviceName,
          }),
        );
        events.record(sts, 'Normal', 'SuccessfulCreate', `create Pod ${created.metadata.name} in StatefulSet ${sts.metadata.name} successful`, 'statefulset-controller');
        acted = true;
        if (ordered) break;
        continue;
      }
      if (ordered && (!isActive(pod) || !isReady(pod))) {
        acted = true;
        break;
      }
    }
    if (!acted) {
      // Scale down: the highest ordinal first, one at a time.
      const extra = [...byOrdinal.entries()].filter(([i, p]) => i >= want && !p.metadata.deletionTimestamp).sort((a, b) => b[0] - a[0]);
      const victim = extra[0]?.[1];
      if (victim) {
        beginPodDeletion(store, victim, now);
        events.record(sts, 'Normal', 'SuccessfulDelete', `delete Pod ${victim.metadata.name} in StatefulSet ${sts.metadata.name} successful`, 'statefulset-controller');
        acted = true;
      }
    }
    const allReady = [...byOrdinal.entries()].filter(([i]) => i < want).every(([, p]) => isActive(p) && isReady(p)) && byOrdinal.size >= want;
    if (!acted && allReady && (sts.spec.updateStrategy?.type ?? 'RollingUpdate') === 'RollingUpdate') {
      const partition = sts.spec.updateStrategy?.rollingUpdate?.partition ?? 0;
      for (let i = want - 1; i >= partition; i--) {
        const pod = byOrdinal.get(i);
        if (pod && pod.metadata.labels?.[REVISION_LABEL] !== hash && !pod.metadata.deletionTimestamp) {
          beginPodDeletion(store, pod, now);
          events.record(sts, 'Normal', 'SuccessfulDelete', `delete Pod ${pod.metadata.name} in StatefulSet ${sts.metadata.name} successful`, 'statefulset-controller');
          break;
        }
      }
    }

    const current = store.owned<Pod>('pods', sts.metadata.uid).filter(isActive);
    const updated = current.filter((p) => p.metadata.labels?.[REVISION_LABEL] === hash).length;
    const ready = current.filter(isReady).length;
    const before = sts.metadata.resourceVersion;
    const result = store.mutate<StatefulSet>('statefulsets.apps', sts.metadata.namespace, sts.metadata.name, (s) => {
      const done = updated === want && ready === want && current.length === want;
      const currentRevision = done ? updateRevision : s.status.currentRevision ?? updateRevision;
      const currentHash = currentRevision.slice(s.metadata.name.length + 1);
      s.status = {
        ...s.status,
        observedGeneration: s.metadata.generation ?? 1,
        replicas: current.length,
        readyReplicas: ready,
        currentReplicas: current.filter((p) => p.metadata.labels?.[REVISION_LABEL] === currentHash).length,
        updatedReplicas: updated,
        availableReplicas: current.filter((p) => isAvailable(p, minReady, now)).length,
        currentRevision,
        updateRevision,
        collisionCount: 0,
      };
    });
    return acted || (result !== undefined && result.metadata.resourceVersion !== before);
  }
}
