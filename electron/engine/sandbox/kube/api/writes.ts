import yaml from 'js-yaml';
import { applyDefaults, normalize, specChanged, validate } from '../admission.js';
import { unknownFields } from '../openapi.js';
import { validateCustomObject } from '../custom-validation.js';
import { PATCH_TYPES, jsonPatch, mergePatch, strategicMerge } from '../patch.js';
import { groupVersion } from '../resources.js';
import { StatusError, alreadyExists, badRequest, conflict, notFoundPath } from '../status.js';
import { defaultManager, recordUpdate, serverSideApply } from '../server-side-apply.js';
import { Conflict } from '../store.js';
import type { KubeObject } from '../types.js';
import { entry } from './reads.js';
import { type ApiRequest, type Target, isObject, parseJson, readBody, send } from './wire.js';

/**
 * Writes: create, update (PUT) and patch, each through admission (defaults, validation) and
 * with the API server's rules on identity, generation and optimistic concurrency.
 */

export function isDryRun(r: ApiRequest): boolean {
  const values = r.url.searchParams.getAll('dryRun');
  for (const v of values) if (v !== 'All') throw badRequest(`Invalid dry run value: ${v}; must be "All"`);
  return values.length > 0;
}

export async function readObject(r: ApiRequest): Promise<unknown> {
  // The sandbox speaks JSON only; say so plainly rather than failing to parse protobuf as JSON.
  if (/protobuf/.test(r.req.headers['content-type'] ?? '')) {
    throw new StatusError(415, 'UnsupportedMediaType', 'the sandbox API server accepts application/json and application/yaml request bodies, not application/vnd.kubernetes.protobuf');
  }
  return parseJson(await readBody(r.req));
}

export function checkIdentity(t: Target, obj: unknown): KubeObject {
  if (!isObject(obj) || !isObject(obj.metadata)) throw badRequest('Object \'metadata\' is missing in the request body');
  const o = obj as unknown as KubeObject;
  const expectedVersion = groupVersion(t.resource);
  if (o.apiVersion && o.apiVersion !== expectedVersion) throw badRequest(`the API version in the data (${o.apiVersion}) does not match the expected API version (${expectedVersion})`);
  if (o.kind && o.kind !== t.resource.kind) throw badRequest(`the kind in the data (${o.kind}) does not match the expected kind (${t.resource.kind})`);
  o.apiVersion = expectedVersion;
  o.kind = t.resource.kind;
  if (t.resource.namespaced) {
    if (o.metadata.namespace && t.namespace && o.metadata.namespace !== t.namespace) {
      throw badRequest('the namespace of the provided object does not match the namespace sent on the request');
    }
    o.metadata.namespace = t.namespace ?? o.metadata.namespace;
  } else delete o.metadata.namespace;
  return o;
}

export function requireNamespace(r: ApiRequest, t: Target): void {
  if (!t.resource.namespaced || !t.namespace) return;
  const ns = r.cluster.store.get('namespaces', undefined, t.namespace);
  if (!ns) throw new StatusError(404, 'NotFound', `namespaces "${t.namespace}" not found`, { name: t.namespace, kind: 'namespaces' });
  if (ns.metadata.deletionTimestamp) {
    throw new StatusError(403, 'Forbidden', `${t.resource.plural} is forbidden: unable to create new content in namespace ${t.namespace} because it is being terminated`);
  }
}

/**
 * Field validation (https://kubernetes.io/docs/reference/using-api/api-concepts/#field-validation):
 * Strict refuses fields the kind's schema does not declare, Warn (the default) keeps them and
 * says so in a Warning header, which kubectl prints; Ignore says nothing.
 */
function checkFields(r: ApiRequest, t: Target, obj: unknown): void {
  const mode = r.url.searchParams.get('fieldValidation') ?? 'Warn';
  if (mode === 'Ignore') return;
  const unknown = unknownFields(r.cluster.store, t.resource, obj);
  if (unknown.length === 0) return;
  if (mode === 'Strict') {
    throw badRequest(`${t.resource.kind} in version "${t.resource.version}" cannot be handled as a ${t.resource.kind}: strict decoding error: ${unknown.map((f) => `unknown field "${f}"`).join(', ')}`);
  }
  if (!r.res.headersSent) r.res.setHeader('Warning', unknown.map((f) => `299 - ${JSON.stringify(`unknown field "${f}"`)}`));
}

/** The field manager a write is recorded under: the request's, or its client's name. */
function fieldManager(r: ApiRequest): string {
  return r.url.searchParams.get('fieldManager') || defaultManager(r.req.headers['user-agent']);
}

export async function createObject(r: ApiRequest, t: Target): Promise<void> {
  const obj = checkIdentity(t, await readObject(r));
  checkFields(r, t, obj);
  send(r.res, 201, insert(r, t, obj, false));
}

/** Stores a new object through admission; `applied` when server-side apply creates it (its managedFields are already set). */
function insert(r: ApiRequest, t: Target, obj: KubeObject, applied: boolean): KubeObject {
  const store = r.cluster.store;
  if (t.resource.namespaced && !t.namespace) throw notFoundPath();
  requireNamespace(r, t);
  const dryRun = isDryRun(r);
  if (!obj.metadata.name) {
    if (!obj.metadata.generateName) throw new StatusError(422, 'Invalid', `${t.resource.kind} "" is invalid: metadata.name: Required value: name or generateName is required`);
    obj.metadata.name = `${obj.metadata.generateName}${store.nameSuffix()}`;
  }
  for (const field of ['uid', 'resourceVersion', 'creationTimestamp', 'deletionTimestamp', 'generation'] as const) delete obj.metadata[field];
  obj.metadata.uid = '';
  obj.metadata.resourceVersion = '';
  obj.metadata.creationTimestamp = '';
  normalize(t.resource, obj);
  applyDefaults(t.resource, obj, store, r.backend.serviceNetwork(r.cluster.spec.name), r.cluster.now());
  validate(t.resource, obj);
  validateCustomObject(store, t.resource, obj);
  if (!applied) recordUpdate(undefined, obj, fieldManager(r), r.cluster.now());
  try {
    return store.create(t.storeKey, obj, { dryRun });
  } catch (e) {
    if (e instanceof Conflict) throw alreadyExists(t.resource, obj.metadata.name);
    throw e;
  }
}

/** Writes `next` over the stored object as PUT does: status is the status subresource's, identity and generation the server's. */
export function replace(r: ApiRequest, t: Target, current: KubeObject, next: KubeObject, dryRun: boolean, statusOnly = false, applied = false): KubeObject {
  const store = r.cluster.store;
  let result: KubeObject;
  if (statusOnly) {
    result = { ...current, status: next.status, metadata: { ...current.metadata, resourceVersion: next.metadata.resourceVersion } };
  } else {
    result = next;
    normalize(t.resource, result);
    if ((t.resource.subresources ?? []).some((s) => s.name === 'status') && 'status' in current) result.status = current.status;
    const m = result.metadata;
    m.uid = current.metadata.uid;
    m.creationTimestamp = current.metadata.creationTimestamp;
    if (current.metadata.deletionTimestamp) m.deletionTimestamp = current.metadata.deletionTimestamp;
    else delete m.deletionTimestamp;
    if (current.metadata.generation !== undefined) {
      m.generation = specChanged(current, result) ? current.metadata.generation + 1 : current.metadata.generation;
    } else delete m.generation;
    validate(t.resource, result);
    validateCustomObject(store, t.resource, result);
  }
  if (!applied) recordUpdate(current, result, fieldManager(r), r.cluster.now(), statusOnly ? 'status' : t.sub);
  try {
    return store.update(t.storeKey, result, { dryRun });
  } catch (e) {
    if (e instanceof Conflict) throw conflict(t.resource, current.metadata.name);
    throw e;
  }
}

export async function updateObject(r: ApiRequest, t: Target): Promise<void> {
  const current = entry(r, t).obj;
  const next = checkIdentity(t, await readObject(r));
  if (!t.sub) checkFields(r, t, next);
  if (next.metadata.name !== t.name) throw badRequest(`the name of the object (${next.metadata.name}) does not match the name on the URL (${t.name})`);
  send(r.res, 200, replace(r, t, current, next, isDryRun(r)));
}

/** Applies the request's patch to `current`; `t` (the object's target) checks a merge patch's fields. */
export async function applyPatch(r: ApiRequest, current: unknown, t?: Target): Promise<unknown> {
  const type = (r.req.headers['content-type'] ?? '').split(';')[0]?.trim();
  const body = await readBody(r.req);
  switch (type) {
    case PATCH_TYPES.json:
      return jsonPatch(current, parseJson(body));
    case PATCH_TYPES.merge: {
      const patch = parseJson(body);
      if (t) checkFields(r, t, patch);
      return mergePatch(structuredClone(current), patch);
    }
    case PATCH_TYPES.strategic: {
      const patch = parseJson(body);
      if (t) checkFields(r, t, patch);
      return strategicMerge(structuredClone(current), patch);
    }
    default:
      throw new StatusError(415, 'UnsupportedMediaType', `the body of the request was in an unknown format - accepted media types include: ${Object.values(PATCH_TYPES).slice(0, 3).join(', ')}`);
  }
}

function isApply(r: ApiRequest): boolean {
  return (r.req.headers['content-type'] ?? '').split(';')[0]?.trim() === PATCH_TYPES.apply;
}

/** PATCH with application/apply-patch+yaml: server-side apply, which creates the object when it does not exist. */
async function applyObject(r: ApiRequest, t: Target): Promise<void> {
  const manager = r.url.searchParams.get('fieldManager');
  if (!manager) throw new StatusError(422, 'Invalid', 'PatchOptions.meta.k8s.io "" is invalid: fieldManager: Required value: is required for apply patch');
  let body: unknown;
  try {
    body = yaml.load(await readBody(r.req));
  } catch (e) {
    throw badRequest(`error decoding YAML: ${(e as Error).message}`);
  }
  const config = checkIdentity(t, body);
  checkFields(r, t, config);
  if (config.metadata.name !== t.name) throw badRequest(`the name of the object (${config.metadata.name}) does not match the name on the URL (${t.name})`);
  const force = ['true', '1'].includes(r.url.searchParams.get('force') ?? '');
  const now = r.cluster.now();
  const live = r.cluster.store.get(t.storeKey, t.resource.namespaced ? t.namespace : undefined, t.name ?? '');
  const merged = checkIdentity(t, serverSideApply(live, config, manager, force, now));
  if (!live) return send(r.res, 201, insert(r, t, merged, true));
  send(r.res, 200, replace(r, t, live, merged, isDryRun(r), false, true));
}

export async function patchObject(r: ApiRequest, t: Target): Promise<void> {
  if (isApply(r) && !t.sub) return applyObject(r, t);
  const current = entry(r, t).obj;
  const patched = (await applyPatch(r, current, t.sub ? undefined : t)) as KubeObject;
  if (!isObject(patched) || !isObject(patched.metadata)) throw badRequest('the patch removed the object metadata');
  if (patched.metadata.name !== current.metadata.name) throw badRequest('metadata.name: Invalid value: the name of an object cannot be changed by a patch');
  const next = checkIdentity(t, patched);
  send(r.res, 200, replace(r, t, current, next, isDryRun(r)));
}
