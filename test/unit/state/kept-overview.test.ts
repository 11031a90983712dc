import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { EstateState } from '../../../electron/engine/state/estate-state.js';
import { KeptOverview } from '../../../electron/engine/state/kept-overview.js';
import { SourceRegistry } from '../../../electron/engine/sources/source-registry.js';
import type { StoreDatabase } from '../../../electron/engine/store/database.js';
import { EstateOverviewAnswer, overviewNamespacesListed, overviewRowsListed } from '../../../shared/api/estate.js';
import { ApiError } from '../../../shared/api/errors.js';
import type { Health } from '../../../shared/estate/model.js';
import { EstateIndex } from '../../../renderer/features/estate/estate-index.js';
import { groupKey, locationOf, overviewFromAnswer, overviewFromScratch } from '../../../renderer/features/estate/rollup.js';
import { clusterFact, deploymentFact, entity, kubernetesSource, podFact, sourceOf, tempDataDir } from './estate-fixtures.js';

/**
 * estate.overview: the overview the engine keeps so the console can draw it before its own copy
 * of the estate arrives. Whatever frames came, what the console draws from the answer must be
 * what it works out itself from the snapshot of the same frame (overviewFromScratch, the
 * definition RunningOverview is held to as well).
 */

let data: ReturnType<typeof tempDataDir>;
let db: StoreDatabase;
let registry: SourceRegistry;
let state: EstateState;
let kept: KeptOverview;
const clock = 1_700_000_000_000;

beforeEach(() => {
  data = tempDataDir();
  db = data.open();
  registry = new SourceRegistry();
  state = new EstateState({ db, sources: registry, frameMs: 5, now: () => clock });
});

afterEach(() => {
  kept.close();
  state.close();
  db.close();
  data.remove();
});

/** The answer as the console receives it: through JSON and checked against its schema. */
function arrived(): EstateOverviewAnswer {
  return EstateOverviewAnswer.parse(JSON.parse(JSON.stringify(kept.answer())));
}

/** What the console draws from the answer, against what it works out from the snapshot at the same frame. */
function expectSameOverview(answer: EstateOverviewAnswer): void {
  const snapshot = state.snapshot();
  expect(answer.frame).toBe(snapshot.frame);
  const index = new EstateIndex();
  index.load(snapshot.entities, snapshot.relations);
  const own = overviewFromScratch(index);
  const drawn = overviewFromAnswer(answer);
  const { problems: ownProblems, ...ownSummary } = own.summary;
  const { problems: _listed, ...drawnSummary } = drawn.summary;
  // A group row shows its worst problem: the answer carries only that one.
  const worstOnly = (groups: typeof ownSummary.clusters) => groups.map((g) => ({ ...g, problems: g.problems.slice(0, 1) }));
  expect(drawnSummary).toEqual({
    ...ownSummary,
    clouds: worstOnly(ownSummary.clouds),
    clusters: worstOnly(ownSummary.clusters),
    namespaces: worstOnly(ownSummary.namespaces.slice(0, overviewNamespacesListed)),
  });
  expect(drawn.rowCount).toBe(own.rowCount);
  expect(drawn.namespaceCount).toBe(own.namespaceCount);
  expect(drawn.problems).toEqual(own.problems.slice(0, overviewRowsListed));
  // The extras of every group listed, as the console counts them.
  const listed = [...drawnSummary.clouds, ...drawnSummary.clusters, ...drawnSummary.namespaces].map((g) => groupKey(g.kind, g.id));
  expect(drawn.extras).toEqual(new Map(listed.filter((key) => own.extras.has(key)).map((key) => [key, own.extras.get(key)])));
  expect(ownProblems.length).toBe(own.summary.problemCount);
  for (const row of drawn.problems) {
    const e = index.get(row.problem.id)!;
    expect(drawn.placed?.get(row.problem.id)).toEqual({ location: locationOf(index, e), sourceId: e.sourceId });
  }
}

function random(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

const healths: Health[] = ['healthy', 'degraded', 'failing', 'unknown'];

describe('the overview the engine keeps for the console to draw first', () => {
  for (const seed of [1, 2, 3, 4, 5, 6]) {
    it(`draws what the console works out from the snapshot of its frame, after random frames (seed ${seed})`, async () => {
      const next = random(seed);
      const pick = <T>(list: readonly T[]): T => list[Math.floor(next() * list.length)]!;
      // Counting on the timer as well as on requests: both must leave it right.
      kept = new KeptOverview(state, { settleMs: 0, now: () => clock });
      const contexts = ['prod', 'staging'];
      const namespaces = ['shop', 'pay'];
      for (const ctx of contexts) {
        registry.upsert(kubernetesSource(ctx));
        state.replace(sourceOf(ctx), 'cluster', [clusterFact(ctx)]);
        state.replace(
          sourceOf(ctx),
          'namespaces',
          namespaces.map((ns) => ({ entity: entity(`k8s:${ctx}/${ns}`, 'namespace', `k8s:${ctx}`, sourceOf(ctx)) })),
        );
        state.replace(sourceOf(ctx), 'deployments', [
          deploymentFact(ctx, 'shop', 'api', {}, pick(healths), 'rollout stuck'),
          deploymentFact(ctx, 'pay', 'web', { team: pick(['a', 'b']) }, pick(healths)),
        ]);
      }
      state.flush();
      expectSameOverview(arrived());
      for (let step = 0; step < 300; step++) {
        const ctx = pick(contexts);
        const ns = pick(namespaces);
        const name = `pod-${Math.floor(next() * 25)}`;
        const roll = next();
        if (roll < 0.5) {
          const fact = podFact(ctx, ns, name, {
            health: pick(healths),
            reason: pick(['Running, ready', 'CrashLoopBackOff', 'Pending']),
            restarts: Math.floor(next() * 3),
          });
          // Some pods sit under a workload (folded into its problem row), some move there and back.
          const parentId = pick([fact.entity.parentId, `k8s:${ctx}/shop/Deployment/api`, `k8s:${ctx}/pay/Deployment/web`]);
          state.apply(sourceOf(ctx), 'pods', { upsert: [{ ...fact, entity: { ...fact.entity, parentId } }] });
        } else if (roll < 0.75) {
          state.apply(sourceOf(ctx), 'pods', { remove: namespaces.map((n) => `k8s:${ctx}/${n}/Pod/${name}`) });
        } else if (roll < 0.82) {
          state.apply(sourceOf(ctx), 'deployments', { upsert: [deploymentFact(ctx, 'shop', 'api', {}, pick(healths), pick(['rollout stuck', '1 of 3 ready']))] });
        } else if (roll < 0.85) {
          // A namespace deleted before its contents, and back.
          if (next() < 0.5) state.apply(sourceOf(ctx), 'namespaces', { remove: [`k8s:${ctx}/${ns}`] });
          else state.apply(sourceOf(ctx), 'namespaces', { upsert: [{ entity: entity(`k8s:${ctx}/${ns}`, 'namespace', `k8s:${ctx}`, sourceOf(ctx), { health: pick(healths) }) }] });
        } else if (roll < 0.88) {
          registry.upsert(kubernetesSource(ctx, { state: pick(['live', 'offline']), reason: `step ${step}` }));
        }
        if (next() < 0.3) state.flush();
        if (next() < 0.2) await new Promise((resolve) => setTimeout(resolve, 1));
        if (next() < 0.25) {
          state.flush();
          expectSameOverview(arrived());
        }
      }
      state.flush();
      expectSameOverview(arrived());
    });
  }

  it('lists the first rows of a long problem list and says how many there are', () => {
    kept = new KeptOverview(state, { now: () => clock });
    registry.upsert(kubernetesSource('prod'));
    state.replace(sourceOf('prod'), 'cluster', [clusterFact('prod')]);
    const count = overviewRowsListed + 50;
    state.replace(sourceOf('prod'), 'pods', Array.from({ length: count }, (_, i) => podFact('prod', 'shop', `p${i}`, { health: 'failing', reason: 'CrashLoopBackOff' })));
    state.flush();
    const answer = arrived();
    expect(answer.rows).toHaveLength(overviewRowsListed);
    expect(answer.rowCount).toBe(count);
    expectSameOverview(answer);
  });

  it('lists the worst namespaces of many and says how many there are', () => {
    kept = new KeptOverview(state, { now: () => clock });
    registry.upsert(kubernetesSource('prod'));
    state.replace(sourceOf('prod'), 'cluster', [clusterFact('prod')]);
    const count = overviewNamespacesListed + 30;
    const names = Array.from({ length: count }, (_, i) => `ns-${i}`);
    state.replace(sourceOf('prod'), 'namespaces', names.map((ns) => ({ entity: entity(`k8s:prod/${ns}`, 'namespace', 'k8s:prod', sourceOf('prod')) })));
    state.replace(sourceOf('prod'), 'pods', names.map((ns, i) => podFact('prod', ns, 'p', { health: i % 7 === 0 ? 'failing' : 'healthy', reason: 'CrashLoopBackOff' })));
    state.flush();
    const answer = arrived();
    expect(answer.namespaces).toHaveLength(overviewNamespacesListed);
    expect(answer.namespaceCount).toBe(count);
    expectSameOverview(answer);
  });

  it('answers from the cached estate after a restart, before any source has said anything', () => {
    registry.upsert(kubernetesSource('prod'));
    state.replace(sourceOf('prod'), 'cluster', [clusterFact('prod')]);
    state.replace(sourceOf('prod'), 'pods', ['a', 'b'].map((n) => podFact('prod', 'shop', n, { health: 'failing', reason: 'CrashLoopBackOff' })));
    state.close();
    registry = new SourceRegistry();
    state = new EstateState({ db, sources: registry, frameMs: 5, now: () => clock });
    kept = new KeptOverview(state, { now: () => clock });
    const answer = arrived();
    expect(answer.total).toBe(3);
    expect(answer.sources.find((s) => s.id === sourceOf('prod'))?.state).toBe('offline');
    expectSameOverview(answer);
  });

  it('says it is unavailable (503) while a parent cycle stands, and answers again once it is gone', () => {
    kept = new KeptOverview(state, { now: () => clock });
    registry.upsert(kubernetesSource('a'));
    registry.upsert(kubernetesSource('b'));
    state.replace(sourceOf('a'), 'cluster', [clusterFact('a', 'k8s:b')]);
    state.replace(sourceOf('b'), 'cluster', [clusterFact('b', 'k8s:a')]);
    state.flush();
    let thrown: unknown = null;
    try {
      kept.answer();
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(ApiError);
    expect((thrown as ApiError).code).toBe('unavailable');
    state.replace(sourceOf('b'), 'cluster', [clusterFact('b')]);
    state.flush();
    expectSameOverview(arrived());
  });
});
