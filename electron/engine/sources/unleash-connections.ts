import { ApiError } from '../../../shared/api/errors.js';
import type { UnleashConnectionStatus } from '../../../shared/api/flags.js';
import type { Vault } from '../connections/vault.js';
import { UnleashAdminApi, UnleashApiError } from '../providers/unleash/admin-api.js';

/**
 * The Unleash servers Daytwo reads feature flags from and changes them in, each with an admin
 * API token kept in the vault (like PagerDuty's, connections/pagerduty-file.ts): the token is
 * read on every call and never leaves the engine. The list of servers is kept in the vault
 * beside the tokens, because a server without its token is of no use: where the vault can only
 * hold secrets for this run (host mode without DAYTWO_VAULT_PASSPHRASE), both go together.
 */

const listEntry = 'unleash-connections';

export function unleashTokenName(url: string): string {
  return `unleash-token:${url}`;
}

export function unleashSourceId(url: string): string {
  return `unleash:${url}`;
}

/** A base URL as Daytwo keys it: http(s), no credentials, query or fragment, no trailing slash. */
export function normaliseUnleashUrl(raw: string): string {
  let url: URL;
  try {
    url = new URL(raw.trim());
  } catch {
    throw new ApiError('bad_request', `"${raw.slice(0, 200)}" is not a URL; give the Unleash server's base URL, e.g. https://unleash.example.com.`, 'url');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new ApiError('bad_request', 'The Unleash URL must start with http:// or https://.', 'url');
  if (url.username || url.password) throw new ApiError('bad_request', 'Put the API token in the token field, not in the URL.', 'url');
  if (url.search || url.hash) throw new ApiError('bad_request', 'The Unleash URL takes no query or fragment: give the base URL.', 'url');
  return `${url.origin}${url.pathname.replace(/\/+$/, '').replace(/\/api(\/admin)?$/, '')}`;
}

export class UnleashConnections {
  private readonly status = new Map<string, UnleashConnectionStatus>();

  constructor(
    private readonly vault: Vault,
    private readonly now: () => number = Date.now,
  ) {}

  urls(): string[] {
    try {
      const parsed = JSON.parse(this.vault.get(listEntry) ?? '[]') as unknown;
      return Array.isArray(parsed) ? parsed.filter((u): u is string => typeof u === 'string') : [];
    } catch {
      return [];
    }
  }

  /** The Admin API client for a configured server, or undefined. */
  client(url: string): UnleashAdminApi | undefined {
    if (!this.urls().includes(url)) return undefined;
    return new UnleashAdminApi({ url, token: () => this.vault.get(unleashTokenName(url)) });
  }

  list(): UnleashConnectionStatus[] {
    return this.urls().map((url) => this.status.get(url) ?? { id: unleashSourceId(url), url, state: 'unknown', reason: 'Not checked since Daytwo started.', actingAs: null, checkedAt: null });
  }

  /**
   * Checks the URL and token against the server (GET /api/admin/user) and keeps them only if
   * Unleash accepts them, so a typo is reported now rather than at 3 a.m.
   */
  async connect(rawUrl: string, token: string): Promise<{ connection: UnleashConnectionStatus; persisted: boolean }> {
    const url = normaliseUnleashUrl(rawUrl);
    const api = new UnleashAdminApi({ url, token: () => token, timeoutMs: 10_000 });
    let user: string;
    try {
      user = await api.whoami();
    } catch (error) {
      throw explainUnleash(error, url) ?? error;
    }
    const { persisted } = this.vault.set(unleashTokenName(url), token);
    const urls = this.urls();
    if (!urls.includes(url)) this.vault.set(listEntry, JSON.stringify([...urls, url]));
    const connection: UnleashConnectionStatus = { id: unleashSourceId(url), url, state: 'live', reason: `Connected as ${user}.`, actingAs: user, checkedAt: this.now() };
    this.status.set(url, connection);
    return { connection, persisted };
  }

  disconnect(rawUrl: string): void {
    const url = normaliseUnleashUrl(rawUrl);
    const urls = this.urls();
    if (!urls.includes(url)) throw new ApiError('not_found', `No Unleash connection to ${url} is configured.`, 'url');
    this.vault.set(listEntry, JSON.stringify(urls.filter((u) => u !== url)));
    this.vault.delete(unleashTokenName(url));
    this.status.delete(url);
  }

  /** What the last call to a server said of it: feature reads and operations report here. */
  observed(url: string, outcome: { ok: true; actingAs?: string } | { ok: false; error: unknown }): void {
    const previous = this.status.get(url);
    if (outcome.ok) {
      const actingAs = outcome.actingAs ?? previous?.actingAs ?? null;
      this.status.set(url, { id: unleashSourceId(url), url, state: 'live', reason: actingAs ? `Connected as ${actingAs}.` : 'Answering.', actingAs, checkedAt: this.now() });
      return;
    }
    const explained = explainUnleash(outcome.error, url);
    const state = explained?.code === 'forbidden' ? 'unauthorized' : 'offline';
    this.status.set(url, { id: unleashSourceId(url), url, state, reason: explained?.message ?? String(outcome.error), actingAs: previous?.actingAs ?? null, checkedAt: this.now() });
  }
}

/** Unleash's failures as errors a person can act on; undefined when it is not Unleash's. */
export function explainUnleash(error: unknown, url: string): ApiError | undefined {
  if (!(error instanceof UnleashApiError)) return undefined;
  if (error.status === 0) return new ApiError('unavailable', error.message);
  if (error.status === 401) return new ApiError('forbidden', `Unleash at ${url} refused the API token (401): use an admin API token (Unleash → Admin → API access).`, 'token');
  if (error.status === 403) return new ApiError('forbidden', `Unleash at ${url} refused (403): the token may not do this. ${error.message}`, 'token');
  if (error.status === 404) return new ApiError('not_found', `${error.message} Is ${url} the Unleash server's base URL?`, 'url');
  if (error.status === 400 || error.status === 409 || error.status === 422) return new ApiError('bad_request', `Unleash refused: ${error.message}`);
  return new ApiError('unavailable', error.message);
}
