import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox, type RunningSandbox } from '../../electron/engine/sandbox/start.js';
import { PROMETHEUS_BINARY, eventually, prometheusAvailable as available, startPrometheus } from './helpers/prometheus.js';
import type { RunningPrometheus } from './helpers/prometheus.js';

/**
 * Debian's Prometheus scraping the sandbox's /metrics every second, then answering PromQL over
 * what it stored: the exposition has to be right for a parser nobody here wrote.
 */
if (!available) console.log(`Skipping the Prometheus scrape test: ${PROMETHEUS_BINARY} is not installed (apt-get install prometheus).`);

let sandbox: RunningSandbox;
let prometheus: RunningPrometheus | undefined;
let prometheusUrl: string;
let workDir: string;

interface VectorSample {
  metric: Record<string, string>;
  value: [number, string];
}

async function query(promql: string): Promise<VectorSample[]> {
  const res = await fetch(`${prometheusUrl}/api/v1/query?query=${encodeURIComponent(promql)}`);
  const body = (await res.json()) as { status: string; data?: { result: VectorSample[] }; error?: string };
  if (body.status !== 'success') throw new Error(`PromQL ${promql}: ${body.error}`);
  return body.data?.result ?? [];
}

beforeAll(async () => {
  if (!available) return;
  workDir = mkdtempSync(path.join(os.tmpdir(), 'daytwo-prom-'));
  sandbox = await startSandbox({ outDir: path.join(workDir, 'sandbox'), seed: 42 });
  prometheus = await startPrometheus(path.join(workDir, 'prometheus'), [`127.0.0.1:${sandbox.port}`]);
  prometheusUrl = prometheus.url;
});

afterAll(async () => {
  await prometheus?.stop();
  await sandbox?.stop();
  if (workDir) rmSync(workDir, { recursive: true, force: true });
});

describe.skipIf(!available)('Prometheus scraping the sandbox', () => {
  it('scrapes /metrics cleanly', async () => {
    const target = await eventually('a successful scrape', async () => {
      const res = await fetch(`${prometheusUrl}/api/v1/targets`);
      const body = (await res.json()) as { data: { activeTargets: { health: string; lastError: string }[] } };
      const t = body.data.activeTargets[0];
      return t && t.health !== 'unknown' ? t : undefined;
    });
    expect(target).toMatchObject({ health: 'up', lastError: '' });
  });

  it('answers a rate() query by service from the request counters', async () => {
    const result = await eventually('request rates', async () => {
      const r = await query('sum by (service) (rate(http_requests_total[30s]))');
      return r.length > 0 && r.some((s) => Number(s.value[1]) > 0) ? r : undefined;
    });
    const services = result.map((s) => s.metric.service);
    expect(services).toEqual(expect.arrayContaining(['storefront', 'catalog-api']));
    // rate() over 30s under-reads until 30s of samples exist; irate() reads the last two scrapes.
    const instant = await eventually('instant request rates', async () => {
      const r = await query('sum by (service) (irate(http_requests_total{service="catalog-api"}[10s]))');
      return r[0] ? r : undefined;
    });
    const catalog = Number(instant[0]!.value[1]);
    // The catalog API serves about 420 requests a second, give or take the daily wave.
    expect(catalog).toBeGreaterThan(420 * 0.5);
    expect(catalog).toBeLessThan(420 * 1.6);
  });

  it('has histograms, container and kube-state series that agree with each other', async () => {
    const p99 = await eventually('a latency quantile', async () => {
      const r = await query('histogram_quantile(0.99, sum by (service, le) (rate(http_request_duration_seconds_bucket{service="catalog-api"}[30s])))');
      return r[0] && Number.isFinite(Number(r[0].value[1])) ? Number(r[0].value[1]) : undefined;
    });
    expect(p99).toBeGreaterThan(0);
    expect(p99).toBeLessThan(5);
    const replicas = await query('kube_deployment_spec_replicas{deployment="catalog-api"}');
    const readyPods = await query('sum(kube_pod_status_ready{condition="true", pod=~"catalog-api-.*"})');
    expect(Number(replicas[0]!.value[1])).toBeGreaterThanOrEqual(2);
    expect(Number(readyPods[0]!.value[1])).toBeGreaterThanOrEqual(Number(replicas[0]!.value[1]) - 1);
    const memory = await query('sum(container_memory_working_set_bytes{container="catalog-api"})');
    expect(Number(memory[0]!.value[1])).toBeGreaterThan(100 * 1024 * 1024);
  });
});
