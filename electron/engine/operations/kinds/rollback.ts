import { ApiError } from '../../../../shared/api/errors.js';
import type { Workload } from '../kube-objects.js';
import { imagesOf } from '../kube-objects.js';
import { withRetry } from '../../providers/kubernetes/cluster-calls.js';
import { objectDiff } from '../diff.js';
import { rolloutRisks } from '../risks.js';
import { deploymentRolloutStatus } from '../rollout-status.js';
import type { OperationModule } from '../operation.js';
import { readLive, watchUntil, workloadPath } from '../operation.js';
import { describeTarget } from '../target.js';
import { currentRevision, revisionsOf, sameTemplate, templateOfRevision } from './revisions.js';

interface RollbackAction {
  /** JSON patch, fixed at plan time. */
  patch: unknown[];
  revision: number;
  images: string[];
}

/**
 * Annotations kubectl keeps from the Deployment rather than copying from the old ReplicaSet
 * (kubectl/pkg/polymorphichelpers/rollback.go, annotationsToSkip).
 */
const annotationsToSkip = new Set([
  'kubectl.kubernetes.io/last-applied-configuration',
  'deployment.kubernetes.io/revision',
  'deployment.kubernetes.io/revision-history',
  'deployment.kubernetes.io/desired-replicas',
  'deployment.kubernetes.io/max-replicas',
  'deprecated.deployment.rollback.to',
]);

/**
 * Roll back exactly as `kubectl rollout undo --to-revision` does: replace the Deployment's pod
 * template with the chosen revision's and copy its change-cause, as one JSON patch. The
 * controller then reuses that revision's ReplicaSet and gives it the next revision number
 * (https://kubernetes.io/docs/concepts/workloads/controllers/deployment/#rolling-back-to-a-previous-revision).
 */
export const rollback: OperationModule<'rollback', RollbackAction> = {
  kind: 'rollback',
  targets: ['Deployment'],
  permissions: (target) => [
    { verb: 'get', group: 'apps', resource: 'deployments', namespace: target.namespace, name: target.name },
    { verb: 'list', group: 'apps', resource: 'replicasets', namespace: target.namespace },
    { verb: 'patch', group: 'apps', resource: 'deployments', namespace: target.namespace, name: target.name },
  ],
  async plan(calls, target, { revision }) {
    const what = describeTarget(target);
    const live = await readLive<Workload>(calls, workloadPath(target), what);
    if (live.spec?.paused) {
      // kubectl refuses too: a paused Deployment would not act on the new template.
      throw new ApiError('conflict', `${what} is paused; resume it before rolling back.`);
    }
    const sets = await revisionsOf(calls, target, live);
    const chosen = sets.find((s) => s.revision === revision);
    if (!chosen) {
      const known = sets.map((s) => s.revision).join(', ') || 'none';
      throw new ApiError('bad_request', `${what} has no revision ${revision} (revisions kept: ${known}).`, 'params.revision');
    }
    const template = templateOfRevision(chosen.replicaSet);
    const annotations: Record<string, string> = {};
    for (const [key, value] of Object.entries(live.metadata.annotations ?? {})) if (annotationsToSkip.has(key)) annotations[key] = value;
    for (const [key, value] of Object.entries(chosen.replicaSet.metadata.annotations ?? {})) if (!annotationsToSkip.has(key)) annotations[key] = value;
    const patch = [
      { op: 'replace', path: '/spec/template', value: template },
      { op: 'replace', path: '/metadata/annotations', value: annotations },
    ];
    const dry = await calls.patch<Workload>(workloadPath(target), 'json', patch, { dryRun: true });
    const changes = objectDiff(live, dry, ['spec.template', 'metadata.annotations']);
    const current = currentRevision(live);
    const risks = rolloutRisks(what, deploymentRolloutStatus(live));
    if (sameTemplate(live.spec?.template, template)) {
      risks.push({ code: 'no-change', severity: 'info', message: `${what} already runs the template of revision ${revision}; nothing will change.` });
    }
    const images = imagesOf(template);
    return {
      summary: `Roll ${what} back from revision ${current ?? '?'} (${imagesOf(live.spec?.template).join(', ')}) to revision ${revision} (${images.join(', ')}).`,
      changes,
      risks,
      action: { patch, revision, images },
      fingerprint: `generation=${live.metadata.generation ?? 0}`,
      verb: `roll ${target.name} back to revision ${revision}`,
    };
  },
  async fingerprint(calls, target) {
    const live = await readLive<Workload>(calls, workloadPath(target), describeTarget(target));
    return `generation=${live.metadata.generation ?? 0}`;
  },
  async execute(run, { patch, revision }) {
    await withRetry(() => run.calls.patch(workloadPath(run.target), 'json', patch));
    run.report(`Pod template set to revision ${revision}'s.`);
  },
  verify(run, { images }) {
    return watchUntil(run, async () => {
      const live = await readLive<Workload>(run.calls, workloadPath(run.target), describeTarget(run.target));
      const status = deploymentRolloutStatus(live);
      const running = imagesOf(live.spec?.template).join(',') === images.join(',');
      return {
        done: status.done && running,
        failed: status.stuck,
        message: status.message,
        fraction: status.desired === 0 ? null : status.ready / status.desired,
      };
    });
  },
};
