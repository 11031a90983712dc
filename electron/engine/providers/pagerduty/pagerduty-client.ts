import https from 'node:https';
import { api } from '@pagerduty/pdjs';
// The package's index re-exports only values; its request and response types live here.
import type { APIParameters, APIResponse } from '@pagerduty/pdjs/build/src/api.js';
import { sleep as abortableSleep } from '../../abortable-sleep.js';

/**
 * Daytwo's one way to PagerDuty's REST API v2: the official client, @pagerduty/pdjs, with the
 * token read from the vault on every call (never held in a field that could be logged) and
 * the connection's CA when it has one.
 *
 * Rate limits (https://developer.pagerduty.com/docs/rest-api-rate-limits): pdjs retries a 429
 * three times after a fixed `retryTimeout` and ignores Retry-After, so we set that timeout to
 * the Retry-After the server last gave, and when pdjs still hands back a 429 we wait exactly
 * the Retry-After it carries before one more round.
 */

export interface PagerDutyConnection {
  /** The source id, `pagerduty:<server>`. */
  sourceId: string;
  /** pdjs's `server`: host, port and path, no scheme (pdjs always speaks HTTPS). */
  server: string;
  /** The email sent as `From` on changes: the user Daytwo acts as. */
  from: string;
  /** PEM of a private CA to trust (the sandbox's); undefined for api.pagerduty.com. */
  certificateAuthority?: string;
  /** Reads the API token from the vault; undefined when none is stored. */
  token(): string | undefined;
}

/** A failed call: `status` 0 when no answer came, with Node's error code. */
export class PagerDutyError extends Error {
  constructor(
    message: string,
    readonly status: number,
    /** PagerDuty's numeric error code, or Node's (ECONNRESET …) when no answer came. */
    readonly code?: number | string,
  ) {
    super(message);
    this.name = 'PagerDutyError';
  }

  /** No answer, or a server error: the request may or may not have been applied. */
  get ambiguous(): boolean {
    return this.status === 0 || this.status >= 500;
  }
}

export interface ClientOptions {
  /** Rounds of waiting out a 429 before giving up. */
  rateLimitRounds?: number;
  requestTimeoutMs?: number;
  signal?: AbortSignal;
}

/** node-fetch (under pdjs's cross-fetch) takes an https.Agent: how the private CA is trusted. */
type PdjsOptions = APIParameters & { agent?: https.Agent };

type Request = Pick<PdjsOptions, 'method' | 'data' | 'headers' | 'queryParameters'>;

export class PagerDutyClient {
  private retryAfterMs = 1000;
  private readonly agent: https.Agent | undefined;

  constructor(
    readonly connection: PagerDutyConnection,
    private readonly options: ClientOptions = {},
  ) {
    this.agent = connection.certificateAuthority ? new https.Agent({ ca: connection.certificateAuthority, keepAlive: true }) : undefined;
  }

  get<T>(path: string, query: Record<string, string | string[]> = {}): Promise<T> {
    return this.call<T>(path, { method: 'GET', queryParameters: query });
  }

  put<T>(path: string, body: object): Promise<T> {
    return this.call<T>(path, { method: 'PUT', data: body, headers: { From: this.connection.from } });
  }

  post<T>(path: string, body: object): Promise<T> {
    return this.call<T>(path, { method: 'POST', data: body, headers: { From: this.connection.from } });
  }

  /** Every page of a classic (offset/limit/more) listing. */
  async all<T>(path: string, key: string, query: Record<string, string | string[]> = {}): Promise<T[]> {
    const items: T[] = [];
    for (let offset = 0; ; ) {
      const page = await this.get<Record<string, unknown> & { more?: boolean; limit?: number }>(path, { ...query, limit: '100', offset: String(offset) });
      const batch = (page[key] ?? []) as T[];
      items.push(...batch);
      if (!page.more || batch.length === 0) return items;
      offset += batch.length;
    }
  }

  close(): void {
    this.agent?.destroy();
  }

  private async call<T>(path: string, request: Request): Promise<T> {
    const rounds = this.options.rateLimitRounds ?? 3;
    for (let round = 0; ; round++) {
      const response = await this.send(path, request);
      if (response.status === 429 && round < rounds) {
        const seconds = Number.parseInt(response.headers.get('retry-after') ?? '', 10);
        this.retryAfterMs = Number.isFinite(seconds) && seconds > 0 ? seconds * 1000 : this.retryAfterMs;
        await abortableSleep(this.retryAfterMs, this.options.signal ?? new AbortController().signal);
        continue;
      }
      if (response.status >= 200 && response.status < 300) return response.data as T;
      throw failure(response);
    }
  }

  private async send(path: string, request: Request): Promise<APIResponse> {
    const token = this.connection.token();
    if (!token) throw new PagerDutyError('No PagerDuty API token is stored for this connection.', 401, 'ENOTOKEN');
    const options: PdjsOptions = {
      ...request,
      endpoint: path,
      token,
      server: this.connection.server,
      retryTimeout: this.retryAfterMs,
      timeout: this.options.requestTimeoutMs ?? 15_000,
      ...(this.agent ? { agent: this.agent } : {}),
      ...(this.options.signal ? { signal: this.options.signal } : {}),
    };
    try {
      return await api(options);
    } catch (error) {
      // pdjs rejects with the Response itself when the body is not JSON.
      if (isResponse(error)) throw new PagerDutyError(`PagerDuty answered ${error.status} ${error.statusText} without a JSON body.`, error.status);
      const e = error as { code?: string; errno?: string; message?: string; type?: string };
      throw new PagerDutyError(`PagerDuty is unreachable: ${e.message ?? String(error)}`, 0, e.code ?? e.errno ?? (e.type === 'request-timeout' ? 'ETIMEDOUT' : undefined));
    }
  }
}

function isResponse(value: unknown): value is Response {
  return typeof value === 'object' && value !== null && 'status' in value && 'headers' in value && typeof (value as Response).status === 'number';
}

/** PagerDuty's error body: {"error": {"message", "code", "errors": [...]}}. */
function failure(response: APIResponse): PagerDutyError {
  const body = (response.data ?? {}) as { error?: { message?: string; code?: number; errors?: string[] } };
  const details = body.error?.errors?.length ? `: ${body.error.errors.join('; ')}` : '';
  return new PagerDutyError(`PagerDuty answered ${response.status}: ${body.error?.message ?? response.statusText}${details}`, response.status, body.error?.code);
}
