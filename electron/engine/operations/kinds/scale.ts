import type { Hpa, List, Workload } from '../kube-objects.js';
import type { ClusterCalls } from '../../providers/kubernetes/cluster-calls.js';
import { withRetry } from '../../providers/kubernetes/cluster-calls.js';
import { hpaRisks, replicaRisks, rolloutRisks } from '../risks.js';
import { deploymentRolloutStatus } from '../rollout-status.js';
import type { OperationModule } from '../operation.js';
import { enc, readLive, watchUntil, workloadPath, workloadResource } from '../operation.js';
import { describeTarget } from '../target.js';
import type { Target } from '../target.js';

interface ScaleAction {
  replicas: number;
}

/**
 * Scale through the scale subresource, as `kubectl scale` does, so only replicas change and an
 * RBAC role can grant scaling without granting edits to the pod template
 * (https://kubernetes.io/docs/reference/kubernetes-api/workload-resources/deployment-v1/#update-replace-scale-of-the-specified-deployment).
 */
export const scale: OperationModule<'scale', ScaleAction> = {
  kind: 'scale',
  targets: ['Deployment', 'StatefulSet'],
  permissions: (target) => [
    { verb: 'get', group: 'apps', resource: workloadResource(target), namespace: target.namespace, name: target.name },
    { verb: 'patch', group: 'apps', resource: workloadResource(target), subresource: 'scale', namespace: target.namespace, name: target.name },
  ],
  async plan(calls, target, { replicas }) {
    const what = describeTarget(target);
    const live = await readLive<Workload>(calls, workloadPath(target), what);
    const current = live.spec?.replicas ?? 1;
    const dry = await calls.patch<{ spec?: { replicas?: number } }>(`${workloadPath(target)}/scale`, 'merge', { spec: { replicas } }, { dryRun: true });
    const after = dry.spec?.replicas ?? replicas;
    const risks = [
      ...replicaRisks(what, current, after),
      ...hpaRisks(await autoscalersIn(calls, target), target.kind, target.name, after),
      ...(target.kind === 'Deployment' ? rolloutRisks(what, deploymentRolloutStatus(live)) : []),
    ];
    if (current === after) risks.push({ code: 'no-change', severity: 'info', message: `${what} already has ${current} replicas; nothing will change.` });
    return {
      summary: `Scale ${what} from ${current} to ${after} replica${after === 1 ? '' : 's'}.`,
      changes: [{ field: 'spec.replicas', before: String(current), after: String(after) }],
      risks,
      action: { replicas: after },
      fingerprint: `replicas=${current}`,
      verb: `scale ${target.name} to ${after}`,
    };
  },
  async fingerprint(calls, target) {
    const live = await readLive<Workload>(calls, workloadPath(target), describeTarget(target));
    return `replicas=${live.spec?.replicas ?? 1}`;
  },
  async execute(run, { replicas }) {
    await withRetry(() => run.calls.patch(`${workloadPath(run.target)}/scale`, 'merge', { spec: { replicas } }));
    run.report(`Asked for ${replicas} replica${replicas === 1 ? '' : 's'}.`);
  },
  verify(run, { replicas }) {
    return watchUntil(run, async () => {
      const live = await readLive<Workload>(run.calls, workloadPath(run.target), describeTarget(run.target));
      const status = live.status ?? {};
      const observed = (status.observedGeneration ?? 0) >= (live.metadata.generation ?? 0);
      const ready = run.target.kind === 'StatefulSet' ? (status.readyReplicas ?? 0) : (status.availableReplicas ?? 0);
      const total = status.replicas ?? 0;
      const done = observed && ready === replicas && total === replicas;
      const message =
        total > replicas
          ? `${total - replicas} replica${total - replicas === 1 ? '' : 's'} terminating; ${Math.min(ready, replicas)} of ${replicas} ready`
          : `${ready} of ${replicas} replica${replicas === 1 ? '' : 's'} ready`;
      return { done, message: done ? `${replicas} of ${replicas} replica${replicas === 1 ? '' : 's'} ready.` : message, fraction: replicas === 0 ? (done ? 1 : 0) : Math.min(ready / replicas, 1) };
    });
  },
};

/** HPAs in the target's namespace; one we may not list is a risk we cannot see, not a failure. */
export async function autoscalersIn(calls: ClusterCalls, target: Target): Promise<Hpa[]> {
  try {
    const list = await calls.get<List<Hpa>>(`/apis/autoscaling/v2/namespaces/${enc(target.namespace ?? '')}/horizontalpodautoscalers`);
    return list.items ?? [];
  } catch {
    return [];
  }
}
