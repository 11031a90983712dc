import type { Hpa } from '../kube-objects.js';
import { withRetry } from '../../providers/kubernetes/cluster-calls.js';
import type { OperationModule } from '../operation.js';
import { enc, readLive, watchUntil } from '../operation.js';
import { describeTarget } from '../target.js';
import type { Target } from '../target.js';

interface RangeAction {
  minReplicas: number;
  maxReplicas: number;
}

function hpaPath(target: Target): string {
  return `/apis/autoscaling/v2/namespaces/${enc(target.namespace ?? '')}/horizontalpodautoscalers/${enc(target.name)}`;
}

/**
 * Changing an HPA's range is how to scale an autoscaled workload for good: the controller
 * keeps replicas within [minReplicas, maxReplicas]
 * (https://kubernetes.io/docs/tasks/run-application/horizontal-pod-autoscale/#algorithm-details).
 */
export const hpaRange: OperationModule<'hpa-range', RangeAction> = {
  kind: 'hpa-range',
  targets: ['HorizontalPodAutoscaler'],
  permissions: (target) => [
    { verb: 'get', group: 'autoscaling', resource: 'horizontalpodautoscalers', namespace: target.namespace, name: target.name },
    { verb: 'patch', group: 'autoscaling', resource: 'horizontalpodautoscalers', namespace: target.namespace, name: target.name },
  ],
  async plan(calls, target, { minReplicas, maxReplicas }) {
    const what = describeTarget(target);
    const live = await readLive<Hpa>(calls, hpaPath(target), what);
    const dry = await calls.patch<Hpa>(hpaPath(target), 'merge', { spec: { minReplicas, maxReplicas } }, { dryRun: true });
    const beforeMin = live.spec?.minReplicas ?? 1;
    const beforeMax = live.spec?.maxReplicas ?? beforeMin;
    const current = live.status?.currentReplicas;
    const ref = live.spec?.scaleTargetRef;
    const risks = [];
    if (current !== undefined && (current < minReplicas || current > maxReplicas)) {
      const next = Math.min(Math.max(current, minReplicas), maxReplicas);
      const severity = next === 1 && current > 1 ? ('warning' as const) : ('info' as const);
      risks.push({ code: next < current ? ('last-replica' as const) : ('hpa-override' as const), severity, message: `${ref?.kind ?? 'The workload'} ${ref?.name ?? ''} runs ${current} replicas; the autoscaler will move it to ${next}.` });
    }
    if (beforeMin === minReplicas && beforeMax === maxReplicas) risks.push({ code: 'no-change' as const, severity: 'info' as const, message: `${what} already ranges ${minReplicas}–${maxReplicas}.` });
    return {
      summary: `Change ${what} (scaling ${ref?.kind ?? '?'} ${ref?.name ?? '?'}) from ${beforeMin}–${beforeMax} to ${minReplicas}–${maxReplicas} replicas.`,
      changes: [
        { field: 'spec.minReplicas', before: String(beforeMin), after: String(dry.spec?.minReplicas ?? minReplicas) },
        { field: 'spec.maxReplicas', before: String(beforeMax), after: String(dry.spec?.maxReplicas ?? maxReplicas) },
      ].filter((line) => line.before !== line.after),
      risks,
      action: { minReplicas, maxReplicas },
      fingerprint: `range=${beforeMin}-${beforeMax}`,
      verb: `set ${target.name} to ${minReplicas}–${maxReplicas}`,
    };
  },
  async fingerprint(calls, target) {
    const live = await readLive<Hpa>(calls, hpaPath(target), describeTarget(target));
    return `range=${live.spec?.minReplicas ?? 1}-${live.spec?.maxReplicas ?? live.spec?.minReplicas ?? 1}`;
  },
  async execute(run, action) {
    await withRetry(() => run.calls.patch(hpaPath(run.target), 'merge', { spec: action }));
    run.report(`Range set to ${action.minReplicas}–${action.maxReplicas}.`);
  },
  verify(run, { minReplicas, maxReplicas }) {
    return watchUntil(run, async () => {
      const live = await readLive<Hpa>(run.calls, hpaPath(run.target), describeTarget(run.target));
      const observed = live.status?.observedGeneration === undefined || live.status.observedGeneration >= (live.metadata.generation ?? 0);
      const current = live.status?.currentReplicas;
      const inRange = current === undefined || (current >= minReplicas && current <= maxReplicas);
      const done = observed && inRange;
      return {
        done,
        message: done
          ? `The autoscaler keeps ${live.spec?.scaleTargetRef?.name ?? 'its target'} within ${minReplicas}–${maxReplicas}${current === undefined ? '' : ` (now ${current})`}.`
          : `Waiting for the autoscaler to bring ${current ?? '?'} replicas within ${minReplicas}–${maxReplicas}…`,
      };
    });
  },
};
