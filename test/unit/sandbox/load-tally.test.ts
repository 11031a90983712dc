import { describe, expect, it } from 'vitest';
import { EstateLoad } from '../../../electron/engine/sandbox/load/estate-load.js';
import type { Pod } from '../../../electron/engine/sandbox/kube/types.js';
import { Estate } from '../../../electron/engine/sandbox/world/estate.js';

/**
 * The load model counts what each service's pods are doing by walking every pod, and walks
 * again only once a cluster's objects or an injected effect have changed: what it records
 * must be what a fresh walk would find, at rest and after each kind of change.
 */
describe('the load model’s count of pods', () => {
  it('is taken again after a write to any cluster, and after an injected effect, and only then', () => {
    let now = Date.parse('2026-03-02T12:00:00Z');
    const world = new Estate({ seed: 42, clock: () => now });
    const load = new EstateLoad(world);
    const id = 'shop-prod-eks/shop/storefront';
    for (let i = 0; i < 30; i++) {
      now += 1_000;
      world.step();
    }
    load.observe(now);
    const ready = load.timeline.latest(id)!.ready;
    expect(ready).toBeGreaterThan(1);
    const walked = load.podsObservedAt(now);

    // Nothing written: the same pods, counted as before, recorded at the new time.
    now += 500;
    load.observe(now);
    expect(load.podsObservedAt(now)).toBe(walked);
    expect(load.timeline.latest(id)!.ready).toBe(ready);

    // A pod gone (no controller has run to replace it): one fewer ready.
    const store = world.cluster('shop-prod-eks').store;
    const pod = store.objects<Pod>('pods', 'shop').find((p) => p.metadata.labels?.['app.kubernetes.io/name'] === 'storefront')!;
    store.remove('pods', 'shop', pod.metadata.name);
    now += 500;
    load.observe(now);
    expect(load.podsObservedAt(now)).not.toBe(walked);
    expect(load.timeline.latest(id)!.ready).toBe(ready - 1);

    // An effect that wedges the pods started before it: each ready one is counted as hung.
    load.setEffects(id, { hangMs: 5_000, hangSince: now });
    now += 500;
    load.observe(now);
    expect(load.timeline.latest(id)).toMatchObject({ ready: ready - 1, hung: ready - 1, hangMs: 5_000 });
  });
});
