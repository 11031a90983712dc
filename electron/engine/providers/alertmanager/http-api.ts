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
