import http from 'node:http';
import https from 'node:https';
import type { KubeConfig } from '@kubernetes/client-node';
import { credentialError, KubeApiError, networkError, statusError } from './api-error.js';


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
