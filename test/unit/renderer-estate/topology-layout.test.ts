import { describe, expect, it } from 'vitest';
import { EstateIndex } from '../../../renderer/features/estate/estate-index.js';
import { fixtureEstate } from '../../../renderer/features/estate/fixture.js';
import { compileFilter, noFilter } from '../../../renderer/features/estate/filters.js';
import { structuralEdges } from '../../../renderer/features/topology/edges.js';
import { aggregate, defaultExpandTo, layoutTopology, representativeOf, revealOverrides } from '../../../renderer/features/topology/layout.js';
import type { Box } from '../../../renderer/features/topology/layout.js';
import { BoxGrid } from '../../../renderer/features/topology/spatial-index.js';

function estate(pods: number) {
  const fixture = fixtureEstate({ pods, now: 1_700_000_000_000 });
  const index = new EstateIndex();
  index.load(fixture.entities, fixture.relations);
  return index;
}

const inside = (child: Box, parent: Box) =>
  child.x >= parent.x && child.y >= parent.y && child.x + child.w <= parent.x + parent.w && child.y + child.h <= parent.y + parent.h;

describe('topology layout', () => {
  it('nests every box inside its group, without siblings overlapping', () => {
    const index = estate(300);
    const layout = layoutTopology(index, { expandTo: 6, overrides: new Map(), filter: null });
    for (const box of layout.boxes) if (box.parent >= 0) expect(inside(box, layout.boxes[box.parent]!)).toBe(true);
    const siblings = new Map<number, Box[]>();
    for (const box of layout.boxes) siblings.set(box.parent, [...(siblings.get(box.parent) ?? []), box]);
    for (const group of siblings.values()) {
      for (let i = 0; i < group.length; i++)
        for (let j = i + 1; j < group.length; j++) {
          const a = group[i]!;
          const b = group[j]!;
          const overlap = a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h;
          expect(overlap, `${a.id} overlaps ${b.id}`).toBe(false);
        }
    }
  });

  it('draws a deployment\'s pods inside it, hoisted through the ReplicaSet', () => {
    const index = estate(300);
    const layout = layoutTopology(index, { expandTo: 6, overrides: new Map(), filter: null });
    const deploy = layout.byId.get('k8s:shop-prod-eks/checkout/Deployment/checkout-api')!;
    const pods = layout.boxes.filter((b) => b.parent === deploy);
    expect(pods.length).toBeGreaterThan(0);
    expect(pods.every((p) => p.dot && p.entity.kind === 'pod')).toBe(true);
    expect([...layout.byId.keys()].some((id) => id.includes('/ReplicaSet/'))).toBe(false);
  });

  it('collapses workloads by default at 10,000 pods and still counts every pod', () => {
    const index = estate(10_000);
    const pods = [...index.entities.values()].filter((e) => e.kind === 'pod').length;
    expect(pods).toBeGreaterThanOrEqual(9_000);
    const started = performance.now();
    const layout = layoutTopology(index, { expandTo: defaultExpandTo(pods), overrides: new Map(), filter: null });
    const elapsed = performance.now() - started;
    expect(layout.boxes.length).toBeLessThan(1_000);
    const roots = layout.boxes.filter((b) => b.parent < 0);
    const counted = roots.reduce((sum, r) => sum + r.pods.failing + r.pods.degraded + r.pods.healthy + r.pods.unknown, 0);
    expect(counted).toBe(pods);
    // Not a timing assertion on the suite (benchmarks own those); a generous bound catches an O(n²) slip.
    expect(elapsed).toBeLessThan(2_000);
  });

  it('expands one group on request and reveals a search hit by opening its ancestors', () => {
    const index = estate(10_000);
    const pod = [...index.entities.values()].find((e) => e.kind === 'pod' && e.health === 'failing')!;
    const collapsed = layoutTopology(index, { expandTo: 5, overrides: new Map(), filter: null });
    expect(collapsed.byId.has(pod.id)).toBe(false);
    const rep = representativeOf(collapsed, index, pod.id)!;
    expect(collapsed.boxes[rep]!.entity.kind).toBe('deployment');
    const revealed = layoutTopology(index, { expandTo: 5, overrides: revealOverrides(index, pod.id, new Map()), filter: null });
    expect(revealed.byId.has(pod.id)).toBe(true);
  });

  it('filters to failing things and the groups that contain them', () => {
    const index = estate(300);
    const layout = layoutTopology(index, {
      expandTo: 6,
      overrides: new Map(),
      filter: compileFilter({ ...noFilter, health: new Set(['failing']) }),
    });
    const leaves = layout.boxes.filter((b) => !b.expanded);
    expect(leaves.length).toBeGreaterThan(0);
    expect(leaves.every((b) => b.entity.health === 'failing')).toBe(true);
  });

  it('refreshes health in place when only health changed', () => {
    const index = estate(300);
    const layout = layoutTopology(index, { expandTo: 6, overrides: new Map(), filter: null });
    const web = layout.boxes.find((b) => b.entity.kind === 'pod' && b.health === 'healthy')!;
    const before = { x: web.x, y: web.y };
    index.apply({ upserted: [{ ...web.entity, health: 'failing' }], removed: [], relationsUpserted: [], relationsRemoved: [] });
    aggregate(layout, index);
    expect(web.health).toBe('failing');
    expect({ x: web.x, y: web.y }).toEqual(before);
  });

  it('hit-tests the deepest box under the pointer through the grid', () => {
    const index = estate(300);
    const layout = layoutTopology(index, { expandTo: 6, overrides: new Map(), filter: null });
    const grid = new BoxGrid(layout.boxes);
    const pod = layout.boxes.find((b) => b.dot)!;
    expect(grid.hit(pod.x + pod.w / 2, pod.y + pod.h / 2)).toBe(layout.byId.get(pod.id));
    const ns = layout.boxes.find((b) => b.entity.kind === 'namespace')!;
    expect(grid.hit(ns.x + 2, ns.y + 2)).toBe(layout.byId.get(ns.id));
    expect(grid.hit(-1000, -1000)).toBe(-1);
  });

  it('draws traffic and alarm relations between visible boxes, to the group when an end is collapsed', () => {
    const index = estate(300);
    const layout = layoutTopology(index, { expandTo: 3, overrides: new Map(), filter: null });
    const edges = structuralEdges(layout, index);
    expect(edges.length).toBeGreaterThan(0);
    expect(edges.every((e) => e.from !== e.to)).toBe(true);
  });
});
