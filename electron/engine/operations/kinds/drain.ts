import type { NodeObject, Pod } from '../kube-objects.js';
import { controllerOf } from '../kube-objects.js';
import type { ClusterCalls } from '../../providers/kubernetes/cluster-calls.js';
import { withRetry } from '../../providers/kubernetes/cluster-calls.js';
import { KubeApiError } from '../../providers/kubernetes/api-error.js';
import { requirePermissions } from '../permission.js';
import { pdbRisks } from '../risks.js';
import type { OperationModule, RunContext } from '../operation.js';
import { DeadlinePassed, enc, readLive } from '../operation.js';
import { nodePath, setUnschedulable } from './cordon.js';
import { allPods, disruptionBudgets, drainSkips, lastReplicaRisks, podKey } from './pods.js';

interface DrainAction {
  gracePeriodSeconds?: number;
}

const defaultTimeoutMs = 5 * 60_000;

function podsToEvict(pods: readonly Pod[], node: string): Pod[] {
  return pods.filter((pod) => pod.spec?.nodeName === node && drainSkips(pod) === null);
}

/**
 * Drain as `kubectl drain --ignore-daemonsets` does: cordon, then evict every pod through the
 * Eviction API, which honours PodDisruptionBudgets by answering 429 while an eviction would
 * break one; those are retried until the budget allows it or the deadline passes
 * (https://kubernetes.io/docs/concepts/scheduling-eviction/api-eviction/,
 * https://kubernetes.io/docs/tasks/administer-cluster/safely-drain-node/).
 */
export const drain: OperationModule<'drain', DrainAction> = {
  kind: 'drain',
  targets: ['Node'],
  permissions: (target) => [
    { verb: 'get', group: '', resource: 'nodes', name: target.name },
    { verb: 'patch', group: '', resource: 'nodes', name: target.name },
    { verb: 'list', group: '', resource: 'pods' },
  ],
  timeoutMs: (params) => (params.timeoutSeconds === undefined ? defaultTimeoutMs : params.timeoutSeconds * 1000),
  async plan(calls, target, params) {
    const node = await readLive<NodeObject>(calls, nodePath(target.name), `Node ${target.name}`);
    const everyPod = await allPods(calls);
    const onNode = everyPod.filter((pod) => pod.spec?.nodeName === target.name);
    const leaving = podsToEvict(everyPod, target.name);
    const namespaces = [...new Set(leaving.map((pod) => pod.metadata.namespace ?? ''))].sort();
    await requirePermissions(
      calls,
      namespaces.map((namespace) => ({ verb: 'create', group: '', resource: 'pods', subresource: 'eviction', namespace })),
    );
    const dry = await calls.patch<NodeObject>(nodePath(target.name), 'strategic', { spec: { unschedulable: true } }, { dryRun: true });
    const pdbs = await disruptionBudgets(calls);
    const risks = [...(pdbs ? pdbRisks(pdbs, leaving, 'evict') : []), ...lastReplicaRisks(leaving, everyPod)];
    if (pdbs === null) risks.push({ code: 'pdb-violation', severity: 'info', message: 'PodDisruptionBudgets could not be read; the API still enforces them during the drain.' });
    const unmanaged = leaving.filter((pod) => !controllerOf(pod.metadata));
    if (unmanaged.length) {
      risks.push({
        code: 'unmanaged-pod',
        severity: 'danger',
        message: `${unmanaged.map(podKey).join(', ')} ${unmanaged.length === 1 ? 'has' : 'have'} no controller: once evicted, nothing recreates ${unmanaged.length === 1 ? 'it' : 'them'}.`,
      });
    }
    const skipped = onNode.length - leaving.length;
    return {
      summary: `Drain node ${target.name}: cordon it and evict ${leaving.length} pod${leaving.length === 1 ? '' : 's'}${skipped ? ` (${skipped} DaemonSet or static pod${skipped === 1 ? '' : 's'} stay)` : ''}.`,
      changes: [
        { field: 'spec.unschedulable', before: String(node.spec?.unschedulable === true), after: String(dry.spec?.unschedulable === true) },
        ...leaving.map((pod) => ({ field: `pod ${podKey(pod)}`, before: `on ${target.name}`, after: 'evicted' })),
      ],
      risks,
      action: params.gracePeriodSeconds === undefined ? {} : { gracePeriodSeconds: params.gracePeriodSeconds },
      fingerprint: `node=${node.metadata.uid ?? target.name}`,
      verb: `drain ${target.name}`,
    };
  },
  async fingerprint(calls, target) {
    const node = await readLive<NodeObject>(calls, nodePath(target.name), `Node ${target.name}`);
    return `node=${node.metadata.uid ?? target.name}`;
  },
  async execute(run, action) {
    await setUnschedulable(run.calls, run.target.name, true);
    run.report(`Node ${run.target.name} cordoned.`, 0);
    await evictAll(run, action);
  },
  async verify(run) {
    const node = await readLive<NodeObject>(run.calls, nodePath(run.target.name), `Node ${run.target.name}`);
    const left = podsToEvict(await allPods(run.calls), run.target.name);
    if (node.spec?.unschedulable !== true) return { state: 'failed', message: `Node ${run.target.name} is schedulable again: someone uncordoned it during the drain.` };
    if (left.length) return { state: 'failed', message: `${left.length} pod${left.length === 1 ? '' : 's'} came back onto the node: ${left.map(podKey).join(', ')}.` };
    return { state: 'succeeded', message: `Node ${run.target.name} is drained: cordoned, and no pods but DaemonSet and static pods remain.` };
  },
};

/** Evicts until no evictable pod is left on the node; 429s wait for their budget. */
async function evictAll(run: RunContext, action: DrainAction): Promise<void> {
  const evicted = new Set<string>();
  let total = 0;
  let lastMessage = '';
  for (;;) {
    const remaining = podsToEvict(await allPods(run.calls), run.target.name);
    total = Math.max(total, evicted.size + remaining.filter((pod) => !evicted.has(podKey(pod))).length);
    if (remaining.length === 0) {
      run.report(`Evicted ${evicted.size} pod${evicted.size === 1 ? '' : 's'}; none left on the node.`, 1);
      return;
    }
    const blocked: string[] = [];
    for (const pod of remaining) {
      if (evicted.has(podKey(pod)) || pod.metadata.deletionTimestamp) continue; // terminating: wait for it to go
      const outcome = await evict(run.calls, pod, action);
      if (outcome === 'evicted' || outcome === 'gone') evicted.add(podKey(pod));
      else blocked.push(`${podKey(pod)} (${outcome.reason})`);
    }
    const terminating = remaining.filter((pod) => evicted.has(podKey(pod)) || pod.metadata.deletionTimestamp).length;
    const message =
      `Evicted ${evicted.size} of ${total} pods` +
      (terminating ? `; ${terminating} terminating` : '') +
      (blocked.length ? `; waiting on disruption budgets for ${blocked.join(', ')}` : '');
    if (message !== lastMessage) {
      run.report(message, total ? evicted.size / total : null);
      lastMessage = message;
    }
    if (run.now() >= run.deadline) {
      throw new DeadlinePassed(`The drain did not finish by its deadline. ${message}. The node stays cordoned.`);
    }
    if (run.closing()) throw new Error(`Daytwo closed during the drain. ${message}. The node stays cordoned.`);
    await run.sleep(run.pollMs);
  }
}

type EvictionOutcome = 'evicted' | 'gone' | { reason: string };

async function evict(calls: ClusterCalls, pod: Pod, action: DrainAction): Promise<EvictionOutcome> {
  const namespace = pod.metadata.namespace ?? '';
  const body = {
    apiVersion: 'policy/v1',
    kind: 'Eviction',
    metadata: { name: pod.metadata.name, namespace },
    ...(action.gracePeriodSeconds === undefined ? {} : { deleteOptions: { gracePeriodSeconds: action.gracePeriodSeconds } }),
  };
  try {
    await withRetry(() => calls.post(`/api/v1/namespaces/${enc(namespace)}/pods/${enc(pod.metadata.name)}/eviction`, body));
    return 'evicted';
  } catch (error) {
    if (error instanceof KubeApiError) {
      // 404: already gone (an earlier attempt whose answer was lost, or its controller removed it).
      if (error.status === 404) return 'gone';
      // 429: a PodDisruptionBudget forbids it now; retry later, as kubectl does.
      if (error.status === 429) return { reason: error.message || 'disruption budget' };
    }
    throw error;
  }
}
