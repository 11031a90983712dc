import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { EstateState } from '../../../electron/engine/state/estate-state.js';
import { PackedEstate } from '../../../electron/engine/state/packed-estate.js';
import { SourceRegistry } from '../../../electron/engine/sources/source-registry.js';
import type { StoreDatabase } from '../../../electron/engine/store/database.js';
import { checkPackedEstateSnapshot } from '../../../shared/api/estate-results.js';
import type { EstateSnapshot } from '../../../shared/api/estate.js';
import { unpackEstateSnapshot } from '../../../shared/estate/packed-snapshot.js';
import type { Health } from '../../../shared/estate/model.js';
import { clusterFact, deploymentFact, kubernetesSource, podFact, sourceOf, tempDataDir } from './estate-fixtures.js';

let data: ReturnType<typeof tempDataDir>;
let db: StoreDatabase;
let registry: SourceRegistry;
let state: EstateState;
let packed: PackedEstate;
const clock = 1_700_000_000_000;

beforeEach(() => {
  data = tempDataDir();
  db = data.open();
  registry = new SourceRegistry();
  state = new EstateState({ db, sources: registry, frameMs: 5, now: () => clock });
});

afterEach(() => {
  packed.close();
  state.close();
  db.close();
  data.remove();
});

/** A snapshot as a set: entities and relations by id (rows may sit in another order). */
function byId(snapshot: EstateSnapshot) {
  return {
    entities: new Map(snapshot.entities.map((e) => [e.id, e])),
    relations: new Map(snapshot.relations.map((r) => [r.id, r])),
    sources: snapshot.sources,
    frame: snapshot.frame,
  };
}

/** What the console would load: the packed answer checked as on arrival, then unpacked. */
function arrived(): EstateSnapshot {
  const checked = checkPackedEstateSnapshot(JSON.parse(JSON.stringify(packed.snapshot())));
  if (!checked.success) throw new Error('the packed snapshot fails the check it meets on arrival');
  return unpackEstateSnapshot(checked.data);
}

/** A small seeded generator, so a failure replays. */
function random(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

const healths: Health[] = ['healthy', 'degraded', 'failing', 'unknown'];

describe('the packed snapshot kept ready between requests', () => {
  for (const seed of [1, 2, 3, 4]) {
    it(`unpacks to what estate.snapshot() says at its frame, after random frames (seed ${seed})`, async () => {
      const next = random(seed);
      const pick = <T>(list: readonly T[]): T => list[Math.floor(next() * list.length)]!;
      // Catch-ups on the timer as well as on requests: both must leave it right.
      packed = new PackedEstate(state, { settleMs: 0, maxWaitMs: 0 });
      const contexts = ['prod', 'staging'];
      for (const ctx of contexts) {
        registry.upsert(kubernetesSource(ctx));
        state.replace(sourceOf(ctx), 'cluster', [clusterFact(ctx)]);
        state.replace(sourceOf(ctx), 'deployments', [deploymentFact(ctx, 'shop', 'api'), deploymentFact(ctx, 'shop', 'web', { team: pick(['a', 'b']) })]);
      }
      state.flush();
      for (let step = 0; step < 300; step++) {
        const ctx = pick(contexts);
        const name = `pod-${Math.floor(next() * 25)}`;
        const roll = next();
        if (roll < 0.55) {
          state.apply(sourceOf(ctx), 'pods', {
            upsert: [
              podFact(ctx, pick(['shop', 'pay']), name, {
                node: pick(['n1', 'n2', undefined]),
                owner: pick([`k8s:${ctx}/shop/Deployment/api`, undefined]),
                health: pick(healths),
                reason: pick(['Running, ready', 'CrashLoopBackOff', 'Pending']),
                restarts: Math.floor(next() * 3),
              }),
            ],
          });
        } else if (roll < 0.8) {
          state.apply(sourceOf(ctx), 'pods', { remove: [`k8s:${ctx}/shop/Pod/${name}`, `k8s:${ctx}/pay/Pod/${name}`] });
        } else if (roll < 0.85) {
          registry.upsert(kubernetesSource(ctx, { state: pick(['live', 'offline']), reason: `step ${step}` }));
        }
        if (next() < 0.3) state.flush();
        if (next() < 0.2) await new Promise((resolve) => setTimeout(resolve, 1));
        if (next() < 0.25) {
          // Between frames, what is not yet cut into one may show in either; at a frame, both agree.
          state.flush();
          expect(byId(arrived())).toEqual(byId(state.snapshot()));
        }
      }
      state.flush();
      const got = arrived();
      expect(byId(got)).toEqual(byId(state.snapshot()));
      expect(got.frame).toBe(state.currentFrame);
    });
  }

  it('says a frame whose every change it holds, even when the request comes before that frame settles', () => {
    packed = new PackedEstate(state, { settleMs: 60_000, maxWaitMs: 60_000 });
    registry.upsert(kubernetesSource('prod'));
    state.replace(sourceOf('prod'), 'cluster', [clusterFact('prod')]);
    state.flush();
    expect(arrived().frame).toBe(state.currentFrame);
    state.apply(sourceOf('prod'), 'pods', { upsert: [podFact('prod', 'shop', 'api-1')] });
    state.flush();
    const got = arrived();
    expect(got.frame).toBe(state.currentFrame);
    expect(got.entities.map((e) => e.id)).toContain('k8s:prod/shop/Pod/api-1');
  });

  it('serves the cached estate after a restart, before any source has said anything', () => {
    registry.upsert(kubernetesSource('prod'));
    state.replace(sourceOf('prod'), 'pods', ['a', 'b'].map((n) => podFact('prod', 'shop', n)));
    state.close();
    // The engine again, on the same store, its cluster not reached yet.
    registry = new SourceRegistry();
    state = new EstateState({ db, sources: registry, frameMs: 5, now: () => clock });
    packed = new PackedEstate(state);
    const got = arrived();
    expect(got.entities.map((e) => e.id)).toContain('k8s:prod/shop/Pod/b');
    expect(byId(got)).toEqual(byId(state.snapshot()));
    expect(got.sources.find((s) => s.id === sourceOf('prod'))?.state).toBe('offline');
  });

  it('keeps the rows in the order estate.snapshot() gives them as entities come, change, go and come back', () => {
    packed = new PackedEstate(state, { settleMs: 60_000, maxWaitMs: 60_000 });
    registry.upsert(kubernetesSource('prod'));
    state.replace(sourceOf('prod'), 'pods', ['a', 'b', 'c'].map((n) => podFact('prod', 'shop', n)));
    state.flush();
    arrived();
    state.apply(sourceOf('prod'), 'pods', { upsert: [podFact('prod', 'shop', 'a', { restarts: 2 })], remove: ['k8s:prod/shop/Pod/b'] });
    state.flush();
    state.apply(sourceOf('prod'), 'pods', { upsert: [podFact('prod', 'shop', 'b'), podFact('prod', 'shop', 'd')] });
    state.flush();
    expect(arrived().entities.map((e) => e.id)).toEqual(state.snapshot().entities.map((e) => e.id));
  });
  it('catches up on its timer only once no cluster is on its first list, and on request at any time', async () => {
    let listing = true;
    let packs = 0;
    // Counts whole packs: the first catch-up packs from estate.snapshot().
    const counted = Object.assign(Object.create(state) as EstateState, { snapshot: () => (packs++, state.snapshot()) });
    packed = new PackedEstate(counted, { settleMs: 1, maxWaitMs: 1, holdWhile: () => listing });
    registry.upsert(kubernetesSource('prod'));
    state.replace(sourceOf('prod'), 'pods', ['a', 'b'].map((n) => podFact('prod', 'shop', n)));
    state.flush();
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(packs).toBe(0);
    listing = false;
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(packs).toBe(1);
    expect(byId(arrived())).toEqual(byId(state.snapshot()));
  });
});
