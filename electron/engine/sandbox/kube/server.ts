import type { IncomingMessage, ServerResponse } from 'node:http';
import { applyDefaults, specChanged, validate } from './admission.js';
import { type Authenticator, type User, authorize, forbidden, selfSubjectAccessReview, selfSubjectRulesReview, selfSubjectReview } from './auth.js';
import type { SimulatedCluster } from './cluster.js';
import { beginPodDeletion, isReady } from './controllers/pods.js';
import { apiGroup, apiGroupList, apiResourceList, apiVersions, versionInfo } from './discovery.js';
import { metricsList, nodeMetrics, podMetrics, podsByNode, type Usage } from './metrics-api.js';
import { PATCH_TYPES, jsonPatch, mergePatch, strategicMerge } from './patch.js';
import { type ResourceType, findResource, groupVersion, resourceKey } from './resources.js';
import { type Predicate, fieldSelectorPredicate, labelSelectorPredicate, pinnedName, selectorMatches, selectorString } from './selectors.js';
import {
  StatusError, alreadyExists, badRequest, conflict, methodNotAllowed, notFound, notFoundPath, qualifiedName, successStatus,
} from './status.js';
import { Conflict, type Entry, type ObjectStore } from './store.js';
import { type IncludeObject, table } from './table.js';
import type { Deployment, KubeObject, NodeObject, Pod, PodDisruptionBudget, StatefulSet } from './types.js';
import { serveWatch } from './watch.js';

/**
 * The Kubernetes API of every sandbox cluster on one HTTP server, each under its own path
 * prefix (`/clusters/<name>`), which kubectl and client libraries accept as part of a server
 * URL. Routing follows the API's URL scheme
 * (https://kubernetes.io/docs/reference/using-api/api-concepts/#resource-uris).
 */

export interface KubeBackend {
  cluster(name: string): SimulatedCluster | undefined;
  usage(pod: Pod, cluster: string): { cpuMilli: number; memoryMi: number };
  serviceNetwork(cluster: string): string;
}

type Rendering = { as: 'object' } | { as: 'table' } | { as: 'partial' };

interface Request {
  req: IncomingMessage;
  res: ServerResponse;
  url: URL;
  cluster: SimulatedCluster;
  user: User;
}

interface Target {
  resource: ResourceType;
  storeKey: string;
  namespace: string | undefined;
  name: string | undefined;
  sub: string | undefined;
  watchPath: boolean;
}

// kube-apiserver's own limit on a request body (3 MiB), as its 413 message names it.
const MAX_BODY_BYTES = 3 * 1024 * 1024;
const PUBLIC_PATHS = new Set(['/version', '/healthz', '/livez', '/readyz']);

function send(res: ServerResponse, code: number, body: unknown): void {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  res.writeHead(code, { 'Content-Type': 'application/json', 'Cache-Control': 'no-cache, private', 'Content-Length': Buffer.byteLength(text) });
  res.end(text);
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  // Past the limit, read on and drop: leaving the loop destroys the socket before the 413 is read.
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size <= MAX_BODY_BYTES) chunks.push(chunk as Buffer);
  }
  if (size > MAX_BODY_BYTES) throw new StatusError(413, 'RequestEntityTooLarge', `Request entity too large: limit is ${MAX_BODY_BYTES}`);
  return Buffer.concat(chunks).toString('utf8');
}

function parseJson(text: string): unknown {
  if (!text.trim()) throw badRequest('the body of the request was in an unknown format - accepted media types include: application/json, application/yaml');
  try {
    return JSON.parse(text);
  } catch (e) {
    throw badRequest(`the body of the request was in an unknown format: ${(e as Error).message}`);
  }
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function negotiate(accept: string | undefined): Rendering {
  if (!accept) return { as: 'object' };
  let sawAcceptable = false;
  for (const part of accept.split(',')) {
    const [type = '', ...params] = part.split(';').map((p) => p.trim());
    if (type !== 'application/json' && type !== '*/*' && type !== 'application/*') continue;
    sawAcceptable = true;
    const p = Object.fromEntries(params.map((x) => x.split('=').map((y) => y.trim()) as [string, string]));
    if (!p.as) return { as: 'object' };
    if (p.as === 'Table' && p.g === 'meta.k8s.io' && (p.v === 'v1' || p.v === 'v1beta1')) return { as: 'table' };
    if ((p.as === 'PartialObjectMetadata' || p.as === 'PartialObjectMetadataList') && p.g === 'meta.k8s.io') return { as: 'partial' };
  }
  if (!sawAcceptable && !/application\/(yaml|vnd\.kubernetes\.protobuf)/.test(accept)) return { as: 'object' };
  if (!sawAcceptable) throw new StatusError(406, 'NotAcceptable', `only the following media types are accepted: application/json, application/yaml, application/vnd.kubernetes.protobuf`);
  return { as: 'object' };
}

function includeObject(url: URL): IncludeObject {
  const v = url.searchParams.get('includeObject');
  return v === 'None' || v === 'Object' ? v : 'Metadata';
}

function listKind(r: ResourceType): string {
  return `${r.kind}List`;
}

function partial(obj: KubeObject): Record<string, unknown> {
  return { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: obj.metadata };
}

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

export class KubeApiServer {
  private readonly watches = new Set<() => void>();

  constructor(
    private readonly backend: KubeBackend,
    private readonly authenticator: Authenticator,
    private readonly serverAddress: () => string,
  ) {}

  /** Serves `/clusters/<name>/...`; returns false for every other path. */
  async handle(req: IncomingMessage, res: ServerResponse, url: URL): Promise<boolean> {
    const m = /^\/clusters\/([^/]+)(\/.*)?$/.exec(url.pathname);
    if (!m) return false;
    try {
      const cluster = this.backend.cluster(decodeURIComponent(m[1] as string));
      if (!cluster) throw new StatusError(404, 'NotFound', `no sandbox cluster named "${m[1]}"`);
      const path = (m[2] ?? '/').replace(/\/+$/, '') || '/';
      if (PUBLIC_PATHS.has(path) && !req.headers.authorization) {
        await this.nonResource(req, res, path, cluster);
        return true;
      }
      const user = this.authenticator.authenticate(req);
      await this.route({ req, res, url, cluster, user }, path);
    } catch (e) {
      this.fail(res, e);
    }
    return true;
  }

  stop(): void {
    for (const close of [...this.watches]) close();
  }

  private fail(res: ServerResponse, e: unknown): void {
    if (res.headersSent) {
      res.end();
      return;
    }
    if (e instanceof StatusError) {
      send(res, e.code, e.toStatus());
      return;
    }
    const message = e instanceof Error ? e.message : String(e);
    send(res, 500, new StatusError(500, 'InternalError', `Internal error occurred: ${message}`).toStatus());
  }

  private async nonResource(req: IncomingMessage, res: ServerResponse, path: string, cluster: SimulatedCluster): Promise<void> {
    if (req.method !== 'GET' && req.method !== 'HEAD') throw methodNotAllowed();
    if (path === '/version') return send(res, 200, versionInfo(cluster.version));
    res.writeHead(200, { 'Content-Type': 'text/plain; charset=utf-8' });
    res.end('ok');
  }

  private async route(r: Request, path: string): Promise<void> {
    const segments = path.split('/').filter(Boolean).map(decodeURIComponent);
    if (PUBLIC_PATHS.has(path)) return this.nonResource(r.req, r.res, path, r.cluster);
    if (path === '/api') return send(r.res, 200, apiVersions(this.serverAddress()));
    if (path === '/apis') return send(r.res, 200, apiGroupList());
    if (segments[0] === 'openapi') throw notFoundPath();
    let gv: string;
    let rest: string[];
    if (segments[0] === 'api' && segments[1] === 'v1') {
      gv = 'v1';
      rest = segments.slice(2);
    } else if (segments[0] === 'apis' && segments.length >= 2) {
      if (segments.length === 2) {
        const group = apiGroup(segments[1] as string);
        if (!group) throw notFoundPath();
        return send(r.res, 200, group);
      }
      gv = `${segments[1]}/${segments[2]}`;
      rest = segments.slice(3);
    } else throw notFoundPath();
    if (rest.length === 0) {
      const list = apiResourceList(gv);
      if (!list) throw notFoundPath();
      return send(r.res, 200, list);
    }
    const target = this.target(gv, rest);
    await this.resource(r, target);
  }

  private target(gv: string, segments: string[]): Target {
    let watchPath = false;
    let s = segments;
    if (s[0] === 'watch') {
      watchPath = true;
      s = s.slice(1);
    }
    let namespace: string | undefined;
    let plural: string;
    let name: string | undefined;
    let sub: string | undefined;
    if (s[0] === 'namespaces' && s.length >= 3 && !(s.length === 3 && (s[2] === 'status' || s[2] === 'finalize'))) {
      namespace = s[1];
      plural = s[2] as string;
      name = s[3];
      sub = s[4];
      if (s.length > 5) throw notFoundPath();
    } else {
      plural = s[0] as string;
      name = s[1];
      sub = s[2];
      if (s.length > 3) throw notFoundPath();
    }
    const resource = findResource(gv, plural);
    if (!resource) throw notFoundPath();
    if (namespace !== undefined && !resource.namespaced) throw notFoundPath();
    if (sub && !(resource.subresources ?? []).some((x) => x.name === sub)) throw notFoundPath();
    return { resource, storeKey: resourceKey(resource), namespace, name, sub, watchPath };
  }

  private verb(r: Request, t: Target): string {
    const watch = t.watchPath || ['true', '1'].includes(r.url.searchParams.get('watch') ?? '');
    switch (r.req.method) {
      case 'GET':
      case 'HEAD':
        return t.name ? (watch ? 'watch' : 'get') : watch ? 'watch' : 'list';
      case 'POST':
        return 'create';
      case 'PUT':
        return 'update';
      case 'PATCH':
        return 'patch';
      case 'DELETE':
        return t.name ? 'delete' : 'deletecollection';
      default:
        throw methodNotAllowed();
    }
  }

  private async resource(r: Request, t: Target): Promise<void> {
    const verb = this.verb(r, t);
    const attrs = { verb, group: t.resource.group, resource: t.resource.plural, subresource: t.sub ?? '', namespace: t.namespace ?? '', name: t.name ?? '' };
    if (!authorize(r.user, attrs).allowed) throw forbidden(r.user, attrs, qualifiedName(t.resource));
    const allowed = t.sub ? (t.resource.subresources ?? []).find((x) => x.name === t.sub)?.verbs : t.resource.verbs;
    if (!allowed?.includes(verb === 'watch' && t.name ? 'watch' : verb)) throw methodNotAllowed();

    if (!t.resource.stored) return this.virtual(r, t, verb);
    if (t.sub === 'status') return this.status(r, t, verb);
    if (t.sub === 'scale') return this.scale(r, t, verb);
    if (t.sub === 'eviction') return this.evict(r, t);
    if (t.sub === 'log') return this.log(r, t);
    switch (verb) {
      case 'get':
        return this.get(r, t);
      case 'list':
        return this.list(r, t);
      case 'watch':
        return this.watch(r, t);
      case 'create':
        return this.create(r, t);
      case 'update':
        return this.update(r, t);
      case 'patch':
        return this.patch(r, t);
      case 'delete':
        return this.delete(r, t);
      case 'deletecollection':
        return this.deleteCollection(r, t);
      default:
        throw methodNotAllowed();
    }
  }

  private store(r: Request): ObjectStore {
    return r.cluster.store;
  }

  private entry(r: Request, t: Target): Entry {
    const e = this.store(r).entry(t.storeKey, t.resource.namespaced ? t.namespace : undefined, t.name ?? '');
    if (!e) throw notFound(t.resource, t.name ?? '');
    return e;
  }

  private dryRun(r: Request): boolean {
    const values = r.url.searchParams.getAll('dryRun');
    for (const v of values) if (v !== 'All') throw badRequest(`Invalid dry run value: ${v}; must be "All"`);
    return values.length > 0;
  }

  private get(r: Request, t: Target): void {
    const e = this.entry(r, t);
    const rendering = negotiate(r.req.headers.accept);
    if (rendering.as === 'table') {
      return send(r.res, 200, table(t.resource.kind, [e.obj], r.cluster.now(), includeObject(r.url), { resourceVersion: e.obj.metadata.resourceVersion }));
    }
    if (rendering.as === 'partial') return send(r.res, 200, partial(e.obj));
    send(r.res, 200, this.store(r).json(e));
  }

  private predicate(r: Request, t: Target): Predicate {
    const labels = labelSelectorPredicate(r.url.searchParams.get('labelSelector'));
    const fields = fieldSelectorPredicate(r.url.searchParams.get('fieldSelector'), t.storeKey);
    if (labels && fields) return (o) => labels(o) && fields(o);
    return labels ?? fields ?? (() => true);
  }

  private list(r: Request, t: Target): void {
    const store = this.store(r);
    const rendering = negotiate(r.req.headers.accept);
    const matches = this.predicate(r, t);
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
    for (let i = 0; i < selected.length; i++) parts[i] = store.json(selected[i] as Entry);
    const body = `${head}${parts.join(',')}]}`;
    r.res.writeHead(200, { 'Content-Type': 'application/json', 'Cache-Control': 'no-cache, private', 'Content-Length': Buffer.byteLength(body) });
    r.res.end(body);
  }

  private watch(r: Request, t: Target): void {
    const rendering = negotiate(r.req.headers.accept);
    const base = this.predicate(r, t);
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
        store: this.store(r),
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
        this.watches.add(close);
        r.res.on('close', () => this.watches.delete(close));
      },
    );
  }

  private async body(r: Request): Promise<unknown> {
    return parseJson(await readBody(r.req));
  }

  private checkIdentity(t: Target, obj: unknown): KubeObject {
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

  private requireNamespace(r: Request, t: Target): void {
    if (!t.resource.namespaced || !t.namespace) return;
    const ns = this.store(r).get('namespaces', undefined, t.namespace);
    if (!ns) throw new StatusError(404, 'NotFound', `namespaces "${t.namespace}" not found`, { name: t.namespace, kind: 'namespaces' });
    if (ns.metadata.deletionTimestamp) {
      throw new StatusError(403, 'Forbidden', `${t.resource.plural} is forbidden: unable to create new content in namespace ${t.namespace} because it is being terminated`);
    }
  }

  private async create(r: Request, t: Target): Promise<void> {
    const store = this.store(r);
    const obj = this.checkIdentity(t, await this.body(r));
    if (t.resource.namespaced && !t.namespace) throw notFoundPath();
    this.requireNamespace(r, t);
    const dryRun = this.dryRun(r);
    if (!obj.metadata.name) {
      if (!obj.metadata.generateName) throw new StatusError(422, 'Invalid', `${t.resource.kind} "" is invalid: metadata.name: Required value: name or generateName is required`);
      obj.metadata.name = `${obj.metadata.generateName}${store.nameSuffix()}`;
    }
    for (const field of ['uid', 'resourceVersion', 'creationTimestamp', 'deletionTimestamp', 'generation'] as const) delete obj.metadata[field];
    obj.metadata.uid = '';
    obj.metadata.resourceVersion = '';
    obj.metadata.creationTimestamp = '';
    applyDefaults(t.resource, obj, store, this.backend.serviceNetwork(r.cluster.spec.name));
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
  private replace(r: Request, t: Target, current: KubeObject, next: KubeObject, dryRun: boolean, statusOnly = false): KubeObject {
    const store = this.store(r);
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

  private async update(r: Request, t: Target): Promise<void> {
    const current = this.entry(r, t).obj;
    const next = this.checkIdentity(t, await this.body(r));
    if (next.metadata.name !== t.name) throw badRequest(`the name of the object (${next.metadata.name}) does not match the name on the URL (${t.name})`);
    send(r.res, 200, this.replace(r, t, current, next, this.dryRun(r)));
  }

  private async applyPatch(r: Request, current: unknown): Promise<unknown> {
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

  private async patch(r: Request, t: Target): Promise<void> {
    const current = this.entry(r, t).obj;
    const patched = (await this.applyPatch(r, current)) as KubeObject;
    if (!isObject(patched) || !isObject(patched.metadata)) throw badRequest('the patch removed the object metadata');
    if (patched.metadata.name !== current.metadata.name) throw badRequest('metadata.name: Invalid value: the name of an object cannot be changed by a patch');
    const next = this.checkIdentity(t, patched);
    send(r.res, 200, this.replace(r, t, current, next, this.dryRun(r)));
  }

  private async status(r: Request, t: Target, verb: string): Promise<void> {
    const current = this.entry(r, t).obj;
    if (verb === 'get') return send(r.res, 200, current);
    const next = verb === 'patch' ? ((await this.applyPatch(r, current)) as KubeObject) : this.checkIdentity(t, await this.body(r));
    send(r.res, 200, this.replace(r, t, current, next, this.dryRun(r), true));
  }

  private scaleOf(obj: KubeObject): Record<string, unknown> {
    const w = obj as Deployment;
    const selector = t2s(w.spec.selector);
    return {
      kind: 'Scale',
      apiVersion: 'autoscaling/v1',
      metadata: { name: obj.metadata.name, namespace: obj.metadata.namespace, uid: obj.metadata.uid, resourceVersion: obj.metadata.resourceVersion, creationTimestamp: obj.metadata.creationTimestamp },
      spec: { replicas: w.spec.replicas ?? 1 },
      status: { replicas: w.status?.replicas ?? 0, selector },
    };
  }

  private async scale(r: Request, t: Target, verb: string): Promise<void> {
    const current = this.entry(r, t).obj;
    const scale = this.scaleOf(current);
    if (verb === 'get') return send(r.res, 200, scale);
    const next = (verb === 'patch' ? await this.applyPatch(r, scale) : parseJson(await readBody(r.req))) as { spec?: { replicas?: unknown }; metadata?: { resourceVersion?: string } };
    const replicas = next.spec?.replicas;
    if (typeof replicas !== 'number' || !Number.isInteger(replicas) || replicas < 0) {
      throw new StatusError(422, 'Invalid', `Scale.autoscaling "${t.name}" is invalid: spec.replicas: Invalid value: ${JSON.stringify(replicas)}: must be greater than or equal to 0`);
    }
    const rv = next.metadata?.resourceVersion;
    if (rv && rv !== current.metadata.resourceVersion) throw conflict(t.resource, current.metadata.name);
    const copy = structuredClone(current) as Deployment | StatefulSet;
    copy.spec.replicas = replicas;
    const updated = this.replace(r, t, current, copy, this.dryRun(r));
    send(r.res, 200, this.scaleOf(updated));
  }

  private deleteOptions(r: Request, body: unknown): { grace?: number; propagation: string; dryRun: boolean; uid?: string; rv?: string } {
    const o = isObject(body) ? body : {};
    const q = r.url.searchParams;
    const grace = q.get('gracePeriodSeconds') ?? (typeof o.gracePeriodSeconds === 'number' ? String(o.gracePeriodSeconds) : null);
    const dryRun = this.dryRun(r) || (Array.isArray(o.dryRun) && o.dryRun.includes('All'));
    const pre = isObject(o.preconditions) ? o.preconditions : {};
    return {
      ...(grace !== null ? { grace: Number(grace) } : {}),
      propagation: q.get('propagationPolicy') ?? (typeof o.propagationPolicy === 'string' ? o.propagationPolicy : 'Background'),
      dryRun,
      ...(typeof pre.uid === 'string' ? { uid: pre.uid } : {}),
      ...(typeof pre.resourceVersion === 'string' ? { rv: pre.resourceVersion } : {}),
    };
  }

  private deleteOne(r: Request, t: Target, obj: KubeObject, options: ReturnType<KubeApiServer['deleteOptions']>): unknown {
    const store = this.store(r);
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
    store.remove(t.storeKey, obj.metadata.namespace, obj.metadata.name);
    return successStatus({ name: obj.metadata.name, group: t.resource.group, kind: t.resource.plural, uid: obj.metadata.uid });
  }

  private async delete(r: Request, t: Target): Promise<void> {
    const obj = this.entry(r, t).obj;
    const text = await readBody(r.req);
    const options = this.deleteOptions(r, text.trim() ? parseJson(text) : undefined);
    send(r.res, 200, this.deleteOne(r, t, obj, options));
  }

  private async deleteCollection(r: Request, t: Target): Promise<void> {
    const text = await readBody(r.req);
    const options = this.deleteOptions(r, text.trim() ? parseJson(text) : undefined);
    const matches = this.predicate(r, t);
    const items: unknown[] = [];
    for (const obj of this.store(r).objects(t.storeKey, t.resource.namespaced ? t.namespace : undefined)) {
      if (!matches(obj)) continue;
      this.deleteOne(r, t, obj, options);
      items.push(obj);
    }
    send(r.res, 200, { kind: listKind(t.resource), apiVersion: groupVersion(t.resource), metadata: { resourceVersion: String(this.store(r).resourceVersion) }, items });
  }

  /**
   * The eviction subresource: a graceful delete that a PodDisruptionBudget may refuse with 429.
   * https://kubernetes.io/docs/concepts/scheduling-eviction/api-eviction/
   */
  private async evict(r: Request, t: Target): Promise<void> {
    const store = this.store(r);
    const pod = this.entry(r, t).obj as Pod;
    const body = await this.body(r);
    const dryRun = this.dryRun(r) || (isObject(body) && isObject(body.deleteOptions) && Array.isArray(body.deleteOptions.dryRun) && body.deleteOptions.dryRun.includes('All'));
    if (pod.metadata.deletionTimestamp) return send(r.res, 201, successStatus());
    const budgets = store.objects<PodDisruptionBudget>('poddisruptionbudgets.policy', pod.metadata.namespace).filter((b) => selectorMatches(b.spec.selector, pod.metadata.labels));
    if (budgets.length > 1) {
      throw new StatusError(500, 'InternalError', 'This pod has more than one PodDisruptionBudget, which the eviction subresource does not support.');
    }
    const budget = budgets[0];
    if (budget && pod.status.phase === 'Running') {
      const healthy = isReady(pod);
      const refuse = healthy ? budget.status.disruptionsAllowed <= 0 : budget.status.currentHealthy < budget.status.desiredHealthy;
      if (refuse) {
        throw new StatusError(429, 'TooManyRequests', "Cannot evict pod as it would violate the pod's disruption budget.", {
          causes: [{ reason: 'DisruptionBudget', message: `The disruption budget ${budget.metadata.name} needs ${budget.status.desiredHealthy} healthy pods and has ${budget.status.currentHealthy} currently` }],
        });
      }
      if (healthy && !dryRun) {
        store.mutate<PodDisruptionBudget>('poddisruptionbudgets.policy', budget.metadata.namespace, budget.metadata.name, (b) => {
          b.status.disruptionsAllowed = Math.max(0, b.status.disruptionsAllowed - 1);
          b.status.disruptedPods = { ...(b.status.disruptedPods as Record<string, string> | undefined), [pod.metadata.name]: new Date(r.cluster.now()).toISOString() };
        });
      }
    }
    if (!dryRun) {
      const grace = isObject(body) && isObject(body.deleteOptions) && typeof body.deleteOptions.gracePeriodSeconds === 'number' ? body.deleteOptions.gracePeriodSeconds : undefined;
      r.cluster.events.record(pod, 'Normal', 'Evicted', 'Evicted pod', 'eviction-api');
      beginPodDeletion(store, pod, r.cluster.now(), grace);
    }
    send(r.res, 201, successStatus());
  }

  private log(r: Request, t: Target): void {
    const pod = this.entry(r, t).obj as Pod;
    const container = r.url.searchParams.get('container') ?? pod.spec.containers[0]?.name ?? '';
    const cs = pod.status.containerStatuses?.find((c) => c.name === container);
    if (!cs?.state.running && !cs?.lastState.terminated) {
      throw badRequest(`container "${container}" in pod "${pod.metadata.name}" is waiting to start: ${cs?.state.waiting?.reason ?? 'ContainerCreating'}`);
    }
    const started = cs.state.running?.startedAt ?? cs.lastState.terminated?.startedAt ?? '';
    const lines = [`${started} level=info msg="starting ${container}" image=${cs.image}`, `${started} level=info msg="listening" port=8080`];
    if (cs.lastState.terminated && !cs.state.running) lines.push(`${cs.lastState.terminated.finishedAt} level=fatal msg="unable to load configuration: missing required key" exit=1`);
    r.res.writeHead(200, { 'Content-Type': 'text/plain' });
    r.res.end(`${lines.join('\n')}\n`);
  }

  private async virtual(r: Request, t: Target, verb: string): Promise<void> {
    switch (t.resource.kind) {
      case 'SelfSubjectAccessReview':
        return send(r.res, 201, selfSubjectAccessReview(r.user, (await this.body(r)) as Parameters<typeof selfSubjectAccessReview>[1]));
      case 'SelfSubjectRulesReview':
        return send(r.res, 201, selfSubjectRulesReview(r.user, (await this.body(r)) as Parameters<typeof selfSubjectRulesReview>[1]));
      case 'SelfSubjectReview':
        return send(r.res, 201, selfSubjectReview(r.user));
      case 'PodMetrics':
      case 'NodeMetrics':
        return this.metrics(r, t, verb);
      default:
        throw notFoundPath();
    }
  }

  private metrics(r: Request, t: Target, verb: string): void {
    const store = this.store(r);
    const now = r.cluster.now();
    const usage: Usage = (pod) => this.backend.usage(pod, r.cluster.spec.name);
    const labels = labelSelectorPredicate(r.url.searchParams.get('labelSelector')) ?? (() => true);
    if (t.resource.kind === 'PodMetrics') {
      if (verb === 'get') {
        const pod = store.get<Pod>('pods', t.namespace, t.name ?? '');
        const m = pod ? podMetrics(pod, usage, now) : undefined;
        if (!m) throw new StatusError(404, 'NotFound', `podmetrics.metrics.k8s.io "${t.namespace}/${t.name}" not found`);
        return send(r.res, 200, m);
      }
      const pods = store.objects<Pod>('pods', t.namespace).filter(labels);
      return send(r.res, 200, metricsList('PodMetricsList', pods.map((p) => podMetrics(p, usage, now))));
    }
    const byNode = podsByNode(store);
    if (verb === 'get') {
      const node = store.get<NodeObject>('nodes', undefined, t.name ?? '');
      const m = node ? nodeMetrics(node, store, usage, now, byNode) : undefined;
      if (!m) throw new StatusError(404, 'NotFound', `nodemetrics.metrics.k8s.io "${t.name}" not found`);
      return send(r.res, 200, m);
    }
    const nodes = store.objects<NodeObject>('nodes').filter(labels);
    send(r.res, 200, metricsList('NodeMetricsList', nodes.map((n) => nodeMetrics(n, store, usage, now, byNode))));
  }
}

function t2s(selector: Deployment['spec']['selector'] | undefined): string {
  return selectorString(selector);
}
