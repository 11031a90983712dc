import { mergeKeyFor, strategicMerge } from './patch.js';
import { StatusError } from './status.js';
import { rfc3339 } from './time.js';
import type { KubeObject } from './types.js';

/**
 * Field ownership and server-side apply (https://kubernetes.io/docs/reference/using-api/server-side-apply/):
 * every write records which manager set which fields in `metadata.managedFields` (FieldsV1);
 * an apply merges the manager's configuration into the live object, drops fields it applied
 * before and no longer does, and refuses (409, one cause per field) to change a field another
 * manager owns with a different value, unless forced, which takes the field over.
 *
 * Simplified from structured-merge-diff: lists with a merge key (containers by name, ports by
 * port, …) are keyed; every other list is atomic; values are compared as JSON.
 */

export interface ManagedFieldsEntry {
  manager: string;
  operation: 'Apply' | 'Update';
  apiVersion: string;
  time: string;
  fieldsType: 'FieldsV1';
  fieldsV1: FieldsV1;
  subresource?: string;
}

type FieldsV1 = { [key: string]: FieldsV1 };
type Json = unknown;

/** A field path as FieldsV1 spells its steps: `f:spec`, `k:{"name":"app"}`. */
type Path = string[];

const SEP = '\u0000';
const IDENTITY = new Set(['apiVersion', 'kind', 'status']);
const SERVER_METADATA = new Set(['name', 'namespace', 'uid', 'resourceVersion', 'generation', 'creationTimestamp', 'deletionTimestamp', 'deletionGracePeriodSeconds', 'managedFields', 'selfLink']);

function isObject(v: unknown): v is Record<string, Json> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** The leaf fields an object sets, as FieldsV1 paths. */
export function fieldPaths(obj: KubeObject): Set<string> {
  const out = new Set<string>();
  const walk = (value: Json, path: Path, field: string | undefined, parentField: string | undefined): void => {
    if (Array.isArray(value) && field) {
      const key = mergeKeyFor(field, parentField);
      if (key && value.every((item) => isObject(item) && item[key] !== undefined)) {
        for (const item of value as Record<string, Json>[]) {
          const step = `k:${JSON.stringify({ [key]: item[key] })}`;
          out.add([...path, step, '.'].join(SEP));
          walk(item, [...path, step], undefined, field);
        }
        return;
      }
    }
    if (isObject(value) && Object.keys(value).length > 0) {
      for (const [k, v] of Object.entries(value)) walk(v, [...path, `f:${k}`], k, field);
      return;
    }
    out.add(path.join(SEP));
  };
  for (const [k, v] of Object.entries(obj)) {
    if (IDENTITY.has(k)) continue;
    if (k === 'metadata' && isObject(v)) {
      for (const [mk, mv] of Object.entries(v)) if (!SERVER_METADATA.has(mk)) walk(mv, ['f:metadata', `f:${mk}`], mk, 'metadata');
      continue;
    }
    walk(v, [`f:${k}`], k, undefined);
  }
  return out;
}

export function toFieldsV1(paths: Iterable<string>): FieldsV1 {
  const root: FieldsV1 = {};
  for (const p of paths) {
    let node = root;
    for (const step of p.split(SEP)) node = node[step] ??= {};
  }
  return root;
}

export function fromFieldsV1(fields: FieldsV1 | undefined): Set<string> {
  const out = new Set<string>();
  const walk = (node: FieldsV1, path: Path): void => {
    const keys = Object.keys(node);
    if (keys.length === 0 && path.length) out.add(path.join(SEP));
    for (const k of keys) walk(node[k] as FieldsV1, [...path, k]);
  };
  if (fields) walk(fields, []);
  return out;
}

/** `.spec.template.spec.containers[name="app"].image`, as the API server names a conflicting field. */
function displayPath(path: string): string {
  return path
    .split(SEP)
    .filter((s) => s !== '.')
    .map((s) => {
      if (s.startsWith('f:')) return `.${s.slice(2)}`;
      const key = JSON.parse(s.slice(2)) as Record<string, Json>;
      return `[${Object.entries(key).map(([k, v]) => `${k}=${JSON.stringify(v)}`).join(',')}]`;
    })
    .join('');
}

function valueAt(obj: Json, path: string): { found: boolean; value: Json } {
  let node: Json = obj;
  for (const step of path.split(SEP)) {
    if (step === '.') break;
    if (step.startsWith('f:')) {
      if (!isObject(node) || !(step.slice(2) in node)) return { found: false, value: undefined };
      node = node[step.slice(2)];
    } else {
      const key = JSON.parse(step.slice(2)) as Record<string, Json>;
      const [k, v] = Object.entries(key)[0] as [string, Json];
      if (!Array.isArray(node)) return { found: false, value: undefined };
      node = node.find((item) => isObject(item) && JSON.stringify(item[k]) === JSON.stringify(v));
      if (node === undefined) return { found: false, value: undefined };
    }
  }
  return { found: true, value: node };
}

function removeAt(obj: Json, path: string): void {
  const steps = path.split(SEP).filter((s) => s !== '.');
  const last = steps.pop();
  if (!last) return;
  const parent = valueAt(obj, steps.join(SEP));
  if (!parent.found) return;
  if (last.startsWith('f:') && isObject(parent.value)) delete parent.value[last.slice(2)];
  else if (last.startsWith('k:') && Array.isArray(parent.value)) {
    const [k, v] = Object.entries(JSON.parse(last.slice(2)) as Record<string, Json>)[0] as [string, Json];
    const i = parent.value.findIndex((item) => isObject(item) && JSON.stringify(item[k]) === JSON.stringify(v));
    if (i >= 0) parent.value.splice(i, 1);
  }
}

function entries(obj: KubeObject): ManagedFieldsEntry[] {
  return ((obj.metadata as { managedFields?: ManagedFieldsEntry[] }).managedFields ?? []).map((e) => ({ ...e }));
}

function setEntries(obj: KubeObject, list: ManagedFieldsEntry[]): void {
  const kept = list.filter((e) => Object.keys(e.fieldsV1).length > 0);
  if (kept.length) (obj.metadata as { managedFields?: ManagedFieldsEntry[] }).managedFields = kept;
  else delete (obj.metadata as { managedFields?: ManagedFieldsEntry[] }).managedFields;
}

/**
 * Records an ordinary write (create, update, patch) by `manager`: it takes the fields whose
 * values it changed, from whichever manager had them.
 */
export function recordUpdate(before: KubeObject | undefined, after: KubeObject, manager: string, now: number, subresource?: string): void {
  if ((after.metadata as { managedFields?: unknown }).managedFields !== undefined && before && JSON.stringify((before.metadata as { managedFields?: unknown }).managedFields) !== JSON.stringify((after.metadata as { managedFields?: unknown }).managedFields)) {
    return; // The client rewrote managedFields itself (kubectl's client-side-apply upgrade): keep them.
  }
  const changed = new Set<string>();
  const previous = before ? fieldPaths(before) : new Set<string>();
  for (const p of fieldPaths(after)) {
    if (!previous.has(p) || JSON.stringify(valueAt(before, p).value) !== JSON.stringify(valueAt(after, p).value)) changed.add(p);
  }
  const list = before ? entries(before) : [];
  if (changed.size === 0 && before) return setEntries(after, list);
  const present = fieldPaths(after);
  for (const e of list) {
    const owned = [...fromFieldsV1(e.fieldsV1)].filter((p) => !changed.has(p) && (present.has(p) || p.endsWith(`${SEP}.`)));
    e.fieldsV1 = toFieldsV1(owned);
  }
  let mine = list.find((e) => e.manager === manager && e.operation === 'Update' && e.subresource === subresource);
  if (!mine) {
    mine = { manager, operation: 'Update', apiVersion: after.apiVersion, time: rfc3339(now), fieldsType: 'FieldsV1', fieldsV1: {}, ...(subresource ? { subresource } : {}) };
    list.push(mine);
  }
  mine.fieldsV1 = toFieldsV1(new Set([...fromFieldsV1(mine.fieldsV1), ...changed]));
  mine.time = rfc3339(now);
  setEntries(after, list);
}

/**
 * A server-side apply of `applied` by `manager` over `live` (undefined when it creates the
 * object). Returns the merged object with its managedFields, or throws the 409 Conflict.
 */
export function serverSideApply(live: KubeObject | undefined, applied: KubeObject, manager: string, force: boolean, now: number): KubeObject {
  const appliedPaths = fieldPaths(applied);
  const list = live ? entries(live) : [];
  const conflicts: { path: string; manager: string; apiVersion: string }[] = [];
  if (live) {
    for (const e of list) {
      if (e.manager === manager) continue;
      for (const p of fromFieldsV1(e.fieldsV1)) {
        if (!appliedPaths.has(p) || p.endsWith(`${SEP}.`)) continue;
        const current = valueAt(live, p);
        if (current.found && JSON.stringify(current.value) !== JSON.stringify(valueAt(applied, p).value)) conflicts.push({ path: p, manager: e.manager, apiVersion: e.apiVersion });
      }
    }
  }
  if (conflicts.length && !force) {
    const describe = (c: (typeof conflicts)[number]) => `conflict with "${c.manager}" using ${c.apiVersion}: ${displayPath(c.path)}`;
    const message = conflicts.length === 1 ? `Apply failed with 1 conflict: ${describe(conflicts[0] as (typeof conflicts)[number])}` : `Apply failed with ${conflicts.length} conflicts: ${conflicts.map(describe).join('\n')}`;
    throw new StatusError(409, 'Conflict', message, {
      causes: conflicts.map((c) => ({ reason: 'FieldManagerConflict', message: `conflict with "${c.manager}" using ${c.apiVersion}`, field: displayPath(c.path) })),
    });
  }
  const stolen = new Set(conflicts.map((c) => c.path));
  const previouslyMine = new Set(list.filter((e) => e.manager === manager && e.operation === 'Apply').flatMap((e) => [...fromFieldsV1(e.fieldsV1)]));
  const ownedByOthers = new Set(list.filter((e) => !(e.manager === manager && e.operation === 'Apply')).flatMap((e) => [...fromFieldsV1(e.fieldsV1)]));
  const { metadata: appliedMeta, ...appliedRest } = applied;
  const base = live ? (structuredClone(live) as KubeObject) : ({ apiVersion: applied.apiVersion, kind: applied.kind, metadata: { name: applied.metadata.name, namespace: applied.metadata.namespace } } as KubeObject);
  const { managedFields: _ignored, ...metaPatch } = appliedMeta as Record<string, Json>;
  const merged = strategicMerge(base, { ...appliedRest, metadata: metaPatch }) as KubeObject;
  // Fields this manager applied before and has now dropped go, unless someone else owns them.
  for (const p of previouslyMine) if (!appliedPaths.has(p) && !ownedByOthers.has(p)) removeAt(merged, p);
  const next: ManagedFieldsEntry[] = [];
  for (const e of list) {
    if (e.manager === manager && e.operation === 'Apply') continue;
    next.push({ ...e, fieldsV1: toFieldsV1([...fromFieldsV1(e.fieldsV1)].filter((p) => !stolen.has(p))) });
  }
  next.push({ manager, operation: 'Apply', apiVersion: applied.apiVersion, time: rfc3339(now), fieldsType: 'FieldsV1', fieldsV1: toFieldsV1(appliedPaths) });
  setEntries(merged, next);
  return merged;
}

/** The manager kube-apiserver records when a request names none: the User-Agent's program name. */
export function defaultManager(userAgent: string | undefined): string {
  return (userAgent ?? 'unknown').split('/')[0]?.trim() || 'unknown';
}
