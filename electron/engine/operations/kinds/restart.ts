import { ApiError } from '../../../../shared/api/errors.js';
import type { Workload } from '../kube-objects.js';
import { withRetry } from '../../providers/kubernetes/cluster-calls.js';
import { objectDiff } from '../diff.js';
import { rolloutRisks } from '../risks.js';
import { deploymentRolloutStatus, statefulSetRolloutStatus } from '../rollout-status.js';
import type { OperationModule } from '../operation.js';
import { readLive, watchUntil, workloadPath, workloadResource } from '../operation.js';
import { describeTarget } from '../target.js';

/** The annotation `kubectl rollout restart` sets (kubectl/pkg/polymorphichelpers/objectrestarter.go). */
export const restartedAtAnnotation = 'kubectl.kubernetes.io/restartedAt';

interface RestartAction {
  restartedAt: string;
}

function restartPatch(restartedAt: string) {
  return { spec: { template: { metadata: { annotations: { [restartedAtAnnotation]: restartedAt } } } } };
}

/**
 * Rollout restart: stamp the pod template with the time, so the controller rolls every pod
 * through the normal rolling update. The timestamp is fixed when planning, so executing the
 * same plan again writes the same template and starts no second rollout.
 */
export const restart: OperationModule<'restart', RestartAction> = {
  kind: 'restart',
  targets: ['Deployment', 'StatefulSet'],
  permissions: (target) => [
    { verb: 'get', group: 'apps', resource: workloadResource(target), namespace: target.namespace, name: target.name },
    { verb: 'patch', group: 'apps', resource: workloadResource(target), namespace: target.namespace, name: target.name },
  ],
  async plan(calls, target) {
    const what = describeTarget(target);
    const live = await readLive<Workload>(calls, workloadPath(target), what);
    if (live.spec?.paused) throw new ApiError('conflict', `${what} is paused; resume it before restarting (kubectl refuses too).`);
    const restartedAt = new Date().toISOString().replace(/\.\d{3}Z$/, 'Z'); // RFC 3339, as kubectl writes it
    const dry = await calls.patch<Workload>(workloadPath(target), 'strategic', restartPatch(restartedAt), { dryRun: true });
    const status = target.kind === 'StatefulSet' ? statefulSetRolloutStatus(live) : deploymentRolloutStatus(live);
    const replicas = live.spec?.replicas ?? 1;
    return {
      summary: `Restart every pod of ${what} (${replicas} replica${replicas === 1 ? '' : 's'}) through a rolling update.`,
      changes: objectDiff(live, dry, ['spec.template.metadata.annotations']),
      risks: rolloutRisks(what, status),
      action: { restartedAt },
      fingerprint: `generation=${live.metadata.generation ?? 0}`,
      verb: `restart ${target.name}`,
    };
  },
  async fingerprint(calls, target) {
    const live = await readLive<Workload>(calls, workloadPath(target), describeTarget(target));
    return `generation=${live.metadata.generation ?? 0}`;
  },
  async execute(run, { restartedAt }) {
    await withRetry(() => run.calls.patch(workloadPath(run.target), 'strategic', restartPatch(restartedAt)));
    run.report(`Pod template stamped ${restartedAtAnnotation}=${restartedAt}.`);
  },
  verify(run, { restartedAt }) {
    return watchUntil(run, async () => {
      const live = await readLive<Workload>(run.calls, workloadPath(run.target), describeTarget(run.target));
      const status = run.target.kind === 'StatefulSet' ? statefulSetRolloutStatus(live) : deploymentRolloutStatus(live);
      const stamped = live.spec?.template?.metadata?.annotations?.[restartedAtAnnotation] === restartedAt;
      return { done: status.done && stamped, failed: status.stuck, message: status.message, fraction: status.desired ? status.ready / status.desired : null };
    });
  },
};
