import { EstateIndex } from '../../../renderer/features/estate/estate-index.js';
import { fixtureEstate } from '../../../renderer/features/estate/fixture.js';

/** The console's fixture estate loaded into an index, at a fixed time so runs compare. */
export function fixtureIndex(pods: number, seed?: number): EstateIndex {
  const fixture = fixtureEstate({ pods, now: 1_700_000_000_000, ...(seed === undefined ? {} : { seed }) });
  const index = new EstateIndex();
  index.load(fixture.entities, fixture.relations);
  return index;
}

/** A small seeded generator for the random frames these tests send, so a failure replays. */
export function rng(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1103515245 + 12345) & 0x7fffffff;
    return state / 0x7fffffff;
  };
}
