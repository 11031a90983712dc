import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type net from 'node:net';
import { KubeConfig } from '@kubernetes/client-node';

/**
 * A stand-in for the pods/log subresource, for unit tests of the log stream's protocol only:
 * timestamps, tailLines, sinceTime (whole seconds, as the API takes it), follow, and a hook
 * that cuts every open connection. The integration tests use the sandbox's real endpoint.
 */
export class FakeLogServer {
  private server = http.createServer((req, res) => this.handle(req, res));
  private readonly sockets = new Set<net.Socket>();
  private readonly followers = new Map<http.ServerResponse, string[]>();
  /** `<RFC3339Nano> <text>` lines of the first pod, oldest first. */
  readonly lines: string[] = [];
  /** Lines of other pods by name (a workload's pods); `lines` serves any pod not named here. */
  readonly podLines = new Map<string, string[]>();
  readonly requests: URL[] = [];
  readonly authorizations: string[] = [];
  port = 0;

  async start(): Promise<void> {
    this.server.on('connection', (socket) => {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
    });
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.port = (this.server.address() as AddressInfo).port;
  }

  kubeConfig(): KubeConfig {
    const kc = new KubeConfig();
    kc.loadFromOptions({
      clusters: [{ name: 'fake', server: `http://127.0.0.1:${this.port}`, skipTLSVerify: true }],
      users: [{ name: 'u', token: 'secret-token' }],
      contexts: [{ name: 'fake-ctx', cluster: 'fake', user: 'u' }],
      currentContext: 'fake-ctx',
    });
    return kc;
  }

  /** Appends a line (to one pod's log, when named) and sends it to that log's followers. */
  write(line: string, pod?: string): void {
    const log = pod ? this.logOf(pod) : this.lines;
    log.push(line);
    for (const [res, following] of this.followers) if (following === log) res.write(`${line}\n`);
  }

  private logOf(pod: string): string[] {
    let log = this.podLines.get(pod);
    if (!log) this.podLines.set(pod, (log = []));
    return log;
  }

  /** Destroys every connection mid-stream, as a restarting API server would. */
  cut(): void {
    for (const socket of this.sockets) socket.destroy();
    this.followers.clear();
  }

  get openFollowers(): number {
    return this.followers.size;
  }

  async stop(): Promise<void> {
    this.cut();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private handle(req: http.IncomingMessage, res: http.ServerResponse): void {
    const url = new URL(req.url ?? '/', 'http://localhost');
    this.requests.push(url);
    this.authorizations.push(req.headers.authorization ?? '');
    const pod = /\/pods\/([^/]+)\/log$/.exec(url.pathname)?.[1];
    if (!pod) return this.object(url, res);
    const log = this.podLines.get(pod) ?? this.lines;
    let lines = log;
    const since = url.searchParams.get('sinceTime');
    if (since) lines = lines.filter((l) => l.slice(0, 19) >= since.slice(0, 19));
    const tail = url.searchParams.get('tailLines');
    if (tail !== null && !since) lines = lines.slice(Math.max(0, lines.length - Number(tail)));
    res.writeHead(200, { 'Content-Type': 'text/plain' });
    for (const line of lines) res.write(`${line}\n`);
    if (url.searchParams.get('follow') === 'true') {
      this.followers.set(res, log);
      res.on('close', () => this.followers.delete(res));
    } else {
      res.end();
    }
  }

  /** A Deployment `web` selecting app=web, and one pod per `podLines` entry. */
  private object(url: URL, res: http.ServerResponse): void {
    const pod = (name: string) => ({ metadata: { name, namespace: 'shop', labels: { app: 'web' } }, spec: { containers: [{ name: 'app' }] } });
    const send = (body: unknown) => {
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    if (url.pathname === '/apis/apps/v1/namespaces/shop/deployments/web') return send({ spec: { selector: { matchLabels: { app: 'web' } } } });
    if (url.pathname === '/api/v1/namespaces/shop/pods' && url.searchParams.get('labelSelector') === 'app=web') {
      return send({ items: [...this.podLines.keys()].map(pod) });
    }
    const single = /^\/api\/v1\/namespaces\/shop\/pods\/([^/]+)$/.exec(url.pathname)?.[1];
    if (single) return send(pod(single));
    res.writeHead(404, { 'Content-Type': 'application/json' });
    res.end(JSON.stringify({ kind: 'Status', message: `${url.pathname} not found`, reason: 'NotFound' }));
  }
}
