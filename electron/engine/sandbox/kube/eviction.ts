import { isReady } from './controllers/pods.js';
import { selectorMatches } from './selectors.js';
import { StatusError } from './status.js';
import type { ObjectStore } from './store.js';
import type { Pod, PodDisruptionBudget } from './types.js';

/**
 * What the eviction subresource decides for a pod: refused (429, or 500 for two budgets) while
 * a PodDisruptionBudget forbids it, and when admitted the budget's allowance taken at once, as
 * kube-apiserver's eviction REST handler does. Shared by the API and by the sandbox's own
 * maintenance drain, so a simulated upgrade controller meets the same rules as kubectl.
 * https://kubernetes.io/docs/concepts/scheduling-eviction/api-eviction/
 */

export const PDB_REFUSAL = "Cannot evict pod as it would violate the pod's disruption budget.";

export function evictionRefusal(store: ObjectStore, pod: Pod): StatusError | null {
  const budgets = store.objects<PodDisruptionBudget>('poddisruptionbudgets.policy', pod.metadata.namespace).filter((b) => selectorMatches(b.spec.selector, pod.metadata.labels));
  if (budgets.length > 1) {
    return new StatusError(500, 'InternalError', 'This pod has more than one PodDisruptionBudget, which the eviction subresource does not support.');
  }
  const budget = budgets[0];
  if (!budget || pod.status.phase !== 'Running') return null;
  const refuse = isReady(pod) ? budget.status.disruptionsAllowed <= 0 : budget.status.currentHealthy < budget.status.desiredHealthy;
  if (!refuse) return null;
  return new StatusError(429, 'TooManyRequests', PDB_REFUSAL, {
    causes: [{ reason: 'DisruptionBudget', message: `The disruption budget ${budget.metadata.name} needs ${budget.status.desiredHealthy} healthy pods and has ${budget.status.currentHealthy} currently` }],
  });
}

/** Takes one disruption from the pod's budget for an admitted eviction of a healthy pod. */
export function takeDisruption(store: ObjectStore, pod: Pod, now: number): void {
  if (pod.status.phase !== 'Running' || !isReady(pod)) return;
  const budget = store.objects<PodDisruptionBudget>('poddisruptionbudgets.policy', pod.metadata.namespace).find((b) => selectorMatches(b.spec.selector, pod.metadata.labels));
  if (!budget) return;
  store.mutate<PodDisruptionBudget>('poddisruptionbudgets.policy', budget.metadata.namespace, budget.metadata.name, (b) => {
    b.status.disruptionsAllowed = Math.max(0, b.status.disruptionsAllowed - 1);
    b.status.disruptedPods = { ...(b.status.disruptedPods as Record<string, string> | undefined), [pod.metadata.name]: new Date(now).toISOString() };
  });
}
