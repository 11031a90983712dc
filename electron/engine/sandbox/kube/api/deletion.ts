import { beginPodDeletion } from '../controllers/pods.js';
import { groupVersion } from '../resources.js';
import { StatusError, conflict, qualifiedName, successStatus } from '../status.js';
import type { KubeObject, Pod } from '../types.js';
import { entry, predicate } from './reads.js';
import { type ApiRequest, type Target, isObject, listKind, parseJson, readBody, send } from './wire.js';
import { isDryRun } from './writes.js';

/** Deletes, one or a collection, with preconditions, grace periods and propagation policies. */

type DeleteOptions = ReturnType<typeof deleteOptions>;

export function deleteOptions(r: ApiRequest, body: unknown): { grace?: number; propagation: string; dryRun: boolean; uid?: string; rv?: string } {
  const o = isObject(body) ? body : {};
  const q = r.url.searchParams;
  const grace = q.get('gracePeriodSeconds') ?? (typeof o.gracePeriodSeconds === 'number' ? String(o.gracePeriodSeconds) : null);
  const dryRun = isDryRun(r) || (Array.isArray(o.dryRun) && o.dryRun.includes('All'));
  const pre = isObject(o.preconditions) ? o.preconditions : {};
  return {
    ...(grace !== null ? { grace: Number(grace) } : {}),
    propagation: q.get('propagationPolicy') ?? (typeof o.propagationPolicy === 'string' ? o.propagationPolicy : 'Background'),
    dryRun,
    ...(typeof pre.uid === 'string' ? { uid: pre.uid } : {}),
    ...(typeof pre.resourceVersion === 'string' ? { rv: pre.resourceVersion } : {}),
  };
}

export function deleteOne(r: ApiRequest, t: Target, obj: KubeObject, options: DeleteOptions): unknown {
  const store = r.cluster.store;
  if (options.uid && options.uid !== obj.metadata.uid) {
    throw new StatusError(409, 'Conflict', `Operation cannot be fulfilled on ${qualifiedName(t.resource)} "${obj.metadata.name}": Precondition failed: UID in precondition: ${options.uid}, UID in object meta: ${obj.metadata.uid}`);
  }
  if (options.rv && options.rv !== obj.metadata.resourceVersion) throw conflict(t.resource, obj.metadata.name);
  if (options.dryRun) return obj;
  const now = r.cluster.now();
  if (t.resource.kind === 'Pod') {
    beginPodDeletion(store, obj as Pod, now, options.grace);
    return store.get(t.storeKey, obj.metadata.namespace, obj.metadata.name) ?? { ...obj, metadata: { ...obj.metadata, deletionTimestamp: obj.metadata.deletionTimestamp ?? new Date(now).toISOString() } };
  }
  if (t.resource.kind === 'Namespace') {
    return store.mutate('namespaces', undefined, obj.metadata.name, (ns) => {
      ns.metadata.deletionTimestamp ??= new Date(now).toISOString().replace(/\.\d{3}Z$/, 'Z');
      ns.status = { phase: 'Terminating' };
    });
  }
  if (options.propagation === 'Orphan') {
    for (const dependent of ['replicasets.apps', 'pods', 'controllerrevisions.apps']) {
      for (const d of store.owned(dependent, obj.metadata.uid)) {
        store.mutate(dependent, d.metadata.namespace, d.metadata.name, (x) => {
          x.metadata.ownerReferences = (x.metadata.ownerReferences ?? []).filter((ref) => ref.uid !== obj.metadata.uid);
          if (x.metadata.ownerReferences.length === 0) delete x.metadata.ownerReferences;
        });
      }
    }
  }
  if (t.resource.kind === 'CustomResourceDefinition') {
    // Deleting a CRD deletes every object of its kind.
    const key = obj.metadata.name;
    for (const o of store.objects(key)) store.remove(key, o.metadata.namespace, o.metadata.name);
  }
  store.remove(t.storeKey, obj.metadata.namespace, obj.metadata.name);
  return successStatus({ name: obj.metadata.name, group: t.resource.group, kind: t.resource.plural, uid: obj.metadata.uid });
}

export async function deleteObject(r: ApiRequest, t: Target): Promise<void> {
  const obj = entry(r, t).obj;
  const text = await readBody(r.req);
  const options = deleteOptions(r, text.trim() ? parseJson(text) : undefined);
  send(r.res, 200, deleteOne(r, t, obj, options));
}

export async function deleteCollection(r: ApiRequest, t: Target): Promise<void> {
  const text = await readBody(r.req);
  const options = deleteOptions(r, text.trim() ? parseJson(text) : undefined);
  const matches = predicate(r, t);
  const items: unknown[] = [];
  for (const obj of r.cluster.store.objects(t.storeKey, t.resource.namespaced ? t.namespace : undefined)) {
    if (!matches(obj)) continue;
    deleteOne(r, t, obj, options);
    items.push(obj);
  }
  send(r.res, 200, { kind: listKind(t.resource), apiVersion: groupVersion(t.resource), metadata: { resourceVersion: String(r.cluster.store.resourceVersion) }, items });
}
