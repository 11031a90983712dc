import { describe, expect, it } from 'vitest';
import type { Entity } from '../../../shared/estate/model.js';
import { EstateIndex } from '../../../renderer/features/estate/estate-index.js';
import { fixtureEstate } from '../../../renderer/features/estate/fixture.js';
import { rng } from './fixture-index.js';

/**
 * The index keeps its roots (entities without a parent in it) as frames arrive, rather than
 * finding them by walking every entity. Whatever arrives, in whatever order, they must be the
 * entities a walk would find.
 */

function walkedRoots(index: EstateIndex): string[] {
  return [...index.entities.values()].filter((e) => e.parentId === null || !index.entities.has(e.parentId)).map((e) => e.id).sort();
}

function keptRoots(index: EstateIndex): string[] {
  return [...index.roots()].map((e) => e.id).sort();
}

describe('EstateIndex roots', () => {
  it('match a walk of every entity through random frames: removals, re-parenting, children before parents', () => {
    const { entities } = fixtureEstate({ pods: 300, now: 1_700_000_000_000 });
    const random = rng(7);
    const pick = () => entities[Math.floor(random() * entities.length)]!;
    const index = new EstateIndex();
    // Children before their parents: the snapshot arrives backwards, and roots are asked half way.
    index.load(entities.slice(entities.length >> 1).reverse(), []);
    expect(keptRoots(index)).toEqual(walkedRoots(index));
    for (let frame = 0; frame < 300; frame++) {
      const removed: string[] = [];
      const upserted: Entity[] = [];
      for (let n = 0; n < 1 + Math.floor(random() * 6); n++) {
        const roll = random();
        const entity = pick();
        if (roll < 0.35) removed.push(entity.id);
        else if (roll < 0.5) upserted.push({ ...entity, parentId: pick().id });
        else if (roll < 0.55) upserted.push({ ...entity, parentId: null });
        else if (roll < 0.6) upserted.push({ ...entity, parentId: 'never-reported' });
        else upserted.push({ ...entity, health: random() < 0.5 ? 'failing' : 'healthy' });
      }
      index.apply({ removed, upserted, relationsRemoved: [], relationsUpserted: [] });
      expect(keptRoots(index), `frame ${frame}`).toEqual(walkedRoots(index));
    }
    index.load(entities, []);
    expect(keptRoots(index)).toEqual(walkedRoots(index));
    expect(keptRoots(index).length).toBeGreaterThan(0);
  });
});
