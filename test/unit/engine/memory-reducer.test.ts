import { describe, expect, it } from 'vitest';
import { busyWhileBursting, memoryReducer } from '../../../electron/engine/memory-reducer.js';

const MB = 1024 * 1024;

/** A heap that grows by what the test allocates and falls to `live` on a collection. */
function fakeHeap(start: number) {
  const heap = { used: start, live: start, collections: 0, clock: 0 };
  const reducer = memoryReducer({
    collect: () => {
      heap.collections++;
      heap.used = heap.live;
    },
    heapUsed: () => heap.used,
    now: () => heap.clock,
    growth: 1.5,
    minGrowthBytes: 96 * MB,
    minIntervalMs: 60_000,
  });
  return { heap, reducer };
}

describe('memoryReducer', () => {
  it('collects once garbage has grown the heap by half and by enough bytes, then measures from what is left', () => {
    const { heap, reducer } = fakeHeap(200 * MB);
    heap.used = 290 * MB; // +45 %: not yet
    expect(reducer.check()).toBe(false);
    heap.used = 760 * MB;
    heap.live = 260 * MB;
    expect(reducer.check()).toBe(true);
    expect(heap.used).toBe(260 * MB);
    heap.clock += 120_000;
    heap.used = 380 * MB; // +46 % of the 260 left: not yet
    expect(reducer.check()).toBe(false);
    heap.used = 400 * MB;
    expect(reducer.check()).toBe(true);
    expect(heap.collections).toBe(2);
  });

  it('never collects a small heap, however much it grew in proportion', () => {
    const { heap, reducer } = fakeHeap(20 * MB);
    heap.used = 100 * MB; // five times, but only 80 MB more
    expect(reducer.check()).toBe(false);
    expect(heap.collections).toBe(0);
  });

  it('collects at most once a minute, even while garbage keeps piling up', () => {
    const { heap, reducer } = fakeHeap(200 * MB);
    heap.used = 800 * MB;
    expect(reducer.check()).toBe(true);
    heap.used = 800 * MB;
    heap.clock += 30_000;
    expect(reducer.check()).toBe(false);
    heap.clock += 30_000;
    expect(reducer.check()).toBe(true);
    expect(heap.collections).toBe(2);
  });

  it('the process-wide reducer can ask this runtime for a full collection', async () => {
    const { startMemoryReducer } = await import('../../../electron/engine/memory-reducer.js');
    const said: string[] = [];
    const stop = startMemoryReducer((m) => said.push(m), () => false, 60_000);
    stop();
    expect(said).toEqual([]);
  });
  it('waits while the engine is busy, and collects at the first check after', () => {
    let busy = true;
    let collections = 0;
    let used = 200 * MB;
    const reducer = memoryReducer({ collect: () => ((collections += 1), (used = 260 * MB)), heapUsed: () => used, busy: () => busy, now: () => 0 });
    used = 900 * MB;
    expect(reducer.check()).toBe(false);
    busy = false;
    expect(reducer.check()).toBe(true);
    expect(collections).toBe(1);
  });
});

describe('busyWhileBursting', () => {
  function frames() {
    let clock = 0;
    let listener: (frame: { upserted: unknown[]; removed: unknown[] }) => void = () => {};
    const busy = busyWhileBursting((l) => ((listener = l), () => {}), { changes: 500, windowMs: 5_000, now: () => clock });
    return {
      busy,
      send: (changes: number) => listener({ upserted: new Array(changes).fill(0), removed: [] }),
      wait: (ms: number) => (clock += ms),
    };
  }

  it('is not busy with the trickle a watched estate always has', () => {
    const f = frames();
    for (let i = 0; i < 60; i++) {
      f.send(3);
      f.wait(1_000);
      expect(f.busy()).toBe(false);
    }
  });

  it('is busy through a burst and for one window after it, then not', () => {
    const f = frames();
    f.wait(1_000);
    for (let i = 0; i < 10; i++) f.send(500);
    expect(f.busy()).toBe(true);
    f.wait(5_000);
    expect(f.busy()).toBe(true);
    f.wait(5_000);
    expect(f.busy()).toBe(false);
  });

  it('forgets a burst after a long silence', () => {
    const f = frames();
    f.send(5_000);
    f.wait(60_000);
    expect(f.busy()).toBe(false);
  });
});
