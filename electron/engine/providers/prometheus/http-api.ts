import type { RawSeries } from '../../../../shared/metrics/downsample.js';

/**
 * The Prometheus HTTP API, read-only: range queries, instant queries, and alerts.
 * https://prometheus.io/docs/prometheus/latest/querying/api/
 * The bearer token is read at each call (a changed token applies at once) and never leaves
 * this file: errors carry Prometheus' own message, not the request.
 */
export interface PrometheusEndpoint {
  url: string;
  token: () => string | undefined;
}

/** Why a call failed: `query` means Prometheus refused the query itself (fix the PromQL); `unreachable` and `http` mean try the cache. */
export class PrometheusError extends Error {
  constructor(
    readonly kind: 'query' | 'unauthorized' | 'unreachable' | 'http',
    message: string,
  ) {
    super(message);
    this.name = 'PrometheusError';
  }
}

interface ApiBody<T> {
  status: 'success' | 'error';
  data?: T;
  errorType?: string;
  error?: string;
  warnings?: string[];
}

async function call<T>(endpoint: PrometheusEndpoint, path: string, params: Record<string, string>, signal?: AbortSignal): Promise<T> {
  const base = endpoint.url.endsWith('/') ? endpoint.url : `${endpoint.url}/`;
  const headers: Record<string, string> = { Accept: 'application/json', 'Content-Type': 'application/x-www-form-urlencoded' };
  const token = endpoint.token();
  if (token) headers.Authorization = `Bearer ${token}`;
  let res: Response;
  try {
    // POST with a form body: long PromQL does not fit every proxy's URL limit, and the API accepts both.
    const timeout = AbortSignal.timeout(30_000);
    res = await fetch(new URL(path, base), {
      method: 'POST',
      headers,
      body: new URLSearchParams(params).toString(),
      signal: signal ? AbortSignal.any([signal, timeout]) : timeout,
    });
  } catch (error) {
    const e = error as { cause?: { code?: string; message?: string }; message?: string; name?: string };
    throw new PrometheusError('unreachable', `Prometheus at ${endpoint.url} did not answer: ${e.name === 'TimeoutError' ? 'timed out' : (e.cause?.code ?? e.message ?? String(error))}`);
  }
  if (res.status === 401 || res.status === 403) {
    await res.arrayBuffer();
    throw new PrometheusError('unauthorized', `Prometheus at ${endpoint.url} refused the credentials (${res.status}).`);
  }
  let body: ApiBody<T>;
  try {
    body = (await res.json()) as ApiBody<T>;
  } catch {
    throw new PrometheusError('http', `Prometheus at ${endpoint.url} answered ${res.status} without a JSON body.`);
  }
  if (body.status !== 'success' || body.data === undefined) {
    // 400 bad_data and 422 execution errors are the query's fault; 503/504 are the server's.
    const kind = res.status === 400 || res.status === 422 ? 'query' : 'http';
    throw new PrometheusError(kind, `Prometheus: ${body.errorType ?? res.status}: ${(body.error ?? 'no error text').slice(0, 500)}`);
  }
  return body.data;
}

type Sample = [number, string];
interface MatrixData {
  resultType: 'matrix' | 'vector' | 'scalar' | 'string';
  result: { metric: Record<string, string>; values?: Sample[]; value?: Sample }[] | Sample;
}

/**
 * `query_range` over [start, end] (ms) at `stepMs`. Values Prometheus spells NaN/±Inf become
 * NaN (no value): a chart cannot draw them, and they mostly mean 0/0 in a ratio.
 */
export async function queryRange(endpoint: PrometheusEndpoint, expr: string, start: number, end: number, stepMs: number, signal?: AbortSignal): Promise<RawSeries[]> {
  const data = await call<MatrixData>(
    endpoint,
    'api/v1/query_range',
    { query: expr, start: String(start / 1000), end: String(end / 1000), step: `${stepMs / 1000}s` },
    signal,
  );
  return toSeries(data);
}

/** An instant `query` at `time` (ms). */
export async function queryInstant(endpoint: PrometheusEndpoint, expr: string, time: number, signal?: AbortSignal): Promise<RawSeries[]> {
  return toSeries(await call<MatrixData>(endpoint, 'api/v1/query', { query: expr, time: String(time / 1000) }, signal));
}

function toSeries(data: MatrixData): RawSeries[] {
  if (data.resultType === 'scalar' || data.resultType === 'string') {
    const [t, v] = data.result as Sample;
    return [{ labels: {}, t: Float64Array.of(t * 1000), v: Float64Array.of(parseValue(v)) }];
  }
  const rows = data.result as { metric: Record<string, string>; values?: Sample[]; value?: Sample }[];
  return rows.map((row) => {
    const samples = row.values ?? (row.value ? [row.value] : []);
    const t = new Float64Array(samples.length);
    const v = new Float64Array(samples.length);
    samples.forEach(([time, value], i) => {
      t[i] = Math.round(time * 1000);
      v[i] = parseValue(value);
    });
    return { labels: row.metric, t, v };
  });
}

function parseValue(text: string): number {
  const n = Number(text);
  return Number.isFinite(n) ? n : NaN;
}

export interface PrometheusAlert {
  labels: Record<string, string>;
  annotations: Record<string, string>;
  state: 'firing' | 'pending' | 'inactive';
  activeAt?: string;
  value?: string;
}

/** Active alerts (firing and pending): https://prometheus.io/docs/prometheus/latest/querying/api/#alerts */
export async function alerts(endpoint: PrometheusEndpoint, signal?: AbortSignal): Promise<PrometheusAlert[]> {
  const base = endpoint.url.endsWith('/') ? endpoint.url : `${endpoint.url}/`;
  const headers: Record<string, string> = { Accept: 'application/json' };
  const token = endpoint.token();
  if (token) headers.Authorization = `Bearer ${token}`;
  let res: Response;
  try {
    const timeout = AbortSignal.timeout(15_000);
    res = await fetch(new URL('api/v1/alerts', base), { headers, signal: signal ? AbortSignal.any([signal, timeout]) : timeout });
  } catch (error) {
    throw new PrometheusError('unreachable', `Prometheus at ${endpoint.url} did not answer: ${(error as Error).message}`);
  }
  const body = (await res.json().catch(() => ({ status: 'error' }))) as ApiBody<{ alerts: PrometheusAlert[] }>;
  if (body.status !== 'success' || !body.data) throw new PrometheusError('http', `Prometheus at ${endpoint.url}: alerts answered ${res.status}.`);
  return body.data.alerts;
}
