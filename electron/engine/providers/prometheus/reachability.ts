import type { SourceRegistry } from '../../sources/source-registry.js';
import { verdictFor } from '../source-status.js';
import { backoffDelay } from '../kubernetes/reflector.js';

export interface PrometheusReachabilityOptions {
  sourceId: string;
  url: string;
  registry: SourceRegistry;
  /** The bearer token, read from the vault at each probe so a changed token applies at once. */
  token: () => string | undefined;
  intervalMs?: number;
  now?: () => number;
}

/**
 * Keeps a Prometheus source's status honest: probes the HTTP API's build-info endpoint
 * (https://prometheus.io/docs/prometheus/latest/querying/api/#build-information) on an
 * interval with the configured bearer token, and reports live, unauthorized or offline.
 * Querying metrics is the metrics layer's job; this only says whether it can.
 */
export class PrometheusReachability {
  private readonly controller = new AbortController();
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private failures = 0;
  private stopped = false;

  constructor(private readonly options: PrometheusReachabilityOptions) {}

  start(): void {
    this.options.registry.update(this.options.sourceId, { state: 'connecting', reason: `Contacting ${this.options.url}…`, remedy: undefined });
    this.schedule(0);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.controller.abort();
    if (this.timer) clearTimeout(this.timer);
    await this.running;
  }

  private schedule(ms: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.running = this.probe();
    }, ms);
    this.timer.unref?.();
  }

  private async probe(): Promise<void> {
    const { url, registry, sourceId } = this.options;
    const now = this.options.now ?? Date.now;
    const headers: Record<string, string> = { Accept: 'application/json' };
    const token = this.options.token();
    if (token) headers.Authorization = `Bearer ${token}`;
    const where = `Prometheus at ${url}`;
    try {
      const signal = AbortSignal.any([this.controller.signal, AbortSignal.timeout(10_000)]);
      const res = await fetch(new URL('api/v1/status/buildinfo', url.endsWith('/') ? url : `${url}/`), { headers, signal });
      await res.arrayBuffer();
      if (res.ok) {
        this.failures = 0;
        registry.update(sourceId, { state: 'live', reason: 'Answering queries.', remedy: undefined, lastSyncAt: now() });
        this.schedule(this.options.intervalMs ?? 30_000);
        return;
      }
      const verdict =
        res.status === 404
          ? { state: 'error' as const, reason: `${where} has no Prometheus HTTP API (404 on /api/v1/status/buildinfo).`, remedy: 'Point Daytwo at the Prometheus server’s base URL, not at a /metrics endpoint.' }
          : verdictFor({ status: res.status, message: res.statusText }, where, 'prometheus');
      registry.update(sourceId, verdict);
    } catch (error) {
      if (this.stopped) return;
      const e = error as { name?: string; cause?: { code?: string; message?: string }; message?: string };
      const code = e.name === 'TimeoutError' ? 'ETIMEDOUT' : e.cause?.code;
      registry.update(sourceId, verdictFor({ status: 0, code, message: e.cause?.message ?? e.message ?? String(error) }, where, 'prometheus'));
    }
    const delay = backoffDelay(this.failures, { initialMs: 5_000, maxMs: 300_000, resetAfterMs: 0 }, Math.random);
    this.failures += 1;
    this.schedule(delay);
  }
}
