import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

/**
 * Gives memory back once garbage has piled up. On a machine with plenty of RAM V8 sets a heap
 * limit of several GB and lets the heap grow towards it rather than collect: an engine holding
 * 50,000 pods (about 260 MB live) sat at 760 MB of heap and 990 MB resident after its first
 * list and scorecard pass, and only a full collection brought it to 260 MB and 480 MB
 * (test/bench/engine-memory.js, with and without one). V8 offers the embedder no "reduce memory
 * now" call through Node, so the process collects itself, seldom and only once the heap has
 * grown well past what the last collection left.
 */

export interface MemoryReducerOptions {
  /** A full collection. */
  collect: () => void;
  heapUsed: () => number;
  now?: () => number;
  /** Collect once the heap in use is this many times what the last collection left… */
  growth?: number;
  /** …and at least this many bytes more (a small heap is never worth a pause). */
  minGrowthBytes?: number;
  /** At most one collection in this long: each pauses the engine. */
  minIntervalMs?: number;
  /**
   * Not now: a collection of a 50,000-pod heap pauses the engine for up to a second, which a
   * burst of watch events on its way to the console should not wait behind; the next check tries again.
   */
  busy?: () => boolean;
}

export interface MemoryReducer {
  /** Collects if the heap has grown enough since the last one and none ran too recently; true if it did. */
  check(): boolean;
}

export function memoryReducer(options: MemoryReducerOptions): MemoryReducer {
  const now = options.now ?? Date.now;
  const growth = options.growth ?? 1.5;
  const minGrowth = options.minGrowthBytes ?? 96 * 1024 * 1024;
  const minInterval = options.minIntervalMs ?? 30_000;
  // Until the first collection, measure growth from the heap of a fresh engine.
  let baseline = options.heapUsed();
  let lastAt = -Infinity;
  return {
    check() {
      const used = options.heapUsed();
      if (now() - lastAt < minInterval) return false;
      if (used < baseline * growth || used - baseline < minGrowth) return false;
      if (options.busy?.()) return false;
      options.collect();
      lastAt = now();
      baseline = options.heapUsed();
      return true;
    },
  };
}

/**
 * Starts the reducer for this process, checking every `everyMs`; returns a stop function. Does
 * nothing (and says so once, through `log`) where no full collection can be had.
 */
export function startMemoryReducer(log: (message: string) => void, busy: () => boolean = () => false, everyMs = 15_000): () => void {
  const collect = fullCollection();
  if (!collect) {
    log('memory reducer off: this runtime does not let the engine ask for a full collection');
    return () => {};
  }
  const reducer = memoryReducer({ collect, heapUsed: () => process.memoryUsage().heapUsed, busy });
  const timer = setInterval(() => reducer.check(), everyMs);
  timer.unref();
  return () => clearInterval(timer);
}

function fullCollection(): (() => void) | null {
  const gc = exposedGc();
  return gc ? () => compacting(gc) : null;
}

function exposedGc(): (() => void) | null {
  const exposed = (globalThis as { gc?: unknown }).gc;
  if (typeof exposed === 'function') return exposed as () => void;
  try {
    // The flag takes effect for contexts made after it is set: a fresh one hands over gc().
    setFlagsFromString('--expose-gc');
    const gc: unknown = runInNewContext('gc');
    return typeof gc === 'function' ? (gc as () => void) : null;
  } catch {
    return null;
  }
}

/**
 * A full collection that also moves what survives onto as few pages as it fills and hands the
 * rest back to the system. A plain one frees the garbage but keeps every page that still holds
 * one live object: after a 50,000-pod list the engine's old space held 199 MB live on 375 MB of
 * pages. V8 reads the flag at each full collection, so it is on for this one only.
 */
function compacting(gc: () => void): void {
  setFlagsFromString('--compact-on-every-full-gc');
  try {
    gc();
  } finally {
    setFlagsFromString('--no-compact-on-every-full-gc');
  }
}

/**
 * Busy while the estate's frames have carried more than `changes` entities in the last
 * `windowMs` or so: a burst on its way to the console. A watched estate always changes a
 * little (pods restart, events come), so a quiet spell cannot be the test, or a large estate
 * would never collect.
 */
export function busyWhileBursting(
  subscribe: (listener: (frame: { upserted: readonly unknown[]; removed: readonly unknown[] }) => void) => () => void,
  options: { changes?: number; windowMs?: number; now?: () => number } = {},
): () => boolean {
  const now = options.now ?? Date.now;
  const windowMs = options.windowMs ?? 5_000;
  const threshold = options.changes ?? 500;
  let windowStart = now();
  let current = 0;
  let previous = 0;
  const roll = (): void => {
    const t = now();
    if (t - windowStart < windowMs) return;
    // A window with nothing in it since the last roll leaves no trace of what came before it.
    previous = t - windowStart < 2 * windowMs ? current : 0;
    current = 0;
    windowStart = t;
  };
  subscribe((frame) => {
    roll();
    current += frame.upserted.length + frame.removed.length;
  });
  return () => {
    roll();
    return current + previous > threshold;
  };
}
