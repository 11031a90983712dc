import { z } from 'zod';

/**
 * Unleash's Admin API (https://docs.getunleash.io/reference/api/unleash), the calls Daytwo
 * makes: a feature with its environments and strategies, switching it on or off in one
 * environment, and replacing one strategy (its flexibleRollout `rollout` percentage and its
 * variants; environment-level variants are deprecated since Unleash 5 and refused by 7). The
 * token is an admin API token, read from the vault on every call and sent as Unleash expects,
 * bare in `Authorization`. Every answer is parsed on arrival.
 */

export class UnleashApiError extends Error {
  constructor(
    message: string,
    /** 0: Unleash could not be reached. */
    readonly status: number,
  ) {
    super(message);
    this.name = 'UnleashApiError';
  }
}

const Variant = z
  .object({
    name: z.string(),
    weight: z.number(),
    weightType: z.enum(['variable', 'fix']).catch('variable'),
    stickiness: z.string().catch('default'),
    payload: z.object({ type: z.string(), value: z.string() }).optional(),
  })
  .passthrough();
export type UnleashVariant = z.infer<typeof Variant>;

const Strategy = z
  .object({
    id: z.string(),
    name: z.string(),
    title: z.string().nullable().optional(),
    disabled: z.boolean().nullable().optional(),
    parameters: z.record(z.string(), z.unknown()).catch({}),
    constraints: z.array(z.unknown()).catch([]),
    variants: z.array(Variant).catch([]),
    segments: z.array(z.number()).catch([]),
    sortOrder: z.number().optional(),
  })
  .passthrough();
export type UnleashStrategy = z.infer<typeof Strategy>;

const Environment = z.object({
  name: z.string(),
  enabled: z.boolean(),
  type: z.string().catch('development'),
  strategies: z.array(Strategy).catch([]),
});
export type UnleashEnvironment = z.infer<typeof Environment>;

const Feature = z.object({
  name: z.string(),
  project: z.string(),
  description: z.string().nullable().optional(),
  type: z.string().catch('release'),
  archived: z.boolean().catch(false),
  environments: z.array(Environment).catch([]),
});
export type UnleashFeature = z.infer<typeof Feature>;

const Projects = z.object({ projects: z.array(z.object({ id: z.string(), name: z.string() })) });
const Me = z.object({ user: z.object({ username: z.string().optional(), name: z.string().optional(), email: z.string().optional() }).passthrough() });

export interface UnleashConnection {
  /** The server's base URL, without a trailing slash: https://unleash.example.com */
  url: string;
  token(): string | undefined;
  timeoutMs?: number;
}

const seg = encodeURIComponent;

export class UnleashAdminApi {
  constructor(readonly connection: UnleashConnection) {}

  get url(): string {
    return this.connection.url;
  }

  /** Who the token is (the admin token's name); also how a connection is tested. */
  async whoami(): Promise<string> {
    const me = Me.parse(await this.request('GET', '/api/admin/user'));
    return me.user.username ?? me.user.name ?? me.user.email ?? 'admin token';
  }

  async projects(): Promise<{ id: string; name: string }[]> {
    return Projects.parse(await this.request('GET', '/api/admin/projects')).projects;
  }

  /** The feature, or undefined when Unleash has no such feature in the project. */
  async feature(project: string, feature: string): Promise<UnleashFeature | undefined> {
    try {
      return Feature.parse(await this.request('GET', `/api/admin/projects/${seg(project)}/features/${seg(feature)}`));
    } catch (error) {
      if (error instanceof UnleashApiError && error.status === 404) return undefined;
      throw error;
    }
  }

  /** POST …/environments/:env/on|off: idempotent, Unleash answers 200 either way. */
  async setEnabled(project: string, feature: string, environment: string, enabled: boolean): Promise<void> {
    await this.request('POST', `/api/admin/projects/${seg(project)}/features/${seg(feature)}/environments/${seg(environment)}/${enabled ? 'on' : 'off'}`);
  }

  /** PUT …/strategies/:id with the whole strategy: Unleash replaces it, so a retry repeats it. */
  async updateStrategy(project: string, feature: string, environment: string, strategy: UnleashStrategy): Promise<UnleashStrategy> {
    const { id, sortOrder: _sortOrder, ...body } = strategy;
    return Strategy.parse(await this.request('PUT', `/api/admin/projects/${seg(project)}/features/${seg(feature)}/environments/${seg(environment)}/strategies/${seg(id)}`, body));
  }

  private async request(method: string, path: string, body?: unknown): Promise<unknown> {
    const token = this.connection.token();
    if (!token) throw new UnleashApiError(`No API token is stored for Unleash at ${this.url}; set it in Settings.`, 401);
    let response: Response;
    try {
      response = await fetch(`${this.url}${path}`, {
        method,
        headers: { Authorization: token, Accept: 'application/json', ...(body === undefined ? {} : { 'Content-Type': 'application/json' }), 'User-Agent': 'daytwo' },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        signal: AbortSignal.timeout(this.connection.timeoutMs ?? 15_000),
        redirect: 'error',
      });
    } catch (error) {
      const cause = error instanceof Error ? ((error.cause as Error | undefined)?.message ?? error.message) : String(error);
      throw new UnleashApiError(`Could not reach Unleash at ${this.url}: ${cause}.`, 0);
    }
    const text = await response.text();
    if (!response.ok) throw new UnleashApiError(`Unleash answered ${response.status} to ${method} ${path}: ${messageOf(text) ?? response.statusText}`, response.status);
    if (!text) return undefined;
    try {
      return JSON.parse(text);
    } catch {
      throw new UnleashApiError(`Unleash at ${this.url} answered ${method} ${path} with something that is not JSON; is the URL the server's base URL?`, response.status);
    }
  }
}

/** Unleash's error body: {name, message, details:[{message}]}. */
function messageOf(text: string): string | undefined {
  try {
    const parsed = JSON.parse(text) as { message?: unknown; details?: { message?: unknown }[] };
    const detail = parsed.details?.map((d) => d.message).filter((m) => typeof m === 'string').join('; ');
    return typeof parsed.message === 'string' ? parsed.message.slice(0, 500) : detail?.slice(0, 500);
  } catch {
    return text.slice(0, 200) || undefined;
  }
}

/** The flexibleRollout strategy whose `rollout` Daytwo reads and changes: the first one, as Unleash's UI lists them. */
export function rolloutStrategy(environment: UnleashEnvironment): UnleashStrategy | undefined {
  return environment.strategies.find((s) => s.name === 'flexibleRollout');
}

export function rolloutOf(strategy: UnleashStrategy | undefined): number | null {
  const value = Number(strategy?.parameters['rollout']);
  return strategy && Number.isFinite(value) ? value : null;
}

/**
 * The variant everybody gets, when one takes all the weight: the only `variable` one with the
 * others fixed at 0 (Unleash requires at least one `variable` variant). Null for a split.
 */
export function soleVariant(strategy: UnleashStrategy | undefined): string | null {
  const variants = strategy?.variants ?? [];
  const serving = variants.filter((v) => !(v.weightType === 'fix' && v.weight === 0));
  return serving.length === 1 ? serving[0]!.name : null;
}
