import { describe, expect, it } from 'vitest';
import { attachCloud } from '../../../electron/engine/sandbox/cloud.js';
import { defaultScenarioDir } from '../../../electron/engine/sandbox/scenarios/scenario-dir.js';
import { loadScenarios } from '../../../electron/engine/sandbox/scenarios/scenario-file.js';
import { CALL_TIMEOUT_MS, ownLoad, withDependencies } from '../../../electron/engine/sandbox/load/service-load.js';
import { FakeWorld } from './fake-world.js';

const WEB = 'shop-prod-eks/shop/web';
const CHECKOUT = 'shop-prod-eks/shop/checkout';

const healthy = { desired: 4, ready: 4, crashing: 0, loadFactor: 1, capacityFactor: 1 };
const input = { demandRps: 100, baseLatencyMs: 40, baseErrorRatio: 0.001, podCapacityRps: 55, condition: healthy };

describe('the drill scenarios written for humans to diagnose', () => {
  it('are bundled, valid, with par times, hints and debrief questions', () => {
    const byName = new Map(loadScenarios(defaultScenarioDir()).map((s) => [s.name, s]));
    for (const name of ['oom-killed', 'pods-pending', 'hpa-maxed-out', 'dependency-latency']) {
      const s = byName.get(name);
      expect(s, name).toBeDefined();
      expect(s!.par).toBeDefined();
      expect(s!.hints!.length).toBeGreaterThan(0);
      expect(s!.debrief!.length).toBeGreaterThan(0);
      expect(s!.recovery.holdFor).toBeGreaterThanOrEqual(20_000);
    }
  });
});

describe('wedged pods and the latency they spread', () => {
  it('adds the wait to the share of requests wedged pods serve, and widens the spread while some are fresh', () => {
    const fine = ownLoad(input);
    const allHung = ownLoad({ ...input, condition: { ...healthy, hung: 4, hangMs: 2000 } });
    const halfHung = ownLoad({ ...input, condition: { ...healthy, hung: 2, hangMs: 2000 } });
    expect(allHung.p50Ms - fine.p50Ms).toBeCloseTo(2000, 0);
    expect(halfHung.p50Ms - fine.p50Ms).toBeCloseTo(1000, 0);
    expect(halfHung.sigma).toBeGreaterThan(fine.sigma);
    expect(allHung.errorRatio).toBe(fine.errorRatio);
  });

  it('costs callers at most their timeout, and what passes it fails', () => {
    const caller = ownLoad(input);
    const slowDependency = ownLoad({ ...input, condition: { ...healthy, hung: 4, hangMs: 2000 } });
    const fastDependency = ownLoad(input);
    const calm = withDependencies(caller, [fastDependency]);
    const hurt = withDependencies(caller, [slowDependency]);
    expect(calm.errorRatio).toBeLessThan(0.01);
    expect(hurt.errorRatio).toBeGreaterThan(0.3);
    expect(hurt.p50Ms - caller.p50Ms).toBeLessThanOrEqual(CALL_TIMEOUT_MS);
  });

  it('hang-connections slows the target and its callers until the scenario stops', () => {
    const world = new FakeWorld();
    const side = attachCloud(world, {});
    const before = side.load.serviceAt(WEB, world.now())!;
    side.scenarios.start('dependency-latency', CHECKOUT);
    world.advance(5_000);
    const target = side.load.serviceAt(CHECKOUT, world.now())!;
    const caller = side.load.serviceAt(WEB, world.now())!;
    expect(target.p50Ms).toBeGreaterThan(2000);
    expect(caller.p99Ms).toBeGreaterThan(before.p99Ms * 2);
    expect(caller.errorRatio).toBeGreaterThan(before.errorRatio + 0.1);
    const run = side.scenarios.run('dependency-latency')!.report();
    expect(run.recovery.conditions.find((c) => c.name === 'callersLatencyP99BelowBaseline')?.met).toBe(false);
    side.scenarios.stop('dependency-latency');
    world.advance(5_000);
    expect(side.load.serviceAt(WEB, world.now())!.errorRatio).toBeLessThan(0.02);
    side.stop();
  });
});
