import { describe, expect, it } from 'vitest';
import { attachCloud } from '../../../electron/engine/sandbox/cloud.js';
import { EstateLoad } from '../../../electron/engine/sandbox/load/estate-load.js';
import { FakeWorld, T0 } from './fake-world.js';

const WEB = 'shop-prod-eks/shop/web';
const CHECKOUT = 'shop-prod-eks/shop/checkout';
const DB = 'shop-prod-eks/shop/orders-db';

describe('the load model', () => {
  it('gives the same history for the same seed and a different one for another seed', () => {
    const a = new EstateLoad(new FakeWorld(7));
    const b = new EstateLoad(new FakeWorld(7));
    const c = new EstateLoad(new FakeWorld(8));
    const past = T0 - 3 * 86_400_000 + 12_345;
    expect(a.serviceAt(WEB, past)).toEqual(b.serviceAt(WEB, past));
    expect(a.serviceAt(WEB, past)?.rps).not.toEqual(c.serviceAt(WEB, past)?.rps);
  });

  it('has a week of healthy history before the sandbox started, with a daily wave', () => {
    const load = new EstateLoad(new FakeWorld());
    const samples = Array.from({ length: 24 }, (_, h) => load.serviceAt(WEB, T0 - 2 * 86_400_000 + h * 3_600_000)?.rps ?? 0);
    expect(Math.min(...samples)).toBeGreaterThan(0);
    // Around 400 rps at load factor 1, ±30% over the day.
    expect(Math.max(...samples) / Math.min(...samples)).toBeGreaterThan(1.5);
    const weekAgo = load.serviceAt(CHECKOUT, T0 - 7 * 86_400_000);
    expect(weekAgo?.errorRatio).toBeLessThan(0.01);
  });

  it('spreads traffic over ready pods: losing pods raises CPU per pod', () => {
    const world = new FakeWorld();
    const side = attachCloud(world, {});
    const podOf = () => [...world.pods()].find((p) => p.serviceId === CHECKOUT && p.ready);
    const before = world.load?.podCpuMilli(podOf()!) ?? 0;
    world.setNodeReady('shop-prod-eks', 'shop-prod-eks-node-0', false);
    world.advance(1000);
    const after = world.load?.podCpuMilli(podOf()!) ?? 0;
    expect(after).toBeGreaterThan(before * 1.2);
    side.stop();
  });

  it('crash-looping pods raise the service error ratio', () => {
    const world = new FakeWorld();
    const side = attachCloud(world, {});
    const healthy = side.load.serviceAt(CHECKOUT, world.now())!.errorRatio;
    world.publishImage('registry.example.com/shop/checkout:1.4.3-broken', 'crashes');
    world.setImage(CHECKOUT, 'registry.example.com/shop/checkout:1.4.3-broken');
    world.advance(1000);
    const broken = side.load.serviceAt(CHECKOUT, world.now())!.errorRatio;
    expect(healthy).toBeLessThan(0.01);
    expect(broken).toBeGreaterThan(0.05);
    side.stop();
  });

  it('a saturated dependency slows and fails its callers', () => {
    const world = new FakeWorld();
    const side = attachCloud(world, {});
    const before = side.load.serviceAt(WEB, world.now())!;
    side.load.setEffects(DB, { capacityFactor: 0.3 });
    world.advance(1000);
    const after = side.load.serviceAt(WEB, world.now())!;
    expect(after.p99Ms).toBeGreaterThan(before.p99Ms * 2);
    expect(after.errorRatio).toBeGreaterThan(before.errorRatio + 0.05);
    side.stop();
  });

  it('a surge raises latency and CPU, and scaling out brings them back', () => {
    const world = new FakeWorld();
    const side = attachCloud(world, {});
    const pod = () => [...world.pods()].find((p) => p.serviceId === WEB && p.ready)!;
    const calm = { load: side.load.serviceAt(WEB, world.now())!, cpu: world.load!.podCpuMilli(pod()) };
    side.load.setEffects(WEB, { loadFactor: 3 });
    world.advance(1000);
    const surged = { load: side.load.serviceAt(WEB, world.now())!, cpu: world.load!.podCpuMilli(pod()) };
    expect(surged.load.rps).toBeGreaterThan(calm.load.rps * 2.5);
    expect(surged.load.p99Ms).toBeGreaterThan(calm.load.p99Ms * 1.5);
    expect(surged.cpu).toBeGreaterThan(calm.cpu * 2);
    world.setDesired(WEB, 12);
    world.advance(1000);
    const scaled = { load: side.load.serviceAt(WEB, world.now())!, cpu: world.load!.podCpuMilli(pod()) };
    expect(scaled.cpu).toBeLessThan(surged.cpu * 0.6);
    expect(scaled.load.p99Ms).toBeLessThan(surged.load.p99Ms);
    side.stop();
  });
});
