import { type Predicate, fieldSelectorPredicate, labelSelectorPredicate, pinnedName } from '../selectors.js';
import { StatusError, badRequest, notFound } from '../status.js';
import type { Entry } from '../store.js';
import { table } from '../table.js';
import type { KubeObject } from '../types.js';
import { groupVersion } from '../resources.js';
import { serveWatch } from '../watch.js';
import { type ApiRequest, type Target, includeObject, listKind, negotiate, send } from './wire.js';

/**
 * Reads: get, list (with selectors, limit/continue and resourceVersionMatch) and watch, each
 * rendered as the client negotiated: the object, a Table, or PartialObjectMetadata
 * (https://kubernetes.io/docs/reference/using-api/api-concepts/).
 */

interface ContinueToken {
  rv: number;
  start: string;
}

function encodeContinue(t: ContinueToken): string {
  return Buffer.from(JSON.stringify({ v: 'meta.k8s.io/v1', rv: t.rv, start: t.start })).toString('base64url');
}

function decodeContinue(text: string | null): ContinueToken | undefined {
  if (!text) return undefined;
  try {
    const t = JSON.parse(Buffer.from(text, 'base64url').toString('utf8')) as { rv?: unknown; start?: unknown };
    if (typeof t.rv === 'number' && typeof t.start === 'string') return { rv: t.rv, start: t.start };
  } catch {
    // fall through to the error below
  }
  throw badRequest('continue key is not valid: incorrect encoded start resourceVersion (version meta.k8s.io/v1)');
}

function partial(obj: KubeObject): Record<string, unknown> {
  return { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: obj.metadata };
}

export function entry(r: ApiRequest, t: Target): Entry {
  const e = r.cluster.store.entry(t.storeKey, t.resource.namespaced ? t.namespace : undefined, t.name ?? '');
  if (!e) throw notFound(t.resource, t.name ?? '');
  return e;
}

export function getObject(r: ApiRequest, t: Target): void {
  const e = entry(r, t);
  const rendering = negotiate(r.req.headers.accept);
  if (rendering.as === 'table') {
    return send(r.res, 200, table(t.resource.kind, [e.obj], r.cluster.now(), includeObject(r.url), { resourceVersion: e.obj.metadata.resourceVersion }));
  }
  if (rendering.as === 'partial') return send(r.res, 200, partial(e.obj));
  send(r.res, 200, atVersion(r, t, e));
}

/**
 * The object at the version the request asked for, as the API server converts between the
 * versions it serves of one kind (flowcontrol v1 and v1beta3 hold the same fields); the
 * object's own records (managedFields, kubectl's last-applied annotation) keep the version it was written at.
 */
function atVersion(r: ApiRequest, t: Target, e: Entry): string {
  const gv = groupVersion(t.resource);
  if (t.resource.custom || e.obj.apiVersion === gv) return r.cluster.store.json(e);
  return JSON.stringify({ ...e.obj, apiVersion: gv });
}

export function predicate(r: ApiRequest, t: Target): Predicate {
  const labels = labelSelectorPredicate(r.url.searchParams.get('labelSelector'));
  const fields = fieldSelectorPredicate(r.url.searchParams.get('fieldSelector'), t.storeKey);
  if (labels && fields) return (o) => labels(o) && fields(o);
  return labels ?? fields ?? (() => true);
}

export function listObjects(r: ApiRequest, t: Target): void {
  const store = r.cluster.store;
  const rendering = negotiate(r.req.headers.accept);
  const matches = predicate(r, t);
  const limit = Math.max(0, Number(r.url.searchParams.get('limit') ?? 0) || 0);
  const token = decodeContinue(r.url.searchParams.get('continue'));
  const rv = store.resourceVersion;
  const rvMatch = r.url.searchParams.get('resourceVersionMatch');
  const requestedRv = r.url.searchParams.get('resourceVersion');
  if (rvMatch === 'Exact' && requestedRv && Number(requestedRv) < store.oldestWatchableRv) {
    throw new StatusError(410, 'Expired', `The resourceVersion for the provided list is too old.`);
  }
  const ns = t.resource.namespaced ? t.namespace : undefined;
  const pinned = pinnedName(r.url.searchParams.get('fieldSelector'));
  const selected: Entry[] = [];
  let more = false;
  let remaining = 0;
  const unfiltered = !r.url.searchParams.get('labelSelector') && !r.url.searchParams.get('fieldSelector');
  const source: Iterable<Entry> = pinned !== undefined && ns !== undefined ? [store.entry(t.storeKey, ns, pinned)].filter((e): e is Entry => !!e) : store.entries(t.storeKey, ns, token?.start);
  for (const e of source) {
    if (pinned !== undefined && e.obj.metadata.name !== pinned) continue;
    if (!matches(e.obj)) continue;
    if (limit > 0 && selected.length >= limit) {
      more = true;
      if (!unfiltered) break;
      remaining++;
      continue;
    }
    selected.push(e);
  }
  const last = selected[selected.length - 1];
  const meta: Record<string, unknown> = { resourceVersion: String(token?.rv ?? rv) };
  if (more && last) {
    meta.continue = encodeContinue({ rv: token?.rv ?? rv, start: last.key });
    if (unfiltered) meta.remainingItemCount = remaining;
  }
  if (rendering.as === 'table') {
    return send(r.res, 200, table(t.resource.kind, selected.map((e) => e.obj), r.cluster.now(), includeObject(r.url), meta));
  }
  if (rendering.as === 'partial') {
    return send(r.res, 200, { kind: 'PartialObjectMetadataList', apiVersion: 'meta.k8s.io/v1', metadata: meta, items: selected.map((e) => partial(e.obj)) });
  }
  const head = `{"kind":"${listKind(t.resource)}","apiVersion":"${groupVersion(t.resource)}","metadata":${JSON.stringify(meta)},"items":[`;
  const parts: string[] = new Array(selected.length);
  for (let i = 0; i < selected.length; i++) parts[i] = atVersion(r, t, selected[i] as Entry);
  const body = `${head}${parts.join(',')}]}`;
  r.res.writeHead(200, { 'Content-Type': 'application/json', 'Cache-Control': 'no-cache, private', 'Content-Length': Buffer.byteLength(body) });
  r.res.end(body);
}

export function watchObjects(r: ApiRequest, t: Target): void {
  const rendering = negotiate(r.req.headers.accept);
  const base = predicate(r, t);
  const name = t.name;
  const matches: Predicate = name ? (o) => o.metadata.name === name && base(o) : base;
  const timeoutParam = Number(r.url.searchParams.get('timeoutSeconds') ?? '');
  const timeoutSeconds = Number.isFinite(timeoutParam) && timeoutParam > 0 ? timeoutParam : 1800 + Math.floor(Math.random() * 1800);
  const sendInitial = r.url.searchParams.get('sendInitialEvents');
  const include = includeObject(r.url);
  let first = true;
  const render = (obj: KubeObject, json: () => string): string => {
    if (rendering.as === 'object') return json();
    if (rendering.as === 'partial') return JSON.stringify(partial(obj));
    // Column definitions travel with the first event only, as kube-apiserver sends them.
    const withHeaders = first;
    first = false;
    return JSON.stringify(table(t.resource.kind, [obj], r.cluster.now(), include, { resourceVersion: obj.metadata.resourceVersion }, withHeaders));
  };
  serveWatch(
    r.res,
    {
      store: r.cluster.store,
      resource: t.resource,
      storeKey: t.storeKey,
      namespace: t.resource.namespaced ? t.namespace : undefined,
      matches,
      resourceVersion: r.url.searchParams.get('resourceVersion'),
      allowBookmarks: r.url.searchParams.get('allowWatchBookmarks') === 'true',
      sendInitialEvents: sendInitial === null ? undefined : sendInitial === 'true',
      timeoutSeconds,
      render,
    },
    (close) => {
      r.watches.add(close);
      r.res.on('close', () => r.watches.delete(close));
    },
  );
}
