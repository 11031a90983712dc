import { describe, expect, it } from 'vitest';
import type { Entity, EstateDelta, Health } from '../../../shared/estate/model.js';
import { summarise } from '../../../shared/estate/health.js';
import { RunningSummary } from '../../../shared/estate/running-summary.js';
import type { EstateIndex } from '../../../renderer/features/estate/estate-index.js';
import { fixtureEstate } from '../../../renderer/features/estate/fixture.js';
import { fixtureIndex, rng } from './fixture-index.js';
import { RunningOverview, overviewFromScratch, overviewOf } from '../../../renderer/features/estate/rollup.js';

/**
 * The overview keeps its summary as frames arrive instead of summarising every entity on each
 * refresh. Whatever frames arrive, what it shows must be what summarising from nothing shows.
 */

const now = 1_700_000_000_000;

function estate(pods: number, seed = 3) {
  return fixtureIndex(pods, seed);
}

const delta = (patch: Partial<EstateDelta>): EstateDelta => ({ upserted: [], removed: [], relationsUpserted: [], relationsRemoved: [], ...patch });
const healths: Health[] = ['healthy', 'degraded', 'failing', 'unknown'];

/**
 * A frame as a watch (or a broken source) could send one: pods come, go, move and change
 * health; namespaces and clusters are renamed, moved, deleted before their contents and come
 * back; an entity changes kind; derived groupings change health; names collide.
 */
function randomFrame(index: EstateIndex, random: () => number, serial: number): EstateDelta {
  const all = [...index.entities.values()];
  const pickOf = (kinds: Entity['kind'][]) => {
    const of = all.filter((e) => kinds.includes(e.kind));
    return of.length > 0 ? of[Math.floor(random() * of.length)]! : undefined;
  };
  const pick = (kind: Entity['kind']) => pickOf([kind]);
  const health = () => healths[Math.floor(random() * 4)]!;
  const upserted: Entity[] = [];
  const removed: string[] = [];
  const ops = 1 + Math.floor(random() * 6);
  for (let i = 0; i < ops; i++) {
    const roll = random();
    if (roll < 0.2) {
      // A burst of pods removed at once.
      const pods = all.filter((e) => e.kind === 'pod');
      for (let n = Math.floor(random() * 60); n > 0 && pods.length > 0; n--) removed.push(pods.splice(Math.floor(random() * pods.length), 1)[0]!.id);
    } else if (roll < 0.35) {
      // New pods under a ReplicaSet, a StatefulSet, bare in a namespace, or under nothing known yet.
      const parent = pickOf(random() < 0.4 ? ['replicaset'] : random() < 0.5 ? ['statefulset'] : ['namespace', 'node']);
      if (!parent) continue;
      const parentId = random() < 0.1 ? `${parent.id}-not-yet` : parent.id;
      for (let n = 1 + Math.floor(random() * 30); n > 0; n--) {
        // Some share a name, so the worst-first order falls to the id.
        const name = random() < 0.3 ? 'same-name' : `new-${serial}-${i}-${n}`;
        upserted.push({ ...parent, id: `${parent.id}/Pod/new-${serial}-${i}-${n}`, kind: 'pod', name, parentId, health: health(), healthReason: random() < 0.5 ? 'CrashLoopBackOff' : '' });
      }
    } else if (roll < 0.5) {
      // Health changes, of anything (derived groupings and namespaces with a phase too).
      for (let n = 1 + Math.floor(random() * 10); n > 0; n--) {
        const e = all[Math.floor(random() * all.length)];
        if (!e) continue;
        const status = e.kind === 'namespace' && random() < 0.5 ? { ...e.status, ownHealth: health() } : e.status;
        upserted.push({ ...e, health: health(), status, observedAt: now + serial });
      }
    } else if (roll < 0.58) {
      // A pod or a workload moved elsewhere (re-parented), possibly to another cluster.
      const moving = pickOf(['pod', 'deployment', 'statefulset']);
      const to = pickOf(['replicaset', 'namespace']);
      if (moving && to) upserted.push({ ...moving, parentId: to.id });
    } else if (roll < 0.64) {
      // A namespace or cluster renamed: group names and "within" follow.
      const group = pickOf(['namespace', 'cluster', 'cloud']);
      if (group) upserted.push({ ...group, name: random() < 0.5 ? 'default' : `${group.name}-${serial}` });
    } else if (roll < 0.7) {
      // A namespace moved to another cluster: everything under it is placed again.
      const ns = pick('namespace');
      const cluster = pick('cluster');
      if (ns && cluster) upserted.push({ ...ns, parentId: cluster.id });
    } else if (roll < 0.76) {
      // A namespace or cluster deleted before its contents: they are orphans, then unplaced.
      const group = pickOf(random() < 0.8 ? ['namespace'] : ['cluster']);
      if (group) removed.push(group.id);
    } else if (roll < 0.82) {
      // A deleted grouping comes back (the orphans under it are placed again).
      const orphan = all.find((e) => e.parentId !== null && !index.get(e.parentId) && !e.parentId.endsWith('-not-yet'));
      if (orphan?.parentId) {
        const clusterId = pick('cluster')?.id ?? null;
        upserted.push({ ...orphan, id: orphan.parentId, kind: 'namespace', name: `back-${serial}`, parentId: clusterId, status: {} });
      }
    } else if (roll < 0.86) {
      // An entity changes kind (a workload id reused as a namespace, say).
      const e = pickOf(['deployment', 'namespace', 'statefulset']);
      if (e) upserted.push({ ...e, kind: e.kind === 'namespace' ? 'deployment' : 'namespace' });
    } else if (roll < 0.9) {
      // A derived entity (no source of its own) appears under a cluster, or a rollup turns real.
      const cluster = pick('cluster');
      if (cluster) upserted.push({ ...cluster, id: `${cluster.id}/App/app-${serial}`, kind: 'app', name: `app-${serial}`, parentId: cluster.id, sourceId: random() < 0.5 ? 'derived' : cluster.sourceId, health: health() });
    } else {
      // Removed and written again: it moves to the end of the index's order.
      const e = pickOf(['pod', 'service', 'node']);
      if (e) {
        removed.push(e.id);
        all.splice(all.indexOf(e), 1);
      }
    }
  }
  return delta({ upserted, removed });
}

const options = { problemsPerGroup: 3, problems: Number.MAX_SAFE_INTEGER };

function running(index: EstateIndex) {
  const summary = new RunningSummary(index);
  index.watchStructure({ changed: (id) => summary.move(id), updated: (id) => summary.touch(id), reset: () => summary.reset() });
  return summary;
}

describe('the overview kept as frames arrive', () => {
  for (const seed of [1, 2, 3]) {
    it(`says what summarise says after every frame of a random run (seed ${seed})`, () => {
      const index = estate(800, seed);
      const summary = running(index);
      expect(summary.summary(options)).toEqual(summarise(index.entities.values(), options));
      const random = rng(seed * 7919);
      for (let serial = 0; serial < 80; serial++) {
        index.apply(randomFrame(index, random, serial));
        // Now and then a frame lands between two refreshes: the next one catches up on both.
        if (random() < 0.2) index.apply(randomFrame(index, random, serial + 1000));
        expect(summary.summary(options), `after frame ${serial}`).toEqual(summarise(index.entities.values(), options));
        // Other caps, as another caller would ask: the kept lists serve them too.
        expect(summary.summary({ problemsPerGroup: 1, problems: 5 }), `capped, after frame ${serial}`).toEqual(
          summarise(index.entities.values(), { problemsPerGroup: 1, problems: 5 }),
        );
      }
    }, 60_000);
  }

  it('shows, rows and extras included, what the overview from nothing shows', () => {
    const index = estate(800, 5);
    const kept = new RunningOverview(index);
    const random = rng(4242);
    for (let serial = 0; serial < 60; serial++) {
      index.apply(randomFrame(index, random, serial));
      expect(kept.overview(), `after frame ${serial}`).toEqual(overviewFromScratch(index));
    }
  }, 60_000);

  it('starts over when a snapshot replaces the estate', () => {
    const index = estate(300, 1);
    const summary = running(index);
    summary.summary(options);
    const other = fixtureEstate({ pods: 200, seed: 9, now });
    index.load(other.entities, other.relations);
    expect(summary.summary(options)).toEqual(summarise(index.entities.values(), options));
  });

  it('summarises from nothing while a parent cycle stands, and keeps up again once it is broken', () => {
    const index = estate(300, 2);
    const summary = running(index);
    summary.summary(options);
    const [a, b] = [...index.entities.values()].filter((e) => e.kind === 'deployment');
    index.apply(delta({ upserted: [{ ...a!, parentId: b!.id }, { ...b!, parentId: a!.id }] }));
    expect(summary.reconcile()).toBe(false);
    expect(summary.summary(options)).toEqual(summarise(index.entities.values(), options));
    expect(overviewOf(index)).toEqual(overviewFromScratch(index));
    index.apply(delta({ removed: [a!.id] }));
    expect(summary.reconcile()).toBe(true);
    expect(summary.summary(options)).toEqual(summarise(index.entities.values(), options));
    expect(overviewOf(index)).toEqual(overviewFromScratch(index));
  });

  it('counts only what a frame touched', () => {
    const index = estate(2_000, 1);
    const summary = running(index);
    summary.summary(options);
    let reads = 0;
    const spy = new Proxy(index, {
      get(target, key, receiver) {
        if (key === 'children') reads++;
        const value: unknown = Reflect.get(target, key, receiver);
        return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
      },
    });
    const watched = new RunningSummary(spy);
    index.watchStructure({ changed: (id) => watched.move(id), updated: (id) => watched.touch(id), reset: () => watched.reset() });
    watched.summary(options);
    const pods = [...index.entities.values()].filter((e) => e.kind === 'pod').slice(0, 25);
    index.apply(delta({ removed: pods.map((p) => p.id) }));
    reads = 0;
    expect(watched.summary(options)).toEqual(summarise(index.entities.values(), options));
    // One look under each removed pod, not a walk over the estate.
    expect(reads).toBe(25);
  });
});

describe('the overview not asked for a long while', () => {
  it('holds no more pending ids than an estate’s worth, and still says what summarise says', () => {
    const index = estate(300, 4);
    const summary = running(index);
    summary.summary(options);
    const namespace = [...index.entities.values()].find((e) => e.kind === 'namespace')!;
    // Pods replaced one by one for hours, with no one looking: every id is new.
    for (let n = 0; n < 4_000; n++) {
      const pod: Entity = { ...namespace, id: `${namespace.id}/Pod/churn-${n}`, kind: 'pod', name: `churn-${n}`, parentId: namespace.id, status: {} };
      index.apply(delta({ upserted: [pod], removed: n > 0 ? [`${namespace.id}/Pod/churn-${n - 1}`] : [] }));
      expect(summary.pending).toBeLessThanOrEqual(Math.max(1_000, index.entities.size) + 1);
    }
    expect(summary.summary(options)).toEqual(summarise(index.entities.values(), options));
  });
});
