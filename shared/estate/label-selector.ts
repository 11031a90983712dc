/**
 * Kubernetes label selectors, the one implementation the engine, the sandbox and the renderer
 * share. Semantics follow
 * https://kubernetes.io/docs/concepts/overview/working-with-objects/labels/#label-selectors and
 * apimachinery's `labels.Parse` / `metav1.LabelSelectorAsSelector`:
 *
 * - a structured selector (`matchLabels` + `matchExpressions`, as in a Deployment's or a
 *   PodDisruptionBudget's `spec.selector`) that is empty matches everything; an absent one
 *   (null/undefined) matches nothing;
 * - a Service's `spec.selector` is a plain map, and an empty or absent one selects nothing
 *   (the Service's endpoints are then managed by someone else);
 * - `!=` and `notin` match objects that lack the key; `in` and `=` need it present.
 *
 * Labels come from JSON, so keys are looked up as own properties: a label named `constructor`
 * must not match through Object.prototype.
 */

export type SelectorOperator = 'In' | 'NotIn' | 'Exists' | 'DoesNotExist';

export interface LabelSelectorRequirement {
  key: string;
  operator: SelectorOperator | string;
  values?: readonly string[];
}

export interface LabelSelector {
  matchLabels?: Readonly<Record<string, string>>;
  matchExpressions?: readonly LabelSelectorRequirement[];
}

export type Labels = Readonly<Record<string, string>>;

/** One parsed requirement of the string grammar (`a=b`, `a!=b`, `a in (x,y)`, `a`, `!a`). */
export interface Requirement {
  key: string;
  op: '=' | '!=' | 'in' | 'notin' | 'exists' | '!exists';
  values: readonly string[];
}

export class LabelSelectorSyntaxError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'LabelSelectorSyntaxError';
  }
}

function valueOf(labels: Labels, key: string): string | undefined {
  return Object.hasOwn(labels, key) ? labels[key] : undefined;
}

export function requirementMatches(labels: Labels, r: Requirement): boolean {
  const value = valueOf(labels, r.key);
  switch (r.op) {
    case '=':
      return value === r.values[0];
    case '!=':
      return value !== r.values[0];
    case 'in':
      return value !== undefined && r.values.includes(value);
    case 'notin':
      return value === undefined || !r.values.includes(value);
    case 'exists':
      return value !== undefined;
    case '!exists':
      return value === undefined;
  }
}

/** Every requirement holds (requirements are ANDed; an empty list matches everything). */
export function requirementsMatch(labels: Labels | undefined, requirements: readonly Requirement[]): boolean {
  const l = labels ?? {};
  for (const r of requirements) if (!requirementMatches(l, r)) return false;
  return true;
}

/** A structured selector as requirements; null for an operator the API would refuse. */
export function requirementsOf(selector: LabelSelector): Requirement[] | null {
  const out: Requirement[] = [];
  for (const [key, value] of Object.entries(selector.matchLabels ?? {})) out.push({ key, op: '=', values: [value] });
  for (const e of selector.matchExpressions ?? []) {
    const values = e.values ?? [];
    switch (e.operator) {
      case 'In':
        out.push({ key: e.key, op: 'in', values });
        break;
      case 'NotIn':
        out.push({ key: e.key, op: 'notin', values });
        break;
      case 'Exists':
        out.push({ key: e.key, op: 'exists', values: [] });
        break;
      case 'DoesNotExist':
        out.push({ key: e.key, op: '!exists', values: [] });
        break;
      default:
        return null;
    }
  }
  return out;
}

/**
 * A structured selector (Deployment, ReplicaSet, PDB …) against labels. Absent selects nothing,
 * empty selects everything, an unknown operator selects nothing (the API server would have
 * refused the object).
 */
export function selectorMatches(selector: LabelSelector | null | undefined, labels: Labels | undefined): boolean {
  if (!selector) return false;
  const requirements = requirementsOf(selector);
  return requirements !== null && requirementsMatch(labels, requirements);
}

/** A Service's `spec.selector` (a plain map): absent or empty selects nothing. */
export function serviceSelectorMatches(selector: Labels | null | undefined, labels: Labels | undefined): boolean {
  if (!selector || Object.keys(selector).length === 0) return false;
  return selectorMatches({ matchLabels: selector }, labels);
}

// ── The string grammar (kubectl -l, ?labelSelector=) ─────────────────────────────────────────

const keyPattern = /^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/)?[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/;
const valuePattern = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;

/** Splits on commas outside parentheses: `a in (x,y),b` is two requirements. */
function splitTopLevel(text: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let current = '';
  for (const ch of text) {
    if (ch === '(') depth++;
    if (ch === ')') depth--;
    if (depth < 0) throw new LabelSelectorSyntaxError(`unbalanced ")" in "${text}"`);
    if (ch === ',' && depth === 0) {
      parts.push(current);
      current = '';
    } else current += ch;
  }
  if (depth !== 0) throw new LabelSelectorSyntaxError(`unbalanced "(" in "${text}"`);
  parts.push(current);
  return parts.map((p) => p.trim());
}

function checkKey(key: string): string {
  if (!keyPattern.test(key) || key.length > 317) throw new LabelSelectorSyntaxError(`invalid label key "${key}"`);
  return key;
}

function checkValue(value: string): string {
  if (!valuePattern.test(value) || value.length > 63) throw new LabelSelectorSyntaxError(`invalid label value "${value}"`);
  return value;
}

/**
 * Parses `environment=production,tier!=frontend`, `environment in (production, qa)`,
 * `!partition` … as `kubectl -l` does. The empty string is the empty selector (matches
 * everything). Throws LabelSelectorSyntaxError with the requirement that failed.
 */
export function parseLabelSelector(text: string): Requirement[] {
  if (text.trim() === '') return [];
  return splitTopLevel(text).map((part) => {
    if (part === '') throw new LabelSelectorSyntaxError(`empty requirement in "${text}"`);
    const set = /^(\S+)\s+(in|notin)\s*\(([^)]*)\)$/.exec(part);
    if (set) {
      const values = (set[3] as string).split(',').map((v) => checkValue(v.trim()));
      if (set[2] === 'in' && values.length === 0) throw new LabelSelectorSyntaxError(`"${part}": in needs values`);
      return { key: checkKey(set[1] as string), op: set[2] as 'in' | 'notin', values };
    }
    const cmp = /^([^\s!=]+)\s*(==|=|!=)\s*(\S*)$/.exec(part);
    if (cmp) {
      return { key: checkKey(cmp[1] as string), op: cmp[2] === '!=' ? '!=' : '=', values: [checkValue(cmp[3] as string)] };
    }
    const not = /^!\s*(\S+)$/.exec(part);
    if (not) return { key: checkKey(not[1] as string), op: '!exists', values: [] };
    if (!/\s/.test(part)) return { key: checkKey(part), op: 'exists', values: [] };
    throw new LabelSelectorSyntaxError(`unable to parse requirement "${part}"`);
  });
}

/** A structured selector in the string grammar (what `kubectl get -l` and `?labelSelector=` take). */
export function formatLabelSelector(selector: LabelSelector | null | undefined): string {
  if (!selector) return '';
  const parts = Object.entries(selector.matchLabels ?? {}).map(([k, v]) => `${k}=${v}`);
  for (const e of selector.matchExpressions ?? []) {
    if (e.operator === 'In' || e.operator === 'NotIn') parts.push(`${e.key} ${e.operator.toLowerCase()} (${(e.values ?? []).join(',')})`);
    else parts.push(e.operator === 'Exists' ? e.key : `!${e.key}`);
  }
  return parts.join(',');
}
