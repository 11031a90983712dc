import http from 'node:http';
import https from 'node:https';
import type { KubeConfig } from '@kubernetes/client-node';
import { credentialError, isConnectionError, KubeApiError, networkError, statusError } from './api-error.js';

export { isConnectionError };

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
}

/**
 * The reads and writes operations make against one context's API server, authenticated by
 * client-node's KubeConfig (certificates, tokens, exec plugins). Reads never come from the
 * estate cache: a plan is made from what the API server says now.
 */
export class ClusterCalls {
  private readonly server: string;

  constructor(
    readonly context: string,
    private readonly config: KubeConfig,
    private readonly timeoutMs = 30_000,
  ) {
    const cluster = config.getCurrentCluster();
    if (!cluster) throw new KubeApiError(`Context "${context}" names no cluster.`, 0, 'ECONFIG');
    this.server = cluster.server.replace(/\/+$/, '');
  }

  /** The kubeconfig user the context authenticates as: the Kubernetes identity used. */
  get kubeUser(): string | null {
    return this.config.getCurrentUser()?.name ?? null;
  }

  get<T>(path: string, query: Record<string, string> = {}): Promise<T> {
    return this.request<T>('GET', path, query);
  }

  /** GET that answers undefined for 404 instead of throwing. */
  async find<T>(path: string): Promise<T | undefined> {
    try {
      return await this.get<T>(path);
    } catch (error) {
      if (error instanceof KubeApiError && error.status === 404) return undefined;
      throw error;
    }
  }

  patch<T>(path: string, type: PatchType, body: unknown, options: WriteOptions = {}): Promise<T> {
    return this.request<T>('PATCH', path, dryRunQuery(options), body, patchContentTypes[type]);
  }

  post<T>(path: string, body: unknown, options: WriteOptions = {}): Promise<T> {
    return this.request<T>('POST', path, dryRunQuery(options), body, 'application/json');
  }

  /** DELETE, with DeleteOptions (preconditions, grace period) when given. */
  delete<T>(path: string, options: WriteOptions = {}, deleteOptions?: Record<string, unknown>): Promise<T> {
    const body = deleteOptions ? { apiVersion: 'v1', kind: 'DeleteOptions', ...deleteOptions } : undefined;
    return this.request<T>('DELETE', path, dryRunQuery(options), body, 'application/json');
  }

  private async request<T>(method: string, path: string, query: Record<string, string>, body?: unknown, contentType?: string): Promise<T> {
    const url = new URL(this.server + path);
    for (const [key, value] of Object.entries(query)) url.searchParams.set(key, value);
    const payload = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
    const headers: Record<string, string> = { Accept: 'application/json', 'User-Agent': 'daytwo' };
    if (payload) {
      headers['Content-Type'] = contentType ?? 'application/json';
      headers['Content-Length'] = String(payload.length);
    }
    const options: https.RequestOptions = { method, headers };
    try {
      await this.config.applyToHTTPSOptions(options);
    } catch (error) {
      throw credentialError(error);
    }
    const transport = url.protocol === 'http:' ? http : https;
    return new Promise<T>((resolve, reject) => {
      const req = transport.request(url, options, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('error', (error) => reject(networkError(error)));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          const status = res.statusCode ?? 0;
          if (status >= 200 && status < 300) {
            try {
              resolve((text ? JSON.parse(text) : {}) as T);
            } catch {
              reject(new KubeApiError(`${method} ${path} answered with something that is not JSON.`, status));
            }
          } else {
            reject(statusError(status, text));
          }
        });
      });
      req.setTimeout(this.timeoutMs, () => req.destroy(new KubeApiError(`${this.server} did not answer within ${this.timeoutMs / 1000} s.`, 0, 'ETIMEDOUT')));
      req.on('error', (error) => reject(networkError(error)));
      req.end(payload);
    });
  }
}

function dryRunQuery(options: WriteOptions): Record<string, string> {
  return options.dryRun ? { dryRun: 'All' } : {};
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
