import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import yaml from 'js-yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEngine, type Engine } from '../../electron/engine/engine.js';
import { sandboxScrapeConfigs } from '../../electron/engine/sandbox/prometheus/scrape-config.js';
import { startSandbox, type RunningSandbox } from '../../electron/engine/sandbox/start.js';
import { noSecrets, routerCaller } from './helpers/engine.js';
import { eventually, prometheusAvailable, startPrometheus, type RunningPrometheus } from './helpers/prometheus.js';

/**
 * A bad canary takes half of the storefront's traffic, through a Gateway API HTTPRoute and then
 * through an ingress-nginx canary Ingress pair. The operator sends everything back to stable
 * through Daytwo's traffic-split operation: the object carries the new weights (kubectl agrees),
 * the canary's request rate falls to zero in Prometheus, the storefront's error ratio
 * recovers, and the operation is in the audit log and on the route's timeline.
 */
if (!prometheusAvailable) console.log('Skipping the traffic-split test: /usr/bin/prometheus is not installed (apt-get install prometheus).');

const run = promisify(execFile);
const CLUSTER = 'shop-prod-eks';
const ROUTE = `k8s:${CLUSTER}/shop/HTTPRoute/storefront`;
const CANARY_INGRESS = `k8s:${CLUSTER}/shop/Ingress/storefront-nginx-canary`;
const STABLE_SERVICE = `k8s:${CLUSTER}/shop/Service/storefront`;
const fixture = (name: string) => path.join(import.meta.dirname, 'fixtures', 'traffic', name);

let dir: string;
let sandbox: RunningSandbox;
let prometheus: RunningPrometheus;
let engine: Engine;
const call = routerCaller(() => engine);

async function kubectl(version: '1.27' | '1.33', ...args: string[]): Promise<string> {
  const binary = `/usr/lib/google-cloud-sdk/bin/kubectl.${version}`;
  const { stdout } = await run(binary, ['--cache-dir', path.join(dir, `cache-${version}`), '--context', CLUSTER, ...args], {
    env: { ...process.env, KUBECONFIG: sandbox.kubeconfigPath, HOME: dir },
    timeout: 30_000,
  });
  return stdout.trim();
}

/** One instant value from Prometheus; irate, so a shift shows within two scrapes. */
async function instant(expr: string): Promise<number | undefined> {
  const res = await fetch(`${prometheus.url}/api/v1/query?query=${encodeURIComponent(expr)}`);
  const body = (await res.json()) as { data: { result: { value: [number, string] }[] } };
  const value = body.data.result[0]?.value[1];
  return value === undefined ? undefined : Number(value);
}

/** Operations plan against live state only: on a loaded machine, wait out a slow reconnect first. */
async function clusterLive(): Promise<void> {
  await eventually(`k8s:${CLUSTER} live`, async () => (engine.sources.get(`k8s:${CLUSTER}`)?.state === 'live' ? true : undefined), 120, 500);
}

const canaryRate = () => instant('sum(irate(http_requests_total{namespace="shop",service="storefront-canary"}[1m]))');
const errorRatio = () =>
  instant('sum(irate(http_requests_total{namespace="shop",service=~"storefront|storefront-canary",code=~"5.."}[1m])) / sum(irate(http_requests_total{namespace="shop",service=~"storefront|storefront-canary"}[1m]))');

beforeAll(async () => {
  if (!prometheusAvailable) return;
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'daytwo-traffic-'));
  sandbox = await startSandbox({ port: 0, outDir: path.join(dir, 'sandbox'), seed: 42 });
  prometheus = await startPrometheus(path.join(dir, 'prometheus'), { scrapeConfigs: sandboxScrapeConfigs(`127.0.0.1:${sandbox.port}`, [CLUSTER]) });
  engine = createEngine({
    mode: 'host',
    version: 'test',
    dataDir: path.join(dir, 'data'),
    readOnly: false,
    sealer: noSecrets,
    sandbox: true,
    log: () => {},
    connections: {
      kubeconfigFiles: [sandbox.kubeconfigPath],
      aws: { configFile: sandbox.awsConfigPath, credentialsFile: sandbox.awsCredentialsPath },
      prometheusUrls: [prometheus.url],
      env: {},
    },
    sourceTuning: { awsIntervalMs: 5_000, prometheusIntervalMs: 1_000, backoff: { initialMs: 200, maxMs: 1_000, resetAfterMs: 10_000 }, connectTimeoutMs: 10_000 },
    operationTuning: { pollIntervalMs: 500 },
  });
  // The canary's build answers errors: published so, as a registry would hold a bad build.
  const published = await fetch(`http://127.0.0.1:${sandbox.port}/sandbox/registry/images`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${sandbox.adminToken}`, 'Content-Type': 'application/json' },
    body: JSON.stringify({ image: 'ghcr.io/acme/storefront:2.0.0-bad', behaviour: 'errors' }),
  });
  expect(published.status).toBe(200);
  await kubectl('1.27', 'apply', '-f', fixture('canary.yaml'));
  await kubectl('1.27', 'apply', '-f', fixture('httproute.yaml'));
  await kubectl('1.33', '-n', 'shop', 'rollout', 'status', 'deployment/storefront-canary', '--timeout=60s');
  // The plan reads a minute's rate, as the golden-signal panels do: wait for 20 s of the canary's history in it.
  const history = () => instant('min(count_over_time(http_requests_total{namespace="shop",service="storefront-canary"}[1m]))');
  await eventually('the canary serving half the storefront and failing in Prometheus', async () => ((await history()) ?? 0) >= 20 && ((await canaryRate()) ?? 0) > 1 && ((await errorRatio()) ?? 0) > 0.15 ? true : undefined, 180, 500);
}, 240_000);

afterAll(async () => {
  await engine?.close();
  await prometheus?.stop();
  await sandbox?.stop();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

describe.skipIf(!prometheusAvailable)('shifting traffic away from a bad canary', () => {
  it('shows the route on the storefront with its 50/50 split', async () => {
    const routes = await eventually('the HTTPRoute in the estate', async () => {
      const { routes } = await call('traffic.routes', { entityIds: [STABLE_SERVICE] });
      return routes.some((r) => r.target === ROUTE) ? routes : undefined;
    });
    const route = routes.find((r) => r.target === ROUTE)!;
    expect(route.backends.map((b) => [b.service, b.weight, b.stable])).toEqual([
      ['storefront', 50, true],
      ['storefront-canary', 50, false],
    ]);
  });

  it('moves an HTTPRoute to 0/100 all to stable: kubectl, Prometheus, audit and timeline agree', async () => {
    await clusterLive();
    const { plan } = await call('traffic.allToStable', { target: ROUTE });
    expect(plan.kind).toBe('traffic-split');
    expect(plan.diff.summary).toContain('storefront 50% · storefront-canary 50% to storefront 100% · storefront-canary 0%');
    const canaryLine = plan.diff.changes.find((c) => c.field === 'storefront-canary')!;
    // Today's split with the canary's own golden signals, from Prometheus.
    expect(canaryLine.before).toMatch(/^weight 50 \(50%\) · [\d.]+ req\/s, [\d.]+% errors, p99 \d+ ms$/);
    expect(canaryLine.after).toBe('weight 0 (0%)');
    const { operation } = await call('operations.execute', { planId: plan.id, confirmation: plan.confirmation.expected, wait: true });
    expect(operation.state, operation.outcome ?? '').toBe('succeeded');
    expect(operation.outcome).toMatch(/^Split took effect in prometheus:.*storefront-canary 0% of requests \(weight 0%\)/);

    const route = yaml.load(await kubectl('1.33', '-n', 'shop', 'get', 'httproute', 'storefront', '-o', 'yaml')) as {
      spec: { rules: { backendRefs: { name: string; weight: number }[] }[] };
    };
    expect(route.spec.rules[0]!.backendRefs.map((b) => [b.name, b.weight])).toEqual([
      ['storefront', 100],
      ['storefront-canary', 0],
    ]);
    await eventually('the canary to receive no requests', async () => ((await canaryRate()) === 0 ? true : undefined), 60, 500);
    await eventually('the storefront error ratio to recover', async () => ((await errorRatio()) ?? 1) < 0.02 ? true : undefined, 60, 500);

    const { entries } = await call('audit.list', { target: ROUTE });
    expect(entries.map((e) => [e.what.kind, e.outcome.result])).toContainEqual(['traffic-split', 'succeeded']);
    const timeline = await eventually('the operation on the route timeline', async () => {
      const detail = await call('estate.entity', { id: ROUTE });
      return detail.events.some((e) => e.kind === 'operation') ? detail.events : undefined;
    });
    expect(timeline.find((e) => e.kind === 'operation')?.message).toContain('storefront');
  }, 300_000);

  it('moves an NGINX canary pair to 0/100, the same way', async () => {
    await kubectl('1.33', '-n', 'shop', 'delete', 'httproute', 'storefront');
    await kubectl('1.33', 'apply', '-f', fixture('nginx-canary.yaml'));
    await eventually('the canary back on half the traffic through NGINX', async () => ((await canaryRate()) ?? 0) > 1 && ((await errorRatio()) ?? 0) > 0.15 ? true : undefined, 120, 500);
    const route = await eventually('the canary pair in the estate', async () => {
      const { routes } = await call('traffic.routes', { entityIds: [STABLE_SERVICE] });
      return routes.find((r) => r.target === CANARY_INGRESS && r.backends[1]?.weight === 50);
    });
    expect(route.total).toBe(100);

    await clusterLive();
    const { plan } = await call('traffic.allToStable', { target: CANARY_INGRESS });
    expect(plan.diff.changes.map((c) => c.after)).toEqual(['weight 100 (100%)', 'weight 0 (0%)']);
    const { operation } = await call('operations.execute', { planId: plan.id, confirmation: plan.confirmation.expected, wait: true });
    expect(operation.state, operation.outcome ?? '').toBe('succeeded');
    expect(await kubectl('1.27', '-n', 'shop', 'get', 'ingress', 'storefront-nginx-canary', '-o', "jsonpath={.metadata.annotations['nginx\\.ingress\\.kubernetes\\.io/canary-weight']}")).toBe('0');
    await eventually('the canary to receive no requests', async () => ((await canaryRate()) === 0 ? true : undefined), 60, 500);
    await eventually('the storefront error ratio to recover', async () => ((await errorRatio()) ?? 1) < 0.02 ? true : undefined, 60, 500);
    const { entries } = await call('audit.list', { target: CANARY_INGRESS });
    expect(entries.map((e) => [e.what.kind, e.outcome.result])).toContainEqual(['traffic-split', 'succeeded']);
  }, 300_000);

  it('refuses weights that are negative, fractional, all zero or not its backends', async () => {
    await clusterLive();
    const plan = (weights: { service: string; weight: number }[]) => call('operations.plan', { kind: 'traffic-split', target: CANARY_INGRESS, params: { weights } });
    await expect(plan([{ service: 'storefront-canary', weight: -1 }])).rejects.toThrow(/bad_request/);
    await expect(plan([{ service: 'storefront-canary', weight: 1.5 }])).rejects.toThrow(/bad_request/);
    await expect(plan([{ service: 'nope', weight: 10 }])).rejects.toThrow(/not a backend/);
    await expect(plan([{ service: 'storefront', weight: 60 }, { service: 'storefront-canary', weight: 60 }])).rejects.toThrow(/add up to its total, 100/);
  });
});
