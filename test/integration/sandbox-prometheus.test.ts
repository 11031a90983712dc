import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox, type RunningSandbox } from '../../electron/engine/sandbox/start.js';

/**
 * Debian's Prometheus scraping the sandbox's /metrics every second, then answering PromQL over
 * what it stored: the exposition has to be right for a parser nobody here wrote.
 */
const PROMETHEUS = '/usr/bin/prometheus';
const available = existsSync(PROMETHEUS);
if (!available) console.log(`Skipping the Prometheus scrape test: ${PROMETHEUS} is not installed (apt-get install prometheus).`);

let sandbox: RunningSandbox;
let prometheus: ChildProcess | undefined;
let prometheusUrl: string;
let workDir: string;
let prometheusLog = '';

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

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

/** Polls until `probe` returns a value, or fails with the last thing seen. */
async function eventually<T>(what: string, probe: () => Promise<T | undefined>, attempts = 120): Promise<T> {
  let last: unknown;
  for (let i = 0; i < attempts; i++) {
    try {
      const v = await probe();
      if (v !== undefined) return v;
    } catch (e) {
      last = e;
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error(`Gave up waiting for ${what}. Last error: ${String(last)}\nPrometheus log:\n${prometheusLog.slice(-3000)}`);
}

beforeAll(async () => {
  if (!available) return;
  workDir = mkdtempSync(path.join(os.tmpdir(), 'daytwo-prom-'));
  sandbox = await startSandbox({ outDir: path.join(workDir, 'sandbox'), seed: 42 });
  const port = await freePort();
  prometheusUrl = `http://127.0.0.1:${port}`;
  const config = path.join(workDir, 'prometheus.yml');
  writeFileSync(
    config,
    [
      'global:',
      '  scrape_interval: 1s',
      '  evaluation_interval: 1s',
      'scrape_configs:',
      '  - job_name: daytwo-sandbox',
      '    metrics_path: /metrics',
      '    static_configs:',
      `      - targets: ['127.0.0.1:${sandbox.port}']`,
      '',
    ].join('\n'),
  );
  prometheus = spawn(PROMETHEUS, [`--config.file=${config}`, `--storage.tsdb.path=${path.join(workDir, 'data')}`, `--web.listen-address=127.0.0.1:${port}`], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  prometheus.stdout?.on('data', (d: Buffer) => (prometheusLog += d.toString()));
  prometheus.stderr?.on('data', (d: Buffer) => (prometheusLog += d.toString()));
  await eventually('Prometheus to be ready', async () => ((await fetch(`${prometheusUrl}/-/ready`)).ok ? true : undefined));
});

afterAll(async () => {
  if (prometheus && prometheus.exitCode === null) {
    const exited = new Promise((r) => prometheus!.once('exit', r));
    prometheus.kill('SIGTERM');
    await exited;
  }
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
