import { describe, expect, it } from 'vitest';
import { IdSets } from '../../../electron/engine/state/id-sets.js';

describe('ids by key, small ones held as arrays', () => {
  it('holds what a Map of Sets holds, in the same order, after every add and delete', () => {
    let seed = 4_242;
    const next = (n: number) => (seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) % n;
    const sets = new IdSets(4);
    const model = new Map<string, Set<string>>();
    for (let step = 0; step < 6_000; step++) {
      const key = `k${next(12)}`;
      // Keys that grow past the limit and shrink again, and ids added twice.
      const id = `id${next(step % 2000 < 1000 ? 10 : 4)}`;
      if (next(3) > 0) {
        sets.add(key, id);
        let set = model.get(key);
        if (!set) model.set(key, (set = new Set()));
        set.add(id);
      } else {
        sets.delete(key, id);
        const set = model.get(key);
        set?.delete(id);
        if (set?.size === 0) model.delete(key);
      }
      const want = model.get(key);
      const got = sets.get(key);
      if (!want ? got !== undefined : [...(got ?? [])].join() !== [...want].join()) {
        expect([...(got ?? [])], `step ${step} ${key}`).toEqual(want ? [...want] : undefined);
      }
    }
  });

  it('leaves a read in progress on a small key as it was', () => {
    const sets = new IdSets();
    sets.add('a', 'x');
    sets.add('a', 'y');
    const seen: string[] = [];
    for (const id of sets.get('a') ?? []) {
      seen.push(id);
      sets.delete('a', 'y');
      sets.add('a', 'z');
    }
    expect(seen).toEqual(['x', 'y']);
    expect([...(sets.get('a') ?? [])]).toEqual(['x', 'z']);
  });
});
