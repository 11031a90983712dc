import type { Confirmation, Risk } from '../../../shared/api/operations.js';

/** What "acknowledge" plans expect as their confirmation. */
export const acknowledgement = 'confirm';

/**
 * Guardrails grow with blast radius: production contexts and plans with a dangerous risk
 * (scale to 0, a PDB a delete would break, a pod nothing recreates) need the target's name
 * typed; everything else needs an explicit acknowledgement.
 */
export function confirmationFor(targetName: string, what: string, risks: readonly Risk[]): Confirmation {
  const production = risks.some((risk) => risk.code === 'production');
  const dangerous = risks.some((risk) => risk.severity === 'danger');
  if (production || dangerous) {
    const why = production ? 'This is a production context' : 'This plan is dangerous';
    return { level: 'type-name', prompt: `${why}. Type "${targetName}" to ${what}.`, expected: targetName };
  }
  return { level: 'acknowledge', prompt: `Confirm to ${what}.`, expected: acknowledgement };
}

/** Null when the confirmation satisfies the guardrail; otherwise why not. */
export function confirmationProblem(confirmation: Confirmation, given: string): string | null {
  if (given.trim() === confirmation.expected) return null;
  return confirmation.level === 'type-name'
    ? `The confirmation does not match: type "${confirmation.expected}" exactly to go ahead.`
    : `This plan needs an explicit confirmation ("${confirmation.expected}").`;
}
