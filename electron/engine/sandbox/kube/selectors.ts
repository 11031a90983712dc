import { badRequest } from './status.js';
import type { KubeObject, LabelSelector, Labels } from './types.js';

/**
 * Label and field selectors with the API server's grammar
 * (https://kubernetes.io/docs/concepts/overview/working-with-objects/labels/#label-selectors,
 * .../field-selectors/). A selector compiles once per request into a predicate.
 */

export type Predicate = (obj: KubeObject) => boolean;

interface Requirement {
  key: string;
  op: 'in' | 'notin' | 'exists' | '!exists' | '=' | '!=';
  values: string[];
}

function splitTopLevel(text: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let current = '';
  for (const ch of text) {
    if (ch === '(') depth++;
    if (ch === ')') depth--;
    if (ch === ',' && depth === 0) {
      parts.push(current);
      current = '';
    } else current += ch;
  }
  if (current.trim()) parts.push(current);
  return parts.map((p) => p.trim()).filter((p) => p.length > 0);
}

function parseLabelRequirements(text: string): Requirement[] {
  return splitTopLevel(text).map((part) => {
    const set = /^([^\s!=]+)\s+(in|notin)\s+\(([^)]*)\)$/.exec(part);
    if (set) {
      return { key: set[1] as string, op: set[2] as 'in' | 'notin', values: (set[3] as string).split(',').map((v) => v.trim()).filter(Boolean) };
    }
    const cmp = /^([^\s!=]+)\s*(==|=|!=)\s*(\S*)$/.exec(part);
    if (cmp) return { key: cmp[1] as string, op: cmp[2] === '!=' ? '!=' : '=', values: [cmp[3] as string] };
    const not = /^!\s*(\S+)$/.exec(part);
    if (not) return { key: not[1] as string, op: '!exists', values: [] };
    if (/^[A-Za-z0-9._/-]+$/.test(part)) return { key: part, op: 'exists', values: [] };
    throw badRequest(`unable to parse requirement: found '${part}', expected: identifier`);
  });
}

function matches(labels: Labels, reqs: Requirement[]): boolean {
  for (const r of reqs) {
    const value = labels[r.key];
    switch (r.op) {
      case '=':
        if (value !== r.values[0]) return false;
        break;
      case '!=':
        if (value === r.values[0]) return false;
        break;
      case 'in':
        if (value === undefined || !r.values.includes(value)) return false;
        break;
      case 'notin':
        if (value !== undefined && r.values.includes(value)) return false;
        break;
      case 'exists':
        if (value === undefined) return false;
        break;
      case '!exists':
        if (value !== undefined) return false;
        break;
    }
  }
  return true;
}

export function labelSelectorPredicate(text: string | null): Predicate | undefined {
  if (!text) return undefined;
  const reqs = parseLabelRequirements(text);
  return (obj) => matches(obj.metadata.labels ?? {}, reqs);
}

/** A workload's spec.selector against a set of labels. An empty selector matches everything, as in the API. */
export function selectorMatches(selector: LabelSelector | undefined, labels: Labels | undefined): boolean {
  if (!selector) return false;
  const l = labels ?? {};
  for (const [k, v] of Object.entries(selector.matchLabels ?? {})) if (l[k] !== v) return false;
  for (const e of selector.matchExpressions ?? []) {
    const op = e.operator === 'In' ? 'in' : e.operator === 'NotIn' ? 'notin' : e.operator === 'Exists' ? 'exists' : '!exists';
    if (!matches(l, [{ key: e.key, op, values: e.values ?? [] }])) return false;
  }
  return true;
}

export function selectorString(selector: LabelSelector | undefined): string {
  if (!selector) return '';
  const parts = Object.entries(selector.matchLabels ?? {}).map(([k, v]) => `${k}=${v}`);
  for (const e of selector.matchExpressions ?? []) {
    if (e.operator === 'In' || e.operator === 'NotIn') parts.push(`${e.key} ${e.operator.toLowerCase()} (${(e.values ?? []).join(',')})`);
    else parts.push(e.operator === 'Exists' ? e.key : `!${e.key}`);
  }
  return parts.join(',');
}

const FIELDS: Record<string, readonly string[]> = {
  pods: ['spec.nodeName', 'spec.restartPolicy', 'spec.schedulerName', 'spec.serviceAccountName', 'spec.hostNetwork', 'status.phase', 'status.podIP', 'status.nominatedNodeName'],
  events: [
    'involvedObject.kind', 'involvedObject.namespace', 'involvedObject.name', 'involvedObject.uid', 'involvedObject.apiVersion',
    'involvedObject.resourceVersion', 'involvedObject.fieldPath', 'reason', 'reportingComponent', 'source', 'type',
  ],
  nodes: ['spec.unschedulable'],
  namespaces: ['status.phase'],
  'replicasets.apps': ['status.replicas'],
};

function fieldValue(obj: KubeObject, path: string): string {
  if (path === 'source') return String((obj.source as { component?: string } | undefined)?.component ?? '');
  let value: unknown = obj;
  for (const part of path.split('.')) {
    if (value === null || typeof value !== 'object') return '';
    value = (value as Record<string, unknown>)[part];
  }
  if (value === undefined || value === null) return '';
  return String(value);
}

export function fieldSelectorPredicate(text: string | null, resource: string): Predicate | undefined {
  if (!text) return undefined;
  const allowed = FIELDS[resource] ?? [];
  const reqs = splitTopLevel(text).map((part) => {
    const m = /^([^!=]+)(==|=|!=)(.*)$/.exec(part);
    if (!m) throw badRequest(`invalid selector: '${text}'; can't understand '${part}'`);
    const field = (m[1] as string).trim();
    if (field !== 'metadata.name' && field !== 'metadata.namespace' && !allowed.includes(field)) {
      throw badRequest(`field label not supported: ${field}`);
    }
    return { field, negate: m[2] === '!=', value: (m[3] as string).trim() };
  });
  return (obj) => reqs.every((r) => (fieldValue(obj, r.field) === r.value) !== r.negate);
}

/** The one name a `metadata.name=` field selector pins, so a get-like list need not scan. */
export function pinnedName(text: string | null): string | undefined {
  if (!text) return undefined;
  const m = /(?:^|,)metadata\.name==?([^,]+)/.exec(text);
  return m?.[1];
}
