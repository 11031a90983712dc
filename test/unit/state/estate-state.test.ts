import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { EstateState } from '../../../electron/engine/state/estate-state.js';
import { SourceRegistry } from '../../../electron/engine/sources/source-registry.js';
import type { StoreDatabase } from '../../../electron/engine/store/database.js';
import type { EstateFrame } from '../../../shared/api/estate.js';
import { regionId } from '../../../shared/estate/ids.js';
import { relationId } from '../../../shared/estate/model.js';
import { clusterFact, deploymentFact, kubernetesSource, podFact, sourceOf, tempDataDir } from './estate-fixtures.js';

const prod = 'shop-prod';
const staging = 'shop-staging';

let data: ReturnType<typeof tempDataDir>;
let db: StoreDatabase;
let registry: SourceRegistry;
let state: EstateState;

function start(): EstateState {
  db = data.open();
  registry = new SourceRegistry();
  state = new EstateState({ db, sources: registry, frameMs: 50 });
  return state;
}

/** Closes everything as the engine does on quit, and starts again on the same file. */
function restart(): EstateState {
  state.close();
  db.close();
  return start();
}

function nextFrame(of: EstateState): Promise<EstateFrame> {
  return new Promise((resolve) => {
    const off = of.subscribe((frame) => {
      off();
      resolve(frame);
    });
  });
}

function ids(list: Array<{ id: string }>): string[] {
  return list.map((e) => e.id).sort();
}

beforeEach(() => {
  data = tempDataDir();
  start();
});

afterEach(() => {
  state.close();
  db.close();
  data.remove();
});

describe('the estate state, fed by providers', () => {
  it('coalesces a burst of watch events into one frame carrying each entity once, at its latest', async () => {
    const frames: EstateFrame[] = [];
    state.subscribe((frame) => frames.push(frame));
    const first = nextFrame(state);

    // 100 pods, each modified ten times (restart count climbing), as a crash-looping rollout would.
    for (let round = 0; round < 10; round++) {
      const upsert = Array.from({ length: 100 }, (_, i) => podFact(prod, 'shop', `cart-${i}`, { restarts: round }));
      state.apply(sourceOf(prod), 'pods', { upsert });
    }
    // One pod appears and is deleted within the same frame.
    state.apply(sourceOf(prod), 'pods', { upsert: [podFact(prod, 'shop', 'short-lived')] });
    state.apply(sourceOf(prod), 'pods', { remove: [`k8s:${prod}/shop/Pod/short-lived`] });

    const frame = await first;
    expect(frame.frame).toBe(1);
    expect(frame.upserted).toHaveLength(100);
    expect(frame.upserted.every((e) => e.status.restarts === 9)).toBe(true);
    expect(frame.upserted.map((e) => e.id)).not.toContain(`k8s:${prod}/shop/Pod/short-lived`);

    // Nothing is left over for a second frame.
    state.flush();
    expect(frames).toHaveLength(1);
    expect(state.snapshot().frame).toBe(1);
  });

  it('a relist removes what was deleted meanwhile and never duplicates what is still there', async () => {
    const node = 'node-a';
    state.replace(sourceOf(prod), 'pods', [
      podFact(prod, 'shop', 'api-1', { node }),
      podFact(prod, 'shop', 'api-2', { node }),
      podFact(prod, 'shop', 'api-3', { node }),
    ]);
    state.flush();

    const frame = nextFrame(state);
    state.replace(sourceOf(prod), 'pods', [
      podFact(prod, 'shop', 'api-2', { node }),
      podFact(prod, 'shop', 'api-3', { node }),
      podFact(prod, 'shop', 'api-4', { node }),
    ]);
    const delta = await frame;

    expect(delta.removed).toEqual([`k8s:${prod}/shop/Pod/api-1`]);
    expect(delta.relationsRemoved).toEqual([relationId('runs-on', `k8s:${prod}/shop/Pod/api-1`, `k8s:${prod}/Node/${node}`)]);
    const snapshot = state.snapshot();
    const pods = snapshot.entities.filter((e) => e.kind === 'pod');
    expect(ids(pods)).toEqual([`k8s:${prod}/shop/Pod/api-2`, `k8s:${prod}/shop/Pod/api-3`, `k8s:${prod}/shop/Pod/api-4`]);
    expect(new Set(snapshot.relations.map((r) => r.id)).size).toBe(snapshot.relations.length);
    expect(snapshot.relations).toHaveLength(3);

    // The store agrees after a restart: no ghost comes back from the cache.
    const again = restart().snapshot();
    expect(ids(again.entities.filter((e) => e.kind === 'pod'))).toEqual(ids(pods));
    expect(again.relations).toHaveLength(3);
  });

  it('a restart serves the cached estate at once, with observedAt intact and every source marked not yet live', () => {
    registry.upsert(kubernetesSource(prod, { lastSyncAt: 1_700_000_500_000 }));
    state.replace(sourceOf(prod), 'namespaces', [
      { entity: { ...clusterFact(prod).entity, id: `k8s:${prod}/shop`, kind: 'namespace', parentId: `k8s:${prod}`, name: 'shop' } },
    ]);
    state.replace(sourceOf(prod), 'clusters', [clusterFact(prod, regionId('aws', '123456789012', 'eu-west-1'))]);
    state.replace(sourceOf(prod), 'pods', [
      podFact(prod, 'shop', 'api-1', { observedAt: 1_700_000_400_001, owner: `k8s:${prod}/shop/ReplicaSet/api-7d` }),
      podFact(prod, 'shop', 'api-2', { observedAt: 1_700_000_400_002, health: 'failing', reason: 'CrashLoopBackOff' }),
    ]);
    state.replace(sourceOf(prod), 'deployments', [deploymentFact(prod, 'shop', 'api', { 'app.kubernetes.io/part-of': 'shop' })]);
    state.flush();
    const before = state.snapshot();

    const after = restart().snapshot();

    expect(after.entities).toHaveLength(before.entities.length);
    const byId = new Map(after.entities.map((e) => [e.id, e]));
    for (const entity of before.entities) expect(byId.get(entity.id)).toEqual(entity);
    expect(byId.get(`k8s:${prod}/shop/Pod/api-1`)?.observedAt).toBe(1_700_000_400_001);
    expect(byId.get(`k8s:${prod}/shop/Pod/api-2`)?.healthReason).toBe('CrashLoopBackOff');
    expect(ids(after.relations)).toEqual(ids(before.relations));
    // Derived entities are rebuilt from the facts, not read back.
    expect(byId.get('app:shop')?.kind).toBe('app');
    expect(byId.get('aws:123456789012/eu-west-1')?.kind).toBe('region');

    expect(after.sources).toHaveLength(1);
    expect(after.sources[0]).toMatchObject({ id: sourceOf(prod), state: 'offline', lastSyncAt: 1_700_000_500_000 });
    expect(after.sources[0]?.reason).toMatch(/cached/);
    expect(registry.get(sourceOf(prod))?.state).toBe('offline');
  });

  it('keeps the cached last sync when the provider registers the source afresh on start', async () => {
    registry.upsert(kubernetesSource(prod, { lastSyncAt: 1_700_000_500_000 }));
    state.flush();
    restart();

    registry.upsert(kubernetesSource(prod, { state: 'connecting', reason: 'Connecting', lastSyncAt: null }));
    expect(state.snapshot().sources[0]?.lastSyncAt).toBe(1_700_000_500_000);
    await Promise.resolve(); // the registry is corrected after its notification
    expect(registry.get(sourceOf(prod))).toMatchObject({ state: 'connecting', lastSyncAt: 1_700_000_500_000 });

    // The state it was in is persisted as it changes, without losing the last sync.
    state.flush();
    const stored = db.prepare('SELECT last_state, last_sync_at FROM estate_sources WHERE id = ?').get(sourceOf(prod));
    expect(stored).toEqual({ last_state: 'connecting', last_sync_at: 1_700_000_500_000 });
  });

  it('a relist of one context, or of one kind, never touches another', () => {
    state.replace(sourceOf(prod), 'pods', [podFact(prod, 'shop', 'api-1')]);
    state.replace(sourceOf(prod), 'deployments', [deploymentFact(prod, 'shop', 'api')]);
    state.replace(sourceOf(staging), 'pods', [podFact(staging, 'shop', 'api-1')]);

    // Prod's pods relist empty (all deleted): staging's pods and prod's deployments stay.
    state.replace(sourceOf(prod), 'pods', []);
    // A source cannot delete another source's entity, even by naming it.
    state.apply(sourceOf(prod), 'pods', { remove: [`k8s:${staging}/shop/Pod/api-1`] });
    state.flush();

    expect(ids(restart().snapshot().entities.filter((e) => e.sourceId !== 'derived'))).toEqual([
      `k8s:${prod}/shop/Deployment/api`,
      `k8s:${staging}/shop/Pod/api-1`,
    ]);

    // Forgetting a source drops all it stated, and only that.
    state.forgetSource(sourceOf(staging));
    state.flush();
    expect(ids(restart().snapshot().entities)).toEqual([`k8s:${prod}/shop/Deployment/api`]);
  });

  it('spreads a large first list over several writes, while subscribers get it all in one frame', async () => {
    state.close();
    db.close();
    db = data.open();
    state = new EstateState({ db, sources: new SourceRegistry(), frameMs: 50, persistLimit: 2 });
    const stored = () => db.prepare("SELECT count(*) FROM estate_entities WHERE scope = 'pods'").pluck().get();

    const frame = nextFrame(state);
    state.replace(sourceOf(prod), 'pods', Array.from({ length: 5 }, (_, i) => podFact(prod, 'shop', `api-${i}`)));
    expect((await frame).upserted).toHaveLength(5);
    expect(stored()).toBe(2);
    state.flush();
    expect(stored()).toBe(4);

    // Quitting before the remaining frames writes the rest.
    expect(restart().snapshot().entities.filter((e) => e.kind === 'pod')).toHaveLength(5);
  });

  it('keeps a relation two entities state until both stop stating it', () => {
    const rs = `k8s:${prod}/shop/ReplicaSet/api-7d`;
    const pod = podFact(prod, 'shop', 'api-1', { owner: rs });
    // The same ownership stated from the owner's side, under another scope.
    state.replace(sourceOf(prod), 'replicasets', [
      {
        entity: { ...deploymentFact(prod, 'shop', 'api-7d').entity, id: rs, kind: 'replicaset' },
        relations: pod.relations ?? [],
      },
    ]);
    state.replace(sourceOf(prod), 'pods', [pod]);
    const owns = relationId('owns', rs, pod.entity.id);

    state.apply(sourceOf(prod), 'replicasets', { remove: [rs] });
    expect(state.snapshot().relations.map((r) => r.id)).toContain(owns);
    state.apply(sourceOf(prod), 'pods', { remove: [pod.entity.id] });
    expect(state.snapshot().relations.map((r) => r.id)).not.toContain(owns);
  });
});

describe('what the state derives', () => {
  it('places clusters in their region, account and cloud, and says which part is unwell', async () => {
    const euWest = regionId('aws', '123456789012', 'eu-west-1');
    const frame = nextFrame(state);
    state.replace(sourceOf(prod), 'cluster', [clusterFact(prod, euWest, 'degraded', '2 of 6 nodes not ready')]);
    state.replace(sourceOf(staging), 'cluster', [clusterFact(staging, euWest)]);
    const delta = await frame;

    expect(ids(delta.upserted)).toEqual(
      ['aws:123456789012', euWest, 'cloud:aws', `k8s:${prod}`, `k8s:${staging}`].sort(),
    );
    const region = state.get(euWest);
    expect(region).toMatchObject({ kind: 'region', name: 'eu-west-1', parentId: 'aws:123456789012', health: 'degraded' });
    expect(region?.healthReason).toContain(`${prod} (2 of 6 nodes not ready)`);
    expect(state.get('cloud:aws')?.health).toBe('degraded');

    // Clusters gone: the levels above them go too.
    const gone = nextFrame(state);
    state.forgetSource(sourceOf(prod));
    state.forgetSource(sourceOf(staging));
    expect((await gone).removed.sort()).toEqual(['aws:123456789012', euWest, 'cloud:aws', `k8s:${prod}`, `k8s:${staging}`].sort());
  });

  it('groups workloads across clusters into apps by app.kubernetes.io labels, with their team', () => {
    const shop = { 'app.kubernetes.io/part-of': 'shop', team: 'payments' };
    state.replace(sourceOf(prod), 'deployments', [
      deploymentFact(prod, 'shop', 'cart', { ...shop, 'app.kubernetes.io/name': 'cart' }, 'degraded', '1 of 3 ready'),
      deploymentFact(prod, 'shop', 'web', { 'app.kubernetes.io/name': 'web' }),
      deploymentFact(prod, 'shop', 'unlabelled'),
    ]);
    state.replace(sourceOf(staging), 'deployments', [deploymentFact(staging, 'shop', 'cart', shop)]);
    state.flush();

    const app = state.get('app:shop');
    expect(app).toMatchObject({ kind: 'app', name: 'shop', labels: { team: 'payments' }, health: 'degraded' });
    expect(app?.healthReason).toContain('cart (1 of 3 ready)');
    expect(app?.status.workloads).toBe(2);
    expect(state.get('app:web')?.health).toBe('healthy');
    const memberOf = state.snapshot().relations.filter((r) => r.kind === 'member-of');
    expect(memberOf.map((r) => `${r.from} -> ${r.to}`).sort()).toEqual([
      `k8s:${prod}/shop/Deployment/cart -> app:shop`,
      `k8s:${prod}/shop/Deployment/web -> app:web`,
      `k8s:${staging}/shop/Deployment/cart -> app:shop`,
    ]);

    // Relabelled out of the app, and the last member gone: the app goes.
    state.apply(sourceOf(prod), 'deployments', { upsert: [deploymentFact(prod, 'shop', 'web')] });
    state.flush();
    expect(state.get('app:web')).toBeUndefined();
    expect(state.snapshot().relations.filter((r) => r.kind === 'member-of')).toHaveLength(2);
  });

  it('a provider-reported account wins over the derived one, which returns when the provider drops it', () => {
    const account = 'aws:123456789012';
    state.replace(sourceOf(prod), 'cluster', [clusterFact(prod, regionId('aws', '123456789012', 'us-east-1'))]);
    state.flush();
    expect(state.get(account)?.sourceId).toBe('derived');

    state.replace('aws:prod-profile', 'accounts', [
      { entity: { ...clusterFact(prod).entity, id: account, kind: 'account', name: 'Shop production', parentId: 'cloud:aws', sourceId: 'aws:prod-profile' } },
    ]);
    state.flush();
    expect(state.get(account)).toMatchObject({ name: 'Shop production', sourceId: 'aws:prod-profile' });

    state.replace('aws:prod-profile', 'accounts', []);
    state.flush();
    expect(state.get(account)).toMatchObject({ name: '123456789012', sourceId: 'derived' });
    // And the derived one is not written to the cache.
    expect(db.prepare('SELECT count(*) FROM estate_entities WHERE id = ?').pluck().get(account)).toBe(0);
  });
});

describe('entity detail', () => {
  it('serves an entity with its relations, its children worst first, and its recent events', async () => {
    const ns = `k8s:${prod}/shop`;
    state.replace(sourceOf(prod), 'namespaces', [
      { entity: { ...clusterFact(prod).entity, id: ns, kind: 'namespace', parentId: `k8s:${prod}`, name: 'shop' } },
    ]);
    state.replace(sourceOf(prod), 'pods', [
      podFact(prod, 'shop', 'a-ok'),
      podFact(prod, 'shop', 'z-crashing', { health: 'failing', reason: 'CrashLoopBackOff', node: 'node-a' }),
    ]);
    const frame = nextFrame(state);
    // Recent, so the event store's retention by age keeps them.
    const t = Date.now() - 120_000;
    state.recordEvents(sourceOf(prod), [
      {
        id: 'shop/z-crashing.1',
        sourceId: sourceOf(prod),
        kind: 'kubernetes',
        entityId: `k8s:${prod}/shop/Pod/z-crashing`,
        type: 'warning',
        reason: 'BackOff',
        message: 'Back-off restarting failed container',
        count: 3,
        firstAt: t,
        lastAt: t + 60_000,
      },
      {
        id: 'shop/z-crashing.2',
        sourceId: sourceOf(prod),
        kind: 'kubernetes',
        entityId: `k8s:${prod}/shop/Pod/z-crashing`,
        type: 'normal',
        reason: 'Pulled',
        message: 'Container image pulled',
        count: 1,
        firstAt: t,
        lastAt: t,
      },
    ]);
    expect((await frame).events).toHaveLength(2);

    expect(state.detail(ns)?.children.map((c) => c.name)).toEqual(['z-crashing', 'a-ok']);
    const pod = state.detail(`k8s:${prod}/shop/Pod/z-crashing`);
    expect(pod?.relations.map((r) => r.kind)).toEqual(['runs-on']);
    expect(pod?.events.map((e) => e.reason)).toEqual(['BackOff', 'Pulled']);
    expect(state.detail('k8s:nowhere/Pod/x')).toBeNull();
  });
});
