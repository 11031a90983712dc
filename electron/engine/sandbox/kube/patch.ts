import { StatusError, badRequest } from './status.js';

/**
 * The three patch types the API server accepts from kubectl and client libraries:
 * JSON merge patch (RFC 7386), JSON patch (RFC 6902) and strategic merge patch
 * (https://kubernetes.io/docs/tasks/manage-kubernetes-objects/update-api-object-kubectl-patch/).
 * Strategic merge knows the merge keys of the list fields kubectl patches (containers by name,
 * env by name, ports by containerPort, …), taken from the core types' patchMergeKey tags.
 */

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

export const PATCH_TYPES = {
  merge: 'application/merge-patch+json',
  strategic: 'application/strategic-merge-patch+json',
  json: 'application/json-patch+json',
  apply: 'application/apply-patch+yaml',
} as const;

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function mergePatch(target: unknown, patch: unknown): unknown {
  if (!isObject(patch)) return patch;
  const result: JsonObject = isObject(target) ? { ...target } : {};
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete result[key];
    else result[key] = mergePatch(result[key], value) as Json;
  }
  return result;
}

export function mergeKeyFor(field: string, parentField: string | undefined): string | undefined {
  switch (field) {
    case 'containers':
    case 'initContainers':
    case 'ephemeralContainers':
    case 'env':
    case 'volumes':
    case 'imagePullSecrets':
    case 'resourceClaims':
      return 'name';
    case 'volumeMounts':
      return 'mountPath';
    case 'volumeDevices':
      return 'devicePath';
    case 'ports':
      return parentField === 'containers' || parentField === 'initContainers' || parentField === 'ephemeralContainers' ? 'containerPort' : 'port';
    case 'conditions':
      return 'type';
    case 'ownerReferences':
      return 'uid';
    case 'hostAliases':
      return 'ip';
    case 'topologySpreadConstraints':
      return 'topologyKey';
    case 'taints':
      return 'key';
    case 'addresses':
      return parentField === undefined ? 'type' : undefined;
    default:
      return undefined;
  }
}

const PRIMITIVE_MERGE_LISTS = new Set(['finalizers']);

function sameKey(a: Json, b: Json, key: string): boolean {
  return isObject(a) && isObject(b) && a[key] === b[key];
}

function mergeList(original: Json[], patch: Json[], mergeKey: string, field: string): Json[] {
  if (patch.some((item) => isObject(item) && item.$patch === 'replace')) {
    return patch.filter((item) => !(isObject(item) && item.$patch === 'replace'));
  }
  const result = [...original];
  for (const item of patch) {
    if (!isObject(item)) {
      result.push(item);
      continue;
    }
    const index = result.findIndex((o) => sameKey(o, item, mergeKey));
    if (item.$patch === 'delete') {
      if (index >= 0) result.splice(index, 1);
      continue;
    }
    if (index >= 0) result[index] = strategicMerge(result[index], item, field) as Json;
    else result.push(strategicMerge(undefined, item, field) as Json);
  }
  return result;
}

function orderList(items: Json[], order: Json[], mergeKey: string | undefined): Json[] {
  const position = (item: Json): number => {
    const index = order.findIndex((o) => (mergeKey ? sameKey(o, item, mergeKey) : o === item));
    return index < 0 ? order.length : index;
  };
  return [...items].sort((a, b) => position(a) - position(b));
}

export function strategicMerge(original: unknown, patch: unknown, parentField?: string): unknown {
  if (!isObject(patch)) return patch;
  if (patch.$patch === 'replace') {
    const { $patch: _ignored, ...rest } = patch;
    return rest;
  }
  if (patch.$patch === 'delete') return undefined;
  const result: JsonObject = isObject(original) ? { ...original } : {};
  const retain = patch.$retainKeys;
  if (Array.isArray(retain)) {
    for (const key of Object.keys(result)) if (!retain.includes(key) && !(key in patch)) delete result[key];
  }
  for (const [key, value] of Object.entries(patch)) {
    if (key === '$patch' || key === '$retainKeys' || key.startsWith('$setElementOrder/')) continue;
    if (key.startsWith('$deleteFromPrimitiveList/')) {
      const field = key.slice('$deleteFromPrimitiveList/'.length);
      const list = result[field];
      if (Array.isArray(list) && Array.isArray(value)) result[field] = list.filter((v) => !value.includes(v));
      continue;
    }
    if (value === null) {
      delete result[key];
      continue;
    }
    if (Array.isArray(value)) {
      const current = result[key];
      const mergeKey = mergeKeyFor(key, parentField);
      if (mergeKey && Array.isArray(current)) result[key] = mergeList(current, value, mergeKey, key);
      else if (PRIMITIVE_MERGE_LISTS.has(key) && Array.isArray(current)) result[key] = [...new Set([...current, ...value])];
      else if (mergeKey) result[key] = mergeList([], value, mergeKey, key);
      else result[key] = value;
      continue;
    }
    if (isObject(value)) {
      const merged = strategicMerge(result[key], value, key);
      if (merged === undefined) delete result[key];
      else result[key] = merged as Json;
      continue;
    }
    result[key] = value;
  }
  for (const [key, order] of Object.entries(patch)) {
    if (!key.startsWith('$setElementOrder/') || !Array.isArray(order)) continue;
    const field = key.slice('$setElementOrder/'.length);
    const list = result[field];
    if (Array.isArray(list)) result[field] = orderList(list, order, mergeKeyFor(field, parentField));
  }
  return result;
}

interface JsonPatchOp {
  op: string;
  path: string;
  from?: string;
  value?: Json;
}

function pointer(path: string): string[] {
  if (path === '') return [];
  if (!path.startsWith('/')) throw badRequest(`invalid JSON pointer "${path}"`);
  return path
    .slice(1)
    .split('/')
    .map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'));
}

function parentOf(doc: Json, parts: string[], op: string, path: string): { parent: Json; last: string } {
  let node: Json = doc;
  for (const part of parts.slice(0, -1)) {
    if (Array.isArray(node)) node = node[Number(part)] as Json;
    else if (isObject(node)) node = node[part] as Json;
    else node = undefined as unknown as Json;
    if (node === undefined || node === null) {
      throw new StatusError(422, 'Invalid', `the server rejected our request due to an error in our request: ${op} operation does not apply: doc is missing path: "${path}"`);
    }
  }
  return { parent: node, last: parts[parts.length - 1] ?? '' };
}

function getAt(doc: Json, path: string): Json {
  let node: Json = doc;
  for (const part of pointer(path)) {
    if (Array.isArray(node)) node = node[Number(part)] as Json;
    else if (isObject(node)) node = node[part] as Json;
    else node = undefined as unknown as Json;
    if (node === undefined) throw new StatusError(422, 'Invalid', `the server rejected our request due to an error in our request: missing path: "${path}"`);
  }
  return node;
}

function apply(doc: Json, op: string, path: string, value: Json | undefined): Json {
  const parts = pointer(path);
  if (parts.length === 0) return op === 'remove' ? null : (value as Json);
  const { parent, last } = parentOf(doc, parts, op, path);
  if (Array.isArray(parent)) {
    const index = last === '-' ? parent.length : Number(last);
    if (!Number.isInteger(index) || index < 0 || index > parent.length) throw badRequest(`invalid array index "${last}" in "${path}"`);
    if (op === 'add') parent.splice(index, 0, value as Json);
    else if (op === 'remove') parent.splice(index, 1);
    else parent[index] = value as Json;
  } else if (isObject(parent)) {
    if ((op === 'remove' || op === 'replace') && !(last in parent)) {
      throw new StatusError(422, 'Invalid', `the server rejected our request due to an error in our request: ${op} operation does not apply: doc is missing key: ${path}`);
    }
    if (op === 'remove') delete parent[last];
    else parent[last] = value as Json;
  } else throw badRequest(`cannot apply ${op} at "${path}"`);
  return doc;
}

export function jsonPatch(target: unknown, ops: unknown): unknown {
  if (!Array.isArray(ops)) throw badRequest('json: cannot unmarshal object into Go value of type jsonpatch.Patch');
  let doc = structuredClone(target) as Json;
  for (const raw of ops as JsonPatchOp[]) {
    if (!isObject(raw) || typeof raw.op !== 'string' || typeof raw.path !== 'string') throw badRequest('invalid JSON patch operation');
    switch (raw.op) {
      case 'add':
      case 'replace':
        doc = apply(doc, raw.op, raw.path, structuredClone(raw.value ?? null));
        break;
      case 'remove':
        doc = apply(doc, 'remove', raw.path, undefined);
        break;
      case 'move': {
        const value = getAt(doc, raw.from ?? '');
        doc = apply(doc, 'remove', raw.from ?? '', undefined);
        doc = apply(doc, 'add', raw.path, value);
        break;
      }
      case 'copy':
        doc = apply(doc, 'add', raw.path, structuredClone(getAt(doc, raw.from ?? '')));
        break;
      case 'test':
        if (JSON.stringify(getAt(doc, raw.path)) !== JSON.stringify(raw.value)) {
          throw new StatusError(422, 'Invalid', `the server rejected our request due to an error in our request: testing value ${raw.path} failed`);
        }
        break;
      default:
        throw badRequest(`Unexpected kind: ${raw.op}`);
    }
  }
  return doc;
}
