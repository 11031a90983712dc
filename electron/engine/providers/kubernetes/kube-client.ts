import { createHash } from 'node:crypto';
import http from 'node:http';
import https from 'node:https';
import { StringDecoder } from 'node:string_decoder';
import tls from 'node:tls';
import type { KubeConfig } from '../../connections/client-node.js';
import { credentialError, isConnectionError, KubeApiError, networkError, statusError } from './api-error.js';

export { isConnectionError };

export interface KubeClientOptions {
  /** The context's name, for messages and the audit record; default: the config's current context. */
  context?: string;
  /** Give up on a connection that has not been established after this long. */
  connectTimeoutMs?: number;
  /** Give up on a plain request (a read, a write) that has not finished after this long. */
  requestTimeoutMs?: number;
  /** Give up on one page of a list after this long (pages of a large cluster take longer than a read). */
  listTimeoutMs?: number;
}

/** Per call: a signal that aborts it, and a total time that replaces the client's default. */
export interface CallOptions {
  signal?: AbortSignal;
  timeoutMs?: number;
}

export type PatchType = 'merge' | 'strategic' | 'json';

const patchContentTypes: Record<PatchType, string> = {
  merge: 'application/merge-patch+json',
  strategic: 'application/strategic-merge-patch+json',
  json: 'application/json-patch+json',
};

export interface WriteOptions {
  /**
   * Server-side dry run: the API server admits, validates and defaults the change and answers
   * with the object as it would be, without persisting it
   * (https://kubernetes.io/docs/reference/using-api/api-concepts/#dry-run).
   */
  dryRun?: boolean;
  /** A total time for this call in place of the client's default (an access review that must not hold up a watch). */
  timeoutMs?: number;
}

/** A Kubernetes list: its items and where the next page starts. */
export interface KubeList<T> {
  items: T[];
  metadata?: { resourceVersion?: string; continue?: string };
}

/**
 * The one Kubernetes HTTP client: everything Daytwo asks of one context's API server, over
 * raw HTTP, authenticated and TLS-configured by client-node's KubeConfig (client certificates,
 * CA, bearer tokens, exec credential plugins, proxies).
 *
 * - reads: `get`, `find` (404 → undefined), `list` (one page of a collection), `getJson`;
 * - writes: `patch`, `post`/`create`, `delete`, each with a server-side dry run;
 * - streams: `stream` hands each chunk of a long-lived GET to a callback (a watch, a followed
 *   log), and `watch` is the same with `watch=true`.
 *
 * Subresources (scale, eviction, log, status) are paths like any other. Every failure is a
 * `KubeApiError` (api-error.ts): a non-2xx answer with its Status reason, a request that got no
 * answer, or credentials that could not be produced, with a missing exec plugin reported once,
 * the same way, wherever it is met. Reads never come from the estate cache.
 *
 * Engine code does not build these: `sources/` hands out one per context (sources/kubernetes/
 * kube-clients.ts), renewed when the kubeconfig changes.
 */
export class KubeClient {
  readonly context: string;
  readonly server: string;
  private readonly connectTimeoutMs: number;
  private readonly requestTimeoutMs: number;
  private readonly listTimeoutMs: number;
  /** TLS contexts by the CA and client credentials they hold; see `secureContext`. */
  private readonly secureContexts = new Map<string, tls.SecureContext>();

  constructor(
    private readonly config: KubeConfig,
    options: KubeClientOptions = {},
  ) {
    this.context = options.context ?? config.getCurrentContext();
    const cluster = config.getCurrentCluster();
    if (!cluster) throw new KubeApiError(`Context "${this.context}" names no cluster.`, 0, 'ECONFIG');
    this.server = cluster.server.replace(/\/+$/, '');
    this.connectTimeoutMs = options.connectTimeoutMs ?? 10_000;
    this.requestTimeoutMs = options.requestTimeoutMs ?? 30_000;
    this.listTimeoutMs = options.listTimeoutMs ?? 60_000;
  }

  /** The kubeconfig user the context authenticates as: the Kubernetes identity used. */
  get kubeUser(): string | null {
    return this.config.getCurrentUser()?.name ?? null;
  }

  get<T>(path: string, query: Record<string, string> = {}, options: CallOptions = {}): Promise<T> {
    return this.request<T>('GET', path, query, options);
  }

  /** GET that answers undefined for 404 instead of throwing. */
  async find<T>(path: string, options: CallOptions = {}): Promise<T | undefined> {
    try {
      return await this.get<T>(path, {}, options);
    } catch (error) {
      if (error instanceof KubeApiError && error.status === 404) return undefined;
      throw error;
    }
  }

  /** One page of a collection (limit/continue in `query`), with the longer list timeout. */
  list<T>(path: string, query: Record<string, string> = {}, options: CallOptions = {}): Promise<KubeList<T>> {
    return this.request<KubeList<T>>('GET', path, query, { timeoutMs: this.listTimeoutMs, ...options });
  }

  /** GET a JSON document under a signal (a list page, a pod, a metrics reading). */
  getJson(path: string, query: Record<string, string>, signal: AbortSignal): Promise<unknown> {
    return this.request<unknown>('GET', path, query, { signal, timeoutMs: this.listTimeoutMs });
  }

  patch<T>(path: string, type: PatchType, body: unknown, options: WriteOptions = {}): Promise<T> {
    return this.request<T>('PATCH', path, dryRunQuery(options), callOptions(options), body, patchContentTypes[type]);
  }

  post<T>(path: string, body: unknown, options: WriteOptions = {}): Promise<T> {
    return this.request<T>('POST', path, dryRunQuery(options), callOptions(options), body, 'application/json');
  }

  /** POST under its Kubernetes name: create the object (or a subresource such as an eviction). */
  create<T>(path: string, body: unknown, options: WriteOptions = {}): Promise<T> {
    return this.post<T>(path, body, options);
  }

  /** DELETE, with DeleteOptions (preconditions, grace period) when given. */
  delete<T>(path: string, options: WriteOptions = {}, deleteOptions?: Record<string, unknown>): Promise<T> {
    const body = deleteOptions ? { apiVersion: 'v1', kind: 'DeleteOptions', ...deleteOptions } : undefined;
    return this.request<T>('DELETE', path, dryRunQuery(options), callOptions(options), body, 'application/json');
  }

  /** A watch of a collection from `query.resourceVersion`: each chunk of the event stream to `onData`. */
  watch(path: string, query: Record<string, string>, signal: AbortSignal, onData: (chunk: Buffer) => void): Promise<void> {
    return this.stream(path, { ...query, watch: 'true' }, signal, onData);
  }

  /**
   * Opens a streaming GET (a watch, a followed log) and hands each chunk to `onData` as it
   * arrives. Resolves when the server ends the stream; rejects on errors and on abort.
   */
  async stream(path: string, query: Record<string, string>, signal: AbortSignal, onData: (chunk: Buffer) => void): Promise<void> {
    const res = await this.open('GET', path, query, { signal, timeoutMs: 0 });
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

  private async request<T>(method: string, path: string, query: Record<string, string>, options: CallOptions, body?: unknown, contentType?: string): Promise<T> {
    const res = await this.open(method, path, query, options, body, contentType);
    // Decoded chunk by chunk into the JS heap: a list page joined as one Buffer first is a
    // megabytes-large malloc per page, and the holes those leave in glibc's heap stayed resident.
    const decoder = new StringDecoder('utf8');
    let text = '';
    try {
      for await (const chunk of res) text += decoder.write(chunk as Buffer);
    } catch (error) {
      throw options.signal?.aborted ? abortError() : networkError(error);
    }
    text += decoder.end();
    if (!text) return {} as T;
    try {
      return JSON.parse(text) as T;
    } catch {
      throw new KubeApiError(`${method} ${path} answered with something that is not JSON.`, res.statusCode ?? 0, 'EBADJSON');
    }
  }

  /** Sends one request and resolves with a 2xx response to read; anything else rejects as a KubeApiError. */
  private async open(
    method: string,
    path: string,
    query: Record<string, string>,
    options: CallOptions,
    body?: unknown,
    contentType?: string,
  ): Promise<http.IncomingMessage> {
    const { signal } = options;
    const totalTimeoutMs = options.timeoutMs ?? this.requestTimeoutMs;
    const url = new URL(this.server + path);
    for (const [key, value] of Object.entries(query)) url.searchParams.set(key, value);
    const payload = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
    const headers: Record<string, string> = { Accept: 'application/json', 'User-Agent': 'daytwo' };
    if (payload) {
      headers['Content-Type'] = contentType ?? 'application/json';
      headers['Content-Length'] = String(payload.length);
    }
    // secureContext goes through the agent to tls.connect, which https.RequestOptions does not say.
    const requestOptions: https.RequestOptions & Pick<tls.ConnectionOptions, 'secureContext'> = { method, headers };
    try {
      // Resolves client certificates, CA, bearer token and exec credential plugins.
      await this.config.applyToHTTPSOptions(requestOptions);
    } catch (error) {
      throw credentialError(error);
    }
    if (signal?.aborted) throw abortError();
    const transport = url.protocol === 'http:' ? http : https;
    if (transport === https) {
      const secureContext = this.secureContext(requestOptions);
      if (secureContext) requestOptions.secureContext = secureContext;
    }
    return new Promise<http.IncomingMessage>((resolve, reject) => {
      const req = transport.request(url, { ...requestOptions, ...(signal ? { signal } : {}) }, (res) => {
        const status = res.statusCode ?? 0;
        if (status >= 200 && status < 300) {
          resolve(res);
          return;
        }
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.length < 64 && chunks.push(c));
        res.on('end', () => reject(statusError(status, Buffer.concat(chunks).toString('utf8'))));
        res.on('error', (error) => reject(networkError(error)));
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
        reject(signal?.aborted ? abortError() : networkError(error));
      });
      req.on('response', () => clearTimeout(connectTimer));
      req.end(payload);
    });
  }

  /**
   * One TLS context per set of credentials, made once: without it every connection (each watch
   * holds one, 14 a cluster) parsed the CA and the client's key and certificate again, 0.1-0.2 s
   * of a three-cluster start. Keyed by the material itself, so a certificate an exec plugin
   * renews gets a context of its own; the few kept are dropped together when a fifth comes.
   */
  private secureContext(options: https.RequestOptions): tls.SecureContext | undefined {
    const hash = createHash('sha256');
    let any = false;
    for (const name of tlsMaterial) {
      const value = options[name];
      if (value === undefined || value === null) continue;
      any = true;
      hash.update(`${name}\0`);
      for (const part of Array.isArray(value) ? value : [value]) {
        if (typeof part === 'string' || Buffer.isBuffer(part)) hash.update(part);
        else return undefined; // a KeyObject or pfx object: leave it to Node, as before
        hash.update('\0');
      }
    }
    if (!any) return undefined;
    const key = hash.digest('base64');
    let context = this.secureContexts.get(key);
    if (!context) {
      if (this.secureContexts.size >= 4) this.secureContexts.clear();
      const material: tls.SecureContextOptions = {};
      for (const name of tlsMaterial) if (options[name] !== undefined && options[name] !== null) Object.assign(material, { [name]: options[name] });
      context = tls.createSecureContext(material);
      this.secureContexts.set(key, context);
    }
    return context;
  }
}

/** The TLS material of a request's options, in a fixed order, for telling credentials apart. */
const tlsMaterial = ['ca', 'cert', 'key', 'pfx', 'passphrase'] as const;

function dryRunQuery(options: WriteOptions): Record<string, string> {
  return options.dryRun ? { dryRun: 'All' } : {};
}

function callOptions(options: WriteOptions): CallOptions {
  return options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {};
}

function abortError(): Error {
  const error = new Error('Aborted');
  error.name = 'AbortError';
  return error;
}

/**
 * Retries a write whose request or answer was lost on the way. Every write operations make is
 * idempotent by construction (absolute values, a restart timestamp fixed at plan time, a
 * delete or eviction whose 404 means "already done"), so a retry never doubles an action.
 */
export async function withRetry<T>(write: () => Promise<T>, attempts = 4, pauseMs = 500): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await write();
    } catch (error) {
      if (attempt >= attempts || !isConnectionError(error)) throw error;
      await new Promise((resolve) => setTimeout(resolve, pauseMs * attempt));
    }
  }
}
