import type { IncomingMessage, ServerResponse } from 'node:http';
import { type Authenticator, authorize, forbidden } from './auth.js';
import type { SimulatedCluster } from './cluster.js';
import { apiGroup, apiGroupList, apiResourceList, apiVersions, versionInfo } from './discovery.js';
import { deleteCollection, deleteObject } from './api/deletion.js';
import { getObject, listObjects, watchObjects } from './api/reads.js';
import { podLog } from './api/pod-logs.js';
import { evict, scale, statusSubresource } from './api/subresources.js';
import { virtual } from './api/virtual.js';
import { type ApiRequest, type KubeBackend, type Target, send } from './api/wire.js';
import { createObject, patchObject, updateObject } from './api/writes.js';
import { servedResources } from './custom-resources.js';
import { openApiV2, openApiV2Protobuf, openApiV3GroupVersion, openApiV3Index } from './openapi.js';
import { type ResourceType, groupVersion, resourceKey } from './resources.js';
import { StatusError, methodNotAllowed, notFoundPath, qualifiedName } from './status.js';

export type { KubeBackend } from './api/wire.js';

/**
 * The Kubernetes API of the sandbox's clusters: routing by the API's URL scheme
 * (https://kubernetes.io/docs/reference/using-api/api-concepts/#resource-uris), authentication
 * and authorization, then a handler per verb in `api/`. Each cluster is served on its own
 * address (see start.ts), so a request's path is exactly what a real API server sees and raw
 * requests (`kubectl get --raw /apis`) reach the right cluster.
 */

const PUBLIC_PATHS = new Set(['/version', '/healthz', '/livez', '/readyz']);

export class KubeApiServer {
  private readonly watches = new Set<() => void>();

  constructor(
    private readonly backend: KubeBackend,
    private readonly authenticator: Authenticator,
    /** host:port a cluster's API answers on, as `/api` advertises it. */
    private readonly serverAddress: (cluster: string) => string,
  ) {}

  /** Serves one request to the named cluster's API. */
  async serve(req: IncomingMessage, res: ServerResponse, clusterName: string): Promise<void> {
    try {
      const url = new URL(req.url ?? '/', 'https://127.0.0.1');
      const cluster = this.backend.cluster(clusterName);
      if (!cluster) throw new StatusError(404, 'NotFound', `no sandbox cluster named "${clusterName}"`);
      const path = url.pathname.replace(/\/+$/, '') || '/';
      if (PUBLIC_PATHS.has(path) && !req.headers.authorization) return this.nonResource(req, res, path, cluster);
      const user = this.authenticator.authenticate(req);
      await this.route({ req, res, url, cluster, user, backend: this.backend, watches: this.watches }, path);
    } catch (e) {
      this.fail(res, e);
    }
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

  private nonResource(req: IncomingMessage, res: ServerResponse, path: string, cluster: SimulatedCluster): void {
    if (req.method !== 'GET' && req.method !== 'HEAD') throw methodNotAllowed();
    if (path === '/version') return send(res, 200, versionInfo(cluster.version));
    res.writeHead(200, { 'Content-Type': 'text/plain; charset=utf-8' });
    res.end('ok');
  }

  /** /openapi/v2 (protobuf when asked for, as kubectl does) and /openapi/v3[/<group-version>]. */
  private openApi(r: ApiRequest, segments: string[], served: readonly ResourceType[]): void {
    const version = r.cluster.version.gitVersion;
    const store = r.cluster.store;
    if (segments[1] === 'v2' && segments.length === 2) {
      const doc = openApiV2(store, served, version);
      if (/protobuf/.test(r.req.headers.accept ?? '')) {
        const body = openApiV2Protobuf(doc);
        r.res.writeHead(200, { 'Content-Type': 'application/com.github.proto-openapi.spec.v2.v1.0+protobuf', 'Content-Length': body.length });
        r.res.end(body);
        return;
      }
      return send(r.res, 200, doc);
    }
    if (segments[1] === 'v3' && segments.length === 2) return send(r.res, 200, openApiV3Index(store, served, version));
    if (segments[1] === 'v3') {
      const doc = openApiV3GroupVersion(store, served, segments.slice(2).join('/'), version);
      if (doc) return send(r.res, 200, doc);
    }
    throw notFoundPath();
  }

  private async route(r: ApiRequest, path: string): Promise<void> {
    const segments = path.split('/').filter(Boolean).map(decodeURIComponent);
    if (PUBLIC_PATHS.has(path)) return this.nonResource(r.req, r.res, path, r.cluster);
    if (path === '/api') return send(r.res, 200, apiVersions(this.serverAddress(r.cluster.spec.name)));
    const served = servedResources(r.cluster.store);
    if (path === '/apis') return send(r.res, 200, apiGroupList(served));
    if (segments[0] === 'openapi') return this.openApi(r, segments, served);
    let gv: string;
    let rest: string[];
    if (segments[0] === 'api' && segments[1] === 'v1') {
      gv = 'v1';
      rest = segments.slice(2);
    } else if (segments[0] === 'apis' && segments.length >= 2) {
      if (segments.length === 2) {
        const group = apiGroup(served, segments[1] as string);
        if (!group) throw notFoundPath();
        return send(r.res, 200, group);
      }
      gv = `${segments[1]}/${segments[2]}`;
      rest = segments.slice(3);
    } else throw notFoundPath();
    if (rest.length === 0) {
      const list = apiResourceList(served, gv);
      if (!list) throw notFoundPath();
      return send(r.res, 200, list);
    }
    await this.resource(r, this.target(served, gv, rest));
  }

  private target(served: readonly ResourceType[], gv: string, segments: string[]): Target {
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
    const resource = served.find((x) => groupVersion(x) === gv && x.plural === plural);
    if (!resource) throw notFoundPath();
    if (namespace !== undefined && !resource.namespaced) throw notFoundPath();
    if (sub && !(resource.subresources ?? []).some((x) => x.name === sub)) throw notFoundPath();
    return { resource, storeKey: resourceKey(resource), namespace, name, sub, watchPath };
  }

  private verb(r: ApiRequest, t: Target): string {
    const watch = t.watchPath || ['true', '1'].includes(r.url.searchParams.get('watch') ?? '');
    switch (r.req.method) {
      case 'GET':
      case 'HEAD':
        return watch ? 'watch' : t.name ? 'get' : 'list';
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

  private async resource(r: ApiRequest, t: Target): Promise<void> {
    const verb = this.verb(r, t);
    const attrs = { verb, group: t.resource.group, resource: t.resource.plural, subresource: t.sub ?? '', namespace: t.namespace ?? '', name: t.name ?? '' };
    if (!authorize(r.user, attrs).allowed) throw forbidden(r.user, attrs, qualifiedName(t.resource));
    const allowed = t.sub ? (t.resource.subresources ?? []).find((x) => x.name === t.sub)?.verbs : t.resource.verbs;
    if (!allowed?.includes(verb)) throw methodNotAllowed();

    if (!t.resource.stored) return virtual(r, t, verb);
    if (t.sub === 'status') return statusSubresource(r, t, verb);
    if (t.sub === 'scale') return scale(r, t, verb);
    if (t.sub === 'eviction') return evict(r, t);
    if (t.sub === 'log') return podLog(r, t);
    switch (verb) {
      case 'get':
        return getObject(r, t);
      case 'list':
        return listObjects(r, t);
      case 'watch':
        return watchObjects(r, t);
      case 'create':
        return createObject(r, t);
      case 'update':
        return updateObject(r, t);
      case 'patch':
        return patchObject(r, t);
      case 'delete':
        return deleteObject(r, t);
      case 'deletecollection':
        return deleteCollection(r, t);
      default:
        throw methodNotAllowed();
    }
  }
}
