import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { EstateState } from '../../../electron/engine/state/estate-state.js';
import { SourceRegistry } from '../../../electron/engine/sources/source-registry.js';
import type { StoreDatabase } from '../../../electron/engine/store/database.js';
import { deploymentFact, kubernetesSource, podFact, sourceOf, tempDataDir } from './estate-fixtures.js';

const prod = 'shop-prod';
const staging = 'shop-staging';

let data: ReturnType<typeof tempDataDir>;
let db: StoreDatabase;
let registry: SourceRegistry;
let state: EstateState;
let clock: number;

function start(holdCacheWhileListingMs?: number): void {
  db = data.open();
  registry = new SourceRegistry();
  // Rows written with every frame: these cases are about the first list's hold, not the pace.
  state = new EstateState({ db, sources: registry, frameMs: 5, now: () => clock, holdCacheWhileListingMs, persistEveryMs: 0 });
}

function restart(): EstateState {
  state.close();
  db.close();
  start();
  return state;
}

const cachedIds = (sourceId: string): string[] =>
  (db.prepare('SELECT id FROM estate_entities WHERE source_id = ? ORDER BY id').pluck().all(sourceId) as string[]);
const cachedRelations = (): number => db.prepare('SELECT count(*) FROM estate_relations').pluck().get() as number;

beforeEach(() => {
  clock = 1_700_000_000_000;
  data = tempDataDir();
});

afterEach(() => {
  state.close();
  db.close();
  data.remove();
});

describe('the estate cache while a cluster is on its first list', () => {
  it('holds back the listing source’s rows until the list settles, then writes each entity once', () => {
    start();
    registry.upsert(kubernetesSource(prod, { state: 'connecting', reason: 'Listing (1 of 3 kinds done)…', lastSyncAt: null }));
    registry.upsert(kubernetesSource(staging, { state: 'live', lastSyncAt: clock }));
    state.replace(sourceOf(prod), 'pods', [podFact(prod, 'shop', 'api-1', { owner: `k8s:${prod}/shop/ReplicaSet/api-7d` })]);
    state.replace(sourceOf(prod), 'deployments', [deploymentFact(prod, 'shop', 'api')]);
    state.replace(sourceOf(staging), 'pods', [podFact(staging, 'shop', 'api-1')]);
    state.flush();

    // Memory (and every view) has it all; the disk has the settled source's rows only.
    expect(state.get(`k8s:${prod}/shop/Pod/api-1`)).toBeDefined();
    expect(cachedIds(sourceOf(prod))).toEqual([]);
    expect(cachedIds(sourceOf(staging))).toEqual([`k8s:${staging}/shop/Pod/api-1`]);

    // A kind listed later restates the deployment (its rollup changed): still one row when written.
    state.replace(sourceOf(prod), 'deployments', [deploymentFact(prod, 'shop', 'api', { team: 'payments' })]);
    state.flush();
    expect(cachedIds(sourceOf(prod))).toEqual([]);

    registry.update(sourceOf(prod), { state: 'live', reason: 'Watching 3 kinds', lastSyncAt: clock });
    state.flush();
    expect(cachedIds(sourceOf(prod))).toEqual([`k8s:${prod}/shop/Deployment/api`, `k8s:${prod}/shop/Pod/api-1`]);
    expect(cachedRelations()).toBeGreaterThan(0);

    // The cache a restart reads is the estate the running engine had.
    const before = state.snapshot();
    const after = restart().snapshot();
    expect(after.entities.map((e) => e.id).sort()).toEqual(before.entities.map((e) => e.id).sort());
    expect(after.relations.map((r) => r.id).sort()).toEqual(before.relations.map((r) => r.id).sort());
    expect(state.get(`k8s:${prod}/shop/Deployment/api`)?.labels).toEqual({ team: 'payments' });
  });

  it('holds a source that settled while another still lists until that one settles too, within its bound', () => {
    start(60_000);
    registry.upsert(kubernetesSource(prod, { state: 'connecting', reason: 'Listing (1 of 3 kinds done)…', lastSyncAt: null }));
    registry.upsert(kubernetesSource(staging, { state: 'connecting', reason: 'Listing (1 of 3 kinds done)…', lastSyncAt: null }));
    state.replace(sourceOf(prod), 'pods', [podFact(prod, 'shop', 'api-1')]);
    state.replace(sourceOf(staging), 'pods', [podFact(staging, 'shop', 'api-1')]);
    state.flush();

    // Staging settles first: the engine is still starting prod, and staging's rows wait for it.
    registry.update(sourceOf(staging), { state: 'live', reason: 'Watching 3 kinds', lastSyncAt: clock });
    state.replace(sourceOf(staging), 'pods', [podFact(staging, 'shop', 'api-1'), podFact(staging, 'shop', 'api-2')]);
    state.flush();
    expect(cachedIds(sourceOf(staging))).toEqual([]);

    registry.update(sourceOf(prod), { state: 'live', reason: 'Watching 3 kinds', lastSyncAt: clock });
    state.flush();
    expect(cachedIds(sourceOf(staging))).toEqual([`k8s:${staging}/shop/Pod/api-1`, `k8s:${staging}/shop/Pod/api-2`]);
    expect(cachedIds(sourceOf(prod))).toEqual([`k8s:${prod}/shop/Pod/api-1`]);

    // Bounded by the list it waits for: prod relists and sticks; staging's next change still reaches the disk.
    registry.update(sourceOf(prod), { state: 'connecting', reason: 'Listing (0 of 3 kinds done)…' });
    registry.update(sourceOf(staging), { state: 'connecting', reason: 'Listing (0 of 3 kinds done)…' });
    state.replace(sourceOf(staging), 'pods', [podFact(staging, 'shop', 'api-3')]);
    state.flush();
    registry.update(sourceOf(staging), { state: 'live', reason: 'Watching 3 kinds', lastSyncAt: clock });
    state.flush();
    // The pods that went are deleted at once; the new one waits for prod.
    expect(cachedIds(sourceOf(staging))).toEqual([]);
    clock += 60_001;
    state.flush();
    expect(cachedIds(sourceOf(staging))).toEqual([`k8s:${staging}/shop/Pod/api-3`]);
  });

  it('writes a source stuck on its first list once the hold runs out', () => {
    start(60_000);
    registry.upsert(kubernetesSource(prod, { state: 'connecting', reason: 'Listing (2 of 3 kinds done)…', lastSyncAt: null }));
    state.replace(sourceOf(prod), 'pods', [podFact(prod, 'shop', 'api-1')]);
    state.flush();
    expect(cachedIds(sourceOf(prod))).toEqual([]);

    clock += 60_001;
    state.flush();
    expect(cachedIds(sourceOf(prod))).toEqual([`k8s:${prod}/shop/Pod/api-1`]);
  });

  it('writes what is held back when the engine quits mid-list, and a removal at once', () => {
    start();
    registry.upsert(kubernetesSource(prod, { state: 'live', lastSyncAt: clock }));
    state.replace(sourceOf(prod), 'pods', [podFact(prod, 'shop', 'api-1'), podFact(prod, 'shop', 'api-2')]);
    state.flush();
    expect(cachedIds(sourceOf(prod))).toHaveLength(2);

    // Reconnected and relisting: the pod that went is deleted from the cache at once.
    registry.update(sourceOf(prod), { state: 'connecting', reason: 'Listing (0 of 3 kinds done)…' });
    state.replace(sourceOf(prod), 'pods', [podFact(prod, 'shop', 'api-1', { health: 'failing', reason: 'CrashLoopBackOff' }), podFact(prod, 'shop', 'api-3')]);
    state.flush();
    expect(cachedIds(sourceOf(prod))).toEqual([`k8s:${prod}/shop/Pod/api-1`]);

    expect(restart().snapshot().entities.filter((e) => e.kind === 'pod').map((e) => [e.id, e.healthReason])).toEqual([
      [`k8s:${prod}/shop/Pod/api-1`, 'CrashLoopBackOff'],
      [`k8s:${prod}/shop/Pod/api-3`, 'Running, ready'],
    ]);
  });
});
