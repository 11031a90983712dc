import { describe, expect, it } from 'vitest';
import { EstateIndex } from '../../../renderer/features/estate/estate-index.js';
import { fixtureEstate } from '../../../renderer/features/estate/fixture.js';
import { DOT, TILE_H, TILE_W, layoutTopology } from '../../../renderer/features/topology/layout.js';
import { BLOCK_BELOW_PX, RectBatch, detailOf } from '../../../renderer/features/topology/level-of-detail.js';
import type { RectTarget } from '../../../renderer/features/topology/level-of-detail.js';

/**
 * Level of detail: what a frame draws of each box at each zoom. Far out, workloads and pods are
 * blocks of their health's colour, filled one path per colour; close in, tiles have their
 * borders and names. A problem never disappears into a healthy block.
 */

function workloads() {
  const fixture = fixtureEstate({ pods: 3_000, now: 1_700_000_000_000 });
  const index = new EstateIndex();
  index.load(fixture.entities, fixture.relations);
  return layoutTopology(index, { expandTo: 5, overrides: new Map(), filter: null });
}

/** Every box's detail at zoom k. */
function detailsAt(k: number) {
  const layout = workloads();
  return layout.boxes.map((box) => ({ box, detail: detailOf(box, box.w * k, box.h * k) }));
}

describe('topology level of detail', () => {
  it('draws every collapsed workload as a block when tiles are a few pixels high, and as a tile once they are readable', () => {
    const far = detailsAt((BLOCK_BELOW_PX - 1) / TILE_H).filter(({ box }) => !box.expanded && !box.dot);
    expect(far.length).toBeGreaterThan(0);
    expect(far.every(({ detail }) => detail === 'block')).toBe(true);
    const near = detailsAt(1).filter(({ box }) => !box.expanded && !box.dot);
    expect(near.every(({ detail }) => detail === 'tile')).toBe(true);
  });

  it('draws pods as glyphs once they are big enough to tell apart, blocks below', () => {
    const pod = { dot: true, expanded: false };
    expect(detailOf(pod, DOT * 0.2, DOT * 0.2)).toBe('block');
    expect(detailOf(pod, DOT, DOT)).toBe('glyph');
  });

  it('draws a group too small to show its contents as one block, a larger one with its contents', () => {
    const group = { dot: false, expanded: true };
    expect(detailOf(group, TILE_W * 0.02, TILE_H * 0.02)).toBe('group-block');
    expect(detailOf(group, TILE_W, TILE_H * 3)).toBe('group');
  });

  it('fills each colour as one path, problems after the healthy, and keeps nothing for the next frame', () => {
    const calls: string[] = [];
    const target: RectTarget = {
      fillStyle: '',
      globalAlpha: 1,
      beginPath: () => calls.push('beginPath'),
      rect: () => calls.push('rect'),
      fill: () => calls.push(`fill ${String(target.fillStyle)}`),
    };
    const batch = new RectBatch();
    for (let i = 0; i < 1000; i++) batch.add('healthy', i, 0, 2, 2);
    batch.add('failing', 5, 5, 2, 2);
    batch.add('degraded', 9, 9, 2, 2);
    batch.flush(target, { healthy: 'ok', degraded: 'warn', failing: 'bad', unknown: 'grey' });
    expect(calls.filter((c) => c === 'rect')).toHaveLength(1002);
    expect(calls.filter((c) => c.startsWith('fill'))).toEqual(['fill ok', 'fill warn', 'fill bad']);
    expect(target.globalAlpha).toBe(1);
    calls.length = 0;
    batch.flush(target, { healthy: 'ok', degraded: 'warn', failing: 'bad', unknown: 'grey' });
    expect(calls).toEqual([]);
  });
});
