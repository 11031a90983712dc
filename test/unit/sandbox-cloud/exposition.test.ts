import { describe, expect, it } from 'vitest';
import { attachCloud } from '../../../electron/engine/sandbox/cloud.js';
import { aggregate } from '../../../electron/engine/sandbox/cloudwatch/statistics.js';
import { escapeHelp, escapeLabelValue, ExpositionWriter, labelPairs } from '../../../electron/engine/sandbox/prometheus/exposition.js';
import { parseExposition } from './exposition-reader.js';
import { FakeWorld } from './fake-world.js';

describe('the Prometheus exposition', () => {
  it('escapes label values and help text as the format requires', () => {
    expect(escapeLabelValue('a"b\\c\nd')).toBe('a\\"b\\\\c\\nd');
    expect(escapeHelp('line\\one\nline "two"')).toBe('line\\\\one\\nline "two"');
    const out = new ExpositionWriter();
    out.family('odd_total', 'counter', 'Odd\nhelp');
    out.sample('odd_total', labelPairs({ path: '/a"b' }), 3);
    expect(out.toString()).toBe('# HELP odd_total Odd\\nhelp\n# TYPE odd_total counter\nodd_total{path="/a\\"b"} 3\n');
    const parsed = parseExposition(out.toString());
    expect(parsed.samples[0]?.labels.path).toBe('/a"b');
  });

  it('exposes per-pod request counters and latency histograms with ServiceMonitor target labels', () => {
    const world = new FakeWorld();
    const side = attachCloud(world, {});
    world.advance(30_000);
    const { samples, types } = parseExposition(side.metricsText());
    expect(types.get('http_requests_total')).toBe('counter');
    expect(types.get('http_request_duration_seconds')).toBe('histogram');
    const requests = samples.filter((s) => s.name === 'http_requests_total');
    expect(Object.keys(requests[0]!.labels).sort()).toEqual(['cluster', 'code', 'container', 'endpoint', 'job', 'method', 'namespace', 'pod', 'service']);
    // Only HTTP tiers are instrumented: the database and the worker are not.
    expect(new Set(requests.map((s) => s.labels.service))).toEqual(new Set(['web', 'checkout']));

    const pod = requests.find((s) => s.labels.service === 'checkout')!.labels.pod;
    const buckets = samples.filter((s) => s.name === 'http_request_duration_seconds_bucket' && s.labels.pod === pod);
    const values = buckets.map((b) => b.value);
    expect(values).toEqual([...values].sort((a, b) => a - b));
    expect(buckets[buckets.length - 1]!.labels.le).toBe('+Inf');
    const count = samples.find((s) => s.name === 'http_request_duration_seconds_count' && s.labels.pod === pod)!.value;
    expect(values[values.length - 1]).toBe(count);
    expect(count).toBeGreaterThan(0);
    // The kube-state-metrics and cAdvisor families are there (their series come from Kubernetes
    // objects, which this fake world has none of: see kube-prometheus-series.test.ts).
    expect(types.get('kube_deployment_spec_replicas')).toBe('gauge');
    expect(types.get('container_memory_working_set_bytes')).toBe('gauge');
    side.stop();
  });

  it('keeps counters monotonic, and their rate matches the load model and CloudWatch', () => {
    const world = new FakeWorld();
    const side = attachCloud(world, {});
    world.advance(10_000);
    const total = (text: string, service: string) =>
      parseExposition(text).samples.filter((s) => s.name === 'http_requests_total' && s.labels.service === service).reduce((a, s) => a + s.value, 0);
    const first = side.metricsText();
    world.advance(60_000);
    const second = side.metricsText();
    const firstSamples = parseExposition(first).samples.filter((s) => s.name.endsWith('_total'));
    const secondByKey = new Map(parseExposition(second).samples.map((s) => [s.name + JSON.stringify(s.labels), s.value]));
    for (const s of firstSamples) expect(secondByKey.get(s.name + JSON.stringify(s.labels))!).toBeGreaterThanOrEqual(s.value);

    const rate = (total(second, 'checkout') - total(first, 'checkout')) / 60;
    const model = side.load.serviceAt('shop-prod-eks/shop/checkout', world.now())!.rps;
    expect(rate).toBeGreaterThan(model * 0.95);
    expect(rate).toBeLessThan(model * 1.05);
    const lb = side.catalog.find('AWS/ApplicationELB', 'RequestCount', [{ Name: 'LoadBalancer', Value: 'app/k8s-shop-checkout-4d5e6f/7a8b9c0d1e2f3a4b' }])!;
    const cloudwatchSum = aggregate(lb, world.now() - 60_000, 60_000, world.now())!.sum;
    expect(cloudwatchSum / 60).toBeGreaterThan(rate * 0.95);
    expect(cloudwatchSum / 60).toBeLessThan(rate * 1.05);
    side.stop();
  });

  it('brings counters nobody scraped for a while up to date at the next scrape, without losing a request', () => {
    // Between scrapes more than SCRAPED_RECENTLY_MS apart the tick leaves the counters alone
    // (pod-traffic.ts); the scrape after such a gap must still count every request of it.
    const world = new FakeWorld();
    const side = attachCloud(world, {});
    const total = (text: string) =>
      parseExposition(text).samples.filter((s) => s.name === 'http_requests_total' && s.labels.service === 'checkout').reduce((a, s) => a + s.value, 0);
    world.advance(1_000);
    const first = side.metricsText();
    const before = side.load.serviceAt('shop-prod-eks/shop/checkout', world.now())!.rps;
    world.advance(10 * 60_000);
    const after = side.load.serviceAt('shop-prod-eks/shop/checkout', world.now())!.rps;
    const second = side.metricsText();
    const rate = (total(second) - total(first)) / 600;
    expect(rate).toBeGreaterThan(Math.min(before, after) * 0.95);
    expect(rate).toBeLessThan(Math.max(before, after) * 1.05);
    const firstSamples = parseExposition(first).samples.filter((s) => s.name.endsWith('_total'));
    const secondByKey = new Map(parseExposition(second).samples.map((s) => [s.name + JSON.stringify(s.labels), s.value]));
    for (const s of firstSamples) expect(secondByKey.get(s.name + JSON.stringify(s.labels))!).toBeGreaterThanOrEqual(s.value);
    side.stop();
  });

  it('shows a bad deploy as 5xx counters rising', () => {
    const world = new FakeWorld();
    const side = attachCloud(world, {});
    const errors = () =>
      parseExposition(side.metricsText()).samples.filter((s) => s.name === 'http_requests_total' && s.labels.service === 'checkout' && s.labels.code !== '200').reduce((a, s) => a + s.value, 0);
    world.advance(1000);
    const e0 = errors();
    world.advance(60_000);
    const calm = errors() - e0;
    world.publishImage('registry.example.com/shop/checkout:2.0.0-broken', 'crashes');
    world.setImage('shop-prod-eks/shop/checkout', 'registry.example.com/shop/checkout:2.0.0-broken');
    const e1 = errors();
    world.advance(60_000);
    const broken = errors() - e1;
    expect(broken).toBeGreaterThan(calm * 10);
    side.stop();
  });
});
