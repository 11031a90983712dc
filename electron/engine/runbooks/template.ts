/**
 * `{{name}}` placeholders in runbook steps, filled from a run's parameters. Deliberately not a
 * template language (no expressions, no helpers): a runbook must read the same in a wiki.
 */

const PLACEHOLDER = /\{\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}\}/g;

/** Names the run fills itself when a step is reached, rather than the person starting it. */
export const builtInNames = ['previousRevision'] as const;

export type Values = Readonly<Record<string, string | number>>;

export function templateNames(text: string): string[] {
  return [...text.matchAll(PLACEHOLDER)].map((m) => m[1] as string);
}

export class MissingValueError extends Error {
  constructor(readonly names: string[]) {
    super(`no value for ${names.map((n) => `{{${n}}}`).join(', ')}`);
    this.name = 'MissingValueError';
  }
}

export function fill(text: string, values: Values): string {
  const missing = templateNames(text).filter((n) => values[n] === undefined);
  if (missing.length > 0) throw new MissingValueError(missing);
  return text.replace(PLACEHOLDER, (_m, name: string) => String(values[name]));
}

/** A value that is exactly one placeholder keeps the parameter's type (a revision stays a number). */
export function fillValue(value: string | number, values: Values): string | number {
  if (typeof value === 'number') return value;
  const whole = /^\{\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}\}$/.exec(value.trim());
  if (whole) {
    const v = values[whole[1] as string];
    if (v === undefined) throw new MissingValueError([whole[1] as string]);
    return v;
  }
  return fill(value, values);
}
