import os from 'node:os';
import path from 'node:path';
import fs from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openStore } from '../../../electron/engine/store/database.js';
import type { StoreDatabase } from '../../../electron/engine/store/database.js';
import { SeriesCache } from '../../../electron/engine/metrics/series-cache.js';

let dir: string;
let db: StoreDatabase;

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'daytwo-series-'));
  db = openStore(dir);
});
afterEach(() => {
  db.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

function ramp(from: number, to: number, step: number, value: (t: number) => number) {
  const t: number[] = [];
  for (let x = from; x <= to; x += step) t.push(x);
  return { labels: { service: 'api' }, t: Float64Array.from(t), v: Float64Array.from(t, value) };
}

describe('the series cache', () => {
  it('answers a range from what was fetched, and says what it lacks', () => {
    const cache = new SeriesCache(db);
    cache.put('q', { start: 0, end: 60_000, stepMs: 1000, fetchedAt: 100, unit: 'rate', series: [ramp(0, 60_000, 1000, (t) => t)] });
    const read = cache.read('q', 30_000, 90_000);
    expect(read.fetchedAt).toBe(100);
    expect(read.series[0]!.t[0]).toBe(30_000);
    expect(read.series[0]!.t.length).toBe(31);
    expect(read.covered).toEqual([[30_000, 60_000]]);
  });

  it('replaces what a newer fetch covers instead of storing the window twice', () => {
    const cache = new SeriesCache(db);
    cache.put('q', { start: 0, end: 60_000, stepMs: 1000, fetchedAt: 100, unit: 'rate', series: [ramp(0, 60_000, 1000, () => 1)] });
    cache.put('q', { start: 30_000, end: 90_000, stepMs: 1000, fetchedAt: 200, unit: 'rate', series: [ramp(30_000, 90_000, 1000, () => 2)] });
    const read = cache.read('q', 0, 90_000);
    const s = read.series[0]!;
    expect(s.t.length).toBe(91);
    expect(s.v[10]).toBe(1);
    expect(s.v[40]).toBe(2);
    expect(read.fetchedAt).toBe(200);
    expect(cache.size().chunks).toBe(2);
  });

  it('appends samples of an instantaneous API into one growing chunk', () => {
    const cache = new SeriesCache(db);
    for (let i = 1; i <= 20; i++) cache.append('k', i * 15_000, 15_000, 'cores', [{ labels: { object: 'pods' }, t: Float64Array.of(i * 15_000), v: Float64Array.of(i) }]);
    expect(cache.size().chunks).toBe(1);
    const read = cache.read('k', 0, 300_000);
    expect(Array.from(read.series[0]!.v)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
    expect(read.covered).toEqual([[0, 300_000]]);
  });

  it('forgets data past retention', () => {
    const cache = new SeriesCache(db, { retentionMs: 1000 });
    cache.put('q', { start: 0, end: 10_000, stepMs: 1000, fetchedAt: 10_000, unit: '', series: [ramp(0, 10_000, 1000, () => 1)] });
    cache.prune(100_000);
    expect(cache.size().chunks).toBe(0);
  });
});

describe('the series cache across chart widths', () => {
  it('keeps the finer data when a coarser fetch covers the same range', () => {
    const cache = new SeriesCache(db);
    cache.put('q', { start: 60_000, end: 120_000, stepMs: 1000, fetchedAt: 100, unit: 'rate', series: [ramp(60_000, 120_000, 1000, () => 1)] });
    cache.put('q', { start: 0, end: 600_000, stepMs: 60_000, fetchedAt: 200, unit: 'rate', series: [ramp(0, 600_000, 60_000, () => 2)] });
    const read = cache.read('q', 0, 600_000);
    const s = read.series[0]!;
    const inFine = Array.from(s.t).filter((t) => t >= 60_000 && t <= 120_000);
    expect(inFine).toHaveLength(61);
    expect(Array.from(s.v).filter((v) => v === 2).length).toBe(11 - 2);
  });
});
