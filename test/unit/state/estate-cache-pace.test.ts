import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { EstateEvent } from '../../../shared/estate/event.js';
import { EstateState } from '../../../electron/engine/state/estate-state.js';
import { SourceRegistry } from '../../../electron/engine/sources/source-registry.js';
import type { StoreDatabase } from '../../../electron/engine/store/database.js';
import { kubernetesSource, podFact, sourceOf, tempDataDir } from './estate-fixtures.js';

/**
 * Entity rows are written in passes at most a second apart, so a pod that changes again
 * meanwhile (scheduled, started, ready) is written once, even while the estate never stops
 * changing; events still go to disk with every frame, and nothing waiting is lost when the
 * engine quits.
 */

const prod = 'shop-prod';
const podId = `k8s:${prod}/shop/Pod/api-1`;
let data: ReturnType<typeof tempDataDir>;
let db: StoreDatabase;
let state: EstateState;
let clock: number;

const cachedReason = (): string | undefined => {
  const body = db.prepare('SELECT body FROM estate_entities WHERE id = ?').pluck().get(podId) as string | undefined;
  return body === undefined ? undefined : (JSON.parse(body) as { healthReason: string }).healthReason;
};
const cachedEvents = (): number => db.prepare('SELECT count(*) FROM estate_events').pluck().get() as number;

function pod(reason: string) {
  return podFact(prod, 'shop', 'api-1', { health: reason === 'Running, ready' ? 'healthy' : 'failing', reason });
}

function event(n: number): EstateEvent {
  return { id: `shop/api-1.${n}`, sourceId: sourceOf(prod), kind: 'kubernetes', entityId: podId, type: 'warning', reason: 'BackOff', message: 'Back-off restarting failed container', count: 1, firstAt: clock, lastAt: clock };
}

/**
 * Fifty pods, every one changing every `everyMs` for `forMs` by the estate's clock; how many times
 * SQLite wrote each one's row (counted by triggers, which also call `onWrite`).
 */
function writesPerPod(onWrite: () => number, everyMs: number, forMs: number): number[] {
  db.function('on_write', onWrite);
  db.exec(`CREATE TEMP TABLE writes (id TEXT, at INTEGER);
    CREATE TEMP TRIGGER on_insert AFTER INSERT ON main.estate_entities BEGIN INSERT INTO writes VALUES (new.id, on_write()); END;
    CREATE TEMP TRIGGER on_update AFTER UPDATE ON main.estate_entities BEGIN INSERT INTO writes VALUES (new.id, on_write()); END;`);
  const started = clock;
  for (let n = 1; clock - started < forMs; n++) {
    clock += everyMs;
    state.replace(sourceOf(prod), 'pods', Array.from({ length: 50 }, (_, i) => podFact(prod, 'shop', `api-${i}`, { health: 'failing', reason: `restart ${n}` })));
    state.flush();
  }
  return db.prepare('SELECT count(*) FROM writes GROUP BY id').pluck().all() as number[];
}

beforeEach(() => {
  clock = 1_700_000_000_000;
  data = tempDataDir();
  db = data.open();
  const registry = new SourceRegistry();
  registry.upsert(kubernetesSource(prod, { state: 'live', lastSyncAt: clock }));
  state = new EstateState({ db, sources: registry, frameMs: 5, now: () => clock, persistEveryMs: 1_000 });
});

afterEach(() => {
  state.close();
  db.close();
  data.remove();
});

describe('the pace of the estate cache’s entity rows', () => {
  it('writes a first change at once, then the latest of those within the next second when it is up', () => {
    state.replace(sourceOf(prod), 'pods', [pod('ContainerCreating')]);
    state.flush();
    expect(cachedReason()).toBe('ContainerCreating');

    clock += 300;
    state.replace(sourceOf(prod), 'pods', [pod('Running, not ready')]);
    state.recordEvents(sourceOf(prod), [event(1)]);
    state.flush();
    // Memory and the frame have it; the row waits. The event does not.
    expect(state.get(podId)?.healthReason).toBe('Running, not ready');
    expect(cachedReason()).toBe('ContainerCreating');
    expect(cachedEvents()).toBe(1);

    clock += 300;
    state.replace(sourceOf(prod), 'pods', [pod('Running, ready')]);
    state.flush();
    expect(cachedReason()).toBe('ContainerCreating');

    clock += 400;
    state.flush();
    expect(cachedReason()).toBe('Running, ready');
  });

  it('writes rows that wait when the engine quits', () => {
    state.replace(sourceOf(prod), 'pods', [pod('ContainerCreating')]);
    state.flush();
    state.replace(sourceOf(prod), 'pods', [pod('Running, ready')]);
    state.flush();
    expect(cachedReason()).toBe('ContainerCreating');
    state.close();
    expect(cachedReason()).toBe('Running, ready');
  });

  it('writes them by itself when they are due, with no change to cut a frame for', async () => {
    state.replace(sourceOf(prod), 'pods', [pod('ContainerCreating')]);
    state.flush();
    clock += 900;
    state.replace(sourceOf(prod), 'pods', [pod('Running, ready')]);
    state.flush();
    expect(cachedReason()).toBe('ContainerCreating');
    // Due 100 ms later by the estate's clock; the wake-up is a timer of that length.
    clock += 100;
    await new Promise((resolve) => setTimeout(resolve, 250));
    expect(cachedReason()).toBe('Running, ready');
  });

  it('under churn that never stops, writes each row once a pass, not once a change', () => {
    // More changing rows than a frame writes, so the cache never catches up.
    state.close();
    const registry = new SourceRegistry();
    registry.upsert(kubernetesSource(prod, { state: 'live', lastSyncAt: clock }));
    state = new EstateState({ db, sources: registry, frameMs: 5, now: () => clock, persistEveryMs: 1_000, persistLimit: 20 });
    const perPod = writesPerPod(() => 0, 50, 3_000);
    expect(perPod).toHaveLength(50);
    // Three seconds of every pod changing every 50 ms, 60 changes each. Passes begin at 50 ms,
    // 1,050 ms and 2,050 ms on this clock, and each takes three frames.
    expect(Math.max(...perPod)).toBe(3);
    expect(cachedReason()).toBe('restart 41');
    state.close();
    expect(cachedReason()).toBe('restart 60');
  });

  it('spaces passes by twenty times their cost when writing them is slow', () => {
    // Each row written takes 5 ms by the estate's clock (SQLite calls back into the test), so a
    // pass of 50 costs 250 ms and the next waits 5 s, not 1. Ten seconds of every pod changing every 100 ms:
    const perPod = writesPerPod(() => (clock += 5), 100, 10_000);
    expect(perPod).toHaveLength(50);
    // Passes begin about 100 ms, 5.2 s and 10.3 s in: two in ten seconds, where a pass a second would write ten.
    expect(Math.max(...perPod)).toBe(2);
  });
});
