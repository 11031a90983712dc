import type { Workload } from './kube-objects.js';

export interface RolloutStatus {
  done: boolean;
  /** kubectl's words for where the rollout is. */
  message: string;
  /** Replicas already on the new template and available, out of the desired count. */
  ready: number;
  desired: number;
  /** The rollout will not progress on its own (deadline exceeded, or paused). */
  stuck: boolean;
}

/**
 * Whether a Deployment's rollout has finished, judged exactly as `kubectl rollout status`
 * does (kubectl/pkg/polymorphichelpers/rollout_status.go, DeploymentStatusViewer): the
 * controller has observed the latest generation, every replica is updated, no old replica is
 * left, and every updated replica is available. See
 * https://kubernetes.io/docs/concepts/workloads/controllers/deployment/#deployment-status.
 */
export function deploymentRolloutStatus(deployment: Workload): RolloutStatus {
  const desired = deployment.spec?.replicas ?? 1;
  const status = deployment.status ?? {};
  const updated = status.updatedReplicas ?? 0;
  const total = status.replicas ?? 0;
  const available = status.availableReplicas ?? 0;
  const name = deployment.metadata.name;
  const base = { desired, ready: Math.min(updated, available) };
  if ((deployment.metadata.generation ?? 0) > (status.observedGeneration ?? 0)) {
    return { ...base, done: false, stuck: false, message: `Waiting for deployment "${name}" spec update to be observed...` };
  }
  const progressing = status.conditions?.find((c) => c.type === 'Progressing');
  if (progressing?.reason === 'ProgressDeadlineExceeded') {
    return { ...base, done: false, stuck: true, message: `deployment "${name}" exceeded its progress deadline` };
  }
  if (deployment.spec?.paused) {
    return { ...base, done: false, stuck: true, message: `deployment "${name}" is paused` };
  }
  if (updated < desired) {
    return { ...base, done: false, stuck: false, message: `Waiting for deployment "${name}" rollout to finish: ${updated} out of ${desired} new replicas have been updated...` };
  }
  if (total > updated) {
    return { ...base, done: false, stuck: false, message: `Waiting for deployment "${name}" rollout to finish: ${total - updated} old replicas are pending termination...` };
  }
  if (available < updated) {
    return { ...base, done: false, stuck: false, message: `Waiting for deployment "${name}" rollout to finish: ${available} of ${updated} updated replicas are available...` };
  }
  return { ...base, done: true, stuck: false, message: `deployment "${name}" successfully rolled out` };
}

/**
 * The StatefulSet equivalent (StatefulSetStatusViewer in the same kubectl file), for the
 * RollingUpdate strategy: all replicas ready and on the update revision.
 */
export function statefulSetRolloutStatus(set: Workload): RolloutStatus {
  const desired = set.spec?.replicas ?? 1;
  const status = set.status ?? {};
  const ready = status.readyReplicas ?? 0;
  const updated = status.updatedReplicas ?? 0;
  const name = set.metadata.name;
  const base = { desired, ready: Math.min(ready, updated || ready), stuck: false };
  if ((set.metadata.generation ?? 0) > (status.observedGeneration ?? 0)) {
    return { ...base, done: false, message: `Waiting for statefulset "${name}" spec update to be observed...` };
  }
  if (ready < desired || (status.replicas ?? 0) > desired) {
    return { ...base, done: false, message: `Waiting for ${desired - ready} pods to be ready...` };
  }
  if (status.updateRevision && status.currentRevision !== status.updateRevision) {
    return { ...base, done: false, message: `waiting for statefulset rolling update to complete ${updated} pods at revision ${status.updateRevision}...` };
  }
  return { ...base, ready: desired, done: true, message: `statefulset rolling update complete ${desired} pods at revision ${status.updateRevision ?? status.currentRevision ?? '?'}...` };
}
