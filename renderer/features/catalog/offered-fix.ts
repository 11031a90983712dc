import type { OfferedFix } from '../../../shared/api/catalog.js';
import { parseKubeId } from '../../../shared/estate/ids.js';
import { planOperation, startOperation } from '../operations/register.js';

/**
 * A fix a scorecard offers goes the usual way: the operation dialog opens on its target with
 * the scorecard's parameters and plans at once against live state; the operator reads the plan,
 * and confirms (typing the name in production) or cancels. Nothing runs from here.
 */
export function openPlanFor(fix: OfferedFix): void {
  const parsed = parseKubeId(fix.target);
  const name = parsed?.shape === 'object' ? parsed.name : fix.target;
  const label = parsed?.shape === 'object' ? `${parsed.kind} ${parsed.namespace ? `${parsed.namespace}/` : ''}${parsed.name}` : fix.target;
  startOperation(fix.kind, { id: fix.target, label, name, ...fix.params });
  void planOperation({ ...fix.params });
}
