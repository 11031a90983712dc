import { describe, expect, it } from 'vitest';
import { EntitySearch } from '../../../renderer/features/estate/entity-search.js';
import { EstateIndex } from '../../../renderer/features/estate/estate-index.js';
import { searchEntities } from '../../../renderer/features/estate/filters.js';
import type { Entity, Health } from '../../../shared/estate/model.js';
import { seededRandom as seeded } from '../../seeded-random.js';

/**
 * The finders' search over the live estate (flat arrays, narrowing from the last keystroke, the
 * last matches reused) must answer exactly as a full scan with searchEntities does: typed a
 * character at a time, under random queries and limits, and while frames change the estate.
 */

const apps = ['checkout-api', 'checkout-web', 'cart', 'catalog-api', 'payments', 'Checkout-API-v2', 'search'];
const healths: Health[] = ['healthy', 'healthy', 'degraded', 'failing', 'unknown'];

function pod(random: () => number, n: number): Entity {
  const app = apps[Math.floor(random() * apps.length)]!;
  return {
    id: `k8s:shop/ns-${n % 3}/Pod/${app}-${n}`,
    kind: random() < 0.8 ? 'pod' : 'deployment',
    name: random() < 0.05 ? app : `${app}-${n.toString(36)}`,
    parentId: null,
    sourceId: 'k8s:shop',
    labels: random() < 0.5 ? { app, team: random() < 0.5 ? 'Payments' : 'storefront' } : {},
    annotations: {},
    health: healths[Math.floor(random() * healths.length)]!,
    healthReason: '',
    status: {},
    observedAt: 0,
  };
}

describe('finding an entity by name as it is typed', () => {
  // As built (the corpus for most queries, narrowing the few), and with the limits that send
  // every query down one path: always the corpus, with every frame's changes folded back into it
  // when prepared; always narrowing entity by entity, with changed entities never folded back.
  it.each([
    ['as built', {}],
    ['along the corpus, rebuilt whenever prepared', { narrow: 0, loose: 0 }],
    ['narrowing entity by entity, the corpus never rebuilt', { narrow: 1e9, loose: 1e9 }],
  ])('answers as a full scan does, keystroke by keystroke, while frames change the estate (%s)', (_, limits) => {
    const random = seeded(42);
    const index = new EstateIndex();
    const entities = Array.from({ length: 600 }, (_, n) => pod(random, n));
    index.load(entities, []);
    const search = new EntitySearch(index, limits);
    let next = entities.length;
    const typed = ['checkout-api', 'CHECKOUT', 'c', 'cart-1', 'payments kind:pod', 'kind:deployment health:failing', 'health:degraded check', 'storefront', 'ns-1/pod', 'zzz', '  ', ''];
    let compared = 0;
    for (let round = 0; round < 30; round++) {
      const word = random() < 0.6 ? typed[Math.floor(random() * typed.length)]! : apps[Math.floor(random() * apps.length)]!.slice(0, 1 + Math.floor(random() * 8));
      for (let i = 0; i <= word.length; i++) {
        const query = word.slice(0, i);
        // The finder's few, then the topology's many, on the same keystroke.
        for (const limit of [8, 500, random() < 0.5 ? 1 : 3]) {
          expect(search.search(query, limit).map((e) => e.id), `${query} (${limit})`).toEqual(searchEntities(index.entities.values(), query, limit).map((e) => e.id));
          compared++;
        }
        // The store prepares the search when the browser is idle after a publish (the first time
        // also searching to warm it): whenever that lands, the answers stay the same.
        if (random() < 0.1) search.prepare();
        // Now and then a frame lands mid-word: an entity changes health, one is renamed (into or
        // out of the matches), one goes, one comes, one goes and comes back in the same frame.
        if (random() < 0.3) {
          const ids = [...index.entities.keys()];
          const any = () => index.get(ids[Math.floor(random() * ids.length)]!)!;
          const renamed = any();
          const back = any();
          index.apply({
            upserted: [
              { ...any(), health: healths[Math.floor(random() * healths.length)]! },
              { ...renamed, name: random() < 0.5 ? `zz-${renamed.name}` : apps[Math.floor(random() * apps.length)]! },
              pod(random, next++),
              back,
            ],
            removed: [any().id, back.id],
            relationsUpserted: [],
            relationsRemoved: [],
          });
        }
        // Rarely, a snapshot replaces everything (the engine restarted, the view resubscribed).
        if (random() < 0.02) index.load(Array.from({ length: 300 }, () => pod(random, next++)), []);
      }
    }
    expect(compared).toBeGreaterThan(300);
  }, 60_000);

  it('finds nothing for an empty query or a limit of zero', () => {
    const index = new EstateIndex();
    index.load([pod(seeded(1), 1)], []);
    const search = new EntitySearch(index);
    expect(search.search('   ', 8)).toEqual([]);
    expect(search.search('c', 0)).toEqual([]);
  });
});
