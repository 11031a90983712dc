import type { ClusterCalls } from '../../providers/kubernetes/cluster-calls.js';
import type { List, Pdb, Pod } from '../kube-objects.js';
import { controllerOf, isPodReady } from '../kube-objects.js';
import type { Risk } from '../../../../shared/api/operations.js';

/** Every pod in the cluster, read live (drain needs to know which replicas run elsewhere). */
export async function allPods(calls: ClusterCalls): Promise<Pod[]> {
  return (await calls.get<List<Pod>>('/api/v1/pods')).items ?? [];
}

/** PodDisruptionBudgets; one we may not list is a risk we cannot see, not a failure. */
export async function disruptionBudgets(calls: ClusterCalls, namespace?: string): Promise<Pdb[] | null> {
  try {
    const path = namespace ? `/apis/policy/v1/namespaces/${encodeURIComponent(namespace)}/poddisruptionbudgets` : '/apis/policy/v1/poddisruptionbudgets';
    return (await calls.get<List<Pdb>>(path)).items ?? [];
  } catch {
    return null;
  }
}

export function podKey(pod: Pod): string {
  return `${pod.metadata.namespace ?? ''}/${pod.metadata.name}`;
}

/**
 * Pods `kubectl drain --ignore-daemonsets` leaves alone: DaemonSet pods (their controller
 * ignores unschedulable and would recreate them on the spot) and static (mirror) pods, which
 * the kubelet owns (https://kubernetes.io/docs/tasks/administer-cluster/safely-drain-node/).
 */
export function drainSkips(pod: Pod): string | null {
  if (controllerOf(pod.metadata)?.kind === 'DaemonSet') return 'DaemonSet pod';
  if (pod.metadata.annotations?.['kubernetes.io/config.mirror']) return 'static pod';
  return null;
}

/** Warns when the pods about to go are every ready replica their controller has. */
export function lastReplicaRisks(leaving: readonly Pod[], everyPod: readonly Pod[]): Risk[] {
  const groups = new Map<string, { owner: string; leaving: number; readyElsewhere: number }>();
  const leavingKeys = new Set(leaving.map(podKey));
  for (const pod of leaving) {
    const owner = controllerOf(pod.metadata);
    if (!owner) continue;
    const key = `${pod.metadata.namespace}/${owner.kind}/${owner.name}`;
    const group = groups.get(key) ?? { owner: `${owner.kind} ${pod.metadata.namespace}/${owner.name}`, leaving: 0, readyElsewhere: 0 };
    group.leaving += 1;
    groups.set(key, group);
  }
  for (const pod of everyPod) {
    if (leavingKeys.has(podKey(pod)) || !isPodReady(pod) || pod.metadata.deletionTimestamp) continue;
    const owner = controllerOf(pod.metadata);
    const group = owner && groups.get(`${pod.metadata.namespace}/${owner.kind}/${owner.name}`);
    if (group) group.readyElsewhere += 1;
  }
  const risks: Risk[] = [];
  for (const group of groups.values()) {
    if (group.readyElsewhere === 0) {
      risks.push({
        code: 'last-replica',
        severity: 'warning',
        message: `${group.owner} has no other ready replica: it is down until ${group.leaving === 1 ? 'a replacement starts' : 'replacements start'} elsewhere.`,
      });
    }
  }
  return risks;
}
