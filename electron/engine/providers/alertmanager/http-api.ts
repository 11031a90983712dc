import { z } from 'zod';

/**
 * Alertmanager's API v2 (https://github.com/prometheus/alertmanager/blob/main/api/v2/openapi.yaml),
 * the part Daytwo reads: the alerts it holds, with their labels, annotations, receivers and
 * whether a silence or inhibition suppresses them. Answers are parsed, never trusted.
 */

export interface AlertmanagerEndpoint {
  url: string;
  /** Bearer token for an Alertmanager behind an authenticating proxy; read at each call. */
  token: () => string | undefined;
}

/** An endpoint and the person acting through it (a silence's createdBy). */
export interface AlertmanagerActor extends AlertmanagerEndpoint {
  user: string;
}

export class AlertmanagerError extends Error {
  constructor(
    readonly kind: 'unreachable' | 'http' | 'malformed',
    message: string,
    readonly status = 0,
  ) {
    super(message);
    this.name = 'AlertmanagerError';
  }
}

const GettableAlert = z.object({
  labels: z.record(z.string(), z.string()),
  annotations: z.record(z.string(), z.string()).default({}),
  fingerprint: z.string(),
  startsAt: z.string(),
  endsAt: z.string().optional(),
  updatedAt: z.string().optional(),
  generatorURL: z.string().optional(),
  receivers: z.array(z.object({ name: z.string() })).default([]),
  status: z.object({
    state: z.enum(['unprocessed', 'active', 'suppressed']),
    silencedBy: z.array(z.string()).default([]),
    inhibitedBy: z.array(z.string()).default([]),
  }),
});
export type AlertmanagerAlert = z.infer<typeof GettableAlert>;

/** Every alert Alertmanager holds now (active, silenced and inhibited alike), GET /api/v2/alerts. */
export async function alertmanagerAlerts(endpoint: AlertmanagerEndpoint, signal?: AbortSignal): Promise<AlertmanagerAlert[]> {
  const body = await request(endpoint, 'GET', 'api/v2/alerts?active=true&silenced=true&inhibited=true&unprocessed=true', undefined, signal);
  const parsed = z.array(GettableAlert).safeParse(body);
  if (!parsed.success) throw new AlertmanagerError('malformed', `Alertmanager at ${endpoint.url} answered /api/v2/alerts with something that is not a list of alerts.`);
  return parsed.data;
}

const Matcher = z.object({ name: z.string(), value: z.string(), isRegex: z.boolean(), isEqual: z.boolean().default(true) });

const GettableSilence = z.object({
  id: z.string(),
  matchers: z.array(Matcher),
  startsAt: z.string(),
  endsAt: z.string(),
  updatedAt: z.string().optional(),
  createdBy: z.string(),
  comment: z.string(),
  status: z.object({ state: z.enum(['expired', 'active', 'pending']) }),
});
export type AlertmanagerSilence = z.infer<typeof GettableSilence>;

export interface SilenceSpec {
  matchers: Array<{ name: string; value: string; isRegex: boolean; isEqual: boolean }>;
  startsAt: string;
  endsAt: string;
  createdBy: string;
  comment: string;
}

/** Alerts matching these matchers now, as `amtool alert query` asks: GET /api/v2/alerts?filter=… */
export async function alertsMatching(endpoint: AlertmanagerEndpoint, matchers: SilenceSpec['matchers'], signal?: AbortSignal): Promise<AlertmanagerAlert[]> {
  const filters = matchers.map((m) => `filter=${encodeURIComponent(`${m.name}${m.isEqual ? '' : '!'}${m.isRegex ? '=~' : '='}${JSON.stringify(m.value)}`)}`);
  const body = await request(endpoint, 'GET', `api/v2/alerts?active=true&silenced=true&inhibited=true&${filters.join('&')}`, undefined, signal);
  const parsed = z.array(GettableAlert).safeParse(body);
  if (!parsed.success) throw new AlertmanagerError('malformed', `Alertmanager at ${endpoint.url} answered /api/v2/alerts with something that is not a list of alerts.`);
  return parsed.data;
}

/** Every silence Alertmanager keeps (active, pending and recently expired): GET /api/v2/silences. */
export async function silences(endpoint: AlertmanagerEndpoint, signal?: AbortSignal): Promise<AlertmanagerSilence[]> {
  const parsed = z.array(GettableSilence).safeParse(await request(endpoint, 'GET', 'api/v2/silences', undefined, signal));
  if (!parsed.success) throw new AlertmanagerError('malformed', `Alertmanager at ${endpoint.url} answered /api/v2/silences with something that is not a list of silences.`);
  return parsed.data;
}

/** One silence, or undefined when Alertmanager does not know it: GET /api/v2/silence/{id}. */
export async function silence(endpoint: AlertmanagerEndpoint, id: string, signal?: AbortSignal): Promise<AlertmanagerSilence | undefined> {
  try {
    const parsed = GettableSilence.safeParse(await request(endpoint, 'GET', `api/v2/silence/${encodeURIComponent(id)}`, undefined, signal));
    if (!parsed.success) throw new AlertmanagerError('malformed', `Alertmanager at ${endpoint.url} answered /api/v2/silence/${id} with something that is not a silence.`);
    return parsed.data;
  } catch (error) {
    if (error instanceof AlertmanagerError && error.status === 404) return undefined;
    throw error;
  }
}

/** Creates a silence: POST /api/v2/silences; answers its id. */
export async function createSilence(endpoint: AlertmanagerEndpoint, spec: SilenceSpec, signal?: AbortSignal): Promise<string> {
  const body = (await request(endpoint, 'POST', 'api/v2/silences', spec, signal)) as { silenceID?: unknown } | null;
  if (typeof body?.silenceID !== 'string') throw new AlertmanagerError('malformed', `Alertmanager at ${endpoint.url} created a silence but did not say its id.`);
  return body.silenceID;
}

/** Expires a silence now: DELETE /api/v2/silence/{id}. */
export async function expireSilence(endpoint: AlertmanagerEndpoint, id: string, signal?: AbortSignal): Promise<void> {
  await request(endpoint, 'DELETE', `api/v2/silence/${encodeURIComponent(id)}`, undefined, signal);
}

/** GET /api/v2/status: answers when Alertmanager is up and the API reachable. */
export async function alertmanagerStatus(endpoint: AlertmanagerEndpoint, signal?: AbortSignal): Promise<{ version: string | null }> {
  const body = (await request(endpoint, 'GET', 'api/v2/status', undefined, signal)) as { versionInfo?: { version?: string } } | null;
  return { version: body?.versionInfo?.version ?? null };
}

async function request(endpoint: AlertmanagerEndpoint, method: string, path: string, body: unknown, signal?: AbortSignal): Promise<unknown> {
  const base = endpoint.url.endsWith('/') ? endpoint.url : `${endpoint.url}/`;
  const headers: Record<string, string> = { Accept: 'application/json' };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  const token = endpoint.token();
  if (token) headers.Authorization = `Bearer ${token}`;
  let res: Response;
  try {
    const timeout = AbortSignal.timeout(15_000);
    res = await fetch(new URL(path, base), {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: signal ? AbortSignal.any([signal, timeout]) : timeout,
    });
  } catch (error) {
    throw new AlertmanagerError('unreachable', `Alertmanager at ${endpoint.url} did not answer: ${(error as Error).message}`);
  }
  const text = await res.text();
  if (!res.ok) throw new AlertmanagerError('http', `Alertmanager at ${endpoint.url} answered ${res.status} to ${method} /${path.split('?')[0]}: ${text.slice(0, 300)}`, res.status);
  if (!text) return null;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new AlertmanagerError('malformed', `Alertmanager at ${endpoint.url} answered ${method} /${path.split('?')[0]} with something that is not JSON.`);
  }
}
