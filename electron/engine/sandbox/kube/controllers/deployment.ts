import type { Change } from '../store.js';
import { rfc3339 } from '../time.js';
import type { Condition, Deployment, ReplicaSet } from '../types.js';
import type { Controller, ControllerContext } from './context.js';
import { WorkQueue } from './context.js';
import { condition, controllerRef, semanticJson, templateHash, withoutLabel } from './pods.js';

/**
 * The Deployment controller: one ReplicaSet per pod template, rolled with maxSurge and
 * maxUnavailable, revisions in `deployment.kubernetes.io/revision`, history trimmed to
 * revisionHistoryLimit, and the status and conditions `kubectl rollout status` reads.
 * Follows pkg/controller/deployment (rolling.go, sync.go, progress.go).
 */

const REVISION = 'deployment.kubernetes.io/revision';
const REVISION_HISTORY = 'deployment.kubernetes.io/revision-history';
const HASH_LABEL = 'pod-template-hash';
/** Annotations a Deployment passes to its ReplicaSets (the rest are its own). */
const SKIPPED_ANNOTATIONS = new Set(['kubectl.kubernetes.io/last-applied-configuration', REVISION, REVISION_HISTORY, 'deployment.kubernetes.io/desired-replicas', 'deployment.kubernetes.io/max-replicas']);

export function resolveIntOrPercent(value: number | string | undefined, total: number, roundUp: boolean, fallback: string): number {
  const v = value ?? fallback;
  if (typeof v === 'number') return v;
  const m = /^(\d+)%$/.exec(v);
  if (!m) return Number(v) || 0;
  const exact = (Number(m[1]) * total) / 100;
  return roundUp ? Math.ceil(exact) : Math.floor(exact);
}

function revisionOf(rs: ReplicaSet): number {
  return Number(rs.metadata.annotations?.[REVISION] ?? 0);
}

function sameTemplate(rs: ReplicaSet, d: Deployment): boolean {
  return semanticJson(withoutLabel(rs.spec.template, HASH_LABEL)) === semanticJson(withoutLabel(d.spec.template, HASH_LABEL));
}

export class DeploymentController implements Controller {
  private readonly queue = new WorkQueue();
  /** Deployments mid-rollout, rechecked every second for progress deadlines. */
  private readonly progressing = new Set<string>();

  constructor(private readonly ctx: ControllerContext) {}

  observe(change: Change): void {
    if (change.resource === 'deployments.apps') {
      if (change.type !== 'DELETED') this.queue.add(change.object.metadata.namespace, change.object.metadata.name);
      return;
    }
    if (change.resource !== 'replicasets.apps') return;
    const owner = change.object.metadata.ownerReferences?.find((r) => r.controller && r.kind === 'Deployment');
    if (owner) this.queue.add(change.object.metadata.namespace, owner.name);
  }

  /** Checks deployments mid-rollout against their progress deadline. */
  recheckProgress(): void {
    for (const key of this.progressing) {
      const i = key.indexOf('/');
      this.queue.add(key.slice(0, i), key.slice(i + 1));
    }
  }

  sync(now: number): boolean {
    let changed = false;
    for (const { namespace, name } of this.queue.drain()) {
      const d = this.ctx.store.get<Deployment>('deployments.apps', namespace, name);
      if (!d || d.metadata.deletionTimestamp) {
        this.progressing.delete(`${namespace}/${name}`);
        continue;
      }
      changed = this.reconcile(d, now) || changed;
    }
    return changed;
  }

  private scale(d: Deployment, rs: ReplicaSet, replicas: number): ReplicaSet {
    const from = rs.spec.replicas ?? 0;
    if (from === replicas) return rs;
    const maxSurge = resolveIntOrPercent(d.spec.strategy?.rollingUpdate?.maxSurge, d.spec.replicas ?? 1, true, '25%');
    const updated = this.ctx.store.mutate<ReplicaSet>('replicasets.apps', rs.metadata.namespace, rs.metadata.name, (r) => {
      r.spec.replicas = replicas;
      r.metadata.generation = (r.metadata.generation ?? 1) + 1;
      r.metadata.annotations = {
        ...r.metadata.annotations,
        'deployment.kubernetes.io/desired-replicas': String(d.spec.replicas ?? 1),
        'deployment.kubernetes.io/max-replicas': String((d.spec.replicas ?? 1) + maxSurge),
      };
    });
    const verb = replicas > from ? 'up' : 'down';
    this.ctx.events.record(d, 'Normal', 'ScalingReplicaSet', `Scaled ${verb} replica set ${rs.metadata.name} to ${replicas} from ${from}`, 'deployment-controller');
    return updated ?? rs;
  }

  private reconcile(d: Deployment, now: number): boolean {
    const { store } = this.ctx;
    const key = `${d.metadata.namespace}/${d.metadata.name}`;
    let all = store.owned<ReplicaSet>('replicasets.apps', d.metadata.uid).filter((rs) => !rs.metadata.deletionTimestamp);
    const maxRevision = all.reduce((m, rs) => Math.max(m, revisionOf(rs)), 0);
    let newRS = all.find((rs) => sameTemplate(rs, d));
    let createdNew = false;
    const desired = d.spec.replicas ?? 1;

    if (!newRS && !d.spec.paused) {
      newRS = this.createReplicaSet(d, all, maxRevision + 1);
      createdNew = true;
      all = [...all, newRS];
    } else if (newRS && revisionOf(newRS) < maxRevision) {
      // A rollback: the old template becomes the newest revision again.
      const previous = revisionOf(newRS);
      newRS =
        store.mutate<ReplicaSet>('replicasets.apps', newRS.metadata.namespace, newRS.metadata.name, (rs) => {
          const history = rs.metadata.annotations?.[REVISION_HISTORY];
          rs.metadata.annotations = { ...rs.metadata.annotations, [REVISION]: String(maxRevision + 1), [REVISION_HISTORY]: history ? `${history},${previous}` : String(previous) };
          const cause = d.metadata.annotations?.['kubernetes.io/change-cause'];
          if (cause) rs.metadata.annotations['kubernetes.io/change-cause'] = cause;
        }) ?? newRS;
      all = all.map((rs) => (rs.metadata.uid === newRS?.metadata.uid ? newRS : rs));
    }
    const olds = all.filter((rs) => rs !== newRS).sort((a, b) => revisionOf(a) - revisionOf(b));

    if (newRS && !d.spec.paused) {
      if (d.spec.strategy?.type === 'Recreate') this.recreate(d, newRS, olds);
      else this.rolling(d, newRS, olds);
    } else if (newRS && d.spec.paused) {
      // Paused: only follow scaling, never progress the rollout.
      const extra = desired - all.reduce((n, rs) => n + (rs.spec.replicas ?? 0), 0);
      if (extra !== 0) this.scale(d, newRS, Math.max(0, (newRS.spec.replicas ?? 0) + extra));
    }
    this.cleanup(d, olds);

    // Re-read: scaling above changed the ReplicaSets.
    const current = store.owned<ReplicaSet>('replicasets.apps', d.metadata.uid).filter((rs) => !rs.metadata.deletionTimestamp);
    const fresh = newRS ? current.find((rs) => rs.metadata.uid === newRS?.metadata.uid) : undefined;
    return this.updateStatus(d, current, fresh, createdNew, now, key);
  }

  private createReplicaSet(d: Deployment, existing: ReplicaSet[], revision: number): ReplicaSet {
    let collisions = d.status.collisionCount ?? 0;
    let hash = templateHash(withoutLabel(d.spec.template, HASH_LABEL), collisions);
    while (existing.some((rs) => rs.metadata.name === `${d.metadata.name}-${hash}`) || this.ctx.store.get('replicasets.apps', d.metadata.namespace, `${d.metadata.name}-${hash}`)) {
      collisions++;
      hash = templateHash(withoutLabel(d.spec.template, HASH_LABEL), collisions);
    }
    const template = structuredClone(d.spec.template);
    template.metadata = { ...template.metadata, labels: { ...(template.metadata?.labels ?? {}), [HASH_LABEL]: hash } };
    const annotations: Record<string, string> = {};
    for (const [k, v] of Object.entries(d.metadata.annotations ?? {})) if (!SKIPPED_ANNOTATIONS.has(k)) annotations[k] = v;
    const rs: ReplicaSet = {
      apiVersion: 'apps/v1',
      kind: 'ReplicaSet',
      metadata: {
        name: `${d.metadata.name}-${hash}`,
        namespace: d.metadata.namespace,
        uid: '',
        resourceVersion: '',
        creationTimestamp: '',
        generation: 1,
        labels: { ...(d.spec.template.metadata?.labels ?? {}), [HASH_LABEL]: hash },
        annotations: { ...annotations, [REVISION]: String(revision), 'deployment.kubernetes.io/desired-replicas': String(d.spec.replicas ?? 1) },
        ownerReferences: [controllerRef(d)],
      },
      spec: {
        replicas: 0,
        minReadySeconds: d.spec.minReadySeconds ?? 0,
        selector: { ...d.spec.selector, matchLabels: { ...(d.spec.selector.matchLabels ?? {}), [HASH_LABEL]: hash } },
        template,
      },
      status: { replicas: 0 },
    };
    const created = this.ctx.store.create('replicasets.apps', rs);
    if (collisions !== (d.status.collisionCount ?? 0)) {
      this.ctx.store.mutate<Deployment>('deployments.apps', d.metadata.namespace, d.metadata.name, (x) => {
        x.status.collisionCount = collisions;
      });
    }
    return created;
  }

  private rolling(d: Deployment, newRS: ReplicaSet, olds: ReplicaSet[]): void {
    const desired = d.spec.replicas ?? 1;
    const maxSurge = resolveIntOrPercent(d.spec.strategy?.rollingUpdate?.maxSurge, desired, true, '25%');
    let maxUnavailable = resolveIntOrPercent(d.spec.strategy?.rollingUpdate?.maxUnavailable, desired, false, '25%');
    if (maxSurge === 0 && maxUnavailable === 0) maxUnavailable = 1;
    let rsNew = newRS;
    const total = () => [rsNew, ...olds].reduce((n, rs) => n + (rs.spec.replicas ?? 0), 0);

    const newReplicas = rsNew.spec.replicas ?? 0;
    if (olds.every((rs) => (rs.spec.replicas ?? 0) === 0)) {
      // Nothing to roll: a plain scale.
      rsNew = this.scale(d, rsNew, desired);
      return;
    }
    if (newReplicas < desired) {
      const room = desired + maxSurge - total();
      if (room > 0) rsNew = this.scale(d, rsNew, newReplicas + Math.min(room, desired - newReplicas));
    } else if (newReplicas > desired) rsNew = this.scale(d, rsNew, desired);

    const minAvailable = desired - maxUnavailable;
    const newUnavailable = (rsNew.spec.replicas ?? 0) - (rsNew.status.availableReplicas ?? 0);
    let budget = total() - minAvailable - Math.max(0, newUnavailable);
    if (budget <= 0) return;
    const updatedOlds = [...olds];
    // First shed old replicas that are not available anyway: removing them costs no availability.
    for (let i = 0; i < updatedOlds.length && budget > 0; i++) {
      const rs = updatedOlds[i] as ReplicaSet;
      const unhealthy = (rs.spec.replicas ?? 0) - (rs.status.availableReplicas ?? 0);
      if (unhealthy <= 0) continue;
      const cut = Math.min(budget, unhealthy);
      updatedOlds[i] = this.scale(d, rs, (rs.spec.replicas ?? 0) - cut);
      budget -= cut;
    }
    const available = [rsNew, ...updatedOlds].reduce((n, rs) => n + Math.min(rs.status.availableReplicas ?? 0, rs.spec.replicas ?? 0), 0);
    let scaleDown = available - minAvailable;
    for (let i = 0; i < updatedOlds.length && scaleDown > 0; i++) {
      const rs = updatedOlds[i] as ReplicaSet;
      const cut = Math.min(rs.spec.replicas ?? 0, scaleDown);
      if (cut <= 0) continue;
      updatedOlds[i] = this.scale(d, rs, (rs.spec.replicas ?? 0) - cut);
      scaleDown -= cut;
    }
  }

  private recreate(d: Deployment, newRS: ReplicaSet, olds: ReplicaSet[]): void {
    let stillRunning = false;
    for (const rs of olds) {
      if ((rs.spec.replicas ?? 0) > 0) this.scale(d, rs, 0);
      if ((rs.status.replicas ?? 0) > 0 || (rs.spec.replicas ?? 0) > 0) stillRunning = true;
    }
    if (!stillRunning) this.scale(d, newRS, d.spec.replicas ?? 1);
  }

  private cleanup(d: Deployment, olds: ReplicaSet[]): void {
    const limit = d.spec.revisionHistoryLimit ?? 10;
    const idle = olds.filter((rs) => (rs.spec.replicas ?? 0) === 0 && (rs.status.replicas ?? 0) === 0);
    for (const rs of idle.slice(0, Math.max(0, idle.length - limit))) this.ctx.store.remove('replicasets.apps', rs.metadata.namespace, rs.metadata.name);
  }

  private updateStatus(d: Deployment, all: ReplicaSet[], newRS: ReplicaSet | undefined, createdNew: boolean, now: number, key: string): boolean {
    const desired = d.spec.replicas ?? 1;
    const maxUnavailable = resolveIntOrPercent(d.spec.strategy?.rollingUpdate?.maxUnavailable, desired, false, '25%');
    const sum = (f: (rs: ReplicaSet) => number | undefined) => all.reduce((n, rs) => n + (f(rs) ?? 0), 0);
    const replicas = sum((rs) => rs.status.replicas);
    const updated = newRS?.status.replicas ?? 0;
    const ready = sum((rs) => rs.status.readyReplicas);
    const available = sum((rs) => rs.status.availableReplicas);
    const complete = !!newRS && updated === desired && replicas === desired && available === desired && (newRS.status.observedGeneration ?? 0) >= (newRS.metadata.generation ?? 1);
    const time = rfc3339(now);
    const before = d.metadata.resourceVersion;

    const result = this.ctx.store.mutate<Deployment>('deployments.apps', d.metadata.namespace, d.metadata.name, (x) => {
      const old = x.status;
      const progressed = old.updatedReplicas !== updated || old.readyReplicas !== ready || old.availableReplicas !== available || old.replicas !== replicas;
      let conditions: Condition[] = old.conditions ?? [];
      const setCond = (c: Condition, refresh: boolean) => {
        const existing = conditions.find((e) => e.type === c.type);
        const same = existing && existing.status === c.status && existing.reason === c.reason && existing.message === c.message;
        if (same && !refresh) return;
        const transitioned = !existing || existing.status !== c.status;
        conditions = [
          ...conditions.filter((e) => e.type !== c.type),
          { ...c, lastUpdateTime: time, lastTransitionTime: transitioned ? time : existing?.lastTransitionTime ?? time },
        ];
        conditions.sort((a, b) => (a.type === 'Available' ? -1 : b.type === 'Available' ? 1 : 0));
      };
      const minAvailable = available >= desired - maxUnavailable;
      setCond(
        minAvailable
          ? { type: 'Available', status: 'True', reason: 'MinimumReplicasAvailable', message: 'Deployment has minimum availability.' }
          : { type: 'Available', status: 'False', reason: 'MinimumReplicasUnavailable', message: 'Deployment does not have minimum availability.' },
        false,
      );
      const rsName = newRS?.metadata.name ?? '';
      const progressing = condition(x, 'Progressing');
      if (x.spec.paused) {
        setCond({ type: 'Progressing', status: 'Unknown', reason: 'DeploymentPaused', message: 'Deployment is paused' }, false);
      } else if (progressing?.reason === 'DeploymentPaused') {
        setCond({ type: 'Progressing', status: 'Unknown', reason: 'DeploymentResumed', message: 'Deployment is resumed' }, false);
      } else if (complete) {
        setCond({ type: 'Progressing', status: 'True', reason: 'NewReplicaSetAvailable', message: `ReplicaSet "${rsName}" has successfully progressed.` }, false);
      } else if (createdNew) {
        setCond({ type: 'Progressing', status: 'True', reason: 'NewReplicaSetCreated', message: `Created new replica set "${rsName}"` }, true);
      } else if (progressed || x.metadata.generation !== old.observedGeneration || progressing?.reason === 'NewReplicaSetAvailable') {
        setCond({ type: 'Progressing', status: 'True', reason: 'ReplicaSetUpdated', message: `ReplicaSet "${rsName}" is progressing.` }, true);
      } else if (progressing && progressing.status === 'True') {
        const deadline = (x.spec.progressDeadlineSeconds ?? 600) * 1000;
        if (Date.parse(progressing.lastUpdateTime ?? time) + deadline <= now) {
          setCond({ type: 'Progressing', status: 'False', reason: 'ProgressDeadlineExceeded', message: `ReplicaSet "${rsName}" has timed out progressing.` }, false);
          this.ctx.events.record(x, 'Warning', 'ProgressDeadlineExceeded', `Deployment "${x.metadata.name}" has timed out progressing.`, 'deployment-controller');
        }
      }
      x.status = {
        ...old,
        observedGeneration: x.metadata.generation ?? 1,
        replicas,
        updatedReplicas: updated,
        readyReplicas: ready,
        availableReplicas: available,
        unavailableReplicas: Math.max(0, desired - available),
        conditions,
      };
      // Zero counts are omitted on the wire (omitempty), as kube-controller-manager writes them.
      if (x.status.unavailableReplicas === 0) delete x.status.unavailableReplicas;
      if (x.metadata.annotations?.[REVISION] !== newRS?.metadata.annotations?.[REVISION] && newRS) {
        x.metadata.annotations = { ...x.metadata.annotations, [REVISION]: newRS.metadata.annotations?.[REVISION] ?? '1' };
      }
    });
    if (complete || d.spec.paused) this.progressing.delete(key);
    else this.progressing.add(key);
    return result !== undefined && result.metadata.resourceVersion !== before;
  }
}
