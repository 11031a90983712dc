import { applyDefaults, specChanged, validate } from '../admission.js';
import { PATCH_TYPES, jsonPatch, mergePatch, strategicMerge } from '../patch.js';
import { groupVersion } from '../resources.js';
import { StatusError, alreadyExists, badRequest, conflict, notFoundPath } from '../status.js';
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

export async function createObject(r: ApiRequest, t: Target): Promise<void> {
  const store = r.cluster.store;
  const obj = checkIdentity(t, await readObject(r));
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
  applyDefaults(t.resource, obj, store, r.backend.serviceNetwork(r.cluster.spec.name));
  validate(t.resource, obj);
  try {
    const created = store.create(t.storeKey, obj, { dryRun });
    send(r.res, 201, created);
  } catch (e) {
    if (e instanceof Conflict) throw alreadyExists(t.resource, obj.metadata.name);
    throw e;
  }
}

/** Writes `next` over the stored object as PUT does: status is the status subresource's, identity and generation the server's. */
export function replace(r: ApiRequest, t: Target, current: KubeObject, next: KubeObject, dryRun: boolean, statusOnly = false): KubeObject {
  const store = r.cluster.store;
  let result: KubeObject;
  if (statusOnly) {
    result = { ...current, status: next.status, metadata: { ...current.metadata, resourceVersion: next.metadata.resourceVersion } };
  } else {
    result = next;
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
  }
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
  if (next.metadata.name !== t.name) throw badRequest(`the name of the object (${next.metadata.name}) does not match the name on the URL (${t.name})`);
  send(r.res, 200, replace(r, t, current, next, isDryRun(r)));
}

export async function applyPatch(r: ApiRequest, current: unknown): Promise<unknown> {
  const type = (r.req.headers['content-type'] ?? '').split(';')[0]?.trim();
  const body = await readBody(r.req);
  switch (type) {
    case PATCH_TYPES.json:
      return jsonPatch(current, parseJson(body));
    case PATCH_TYPES.merge:
      return mergePatch(structuredClone(current), parseJson(body));
    case PATCH_TYPES.strategic:
      return strategicMerge(structuredClone(current), parseJson(body));
    case PATCH_TYPES.apply:
      throw new StatusError(415, 'UnsupportedMediaType', 'the sandbox does not support server-side apply (application/apply-patch+yaml); use client-side apply or a merge patch');
    default:
      throw new StatusError(415, 'UnsupportedMediaType', `the body of the request was in an unknown format - accepted media types include: ${Object.values(PATCH_TYPES).slice(0, 3).join(', ')}`);
  }
}

export async function patchObject(r: ApiRequest, t: Target): Promise<void> {
  const current = entry(r, t).obj;
  const patched = (await applyPatch(r, current)) as KubeObject;
  if (!isObject(patched) || !isObject(patched.metadata)) throw badRequest('the patch removed the object metadata');
  if (patched.metadata.name !== current.metadata.name) throw badRequest('metadata.name: Invalid value: the name of an object cannot be changed by a patch');
  const next = checkIdentity(t, patched);
  send(r.res, 200, replace(r, t, current, next, isDryRun(r)));
}
