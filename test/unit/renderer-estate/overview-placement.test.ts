import { describe, expect, it } from 'vitest';
import type { Entity } from '../../../shared/estate/model.js';
import { emptyCounts, unplacedGroupId } from '../../../shared/estate/health.js';
import { EstateIndex } from '../../../renderer/features/estate/estate-index.js';
import { fixtureEstate } from '../../../renderer/features/estate/fixture.js';
import { derivedSourceId, groupKey, overviewOf, placementOf } from '../../../renderer/features/estate/rollup.js';
import type { GroupExtras } from '../../../renderer/features/estate/rollup.js';

/**
 * The overview places every entity again after a structure change, remembering each ancestor's
 * placement on the way; what it counts per cloud, cluster and namespace must be what walking
 * each entity's ancestors (placementOf) would count, broken parent chains included.
 */
function expectedExtras(index: EstateIndex): Map<string, GroupExtras> {
  const extras = new Map<string, GroupExtras>();
  for (const entity of index.entities.values()) {
    if (entity.sourceId === derivedSourceId && entity.kind !== 'cluster') continue;
    const where = placementOf(index, entity);
    const keys = [groupKey('cloud', where.cloud ?? unplacedGroupId)];
    if (where.cluster) keys.push(groupKey('cluster', where.cluster));
    if (where.namespace) keys.push(groupKey('namespace', where.namespace));
    for (const key of keys) {
      let extra = extras.get(key);
      if (!extra) extras.set(key, (extra = { sourceIds: new Set(), pods: emptyCounts() }));
      extra.sourceIds.add(entity.sourceId);
      if (entity.kind === 'pod') extra.pods[entity.health]++;
    }
  }
  return extras;
}

describe('overview placement', () => {
  it('counts each group as walking every ancestor chain would, after structure changes and through a parent cycle', () => {
    const fixture = fixtureEstate({ pods: 800, now: 1_700_000_000_000 });
    const index = new EstateIndex();
    index.load(fixture.entities, fixture.relations);
    expect(overviewOf(index).extras).toEqual(expectedExtras(index));

    const pods = [...index.entities.values()].filter((e) => e.kind === 'pod');
    const namespace = [...index.entities.values()].find((e) => e.kind === 'namespace')!;
    const cycleA: Entity = { ...pods[0]!, id: 'cycle-a', name: 'cycle-a', parentId: 'cycle-b' };
    const cycleB: Entity = { ...pods[0]!, id: 'cycle-b', name: 'cycle-b', kind: 'namespace', parentId: 'cycle-a' };
    const below: Entity = { ...pods[0]!, id: 'below-cycle', name: 'below-cycle', parentId: 'cycle-a' };
    index.apply({
      upserted: [cycleA, cycleB, below, { ...pods[1]!, parentId: namespace.id }, { ...pods[2]!, parentId: 'nowhere' }],
      removed: [pods[3]!.id, namespace.parentId!],
      relationsUpserted: [],
      relationsRemoved: [],
    });
    expect(overviewOf(index).extras).toEqual(expectedExtras(index));
  });
});
