import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openStore } from '../../../electron/engine/store/database.js';
import type { StoreDatabase } from '../../../electron/engine/store/database.js';
import { EventStore } from '../../../electron/engine/store/event-store.js';
import type { EstateEvent, EstateEventKind } from '../../../shared/estate/event.js';
import { seededRandom } from '../../seeded-random.js';

const dirs: string[] = [];
const dbs: StoreDatabase[] = [];
function freshDb(): StoreDatabase {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'daytwo-events-'));
  dirs.push(dir);
  const db = openStore(dir);
  dbs.push(db);
  return db;
}
afterEach(() => {
  for (const db of dbs.splice(0)) db.close();
  for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

const t0 = Date.UTC(2026, 0, 10, 12, 0, 0);
const minute = 60_000;
const day = 86_400_000;

function event(id: string, entityId: string | null, at: number, kind: EstateEventKind = 'kubernetes', extra: Partial<EstateEvent> = {}): EstateEvent {
  return { id, sourceId: 'k8s:prod', kind, entityId, type: 'normal', reason: 'Scheduled', message: id, count: 1, firstAt: at, lastAt: at, ...extra };
}

describe('the event store', () => {
  it('answers the events of a set of entities between t1 and t2, newest first, with both clocks', () => {
    let now = t0 + 10 * minute;
    const store = new EventStore(freshDb(), { now: () => now });
    store.append([
      event('a1', 'pod-a', t0 + 1 * minute),
      event('b1', 'pod-b', t0 + 2 * minute),
      event('c1', 'pod-c', t0 + 3 * minute),
      event('a2', 'pod-a', t0 + 4 * minute),
      event('a-old', 'pod-a', t0 - 60 * minute),
    ]);
    const page = store.query({ entityIds: ['pod-a', 'pod-b'], from: t0, to: t0 + 5 * minute });
    expect(page.events.map((e) => e.id)).toEqual(['a2', 'b1', 'a1']);
    expect(page.events[0]).toMatchObject({ occurredAt: t0 + 4 * minute, recordedAt: t0 + 10 * minute, kind: 'kubernetes' });
    expect(page.nextCursor).toBeNull();

    // A repeated event moves to its newest occurrence and is learned anew; a re-list of the same occurrence is not.
    now = t0 + 20 * minute;
    store.append([event('a1', 'pod-a', t0 + 15 * minute, 'kubernetes', { count: 4 })]);
    store.append([event('b1', 'pod-b', t0 + 2 * minute)]);
    const again = store.query({ entityIds: ['pod-a', 'pod-b'] });
    expect(again.events.map((e) => [e.id, e.count, e.occurredAt - t0, e.recordedAt - t0])).toEqual([
      ['a1', 4, 15 * minute, 20 * minute],
      ['a2', 1, 4 * minute, 10 * minute],
      ['b1', 1, 2 * minute, 10 * minute],
      ['a-old', 1, -60 * minute, 10 * minute],
    ]);
  });

  it('pages with a cursor, never repeating or skipping an event that shares its instant with another', () => {
    const store = new EventStore(freshDb(), { now: () => t0 });
    const events: EstateEvent[] = [];
    for (let i = 0; i < 25; i++) events.push(event(`e${String(i).padStart(2, '0')}`, `pod-${i % 3}`, t0 + Math.floor(i / 5) * minute));
    store.append(events);
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const page = store.query({ entityIds: ['pod-0', 'pod-1', 'pod-2'], limit: 4, cursor });
      seen.push(...page.events.map((e) => e.id));
      cursor = page.nextCursor;
      pages++;
    } while (cursor);
    expect(pages).toBe(7);
    expect(new Set(seen).size).toBe(25);
    const times = seen.map((id) => Number(id.slice(1)));
    expect(times.map((i) => Math.floor(i / 5))).toEqual([...times.map((i) => Math.floor(i / 5))].sort((a, b) => b - a));
  });

  it('answers a whole window in one statement (every) exactly as its pages do one after another', () => {
    const store = new EventStore(freshDb(), { now: () => t0 });
    const random = seededRandom(17);
    const kinds: EstateEventKind[] = ['kubernetes', 'alarm', 'operation'];
    const events: EstateEvent[] = [];
    // Many events share an instant, so the order within one is the rowid's, as the cursor's is.
    for (let i = 0; i < 700; i++) {
      events.push(event(`e${i}`, `pod-${Math.floor(random() * 12)}`, t0 + Math.floor(random() * 40) * minute, kinds[i % 3]));
    }
    store.append(events);
    const paged = (q: Parameters<EventStore['every']>[0]) => {
      const out: string[] = [];
      let cursor: string | null = null;
      do {
        const page = store.query({ ...q, limit: 37, cursor });
        out.push(...page.events.map((e) => e.id));
        cursor = page.nextCursor;
      } while (cursor);
      return out;
    };
    const windows = [
      { entityIds: ['pod-0', 'pod-3', 'pod-7', 'pod-11'] },
      { entityIds: ['pod-1', 'pod-2', 'pod-2'], from: t0 + 5 * minute, to: t0 + 30 * minute },
      { entityIds: Array.from({ length: 12 }, (_, i) => `pod-${i}`), kinds: ['alarm', 'operation'] as EstateEventKind[] },
    ];
    for (const q of windows) {
      const all = paged(q);
      expect(all.length).toBeGreaterThan(50);
      expect(store.every(q, 100_000).map((e) => e.id)).toEqual(all);
      // At most `max`, the newest.
      expect(store.every(q, 10).map((e) => e.id)).toEqual(all.slice(0, 10));
    }
    expect(store.every({ entityIds: [] }, 10)).toEqual([]);
  });

  it('filters by kind', () => {
    const store = new EventStore(freshDb(), { now: () => t0 });
    store.append([
      event('k', 'web', t0, 'kubernetes'),
      event('al', 'web', t0 + 1, 'alarm'),
      event('op', 'web', t0 + 2, 'operation'),
    ]);
    expect(store.query({ entityIds: ['web'], kinds: ['alarm', 'operation'] }).events.map((e) => e.id)).toEqual(['op', 'al']);
    expect(store.query({ entityIds: ['web'], kinds: [] }).events).toEqual([]);
  });

  it('keeps history for the configured days and forgets a removed source', () => {
    let now = t0;
    const store = new EventStore(freshDb(), { retentionDays: 7, now: () => now });
    store.append([event('old', 'web', t0 - 8 * day), event('recent', 'web', t0 - 6 * day), event('other', 'web', t0, 'alert', { sourceId: 'prometheus:x' })]);
    expect(store.query({ entityIds: ['web'] }).events.map((e) => e.id)).toEqual(['other', 'recent']);
    now = t0 + 2 * day;
    expect(store.prune()).toBe(1);
    store.forgetSource('prometheus:x');
    expect(store.count()).toBe(0);
  });

  it('survives bad input: an unparseable cursor is a bad request, a corrupt row is skipped', () => {
    const db = freshDb();
    const store = new EventStore(db, { now: () => t0 });
    store.append([event('good', 'web', t0), event('bad', 'web', t0 + 1)]);
    db.prepare("UPDATE estate_events SET body = '{not json' WHERE id = 'bad'").run();
    expect(store.query({ entityIds: ['web'] }).events.map((e) => e.id)).toEqual(['good']);
    expect(() => store.query({ entityIds: ['web'], cursor: "1; DROP TABLE estate_events" })).toThrow(/Not an event cursor/);
  });

  it('reads events cached before it existed (schema 4), naming their kind from the id', () => {
    const db = freshDb();
    db.prepare('INSERT INTO estate_events (source_id, id, entity_id, last_at, body, kind, recorded_at) VALUES (?, ?, ?, ?, ?, ?, ?)').run(
      'k8s:prod',
      'legacy',
      'web',
      t0,
      JSON.stringify({ id: 'legacy', sourceId: 'k8s:prod', entityId: 'web', type: 'warning', reason: 'BackOff', message: 'm', count: 2, firstAt: t0, lastAt: t0 }),
      'kubernetes',
      t0,
    );
    expect(new EventStore(db).query({ entityIds: ['web'] }).events).toMatchObject([{ id: 'legacy', kind: 'kubernetes', occurredAt: t0 }]);
  });

  it('uses the entity index, not a scan, for a set of entities', () => {
    const db = freshDb();
    const plan = db
      .prepare(
        `EXPLAIN QUERY PLAN SELECT rowid FROM estate_events WHERE entity_id IN (SELECT value FROM json_each(?)) AND last_at >= ? AND last_at <= ? ORDER BY last_at DESC, rowid DESC LIMIT ?`,
      )
      .all('["a","b"]', 0, 1, 10) as Array<{ detail: string }>;
    expect(plan.map((row) => row.detail).join('\n')).toMatch(/USING (COVERING )?INDEX estate_events_by_entity \(entity_id=\?/);
  });

  it('counts a reason per entity (reasonCounts) as summing the counts of the events a query returns', () => {
    // What the scorecards' crash-loop check read per workload before, held to the grouped read.
    for (let seed = 1; seed <= 20; seed++) {
      const random = seededRandom(seed);
      const pick = <T,>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)]!;
      const store = new EventStore(freshDb(), { now: () => t0 });
      const entities = ['pod-a', 'pod-b', 'pod-c', 'deploy-x', null];
      const events: EstateEvent[] = [];
      for (let i = 0; i < 60; i++) {
        const at = t0 - Math.floor(random() * 2 * day);
        events.push(event(`e${i}`, pick(entities), at, pick(['kubernetes', 'kubernetes', 'alarm'] as const), { reason: pick(['BackOff', 'BackOff', 'Scheduled']), count: 1 + Math.floor(random() * 9) }));
      }
      store.append(events);
      const from = t0 - day;
      const counts = store.reasonCounts('kubernetes', 'BackOff', from);
      const expected = new Map<string, number>();
      for (const id of ['pod-a', 'pod-b', 'pod-c', 'deploy-x']) {
        for (const e of store.query({ entityIds: [id], from, kinds: ['kubernetes'], limit: 1000 }).events) {
          if (e.reason === 'BackOff') expected.set(id, (expected.get(id) ?? 0) + e.count);
        }
      }
      expect(new Map([...counts].sort()), `seed ${seed}`).toEqual(new Map([...expected].sort()));
    }
  });

  it('skips rows whose body is not JSON or has no numeric count when counting a reason', () => {
    const db = freshDb();
    const store = new EventStore(db, { now: () => t0 });
    store.append([
      event('good', 'pod-a', t0, 'kubernetes', { reason: 'BackOff', count: 3 }),
      event('broken', 'pod-a', t0, 'kubernetes', { reason: 'BackOff', count: 4 }),
      event('textual', 'pod-b', t0, 'kubernetes', { reason: 'BackOff', count: 5 }),
    ]);
    db.prepare("UPDATE estate_events SET body = '{not json' WHERE id = 'broken'").run();
    db.prepare(`UPDATE estate_events SET body = json_set(body, '$.count', 'five') WHERE id = 'textual'`).run();
    expect(store.reasonCounts('kubernetes', 'BackOff', t0 - day)).toEqual(new Map([['pod-a', 3]]));
  });
});
