import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEngine } from '../../electron/engine/engine.js';
import type { Engine } from '../../electron/engine/engine.js';
import { startSandbox } from '../../electron/engine/sandbox/start.js';
import type { RunningSandbox } from '../../electron/engine/sandbox/start.js';
import type { CloudSideInternals } from '../../electron/engine/sandbox/cloud.js';
import type { Panel } from '../../shared/api/metrics.js';
import type { SourcedQuery } from '../../shared/metrics/query.js';
import { eventually, prometheusAvailable, startPrometheus } from './helpers/prometheus.js';
import type { RunningPrometheus } from './helpers/prometheus.js';
import { noSecrets, routerCaller } from './helpers/engine.js';

/**
 * Metrics against the sandbox over the real wire protocols: its CloudWatch through the AWS SDK,
 * its metrics.k8s.io through the kubeconfig it wrote, and Debian's Prometheus scraping its
 * /metrics. Given the shop's storefront service, the operator opens it and sees golden-signal
 * panels that come back with data and never more points than the chart asked for; CloudWatch
 * throttling delays an answer but does not fail it; and with the sources gone, the same charts
 * come from the cache, marked stale, with what is missing said.
 */

if (!prometheusAvailable) console.log('Skipping the metrics integration test: /usr/bin/prometheus is not installed (apt-get install prometheus).');

const SERVICE = 'k8s:shop-prod-eks/shop/Service/storefront';
let dir: string;
let sandbox: RunningSandbox;
let prometheus: RunningPrometheus;
let engine: Engine;

const sealer = noSecrets;

const call = routerCaller(() => engine);

function sourceOf(kind: 'prometheus' | 'aws' | 'kubernetes', panels: Panel[]): SourcedQuery[] {
  const prefix = kind === 'kubernetes' ? 'k8s:' : `${kind}:`;
  return panels.flatMap((p) => p.queries).filter((q) => q.source.startsWith(prefix));
}

beforeAll(async () => {
  if (!prometheusAvailable) return;
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'daytwo-metrics-'));
  sandbox = await startSandbox({ port: 0, outDir: path.join(dir, 'sandbox'), seed: 42 });
  prometheus = await startPrometheus(path.join(dir, 'prometheus'), [`127.0.0.1:${sandbox.port}`]);
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
  // The service, the ALB in front of it (linked once both sides listed), and live sources.
  await eventually('the estate to link the storefront ALB', async () => {
    const panels = (await call('metrics.panels', { entityId: SERVICE })).panels;
    const kinds = new Set(panels.flatMap((p) => p.queries.map((q) => q.source.split(':')[0])));
    const needed = engine.sources.list().filter((s) => s.kind !== 'kubernetes' || s.id === 'k8s:shop-prod-eks');
    const notLive = needed.filter((s) => s.state !== 'live').map((s) => `${s.id} ${s.state}: ${s.reason}`);
    if (notLive.length > 0 || !kinds.has('aws') || !kinds.has('prometheus') || !kinds.has('k8s')) {
      throw new Error(`not yet: panels from [${[...kinds].join(', ')}]; ${notLive.join('; ')}`);
    }
    return true;
  });
  // Prometheus needs two scrapes inside rate()'s window before it has a rate, and a chart with
  // 5 s steps needs a few of those instants behind it.
  await eventually('Prometheus to have request rates at several 5 s steps', async () => {
    const now = Date.now() / 1000;
    const expr = encodeURIComponent('sum(rate(http_requests_total{service="storefront"}[1m]))');
    const res = await fetch(`${prometheus.url}/api/v1/query_range?query=${expr}&start=${Math.floor(now / 5) * 5 - 60}&end=${now}&step=5s`);
    const body = (await res.json()) as { data: { result: { values: unknown[] }[] } };
    return (body.data.result[0]?.values.length ?? 0) >= 2 ? true : undefined;
  });
});

afterAll(async () => {
  await engine?.close();
  await prometheus?.stop();
  await sandbox?.stop();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

describe.skipIf(!prometheusAvailable)('metrics for a sandbox service', () => {
  let panels: Panel[];
  // Ends after Prometheus began scraping (beforeAll waited for it), so every source has data in it.
  let end: number;
  let window: { start: number; end: number; maxPoints: number };

  it('derives the golden signals from every source the estate has for the service', async () => {
    end = Date.now();
    window = { start: end - 15 * 60_000, end, maxPoints: 60 };
    panels = (await call('metrics.panels', { entityId: SERVICE })).panels;
    expect(panels.map((p) => p.signal)).toEqual(['traffic', 'errors', 'latency', 'saturation', 'saturation']);
    expect(sourceOf('prometheus', panels.filter((p) => p.signal === 'traffic'))).not.toHaveLength(0);
    const alb = sourceOf('aws', panels.filter((p) => p.signal === 'traffic'))[0]!;
    expect(alb.query).toMatchObject({ kind: 'cloudwatch-metric', namespace: 'AWS/ApplicationELB', metricName: 'RequestCount' });
    expect(sourceOf('kubernetes', panels.filter((p) => p.title === 'CPU'))[0]!.query).toMatchObject({ kind: 'kube-resource', resource: 'cpu', namespace: 'shop' });
    // The ALB's alarms become thresholds, in the panel's units.
    const latency = panels.find((p) => p.signal === 'latency')!;
    expect(latency.thresholds?.[0]).toMatchObject({ comparison: '>', severity: 'critical' });
    expect(latency.thresholds?.[0]?.alarmId).toMatch(/\/alarm\/.*latency/);
  });

  it('answers every panel query with data and never more points than asked', async () => {
    // Two samples of metrics.k8s.io, a second apart, so its history has a line.
    for (const q of sourceOf('kubernetes', panels)) await call('metrics.query', { source: q.source, query: q.query, ...window });
    await new Promise((r) => setTimeout(r, 1_500));
    const seen = { prometheus: 0, aws: 0, k8s: 0 };
    for (const panel of panels) {
      for (const q of panel.queries) {
        const result = await call('metrics.query', { source: q.source, query: q.query, ...window });
        expect(result.stale, `${q.label}: ${result.note}`).toBe(false);
        for (const s of result.series) {
          expect(s.points.length).toBeLessThanOrEqual(window.maxPoints);
          for (const [t, v] of s.points) {
            expect(t).toBeGreaterThanOrEqual(window.start);
            expect(t).toBeLessThanOrEqual(window.end + result.stepMs);
            if (v !== null) expect(Number.isFinite(v)).toBe(true);
          }
        }
        if (result.series.some((s) => s.points.some(([, v]) => v !== null))) seen[q.source.split(':')[0] as keyof typeof seen] += 1;
      }
    }
    expect(seen.prometheus).toBeGreaterThan(0);
    expect(seen.aws).toBeGreaterThan(0);
    expect(seen.k8s).toBeGreaterThan(0);
  });

  it('downsamples a day of CloudWatch data to the width asked', async () => {
    const alb = sourceOf('aws', panels.filter((p) => p.signal === 'traffic'))[0]!;
    const day = await call('metrics.query', { source: alb.source, query: alb.query, start: end - 86_400_000, end, maxPoints: 100 });
    expect(day.series[0]!.points.length).toBeGreaterThan(50);
    expect(day.series[0]!.points.length).toBeLessThanOrEqual(100);
    expect(day.stepMs % 60_000).toBe(0);
  });

  it('retries a throttled CloudWatch answer until it succeeds', async () => {
    const alb = sourceOf('aws', panels.filter((p) => p.signal === 'errors'))[0]!;
    const before = engine.metrics.cloudWatchStats(alb.source)?.throttled ?? 0;
    // More throttled calls than the SDK's own attempts absorb, of GetMetricData only: other
    // CloudWatch callers took all eight once on a loaded CI machine, and the query met none.
    await fetch(`http://127.0.0.1:${sandbox.port}/sandbox/cloudwatch/throttle`, {
      method: 'POST',
      body: JSON.stringify({ count: 8, operation: 'GetMetricData' }),
      headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${sandbox.adminToken}` },
    });
    const result = await call('metrics.query', { source: alb.source, query: alb.query, ...window });
    expect(result.stale).toBe(false);
    expect(result.series[0]!.points.length).toBeGreaterThan(0);
    expect((sandbox.cloud as CloudSideInternals).cloudwatch.throttlePending).toBe(0);
    expect(engine.metrics.cloudWatchStats(alb.source)!.throttled).toBeGreaterThan(before);
  });

  it('lists the ALB alarms worst first, linked to the resources they alarm on', async () => {
    const { alerts } = await call('alerts.list', {});
    const storefront = alerts.filter((a) => a.name.includes('storefront'));
    expect(storefront.length).toBeGreaterThan(0);
    expect(storefront[0]!.entityIds.some((id) => id.includes('/alb/'))).toBe(true);
    const rank = { firing: 0, pending: 1, 'insufficient-data': 2, ok: 3 } as const;
    for (let i = 1; i < alerts.length; i++) expect(rank[alerts[i]!.state]).toBeGreaterThanOrEqual(rank[alerts[i - 1]!.state]);
  });

  it('refuses a panel whose PromQL Prometheus cannot parse, naming the field, and keeps a good one', async () => {
    const source = sourceOf('prometheus', panels)[0]!.source;
    const bad = await engine.router.call(
      'metrics.addPanel',
      { entityId: SERVICE, title: 'Typo', unit: 'rate', queries: [{ source, query: { kind: 'promql', expr: 'sum(rate(http_requests_total[1m]' } }] },
      { transport: 'internal' },
    );
    expect(bad).toMatchObject({ ok: false, error: { code: 'bad_request', field: 'queries.0.query.expr' } });
    const before = (await call('metrics.panels', { entityId: SERVICE })).panels.filter((p) => p.origin === 'user').length;
    expect(before).toBe(0);
    const { panel } = await call('metrics.addPanel', {
      entityId: SERVICE,
      title: 'Requests by code',
      unit: 'rate',
      queries: [{ source, query: { kind: 'promql', expr: 'sum by (code) (rate(http_requests_total[1m]))' } }],
    });
    expect((await call('metrics.panels', { entityId: SERVICE })).panels.map((p) => p.id)).toContain(panel.id);
    expect(await call('metrics.removePanel', { entityId: SERVICE, panelId: panel.id })).toEqual({ removed: true });
  });

  it('with the sources gone, serves the same queries from the cache, marked stale, saying what is missing', async () => {
    const chosen = [
      sourceOf('prometheus', panels.filter((p) => p.signal === 'traffic'))[0]!,
      sourceOf('aws', panels.filter((p) => p.signal === 'traffic'))[0]!,
      sourceOf('kubernetes', panels.filter((p) => p.title === 'CPU'))[0]!,
    ];
    const live = [];
    for (const q of chosen) live.push(await call('metrics.query', { source: q.source, query: q.query, ...window }));

    await prometheus.stop();
    for (const q of chosen.slice(1)) await call('sources.setEnabled', { id: q.source, enabled: false });
    // metrics.k8s.io was sampled every kubeSampleMs while charts asked, up to here, not only up to
    // window.end: how far past it depends on how long the tests before this one took.
    const sampledUntil = Date.now();

    for (const [i, q] of chosen.entries()) {
      // The same question as before: the same answer, from the cache.
      const cached = await call('metrics.query', { source: q.source, query: q.query, ...window });
      expect(cached.stale, q.source).toBe(true);
      expect(cached.note).toBeTruthy();
      expect(cached.asOf).not.toBeNull();
      expect(cached.asOf!).toBeLessThanOrEqual(Date.now());
      expect(cached.series.length).toBeGreaterThan(0);
      expect(cached.series.flatMap((s) => s.points).some(([, v]) => v !== null)).toBe(true);
      if (q.query.kind !== 'kube-resource') {
        expect(cached.series).toEqual(live[i]!.series);
        expect(cached.asOf).toBe(live[i]!.asOf);
      }

      // Five more minutes than was ever fetched: the tail is said to be missing.
      const later = await call('metrics.query', { source: q.source, query: q.query, ...window, end: window.end + 5 * 60_000 });
      expect(later.stale).toBe(true);
      expect(later.missing.at(-1)![1]).toBe(window.end + 5 * 60_000);
      const fetchedUntil = q.query.kind === 'kube-resource' ? sampledUntil : window.end;
      expect(later.missing.at(-1)![0], q.source).toBeLessThanOrEqual(fetchedUntil + later.stepMs);
    }
  });
});
