import { describe, expect, it } from 'vitest';
import { ERRORING_POD_FAILURES, ownLoad } from '../../../electron/engine/sandbox/load/service-load.js';
import { Estate } from '../../../electron/engine/sandbox/world/estate.js';
import { EstateLoad } from '../../../electron/engine/sandbox/load/estate-load.js';
import type { Deployment, KubeObject, ServiceObject } from '../../../electron/engine/sandbox/kube/types.js';

/** Metadata as a client sends it; the store fills in uid, resourceVersion and creationTimestamp. */
const meta = (name: string, labels?: Record<string, string>) => ({ name, namespace: 'shop', uid: '', resourceVersion: '', creationTimestamp: '', ...(labels ? { labels } : {}) });
const condition = { desired: 2, ready: 2, crashing: 0, loadFactor: 1, capacityFactor: 1 };
const input = { demandRps: 10, baseLatencyMs: 20, baseErrorRatio: 0.001, podCapacityRps: 20 };

describe('the load model under traffic routes', () => {
  it('fails an erroring build’s share of requests, and nothing of a healthy one', () => {
    expect(ownLoad({ ...input, condition }).errorRatio).toBeCloseTo(0.001);
    expect(ownLoad({ ...input, condition: { ...condition, erroring: 2 } }).errorRatio).toBeCloseTo(0.001 + ERRORING_POD_FAILURES);
    expect(ownLoad({ ...input, condition: { ...condition, erroring: 1 } }).errorRatio).toBeCloseTo(0.001 + ERRORING_POD_FAILURES / 2);
  });

  it('splits a service’s requests across an HTTPRoute’s backends by weight, canary included', () => {
    let now = Date.parse('2026-03-02T12:00:00Z');
    const world = new Estate({ seed: 42, clock: () => now });
    const load = new EstateLoad(world);
    const storefront = world.services.find((s) => s.id === 'shop-prod-eks/shop/storefront')!;
    const before = load.serviceAt(storefront.id, now)!.rps;
    const store = world.cluster('shop-prod-eks').store;
    // The sandbox serves the Gateway API's HTTPRoute as a CRD from the start.
    expect(store.get('customresourcedefinitions.apiextensions.k8s.io', undefined, 'httproutes.gateway.networking.k8s.io')).toBeDefined();
    const stable = store.get<Deployment>('deployments.apps', 'shop', 'storefront')!;
    const labels = { 'app.kubernetes.io/name': 'storefront-canary' };
    store.create<ServiceObject>('services', { apiVersion: 'v1', kind: 'Service', metadata: meta('storefront-canary'), spec: { selector: labels, ports: [{ name: 'http', port: 80 }] } });
    store.create<Deployment>('deployments.apps', {
      ...structuredClone(stable),
      metadata: meta('storefront-canary', labels),
      // Its pods answer errors (the pod-label form of an image published as `errors`).
      spec: { ...structuredClone(stable.spec), replicas: 2, selector: { matchLabels: labels }, template: { ...structuredClone(stable.spec.template), metadata: { labels: { ...labels, 'sandbox.daytwo.dev/behaviour': 'errors' } } } },
      status: {} as Deployment['status'],
    });
    store.create<KubeObject>('httproutes.gateway.networking.k8s.io', {
      apiVersion: 'gateway.networking.k8s.io/v1',
      kind: 'HTTPRoute',
      metadata: meta('storefront'),
      spec: { rules: [{ backendRefs: [{ name: 'storefront', port: 80, weight: 75 }, { name: 'storefront-canary', port: 80, weight: 25 }] }] },
    } as KubeObject);
    for (let i = 0; i < 60; i++) {
      now += 1_000;
      world.step();
    }
    load.observe(now);
    const traffic = world.traffic();
    expect(traffic.shares.get('shop-prod-eks/shop/storefront')).toBe(0.75);
    expect(traffic.shares.get('shop-prod-eks/shop/storefront-canary')).toBe(0.25);
    expect(traffic.variants.map((v) => v.id)).toEqual(['shop-prod-eks/shop/storefront-canary']);
    const stableNow = load.serviceAt(storefront.id, now)!.rps;
    const canaryNow = load.serviceAt('shop-prod-eks/shop/storefront-canary', now)!.rps;
    // The daily wave moves in a minute, a little: the two halves add up to what the storefront served alone.
    expect(canaryNow / (stableNow + canaryNow)).toBeCloseTo(0.25, 5);
    expect((stableNow + canaryNow) / before).toBeGreaterThan(0.9);
    expect((stableNow + canaryNow) / before).toBeLessThan(1.1);
    // The load balancer in front (CloudWatch's ALB metrics) sees both halves, and the canary's share of errors.
    const front = load.frontDoorAt(storefront.id, now)!;
    expect(front.rps).toBeCloseTo(stableNow + canaryNow, 6);
    expect(front.errorRatio).toBeGreaterThan(load.serviceAt(storefront.id, now)!.errorRatio);
  });
});
