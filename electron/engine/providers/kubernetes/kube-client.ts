import http from 'node:http';
import https from 'node:https';
import type { KubeConfig } from '@kubernetes/client-node';

/**
 * A failed call to a Kubernetes API server. `status` is the HTTP status, or 0 when the server
 * never answered (refused, reset, timed out, DNS). `code` is the Node error code when there is
 * one (ENOENT from a missing exec credential plugin, ECONNREFUSED …).
 */
export class KubeApiError extends Error {
  constructor(
    message: string,
    readonly status: number,
    readonly code?: string,
    /** The `reason` of a Kubernetes Status body (Expired, Forbidden, Unauthorized …). */
    readonly reason?: string,
  ) {
    super(message);
    this.name = 'KubeApiError';
  }
}

export interface KubeClientOptions {
  /** Give up on a connection that has not been established after this long. */
  connectTimeoutMs?: number;
  /** Give up on a plain request (a list page) that has not finished after this long. */
  requestTimeoutMs?: number;
}

/**
 * Raw HTTP to one context's API server, authenticated and TLS-configured by client-node's
 * KubeConfig (client certificates, CA, bearer tokens, exec plugins, proxies), so that the
 * reflector owns its own list/watch loop instead of client-node's informer.
 */
export class KubeClient {
  readonly server: string;
  private readonly connectTimeoutMs: number;
  private readonly requestTimeoutMs: number;

  constructor(
    private readonly config: KubeConfig,
    options: KubeClientOptions = {},
  ) {
    const cluster = config.getCurrentCluster();
    if (!cluster) throw new KubeApiError(`Context "${config.getCurrentContext()}" names no cluster.`, 0, 'ECONFIG');
    this.server = cluster.server.replace(/\/+$/, '');
    this.connectTimeoutMs = options.connectTimeoutMs ?? 10_000;
    this.requestTimeoutMs = options.requestTimeoutMs ?? 60_000;
  }

  /** GET a JSON document (one page of a list). */
  async getJson(path: string, query: Record<string, string>, signal: AbortSignal): Promise<unknown> {
    const res = await this.open(path, query, signal, this.requestTimeoutMs);
    const chunks: Buffer[] = [];
    for await (const chunk of res) chunks.push(chunk as Buffer);
    return JSON.parse(Buffer.concat(chunks).toString('utf8')) as unknown;
  }

  /**
   * Opens a streaming GET (a watch) and hands each chunk to `onData` as it arrives. Resolves
   * when the server ends the stream; rejects on errors and on abort.
   */
  async stream(
    path: string,
    query: Record<string, string>,
    signal: AbortSignal,
    onData: (chunk: Buffer) => void,
  ): Promise<void> {
    const res = await this.open(path, query, signal, 0);
    await new Promise<void>((resolve, reject) => {
      res.on('data', onData);
      res.on('end', resolve);
      res.on('error', reject);
      res.on('aborted', () => reject(new KubeApiError('The watch connection was cut.', 0, 'ECONNRESET')));
      res.on('close', () => {
        if (!res.complete) reject(new KubeApiError('The watch connection was cut.', 0, 'ECONNRESET'));
      });
    });
  }

  private async open(
    path: string,
    query: Record<string, string>,
    signal: AbortSignal,
    totalTimeoutMs: number,
  ): Promise<http.IncomingMessage> {
    const url = new URL(this.server + path);
    for (const [key, value] of Object.entries(query)) url.searchParams.set(key, value);
    const options: https.RequestOptions = {
      method: 'GET',
      headers: { Accept: 'application/json', 'User-Agent': 'daytwo' },
    };
    try {
      // Resolves client certificates, CA, bearer token and exec credential plugins.
      await this.config.applyToHTTPSOptions(options);
    } catch (error) {
      throw credentialError(error);
    }
    if (signal.aborted) throw abortError();
    const transport = url.protocol === 'http:' ? http : https;
    return new Promise<http.IncomingMessage>((resolve, reject) => {
      const req = transport.request(url, { ...options, signal }, (res) => {
        const status = res.statusCode ?? 0;
        if (status >= 200 && status < 300) {
          resolve(res);
          return;
        }
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.length < 64 && chunks.push(c));
        res.on('end', () => reject(statusError(status, Buffer.concat(chunks).toString('utf8'))));
        res.on('error', reject);
      });
      const connectTimer = setTimeout(() => {
        req.destroy(new KubeApiError(`No connection to ${this.server} within ${this.connectTimeoutMs / 1000} s.`, 0, 'ETIMEDOUT'));
      }, this.connectTimeoutMs);
      req.on('socket', (socket) => {
        socket.setKeepAlive(true, 30_000);
        const connected = () => clearTimeout(connectTimer);
        if (socket.connecting) socket.once(url.protocol === 'http:' ? 'connect' : 'secureConnect', connected);
        else connected();
      });
      if (totalTimeoutMs > 0) {
        req.setTimeout(totalTimeoutMs, () =>
          req.destroy(new KubeApiError(`${this.server} did not answer within ${totalTimeoutMs / 1000} s.`, 0, 'ETIMEDOUT')),
        );
      }
      req.on('error', (error) => {
        clearTimeout(connectTimer);
        reject(signal.aborted ? abortError() : networkError(error));
      });
      req.on('response', () => clearTimeout(connectTimer));
      req.end();
    });
  }
}

function abortError(): Error {
  const error = new Error('Aborted');
  error.name = 'AbortError';
  return error;
}

function networkError(error: unknown): KubeApiError {
  if (error instanceof KubeApiError) return error;
  const code = (error as NodeJS.ErrnoException).code;
  const message = error instanceof Error ? error.message : String(error);
  return new KubeApiError(message, 0, code);
}

/** Exec plugin failures: ENOENT when the plugin is not installed, otherwise its stderr. */
function credentialError(error: unknown): KubeApiError {
  const errno = error as NodeJS.ErrnoException & { path?: string };
  if (errno.code === 'ENOENT') {
    const command = errno.path ?? errno.message.replace(/^spawn\s+/, '').replace(/\s+ENOENT$/, '');
    return new KubeApiError(`The credential plugin "${command}" is not installed or not on PATH.`, 0, 'ENOENT');
  }
  const firstLine = (error instanceof Error ? error.message : String(error)).trim().split('\n')[0] ?? '';
  return new KubeApiError(`The credential plugin failed: ${firstLine.slice(0, 200)}`, 0, 'EPLUGIN');
}

/** A Kubernetes Status body (https://kubernetes.io/docs/reference/kubernetes-api/common-definitions/status/). */
function statusError(status: number, body: string): KubeApiError {
  let message = `HTTP ${status}`;
  let reason: string | undefined;
  try {
    const parsed = JSON.parse(body) as { message?: unknown; reason?: unknown };
    if (typeof parsed.message === 'string') message = parsed.message.slice(0, 300);
    if (typeof parsed.reason === 'string') reason = parsed.reason;
  } catch {
    // Not a Status body (a proxy's HTML page, say): the HTTP status says enough.
  }
  return new KubeApiError(message, status, undefined, reason);
}
