import type { Workload } from '../kube-objects.js';
import { withRetry } from '../../providers/kubernetes/cluster-calls.js';
import type { OperationModule } from '../operation.js';
import { readLive, watchUntil, workloadPath } from '../operation.js';
import { describeTarget } from '../target.js';

interface PauseAction {
  paused: boolean;
}

/**
 * Pause and resume set spec.paused, as `kubectl rollout pause|resume` do: a paused Deployment
 * keeps its pods but acts on no template change until resumed
 * (https://kubernetes.io/docs/concepts/workloads/controllers/deployment/#pausing-and-resuming-a-deployment).
 */
function pauseModule<K extends 'pause' | 'resume'>(kind: K, paused: boolean): OperationModule<K, PauseAction> {
  return {
    kind,
    targets: ['Deployment'],
    permissions: (target) => [
      { verb: 'get', group: 'apps', resource: 'deployments', namespace: target.namespace, name: target.name },
      { verb: 'patch', group: 'apps', resource: 'deployments', namespace: target.namespace, name: target.name },
    ],
    async plan(calls, target) {
      const what = describeTarget(target);
      const live = await readLive<Workload>(calls, workloadPath(target), what);
      const before = live.spec?.paused === true;
      const dry = await calls.patch<Workload>(workloadPath(target), 'merge', { spec: { paused } }, { dryRun: true });
      const after = dry.spec?.paused === true;
      const risks =
        before === paused
          ? [{ code: 'no-change' as const, severity: 'info' as const, message: `${what} is already ${paused ? 'paused' : 'running its rollouts'}; nothing will change.` }]
          : paused
            ? [{ code: 'rollout-paused' as const, severity: 'info' as const, message: `While paused, template changes to ${what} (including rollbacks and restarts) wait until it is resumed.` }]
            : [];
      return {
        summary: paused ? `Pause rollouts of ${what}.` : `Resume rollouts of ${what}; any template change made while paused rolls out now.`,
        changes: [{ field: 'spec.paused', before: String(before), after: String(after) }],
        risks,
        action: { paused },
        fingerprint: `paused=${before}`,
        verb: `${kind} ${target.name}`,
      };
    },
    async fingerprint(calls, target) {
      const live = await readLive<Workload>(calls, workloadPath(target), describeTarget(target));
      return `paused=${live.spec?.paused === true}`;
    },
    async execute(run, action) {
      await withRetry(() => run.calls.patch(workloadPath(run.target), 'merge', { spec: { paused: action.paused } }));
      run.report(action.paused ? 'Rollouts paused.' : 'Rollouts resumed.');
    },
    verify(run, action) {
      return watchUntil(run, async () => {
        const live = await readLive<Workload>(run.calls, workloadPath(run.target), describeTarget(run.target));
        const observed = (live.status?.observedGeneration ?? 0) >= (live.metadata.generation ?? 0);
        const done = observed && (live.spec?.paused === true) === action.paused;
        return { done, message: done ? `The controller sees the Deployment ${action.paused ? 'paused' : 'resumed'}.` : 'Waiting for the controller to observe the change…' };
      });
    },
  };
}

export const pause = pauseModule('pause', true);
export const resume = pauseModule('resume', false);
