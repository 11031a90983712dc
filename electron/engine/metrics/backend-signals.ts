import type { BackendCharts, BackendSignal, BackendSignalReading, BackendSignals } from '../operations/backend-signals.js';
import type { MetricSeries } from '../../../shared/api/metrics.js';
import type { MetricsService } from './metrics-service.js';
import type { Source } from '../../../shared/api/sources.js';

/**
 * Backend signals from the Prometheus sources that cover a cluster, through the metrics
 * service (so the series cache and source states apply), with the same series and labels the
 * golden-signal panels use (panels.ts): http_requests_total and
 * http_request_duration_seconds by namespace and service, under the `cluster` label only when
 * that Prometheus's series carry one.
 */
export function backendSignalsFrom(metrics: MetricsService, sources: () => readonly Source[]): BackendSignals {
  /** The first live Prometheus covering the cluster, and the label matchers for these Services in it. */
  const covering = async (cluster: string, namespace: string, services: readonly string[]): Promise<{ source: Source; scope: string } | null> => {
    if (services.length === 0) return null;
    const prometheus = sources().filter((s) => s.kind === 'prometheus' && s.enabled && s.state === 'live');
    await metrics.coverage.refresh(prometheus.map((s) => s.id));
    for (const source of prometheus) {
      const series = metrics.coverage.get(source.id)?.byContext.get(cluster);
      if (!series) continue;
      return { source, scope: `${series.clusterLabel ? `cluster="${escape(series.clusterLabel)}",` : ''}namespace="${escape(namespace)}",service=~"${services.map(escapeRegex).join('|')}"` };
    }
    return null;
  };
  return {
    async charts(cluster, namespace, services): Promise<BackendCharts | null> {
      const found = await covering(cluster, namespace, services);
      if (!found) return null;
      // irate: the chart follows a shift within a scrape or two, which is what the operator is watching for.
      return {
        source: found.source.id,
        requests: `sum by (service) (irate(http_requests_total{${found.scope}}[1m]))`,
        errors: `sum by (service) (irate(http_requests_total{${found.scope},code=~"5.."}[1m]))`,
      };
    },
    async read(cluster, namespace, services, mode) {
      const found = await covering(cluster, namespace, services);
      if (found) {
        const { source, scope } = found;
        // irate reads the last two samples, so a shift shows within a scrape or two whatever the interval.
        const rate = mode === 'latest' ? 'irate' : 'rate';
        const [requests, errors, p99] = await Promise.all([
          ask(metrics, source.id, `sum by (service) (${rate}(http_requests_total{${scope}}[1m]))`),
          ask(metrics, source.id, `sum by (service) (${rate}(http_requests_total{${scope},code=~"5.."}[1m]))`),
          ask(metrics, source.id, `histogram_quantile(0.99, sum by (service, le) (rate(http_request_duration_seconds_bucket{${scope}}[1m])))`),
        ]);
        const byService = new Map<string, BackendSignal>();
        for (const [service, rps] of requests) {
          const failed = errors.get(service) ?? 0;
          const latency = p99.get(service);
          byService.set(service, { requestsPerSecond: rps, errorRatio: rps > 0 ? failed / rps : null, p99Ms: latency === undefined || !Number.isFinite(latency) ? null : latency * 1000 });
        }
        const reading: BackendSignalReading = { source: source.id, byService };
        return reading;
      }
      return null;
    },
  };
}

/** The newest value of each series, by its `service` label. */
async function ask(metrics: MetricsService, source: string, expr: string): Promise<Map<string, number>> {
  const end = Date.now();
  const result = await metrics.query({ source, query: { kind: 'promql', expr }, start: end - 30_000, end, maxPoints: 30 });
  const out = new Map<string, number>();
  if (result.stale) return out;
  for (const s of result.series) {
    const value = latest(s);
    if (value !== null && s.labels.service) out.set(s.labels.service, value);
  }
  return out;
}

function latest(series: MetricSeries): number | null {
  for (let i = series.points.length - 1; i >= 0; i--) {
    const v = series.points[i]?.[1];
    if (typeof v === 'number' && Number.isFinite(v)) return v;
  }
  return null;
}

function escape(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/"/g, '\\"');
}

function escapeRegex(value: string): string {
  return escape(value.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
}
