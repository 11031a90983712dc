import type { Change } from '../store.js';
import type { Pod, PodDisruptionBudget } from '../types.js';
import type { Controller, ControllerContext } from './context.js';
import { resolveIntOrPercent } from './deployment.js';
import { isActive, isReady, setCondition } from './pods.js';
import { selectorMatches } from '../selectors.js';

/**
 * The disruption controller: each PodDisruptionBudget's healthy, desired and allowed counts,
 * recomputed for namespaces whose pods changed. The eviction API reads disruptionsAllowed.
 * https://kubernetes.io/docs/concepts/workloads/pods/disruptions/
 */
export class DisruptionController implements Controller {
  private dirty = new Set<string>();

  constructor(private readonly ctx: ControllerContext) {}

  observe(change: Change): void {
    if (change.resource === 'pods' || change.resource === 'poddisruptionbudgets.policy') {
      if (change.resource === 'poddisruptionbudgets.policy' && change.type === 'MODIFIED' && change.previous?.metadata.generation === change.object.metadata.generation) return;
      this.dirty.add(change.object.metadata.namespace ?? '');
    }
  }

  sync(now: number): boolean {
    if (this.dirty.size === 0) return false;
    const namespaces = this.dirty;
    this.dirty = new Set();
    let changed = false;
    for (const ns of namespaces) {
      const budgets = this.ctx.store.objects<PodDisruptionBudget>('poddisruptionbudgets.policy', ns);
      if (budgets.length === 0) continue;
      const pods = this.ctx.store.objects<Pod>('pods', ns).filter(isActive);
      for (const pdb of budgets) changed = this.reconcile(pdb, pods, now) || changed;
    }
    return changed;
  }

  private reconcile(pdb: PodDisruptionBudget, pods: Pod[], now: number): boolean {
    const selected = pods.filter((p) => selectorMatches(pdb.spec.selector, p.metadata.labels));
    const expected = selected.length;
    const healthy = selected.filter(isReady).length;
    const desired =
      pdb.spec.maxUnavailable !== undefined
        ? Math.max(0, expected - resolveIntOrPercent(pdb.spec.maxUnavailable, expected, true, '0'))
        : resolveIntOrPercent(pdb.spec.minAvailable ?? 1, expected, true, '1');
    const allowed = Math.max(0, healthy - desired);
    const before = pdb.metadata.resourceVersion;
    const after = this.ctx.store.mutate<PodDisruptionBudget>('poddisruptionbudgets.policy', pdb.metadata.namespace, pdb.metadata.name, (p) => {
      p.status = {
        ...p.status,
        observedGeneration: p.metadata.generation ?? 1,
        disruptionsAllowed: allowed,
        currentHealthy: healthy,
        desiredHealthy: desired,
        expectedPods: expected,
        conditions: setCondition(
          p.status?.conditions ?? [],
          allowed > 0
            ? { type: 'DisruptionAllowed', status: 'True', reason: 'SufficientPods', message: '' }
            : { type: 'DisruptionAllowed', status: 'False', reason: 'InsufficientPods', message: '' },
          now,
        ),
      };
    });
    return after !== undefined && after.metadata.resourceVersion !== before;
  }
}
