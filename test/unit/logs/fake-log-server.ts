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
  private readonly followers = new Set<http.ServerResponse>();
  /** `<RFC3339Nano> <text>` lines, oldest first. */
  readonly lines: string[] = [];
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

  /** Appends a line and sends it to every follower. */
  write(line: string): void {
    this.lines.push(line);
    for (const res of this.followers) res.write(`${line}\n`);
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
    let lines = this.lines;
    const since = url.searchParams.get('sinceTime');
    if (since) lines = lines.filter((l) => l.slice(0, 19) >= since.slice(0, 19));
    const tail = url.searchParams.get('tailLines');
    if (tail !== null && !since) lines = lines.slice(Math.max(0, lines.length - Number(tail)));
    res.writeHead(200, { 'Content-Type': 'text/plain' });
    for (const line of lines) res.write(`${line}\n`);
    if (url.searchParams.get('follow') === 'true') {
      this.followers.add(res);
      res.on('close', () => this.followers.delete(res));
    } else {
      res.end();
    }
  }
}
