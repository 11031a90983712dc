import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEngine, type Engine } from '../../electron/engine/engine.js';
import { sandboxScrapeConfigs } from '../../electron/engine/sandbox/prometheus/scrape-config.js';
import { startSandbox, type RunningSandbox } from '../../electron/engine/sandbox/start.js';
import type { Result } from '../../shared/api/contract.js';
import { writeKubePrometheusRules } from './helpers/kube-prometheus-rules.js';
import { eventually, prometheusAvailable, startPrometheus, type RunningPrometheus } from './helpers/prometheus.js';
import { noSecrets, routerCaller } from './helpers/engine.js';

/**
 * Golden signals on the Prometheus people actually run: one per cluster, fed as
 * kube-prometheus-stack feeds it (kube-state-metrics, the kubelet's cAdvisor, applications
 * through ServiceMonitors), so no series has a `cluster` label. The engine is told only the
 * Prometheus URL; it learns which cluster that is from the pods in its series. Every panel it
 * then offers for a service answers with data, a worker that serves no HTTP gets a sentence
 * saying it has no request metrics instead of empty charts, and a service in a cluster this
 * Prometheus does not watch gets no Prometheus queries at all. Its alerts (kube-prometheus's own
 * rules) carry no cluster label either, and still land on the right cluster's objects.
 */
if (!prometheusAvailable) console.log('Skipping the kube-prometheus metrics test: /usr/bin/prometheus is not installed (apt-get install prometheus).');

const CLUSTER = 'shop-prod-eks';
const STOREFRONT = `k8s:${CLUSTER}/shop/Service/storefront`;
const FRAUD_WORKER = `k8s:${CLUSTER}/payments/Deployment/fraud-worker`;
let dir: string;
let sandbox: RunningSandbox;
let prometheus: RunningPrometheus;
let engine: Engine;

const sealer = noSecrets;

const call = routerCaller(() => engine);

beforeAll(async () => {
  if (!prometheusAvailable) return;
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'daytwo-metrics-kp-'));
  sandbox = await startSandbox({ port: 0, outDir: path.join(dir, 'sandbox'), seed: 42 });
  prometheus = await startPrometheus(path.join(dir, 'prometheus'), {
    scrapeConfigs: sandboxScrapeConfigs(`127.0.0.1:${sandbox.port}`, [CLUSTER]),
    ruleFiles: writeKubePrometheusRules(path.join(dir, 'rules')).files,
  });
  engine = createEngine({
    mode: 'host',
    version: 'test',
    dataDir: path.join(dir, 'data'),
    readOnly: false,
    sealer,
    sandbox: true,
    log: () => {},
    connections: {
      kubeconfigFiles: [sandbox.kubeconfigPath],
      aws: { configFile: sandbox.awsConfigPath, credentialsFile: sandbox.awsCredentialsPath },
      prometheusUrls: [prometheus.url],
      env: {},
    },
    sourceTuning: { awsIntervalMs: 2_000, prometheusIntervalMs: 1_000, backoff: { initialMs: 200, maxMs: 1_000, resetAfterMs: 10_000 }, connectTimeoutMs: 2_000 },
    metricsTuning: { kubeSampleMs: 1_000, alertIntervalMs: 1_000, cloudWatchRetry: { baseMs: 50, maxMs: 200, attempts: 10 } },
  });
  await eventually('Prometheus panels for the storefront, and its cluster live', async () => {
    const cluster = engine.sources.get(`k8s:${CLUSTER}`);
    if (cluster?.state !== 'live') throw new Error(`k8s:${CLUSTER} is ${cluster?.state}: ${cluster?.reason}`);
    const { panels } = await call('metrics.panels', { entityId: STOREFRONT });
    const prom = panels.flatMap((p) => p.queries).filter((q) => q.source.startsWith('prometheus:'));
    if (!prom.some((q) => q.query.kind === 'promql' && q.query.expr.includes('http_requests_total'))) throw new Error('no Prometheus request panels yet');
    if (!prom.some((q) => q.query.kind === 'promql' && q.query.expr.includes('container_cpu_usage_seconds_total'))) throw new Error('no cAdvisor panels yet');
    return true;
  });
  // Two scrapes inside rate()'s window at several 5 s steps, as the chart's steps need.
  await eventually('Prometheus to have request rates at several 5 s steps', async () => {
    const now = Date.now() / 1000;
    const expr = encodeURIComponent('sum(rate(http_requests_total{service="storefront"}[1m]))');
    const res = await fetch(`${prometheus.url}/api/v1/query_range?query=${expr}&start=${Math.floor(now / 5) * 5 - 60}&end=${now}&step=5s`);
    const body = (await res.json()) as { data: { result: { values: unknown[] }[] } };
    return (body.data.result[0]?.values.length ?? 0) >= 2 ? true : undefined;
  });
}, 120_000);

afterAll(async () => {
  await engine?.close();
  await prometheus?.stop();
  await sandbox?.stop();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

/** Asks every query of every panel over the last 5 minutes; returns the labels of those with no value at all. */
async function emptyQueries(panels: Result<'metrics.panels'>['panels']): Promise<string[]> {
  const end = Date.now();
  const window = { start: end - 5 * 60_000, end, maxPoints: 60 };
  // metrics.k8s.io history is what the engine sampled: two samples a second apart give a line.
  for (const q of panels.flatMap((p) => p.queries)) if (q.query.kind === 'kube-resource') await call('metrics.query', { source: q.source, query: q.query, ...window });
  await new Promise((r) => setTimeout(r, 1_500));
  const empty: string[] = [];
  for (const panel of panels) {
    for (const q of panel.queries) {
      const result = await call('metrics.query', { source: q.source, query: q.query, ...window, end: Date.now() });
      if (!result.series.some((s) => s.points.some(([, v]) => v !== null))) empty.push(`${panel.title} / ${q.label}: ${result.note ?? 'no series'}`);
    }
  }
  return empty;
}

describe.skipIf(!prometheusAvailable)('metrics on a kube-prometheus-stack Prometheus (no cluster label)', () => {
  it('learns that the Prometheus covers shop-prod-eks, under no cluster label', () => {
    const source = engine.sources.list().find((s) => s.kind === 'prometheus')!;
    const coverage = engine.metrics.coverage.get(source.id)!;
    expect([...coverage.byContext.keys()]).toContain(CLUSTER);
    expect(coverage.byContext.get(CLUSTER)!.clusterLabel).toBeNull();
    expect([...coverage.byContext.keys()].some((c) => c.startsWith('shop-prod-gke'))).toBe(false);
  });

  it('offers the storefront every golden signal, and every panel offered returns data', async () => {
    const { panels, missing } = await call('metrics.panels', { entityId: STOREFRONT });
    expect(new Set(panels.map((p) => p.signal))).toEqual(new Set(['traffic', 'errors', 'latency', 'saturation']));
    const promql = panels.flatMap((p) => p.queries).flatMap((q) => (q.query.kind === 'promql' ? [q.query.expr] : []));
    expect(promql.length).toBeGreaterThanOrEqual(6);
    // Addressed as the series are: by namespace and service or pod, never by a cluster label they lack.
    for (const expr of promql) expect(expr).not.toContain('cluster=');
    expect(missing).toEqual([]);
    expect(await emptyQueries(panels)).toEqual([]);
  });

  it('says a worker has no request metrics instead of drawing empty charts, and still shows its CPU and memory', async () => {
    const { panels, missing } = await call('metrics.panels', { entityId: FRAUD_WORKER });
    expect(panels.map((p) => p.signal)).toEqual(['saturation', 'saturation']);
    expect(missing).toContainEqual(expect.objectContaining({ signals: ['traffic', 'errors', 'latency'], subject: 'fraud-worker', reason: 'No request metrics for fraud-worker: it exports none.' }));
    const cadvisor = panels.flatMap((p) => p.queries).filter((q) => q.source.startsWith('prometheus:'));
    expect(cadvisor).toHaveLength(2);
    expect(await emptyQueries(panels)).toEqual([]);
  });

  it('does not ask this Prometheus about a cluster it does not watch, and says why', async () => {
    const gke = sandbox.world.services.find((s) => s.cluster === 'shop-prod-gke' && (s.tier === 'api' || s.tier === 'frontend'))!;
    const { panels, missing } = await call('metrics.panels', { entityId: `k8s:shop-prod-gke/${gke.namespace}/Service/${gke.name}` });
    expect(panels.flatMap((p) => p.queries).filter((q) => q.source.startsWith('prometheus:'))).toEqual([]);
    expect(missing.map((m) => m.reason)).toContainEqual(expect.stringMatching(/^No Prometheus source has series from shop-prod-gke/));
  });

  it('ties a kube-prometheus alert without a cluster label to the pod in the cluster this Prometheus covers', async () => {
    // The sandbox seeds a stuck rollout of recommendations in shop-prod-eks, whose new pod crash-loops.
    const alert = await eventually('KubePodCrashLooping in alerts.list', async () => {
      const { alerts } = await call('alerts.list', {});
      return alerts.find((a) => a.name === 'KubePodCrashLooping' && a.labels.container === 'recommendations' && a.entityIds.length > 0);
    }, 60);
    expect(alert.state).toBe('pending');
    expect(alert.labels.cluster).toBeUndefined();
    expect(alert.summary).toBe('Pod is crash looping.');
    expect(alert.entityIds.length).toBeGreaterThan(0);
    for (const id of alert.entityIds) expect(id).toMatch(new RegExp(`^k8s:${CLUSTER}(-viewer)?/shop/Pod/recommendations-`));
  });
});
