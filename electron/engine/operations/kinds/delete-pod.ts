import type { Pod } from '../kube-objects.js';
import { controllerOf } from '../kube-objects.js';
import { withRetry } from '../../providers/kubernetes/cluster-calls.js';
import { KubeApiError } from '../../providers/kubernetes/api-error.js';
import { pdbRisks } from '../risks.js';
import type { OperationModule } from '../operation.js';
import { enc, readLive, watchUntil } from '../operation.js';
import { describeTarget } from '../target.js';
import type { Target } from '../target.js';
import { disruptionBudgets, lastReplicaRisks } from './pods.js';
import type { List } from '../kube-objects.js';

interface DeleteAction {
  uid: string | null;
}

function podPath(target: Target): string {
  return `/api/v1/namespaces/${enc(target.namespace ?? '')}/pods/${enc(target.name)}`;
}

/**
 * Delete one pod. The delete carries a UID precondition, so a retry, or a plan executed after
 * a StatefulSet recreated the pod under the same name, never deletes the replacement
 * (https://kubernetes.io/docs/reference/kubernetes-api/common-definitions/delete-options/).
 */
export const deletePod: OperationModule<'delete-pod', DeleteAction> = {
  kind: 'delete-pod',
  targets: ['Pod'],
  permissions: (target) => [
    { verb: 'get', group: '', resource: 'pods', namespace: target.namespace, name: target.name },
    { verb: 'delete', group: '', resource: 'pods', namespace: target.namespace, name: target.name },
  ],
  async plan(calls, target) {
    const what = describeTarget(target);
    const pod = await readLive<Pod>(calls, podPath(target), what);
    const uid = pod.metadata.uid ?? null;
    await calls.delete(podPath(target), { dryRun: true }, uid ? { preconditions: { uid } } : undefined);
    const owner = controllerOf(pod.metadata);
    const risks = [];
    if (!owner) risks.push({ code: 'unmanaged-pod' as const, severity: 'danger' as const, message: `${what} has no controller: nothing recreates it.` });
    const siblings = (await calls.get<List<Pod>>(`/api/v1/namespaces/${enc(target.namespace ?? '')}/pods`)).items ?? [];
    if (owner) risks.push(...lastReplicaRisks([pod], siblings));
    const pdbs = await disruptionBudgets(calls, target.namespace ?? undefined);
    if (pdbs) risks.push(...pdbRisks(pdbs, [pod], 'delete'));
    return {
      summary: owner ? `Delete ${what}; ${owner.kind} ${owner.name} starts a replacement.` : `Delete ${what} for good.`,
      changes: [{ field: `pod ${target.namespace}/${target.name}`, before: `${pod.status?.phase ?? 'present'}${pod.spec?.nodeName ? ` on ${pod.spec.nodeName}` : ''}`, after: 'deleted' }],
      risks,
      action: { uid },
      fingerprint: `uid=${uid}`,
      verb: `delete ${target.name}`,
    };
  },
  async fingerprint(calls, target) {
    return `uid=${(await readLive<Pod>(calls, podPath(target), describeTarget(target))).metadata.uid ?? null}`;
  },
  async execute(run, { uid }) {
    try {
      await withRetry(() => run.calls.delete(podPath(run.target), {}, uid ? { preconditions: { uid } } : undefined));
    } catch (error) {
      // Gone already, or replaced (UID precondition failed): the pod we planned to delete is gone.
      if (!(error instanceof KubeApiError && (error.status === 404 || error.status === 409))) throw error;
    }
    run.report('Pod deletion requested.');
  },
  verify(run, { uid }) {
    return watchUntil(run, async () => {
      const pod = await run.calls.find<Pod>(podPath(run.target));
      if (!pod) return { done: true, message: 'The pod is gone.' };
      if (uid && pod.metadata.uid !== uid) return { done: true, message: 'The pod was deleted and its controller started a replacement with the same name.' };
      return { done: false, message: pod.metadata.deletionTimestamp ? 'The pod is terminating…' : 'Waiting for the pod to terminate…' };
    });
  },
};
