import { describe, expect, it } from 'vitest';
import type { Entity, EstateDelta } from '../../../shared/estate/model.js';
import type { EstateIndex } from '../../../renderer/features/estate/estate-index.js';
import { fixtureEstate } from '../../../renderer/features/estate/fixture.js';
import { fixtureIndex, rng } from './fixture-index.js';
import { compileFilter, noFilter } from '../../../renderer/features/estate/filters.js';
import { aggregate, aggregateChanged, layoutTopology } from '../../../renderer/features/topology/layout.js';
import type { TopologyLayout, TopologyOptions } from '../../../renderer/features/topology/layout.js';
import { TopologyModel } from '../../../renderer/features/topology/topology-model.js';

/**
 * The topology keeps the subtrees of its last layout and rebuilds only what a frame changed.
 * Whatever frames arrive, what it draws must be what a layout from nothing would draw.
 */

function estate(pods: number) {
  return fixtureIndex(pods);
}

/** Everything a box is drawn from, in layout order. */
function picture(layout: TopologyLayout) {
  return {
    width: layout.width,
    height: layout.height,
    boxes: layout.boxes.map((b) => ({
      id: b.id,
      parent: b.parent,
      end: b.end,
      depth: b.depth,
      x: b.x,
      y: b.y,
      w: b.w,
      h: b.h,
      group: b.group,
      expanded: b.expanded,
      dot: b.dot,
      hidden: [...b.hidden].sort(),
      counts: b.counts,
      pods: b.pods,
      health: b.health,
      name: b.entity.name,
    })),
  };
}

const delta = (patch: Partial<EstateDelta>): EstateDelta => ({ upserted: [], removed: [], relationsUpserted: [], relationsRemoved: [], ...patch });

/** A frame as a watch could send one: pods replaced, scaled away, moved, renamed, namespaces deleted. */
function randomFrame(index: EstateIndex, random: () => number, serial: number): EstateDelta {
  const all = [...index.entities.values()];
  const pick = (kind: Entity['kind']) => {
    const of = all.filter((e) => e.kind === kind);
    return of.length > 0 ? of[Math.floor(random() * of.length)]! : undefined;
  };
  const upserted: Entity[] = [];
  const removed: string[] = [];
  const ops = 1 + Math.floor(random() * 6);
  for (let i = 0; i < ops; i++) {
    const roll = random();
    if (roll < 0.3) {
      // A burst of pods removed at once.
      const pods = all.filter((e) => e.kind === 'pod');
      for (let n = Math.floor(random() * 40); n > 0 && pods.length > 0; n--) removed.push(pods.splice(Math.floor(random() * pods.length), 1)[0]!.id);
    } else if (roll < 0.55) {
      // New pods under a ReplicaSet, a StatefulSet, or bare in a namespace.
      const parent = pick(random() < 0.4 ? 'replicaset' : random() < 0.5 ? 'statefulset' : 'namespace');
      if (!parent) continue;
      for (let n = 1 + Math.floor(random() * 30); n > 0; n--) {
        upserted.push({ ...parent, id: `${parent.id}/Pod/new-${serial}-${i}-${n}`, kind: 'pod', name: `new-${serial}-${i}-${n}`, parentId: parent.id, health: random() < 0.2 ? 'failing' : 'healthy' });
      }
    } else if (roll < 0.65) {
      // A pod moved to another workload (re-parented).
      const pod = pick('pod');
      const to = pick('replicaset');
      if (pod && to) upserted.push({ ...pod, parentId: to.id });
    } else if (roll < 0.75) {
      // A workload renamed: its place among its siblings changes.
      const workload = pick('deployment');
      if (workload) upserted.push({ ...workload, name: `${workload.name}-${serial}` });
    } else if (roll < 0.82) {
      // A node joins or leaves (nodes sit in their cluster's synthetic group).
      const node = pick('node');
      if (node && random() < 0.5) removed.push(node.id);
      else if (node) upserted.push({ ...node, id: `${node.id}-x${serial}`, name: `${node.name}-x${serial}` });
    } else if (roll < 0.87) {
      // A namespace deleted before its contents: they are orphans, drawn at the top.
      const ns = pick('namespace');
      if (ns) removed.push(ns.id);
    } else {
      // Health only: no structure change.
      const pod = pick('pod');
      if (pod) upserted.push({ ...pod, health: pod.health === 'healthy' ? 'failing' : 'healthy' });
    }
  }
  return delta({ upserted, removed });
}

describe('topology model (incremental layout)', () => {
  for (const expandTo of [3, 5, 6]) {
    it(`lays out, after any run of frames, exactly what a full layout would (down to level ${expandTo})`, () => {
      const index = estate(1_500);
      const model = new TopologyModel(index);
      const options: TopologyOptions = { expandTo, overrides: new Map(), filter: null };
      model.setOptions(options, 1.6);
      model.layout();
      const random = rng(expandTo * 7919);
      for (let serial = 0; serial < 40; serial++) {
        index.apply(randomFrame(index, random, serial));
        const kept = model.layout();
        expect(picture(kept), `after frame ${serial}`).toEqual(picture(layoutTopology(index, options, 1.6)));
      }
      model.dispose();
      // Forty full layouts to compare against: slow on a loaded machine, not a performance bound.
    }, 60_000);
  }

  it('keeps per-group choices and starts over when they change', () => {
    const index = estate(600);
    const model = new TopologyModel(index);
    const workload = [...index.entities.values()].find((e) => e.kind === 'deployment')!;
    let options: TopologyOptions = { expandTo: 5, overrides: new Map([[workload.id, true]]), filter: null };
    model.setOptions(options, 1.8);
    model.layout();
    index.apply(delta({ removed: [...index.entities.values()].filter((e) => e.kind === 'pod').slice(0, 50).map((e) => e.id) }));
    expect(picture(model.layout())).toEqual(picture(layoutTopology(index, options, 1.8)));
    options = { ...options, overrides: new Map([[workload.id, false]]) };
    model.setOptions(options, 1.8);
    expect(picture(model.layout())).toEqual(picture(layoutTopology(index, options, 1.8)));
  });

  it('lays out from nothing when a snapshot replaces the estate, or a filter is on', () => {
    const index = estate(600);
    const model = new TopologyModel(index);
    const filtered: TopologyOptions = { expandTo: 6, overrides: new Map(), filter: compileFilter({ ...noFilter, health: new Set(['failing']) }) };
    model.setOptions(filtered, 1.8);
    model.layout();
    // Health changes nothing structural, but with a filter on the next layout reads it afresh.
    const healthy = [...index.entities.values()].find((e) => e.kind === 'pod' && e.health === 'healthy')!;
    index.apply(delta({ upserted: [{ ...healthy, health: 'failing' }, { ...healthy, id: `${healthy.id}-2`, name: `${healthy.name}-2` }] }));
    expect(picture(model.layout())).toEqual(picture(layoutTopology(index, filtered, 1.8)));

    const other = fixtureEstate({ pods: 300, seed: 11, now: 1_700_000_000_000 });
    index.load(other.entities, other.relations);
    const plain: TopologyOptions = { expandTo: 6, overrides: new Map(), filter: null };
    model.setOptions(plain, 1.8);
    expect(picture(model.layout())).toEqual(picture(layoutTopology(index, plain, 1.8)));
  });

  it('rebuilds only the subtrees a frame touched', () => {
    const index = estate(3_000);
    const model = new TopologyModel(index);
    model.setOptions({ expandTo: 6, overrides: new Map(), filter: null }, 1.8);
    const before = model.layout();
    const pod = before.boxes.find((b) => b.dot)!;
    index.apply(delta({ removed: [pod.id] }));
    expect(model.stale).toBe(true);
    const after = model.layout();
    expect(model.stale).toBe(false);
    expect(after.byId.has(pod.id)).toBe(false);
    // A namespace in another cluster kept its contents' sizes: same box, same size.
    const far = before.boxes.find((b) => b.entity.kind === 'namespace' && !pod.id.startsWith(b.id.split('/')[0]!))!;
    const farAfter = after.boxes[after.byId.get(far.id)!]!;
    expect({ w: farAfter.w, h: farAfter.h }).toEqual({ w: far.w, h: far.h });
  });

  it('counts a few changed entities again as a full count would, wherever they are drawn', () => {
    for (const expandTo of [3, 5, 6]) {
      const index = estate(1_500);
      const options: TopologyOptions = { expandTo, overrides: new Map(), filter: null };
      const kept = layoutTopology(index, options);
      const random = rng(expandTo);
      const entities = [...index.entities.values()];
      const healths = ['healthy', 'degraded', 'failing', 'unknown'] as const;
      for (let frame = 0; frame < 30; frame++) {
        const changed: Entity[] = [];
        for (let n = 1 + Math.floor(random() * 20); n > 0; n--) {
          const entity = entities[Math.floor(random() * entities.length)]!;
          changed.push({ ...entity, health: healths[Math.floor(random() * 4)]! });
        }
        index.apply(delta({ upserted: changed }));
        aggregateChanged(kept, index, changed.map((e) => e.id));
        const full = layoutTopology(index, options);
        aggregate(full, index);
        expect(picture(kept), `down to ${expandTo}, frame ${frame}`).toEqual(picture(full));
      }
    }
  }, 60_000);
});
