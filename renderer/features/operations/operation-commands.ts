import type { Entity } from '../../../shared/estate/model.js';
import { operationTitles } from '../../../shared/api/operations.js';
import type { Command } from '../../app/palette/commands.js';
import { navigate } from '../../app/route.js';
import { operationsFor, targetOf } from './entity-target.js';
import { startOperation } from './operations-store.js';

/**
 * Palette commands: "Go to Audit log" comes from the view list; these add one command per
 * operation on the entity in focus (the one whose detail panel is open), e.g.
 * "Scale Deployment shop/web…". Nothing runs from the palette directly: each opens the plan.
 */
export function operationCommands(focused: Entity | null, readOnly: boolean): Command[] {
  const commands: Command[] = [
    {
      id: 'audit.verify',
      title: 'Verify the audit log',
      section: 'Go to',
      icon: 'search',
      keywords: 'audit hash chain tamper record',
      run: () => navigate('audit', 'verify'),
    },
  ];
  if (!focused || readOnly) return commands;
  const target = targetOf(focused);
  for (const kind of operationsFor(focused)) {
    commands.push({
      id: `operation.${kind}.${focused.id}`,
      title: `${operationTitles[kind]} ${target.label}…`,
      section: 'Operations',
      icon: 'live',
      keywords: `operation ${kind} ${focused.name}`,
      run: () => startOperation(kind, target),
    });
  }
  return commands;
}
