import { type ExpositionWriter } from './exposition.js';
import { CODES, LATENCY_BUCKETS, METHODS, type PodSeries } from './pod-traffic.js';

/**
 * The applications' own request metrics, as a Prometheus client library writes them
 * (http_requests_total by code and method, http_request_duration_seconds histogram), with the
 * target labels a ServiceMonitor scrape adds (see PodSeries.labels). Only the tiers that serve
 * HTTP are instrumented: a worker exports none, which is what Daytwo's panels must say.
 */
const METHOD_CODE = METHODS.flatMap((method) => CODES.map((code) => `,code="${code}",method="${method}"`));
const LE = LATENCY_BUCKETS.map((b) => `,le="${b}"`);

export function renderAppMetrics(out: ExpositionWriter, pods: readonly PodSeries[], target: string): void {
  const http = pods.filter((s) => s.http);
  out.family('http_requests_total', 'counter', 'Total HTTP requests served by the pod, by status code and method.');
  for (const s of http) {
    const labels = target + s.labels;
    for (let i = 0; i < METHOD_CODE.length; i++) out.sample2('http_requests_total', labels, METHOD_CODE[i] as string, Math.floor(s.requests[i] as number));
  }

  out.family('http_request_duration_seconds', 'histogram', 'Time from receiving a request to sending the last byte of the response.');
  for (const s of http) {
    const labels = target + s.labels;
    for (let b = 0; b < LE.length; b++) out.sample2('http_request_duration_seconds_bucket', labels, LE[b] as string, Math.floor(s.buckets[b] as number));
    const count = Math.floor(s.count);
    out.sample2('http_request_duration_seconds_bucket', labels, ',le="+Inf"', count);
    out.sample('http_request_duration_seconds_sum', labels, Math.round(s.durationSeconds * 1000) / 1000);
    out.sample('http_request_duration_seconds_count', labels, count);
  }
}
