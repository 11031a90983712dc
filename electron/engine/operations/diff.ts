import type { DiffLine } from '../../../shared/api/operations.js';

/** Fields that change on every write or belong to the controllers, never to the operator's intent. */
const ignoredPrefixes = [
  'status',
  'metadata.resourceVersion',
  'metadata.managedFields',
  'metadata.generation',
  'metadata.creationTimestamp',
  'metadata.uid',
  'metadata.selfLink',
];

/**
 * Before → after, field by field, between the live object and what the server-side dry run
 * says it would become. Lists of named items (containers, env) are keyed by name so a changed
 * image reads as `spec.template.spec.containers[web].image`, not as a shifted index.
 */
export function objectDiff(before: unknown, after: unknown, only?: readonly string[]): DiffLine[] {
  const left = flatten(before);
  const right = flatten(after);
  const fields = [...new Set([...left.keys(), ...right.keys()])].sort();
  const lines: DiffLine[] = [];
  for (const field of fields) {
    if (ignoredPrefixes.some((prefix) => field === prefix || field.startsWith(`${prefix}.`) || field.startsWith(`${prefix}[`))) continue;
    if (only && !only.some((prefix) => field === prefix || field.startsWith(`${prefix}.`) || field.startsWith(`${prefix}[`))) continue;
    const a = left.get(field) ?? null;
    const b = right.get(field) ?? null;
    if (a !== b) lines.push({ field, before: a, after: b });
  }
  // An empty object that gained fields shows as those fields, not also as "{}" → nothing.
  return lines.filter((line) => !lines.some((other) => other !== line && (other.field.startsWith(`${line.field}.`) || other.field.startsWith(`${line.field}[`))));
}

/** Leaf paths to display strings. */
export function flatten(value: unknown, prefix = '', into = new Map<string, string>()): Map<string, string> {
  if (value === null || value === undefined) return into;
  if (Array.isArray(value)) {
    const named = value.every((item) => item && typeof item === 'object' && typeof (item as { name?: unknown }).name === 'string');
    value.forEach((item, index) => {
      const key = named ? (item as { name: string }).name : String(index);
      flatten(item, `${prefix}[${key}]`, into);
    });
    if (value.length === 0) into.set(prefix, '[]');
    return into;
  }
  if (typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>);
    for (const [key, child] of entries) {
      // Annotation and label keys contain dots and slashes; quote them so the path stays readable.
      const segment = /^[A-Za-z_$][\w$]*$/.test(key) ? key : `"${key}"`;
      flatten(child, prefix ? `${prefix}.${segment}` : segment, into);
    }
    if (entries.length === 0 && prefix) into.set(prefix, '{}');
    return into;
  }
  into.set(prefix, typeof value === 'string' ? value : JSON.stringify(value));
  return into;
}
