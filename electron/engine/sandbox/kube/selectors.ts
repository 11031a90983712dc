import { badRequest } from './status.js';
import type { KubeObject, LabelSelector, Labels } from './types.js';
import type { Requirement } from '../../../../shared/estate/label-selector.js';
import {
  formatLabelSelector,
  LabelSelectorSyntaxError,
  parseLabelSelector,
  requirementsMatch,
  selectorMatches as sharedSelectorMatches,
} from '../../../../shared/estate/label-selector.js';

/**
 * Label and field selectors with the API server's grammar
 * (https://kubernetes.io/docs/concepts/overview/working-with-objects/labels/#label-selectors,
 * .../field-selectors/). A selector compiles once per request into a predicate.
 */

export type Predicate = (obj: KubeObject) => boolean;

function parseLabelRequirements(text: string): Requirement[] {
  try {
    return parseLabelSelector(text);
  } catch (error) {
    // The API server answers a selector it cannot parse with 400, naming the requirement.
    if (error instanceof LabelSelectorSyntaxError) throw badRequest(`unable to parse requirement: ${error.message}`);
    throw error;
  }
}

export function labelSelectorPredicate(text: string | null): Predicate | undefined {
  if (!text) return undefined;
  const reqs = parseLabelRequirements(text);
  return (obj) => requirementsMatch(obj.metadata.labels ?? {}, reqs);
}

/** A workload's spec.selector against a set of labels: the one shared implementation. */
export function selectorMatches(selector: LabelSelector | undefined, labels: Labels | undefined): boolean {
  return sharedSelectorMatches(selector, labels);
}

export const selectorString = formatLabelSelector;

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
  // Field selectors have no parenthesised sets, so a plain split on commas is the grammar.
  const parts = text.split(',').map((p) => p.trim()).filter((p) => p.length > 0);
  const reqs = parts.map((part) => {
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
