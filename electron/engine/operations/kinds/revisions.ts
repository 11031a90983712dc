import type { Revision } from '../../../../shared/api/operations.js';
import type { ClusterCalls } from '../../providers/kubernetes/cluster-calls.js';
import type { List, PodTemplate, ReplicaSet, Workload } from '../kube-objects.js';
import { imagesOf } from '../kube-objects.js';
import { enc } from '../operation.js';
import { canonicalJson } from '../../store/audit-chain.js';
import type { Target } from '../target.js';

/**
 * A Deployment's revisions are its ReplicaSets: each carries the revision number in the
 * deployment.kubernetes.io/revision annotation and the pod template it ran
 * (https://kubernetes.io/docs/concepts/workloads/controllers/deployment/#checking-rollout-history-of-a-deployment).
 */
export const revisionAnnotation = 'deployment.kubernetes.io/revision';
export const changeCauseAnnotation = 'kubernetes.io/change-cause';

export interface RevisionSet {
  revision: number;
  replicaSet: ReplicaSet;
}

export async function revisionsOf(calls: ClusterCalls, target: Target, deployment: Workload): Promise<RevisionSet[]> {
  const list = await calls.get<List<ReplicaSet>>(`/apis/apps/v1/namespaces/${enc(target.namespace ?? '')}/replicasets`);
  const uid = deployment.metadata.uid;
  return (list.items ?? [])
    .filter((rs) => rs.metadata.ownerReferences?.some((ref) => ref.kind === 'Deployment' && (uid ? ref.uid === uid : ref.name === deployment.metadata.name)))
    .map((rs) => ({ revision: Number(rs.metadata.annotations?.[revisionAnnotation] ?? NaN), replicaSet: rs }))
    .filter((r) => Number.isInteger(r.revision))
    .sort((a, b) => b.revision - a.revision);
}

export function currentRevision(deployment: Workload): number | null {
  const value = Number(deployment.metadata.annotations?.[revisionAnnotation] ?? NaN);
  return Number.isInteger(value) ? value : null;
}

/**
 * The current revision is the one whose template the Deployment asks for now. Compared by
 * template, not by the Deployment's revision annotation, which the controller updates only
 * after it has created the new ReplicaSet: right after `kubectl set image` the annotation
 * still names the old revision.
 */
export function describeRevisions(deployment: Workload, sets: readonly RevisionSet[]): Revision[] {
  const wanted = canonicalJson(withoutHash(deployment.spec?.template));
  const current = sets.find((s) => canonicalJson(templateOfRevision(s.replicaSet)) === wanted)?.revision ?? null;
  return sets.map(({ revision, replicaSet }) => {
    const created = replicaSet.metadata.creationTimestamp ? Date.parse(replicaSet.metadata.creationTimestamp) : NaN;
    return {
      revision,
      images: imagesOf(replicaSet.spec?.template),
      changeCause: replicaSet.metadata.annotations?.[changeCauseAnnotation] ?? null,
      createdAt: Number.isFinite(created) ? created : null,
      current: revision === current,
      replicaSet: replicaSet.metadata.name,
    };
  });
}

/** The ReplicaSet's template without the pod-template-hash label the controller added to it. */
export function templateOfRevision(rs: ReplicaSet): PodTemplate {
  return withoutHash(rs.spec?.template);
}

export function withoutHash(template: PodTemplate | undefined): PodTemplate {
  const copy = structuredClone(template ?? {}) as PodTemplate;
  if (copy.metadata?.labels) delete copy.metadata.labels['pod-template-hash'];
  return copy;
}

export function sameTemplate(a: PodTemplate | undefined, b: PodTemplate | undefined): boolean {
  return canonicalJson(withoutHash(a)) === canonicalJson(withoutHash(b));
}
