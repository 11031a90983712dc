import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { KubeConfig } from '@kubernetes/client-node';

interface Stored {
  path: string;
  object: { metadata: { name: string; namespace?: string; resourceVersion?: string; [k: string]: unknown }; [k: string]: unknown };
}

interface Change {
  rv: number;
  path: string;
  type: 'ADDED' | 'MODIFIED' | 'DELETED';
  object: Stored['object'];
}

/**
 * A tiny stand-in for a Kubernetes API server, for the reflector's unit tests only: list with
 * limit/continue, watch from a resourceVersion with bookmarks, 410 for versions it no longer
 * keeps, 401 without the right token, and hooks to cut connections. The integration tests use
 * the real sandbox instead.
 */
export class FakeKubeApi {
  private server = http.createServer((req, res) => this.handle(req, res));
  private rv = 100;
  private readonly objects = new Map<string, Stored>();
  private readonly changes: Change[] = [];
  private readonly watchers = new Set<{ path: string; res: http.ServerResponse }>();
  /** Changes older than this are "compacted": watching from before it gets 410 Gone. */
  oldestRv = 0;
  token = 'test-token';
  listRequests: { path: string; query: URLSearchParams }[] = [];
  /** How many list pages asked for with a continue token are answered 410 Expired (the token outlived etcd's compaction). */
  expireContinues = 0;
  watchRequests: { path: string; query: URLSearchParams }[] = [];

  private boundPort = 0;

  async start(): Promise<number> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.boundPort = (this.server.address() as AddressInfo).port;
    return this.boundPort;
  }

  /** The port it listened on; still known after stop(), to aim a client at a dead server. */
  get port(): number {
    return this.boundPort;
  }

  kubeConfig(token = this.token): KubeConfig {
    const kc = new KubeConfig();
    kc.loadFromOptions({
      clusters: [{ name: 'fake', server: `http://127.0.0.1:${this.port}`, skipTLSVerify: true }],
      users: [{ name: 'u', token }],
      contexts: [{ name: 'fake-ctx', cluster: 'fake', user: 'u' }],
      currentContext: 'fake-ctx',
    });
    return kc;
  }

  get openWatches(): number {
    return this.watchers.size;
  }

  put(path: string, object: Stored['object']): void {
    const key = `${path}/${object.metadata.namespace ?? ''}/${object.metadata.name}`;
    const type = this.objects.has(key) ? 'MODIFIED' : 'ADDED';
    this.rv += 1;
    const stored = { path, object: { ...object, metadata: { ...object.metadata, resourceVersion: String(this.rv) } } };
    this.objects.set(key, stored);
    this.emit({ rv: this.rv, path, type, object: stored.object });
  }

  delete(path: string, namespace: string, name: string): void {
    const key = `${path}/${namespace}/${name}`;
    const stored = this.objects.get(key);
    if (!stored) return;
    this.objects.delete(key);
    this.rv += 1;
    this.emit({ rv: this.rv, path, type: 'DELETED', object: { ...stored.object, metadata: { ...stored.object.metadata, resourceVersion: String(this.rv) } } });
  }

  /** Drops every open watch connection, as a load balancer in the path might. */
  cutWatches(): void {
    for (const w of this.watchers) w.res.destroy();
    this.watchers.clear();
  }

  /** Forgets history: watches from any version seen so far get 410 Gone. */
  compact(): void {
    this.oldestRv = this.rv + 1;
  }

  /** Sends an ERROR 410 event down every open watch, as an API server does after compaction. */
  expireWatches(): void {
    for (const w of this.watchers) {
      w.res.write(JSON.stringify({ type: 'ERROR', object: { kind: 'Status', code: 410, reason: 'Expired', message: 'too old resource version' } }) + '\n');
      w.res.end();
    }
    this.watchers.clear();
  }

  bookmark(): void {
    for (const w of this.watchers) {
      w.res.write(JSON.stringify({ type: 'BOOKMARK', object: { metadata: { resourceVersion: String(this.rv) } } }) + '\n');
    }
  }

  async stop(): Promise<void> {
    this.cutWatches();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private emit(change: Change): void {
    this.changes.push(change);
    for (const w of this.watchers) {
      if (w.path === change.path) w.res.write(JSON.stringify({ type: change.type, object: change.object }) + '\n');
    }
  }

  private handle(req: http.IncomingMessage, res: http.ServerResponse): void {
    const url = new URL(req.url ?? '/', 'http://x');
    if (req.headers.authorization !== `Bearer ${this.token}`) {
      res.writeHead(401, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ kind: 'Status', code: 401, reason: 'Unauthorized', message: 'Unauthorized' }));
      return;
    }
    const path = url.pathname;
    const q = url.searchParams;
    if (q.get('watch') === '1') {
      this.watchRequests.push({ path, query: q });
      const from = Number(q.get('resourceVersion') ?? '0');
      if (from < this.oldestRv) {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ type: 'ERROR', object: { kind: 'Status', code: 410, reason: 'Expired', message: 'too old resource version' } }) + '\n');
        return;
      }
      res.writeHead(200, { 'content-type': 'application/json', 'transfer-encoding': 'chunked' });
      res.flushHeaders();
      for (const c of this.changes) {
        if (c.path === path && c.rv > from) res.write(JSON.stringify({ type: c.type, object: c.object }) + '\n');
      }
      const watcher = { path, res };
      this.watchers.add(watcher);
      res.on('close', () => this.watchers.delete(watcher));
      return;
    }
    this.listRequests.push({ path, query: q });
    if (q.get('continue') && this.expireContinues > 0) {
      this.expireContinues--;
      // https://kubernetes.io/docs/reference/using-api/api-concepts/#retrieving-large-results-sets-in-chunks
      res.writeHead(410, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ kind: 'Status', code: 410, reason: 'Expired', message: 'The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter.' }));
      return;
    }
    const all = [...this.objects.values()].filter((o) => o.path === path).map((o) => o.object);
    const limit = Number(q.get('limit') ?? '0') || all.length;
    const start = Number(q.get('continue') ?? '0');
    const items = all.slice(start, start + limit);
    const next = start + limit < all.length ? String(start + limit) : '';
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ kind: 'List', metadata: { resourceVersion: String(this.rv), continue: next }, items }));
  }
}

/** Polls until `check` passes or the deadline passes (then throws with the last failure). */
export async function eventually(check: () => void | Promise<void>, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      await check();
      return;
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((r) => setTimeout(r, 20));
    }
  }
}
