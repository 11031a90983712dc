import type { SimulatedCluster } from './cluster.js';
import { beginPodDeletion, isActive } from './controllers/pods.js';
import { evictionRefusal, takeDisruption } from './eviction.js';
import { selectorMatches } from './selectors.js';
import type { NodeObject, Pod, PodDisruptionBudget } from './types.js';

/**
 * Node maintenance as an upgrade controller runs it (an EKS managed node group update, GKE's
 * surge upgrade, kured): cordon the node, then evict its pods through the eviction rules and
 * retry the refused ones every few seconds until the node is empty, recording each refusal as
 * a Warning Event on the pod and the node, where `kubectl describe` shows it. And the fault
 * that stalls it: a PodDisruptionBudget tightened to allow no disruption at all.
 */

const RETRY_MS = 5_000;
const COMPONENT = 'node-upgrade-controller';

export class MaintenanceDrain {
  private readonly active = new Set<string>();
  private readonly warned = new Map<string, number>();

  constructor(private readonly cluster: SimulatedCluster) {}

  start(node: string): void {
    const { store, events, now } = this.cluster;
    const cordoned = store.mutate<NodeObject>('nodes', undefined, node, (n) => {
      n.spec.unschedulable = true;
    });
    if (!cordoned) throw new Error(`No node "${node}" in cluster ${this.cluster.spec.name}.`);
    events.record(cordoned, 'Normal', 'NodeNotSchedulable', `Node ${node} status is now: NodeNotSchedulable`, 'kubelet', { host: node });
    this.active.add(node);
    this.cluster.timers.at(now(), () => this.attempt(node));
  }

  /** Stops retrying; with `uncordon`, the node takes pods again (the maintenance was called off). */
  stop(node: string, uncordon: boolean): void {
    this.active.delete(node);
    if (uncordon) {
      this.cluster.store.mutate<NodeObject>('nodes', undefined, node, (n) => {
        delete n.spec.unschedulable;
      });
    }
  }

  isDraining(node: string): boolean {
    return this.active.has(node);
  }

  private attempt(node: string): void {
    if (!this.active.has(node)) return;
    const { store, events, now } = this.cluster;
    const remaining = store.objects<Pod>('pods').filter((p) => p.spec.nodeName === node && isActive(p) && !p.metadata.ownerReferences?.some((o) => o.kind === 'DaemonSet'));
    if (remaining.length === 0) {
      const n = store.get<NodeObject>('nodes', undefined, node);
      if (n) events.record(n, 'Normal', 'NodeDrained', `Node ${node} drained: every pod but DaemonSet pods evicted`, COMPONENT, { host: node });
      this.active.delete(node);
      return;
    }
    let blocked = 0;
    for (const pod of remaining) {
      const refusal = evictionRefusal(store, pod);
      if (refusal) {
        blocked++;
        // One Warning per pod per minute, as an event's count would aggregate them.
        const key = `${pod.metadata.namespace}/${pod.metadata.name}`;
        if ((this.warned.get(key) ?? 0) + 60_000 <= now()) {
          this.warned.set(key, now());
          events.record(pod, 'Warning', 'EvictionBlocked', `Cannot evict pod from node ${node} for the upgrade: ${refusal.message}`, COMPONENT);
        }
        continue;
      }
      takeDisruption(store, pod, now());
      events.record(pod, 'Normal', 'Evicted', 'Evicted pod', 'eviction-api');
      beginPodDeletion(store, pod, now());
    }
    if (blocked > 0) {
      const n = store.get<NodeObject>('nodes', undefined, node);
      if (n && (this.warned.get(`node/${node}`) ?? 0) + 60_000 <= now()) {
        this.warned.set(`node/${node}`, now());
        events.record(n, 'Warning', 'DrainBlocked', `Drain of ${node} is waiting: ${blocked} pod${blocked === 1 ? '' : 's'} cannot be evicted without violating a PodDisruptionBudget`, COMPONENT, { host: node });
      }
    }
    this.cluster.timers.at(now() + RETRY_MS, () => this.attempt(node));
  }
}

/** What a tightened budget replaced, to put it back; `created` when there was none. */
export interface HeldBudget {
  namespace: string;
  name: string;
  created: boolean;
  previousSpec: PodDisruptionBudget['spec'] | null;
}

/**
 * Tightens the budget over a workload's pods to minAvailable = its replicas (a values change
 * that said "100% available"), or creates one like it when the workload has none.
 */
export function holdDisruptions(cluster: SimulatedCluster, namespace: string, name: string, labels: Record<string, string>, replicas: number): HeldBudget {
  const { store } = cluster;
  const existing = store.objects<PodDisruptionBudget>('poddisruptionbudgets.policy', namespace).find((b) => selectorMatches(b.spec.selector, labels));
  if (existing) {
    const previousSpec = structuredClone(existing.spec);
    store.mutate<PodDisruptionBudget>('poddisruptionbudgets.policy', namespace, existing.metadata.name, (b) => {
      b.spec = { selector: b.spec.selector, minAvailable: replicas };
      b.metadata.generation = (b.metadata.generation ?? 1) + 1;
    });
    return { namespace, name: existing.metadata.name, created: false, previousSpec };
  }
  const budget = `${name}-pdb`;
  store.create<PodDisruptionBudget>('poddisruptionbudgets.policy', {
    apiVersion: 'policy/v1',
    kind: 'PodDisruptionBudget',
    metadata: { name: budget, namespace, generation: 1, resourceVersion: '', uid: '', creationTimestamp: '' },
    spec: { minAvailable: replicas, selector: { matchLabels: { 'app.kubernetes.io/name': name } } },
    status: { disruptionsAllowed: 0, currentHealthy: 0, desiredHealthy: 0, expectedPods: 0 },
  });
  return { namespace, name: budget, created: true, previousSpec: null };
}

export function releaseDisruptions(cluster: SimulatedCluster, held: HeldBudget): void {
  const { store } = cluster;
  if (held.created) {
    store.remove('poddisruptionbudgets.policy', held.namespace, held.name);
    return;
  }
  store.mutate<PodDisruptionBudget>('poddisruptionbudgets.policy', held.namespace, held.name, (b) => {
    b.spec = structuredClone(held.previousSpec ?? b.spec);
    b.metadata.generation = (b.metadata.generation ?? 1) + 1;
  });
}
