import type { Risk } from '../../../shared/api/operations.js';
import type { Hpa, Pdb, Pod } from './kube-objects.js';
import { selectorMatches } from '../../../shared/estate/label-selector.js';
import type { RolloutStatus } from './rollout-status.js';

/**
 * The risks a plan names before anyone confirms it. Pure: each takes what the plan read live
 * and says what could go wrong, in words an operator at 3 a.m. acts on.
 */

/** Settings' productionPatterns are case-insensitive regexes; one that does not compile is matched as plain text. */
export function isProductionContext(context: string, patterns: readonly string[]): boolean {
  return patterns.some((pattern) => {
    try {
      return new RegExp(pattern, 'i').test(context);
    } catch {
      return context.toLowerCase().includes(pattern.toLowerCase());
    }
  });
}

export function productionRisk(context: string, patterns: readonly string[]): Risk[] {
  return isProductionContext(context, patterns)
    ? [{ code: 'production', severity: 'danger', message: `Context "${context}" is production (it matches the production patterns in Settings).` }]
    : [];
}

export function replicaRisks(what: string, current: number, next: number): Risk[] {
  if (next === 0 && current > 0) {
    return [{ code: 'scale-to-zero', severity: 'danger', message: `Scaling ${what} to 0 stops every pod: it serves nothing until scaled back up.` }];
  }
  if (next === 1 && current > 1) {
    return [{ code: 'last-replica', severity: 'warning', message: `${what} is left with a single replica: one pod failure or node drain takes it down.` }];
  }
  return [];
}

/**
 * An HPA that targets the workload owns its replica count: a manual scale lasts only until its
 * next sync (15 s by default), and replicas outside [min, max] are pulled back in. Scaling to 0
 * switches the HPA off until scaled up again
 * (https://kubernetes.io/docs/tasks/run-application/horizontal-pod-autoscale/#implicit-maintenance-mode-deactivation).
 */
export function hpaRisks(hpas: readonly Hpa[], kind: string, name: string, next: number): Risk[] {
  const risks: Risk[] = [];
  for (const hpa of hpas) {
    const ref = hpa.spec?.scaleTargetRef;
    if (!ref || ref.kind !== kind || ref.name !== name) continue;
    const min = hpa.spec?.minReplicas ?? 1;
    const max = hpa.spec?.maxReplicas ?? min;
    const range = `${min}–${max}`;
    const message =
      next === 0
        ? `HorizontalPodAutoscaler ${hpa.metadata.name} manages ${name} (${range}); scaling to 0 turns it off until the workload is scaled up again.`
        : next < min || next > max
          ? `HorizontalPodAutoscaler ${hpa.metadata.name} keeps ${name} within ${range}: it will undo a scale to ${next} within seconds. Change its range instead.`
          : `HorizontalPodAutoscaler ${hpa.metadata.name} manages ${name} (${range}) and will resize it from its metrics, undoing a manual scale.`;
    risks.push({ code: 'hpa-override', severity: 'warning', message });
  }
  return risks;
}

export function rolloutRisks(what: string, status: RolloutStatus): Risk[] {
  if (status.done) return [];
  return [
    {
      code: status.stuck ? 'rollout-paused' : 'rollout-in-progress',
      severity: 'warning',
      message: `A rollout of ${what} is already under way: ${status.message}`,
    },
  ];
}

/**
 * Evictions honour PodDisruptionBudgets: the API refuses (429) an eviction that would take a
 * budget below what it allows, and drain retries until replacements are ready elsewhere
 * (https://kubernetes.io/docs/concepts/scheduling-eviction/api-eviction/). A plain delete does
 * not consult budgets at all (https://kubernetes.io/docs/concepts/workloads/pods/disruptions/).
 */
export function pdbRisks(pdbs: readonly Pdb[], pods: readonly Pod[], how: 'evict' | 'delete'): Risk[] {
  const risks: Risk[] = [];
  for (const pdb of pdbs) {
    const covered = pods.filter((pod) => pod.metadata.namespace === pdb.metadata.namespace && selectorMatches(pdb.spec?.selector, pod.metadata.labels));
    if (covered.length === 0) continue;
    const allowed = pdb.status?.disruptionsAllowed ?? 0;
    if (covered.length <= allowed) continue;
    const name = `${pdb.metadata.namespace}/${pdb.metadata.name}`;
    risks.push(
      how === 'evict'
        ? {
            code: 'pdb-violation',
            severity: 'warning',
            message: `PodDisruptionBudget ${name} allows ${allowed} disruption${allowed === 1 ? '' : 's'} now, and ${covered.length} of its pods are affected: the API will refuse some evictions until replacements are ready elsewhere, so the drain waits (or times out).`,
          }
        : {
            code: 'pdb-violation',
            severity: 'danger',
            message: `PodDisruptionBudget ${name} allows ${allowed} disruption${allowed === 1 ? '' : 's'} now; deleting a pod bypasses it and breaks the budget.`,
          },
    );
  }
  return risks;
}
