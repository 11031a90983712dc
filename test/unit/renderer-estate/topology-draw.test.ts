import { describe, expect, it } from 'vitest';
import { EstateIndex } from '../../../renderer/features/estate/estate-index.js';
import { fixtureEstate } from '../../../renderer/features/estate/fixture.js';
import { BLOCK_BELOW_PX, drawFrame } from '../../../renderer/features/topology/draw.js';
import type { Camera, Palette } from '../../../renderer/features/topology/draw.js';
import { TILE_H, layoutTopology } from '../../../renderer/features/topology/layout.js';
import type { TopologyLayout } from '../../../renderer/features/topology/layout.js';

/**
 * Level of detail: what one frame asks of the canvas at each zoom. Far out, tiles are blocks of
 * their health's colour, filled one path per colour, with no text; close in, every tile on
 * screen has its border and its name. A problem never disappears into a healthy block.
 */

const palette: Palette = {
  bg: 'bg',
  raised: 'raised',
  sunken: 'sunken',
  border: 'border',
  borderStrong: 'border-strong',
  text: 'text',
  muted: 'muted',
  faint: 'faint',
  accent: 'accent',
  mark: 'mark',
  cut: 'cut',
  health: { healthy: 'ok', degraded: 'warn', failing: 'bad', unknown: 'unknown' },
  font: 'sans-serif',
};

interface Call {
  name: string;
  args: unknown[];
  fillStyle: unknown;
}

/** A 2D context that records what is asked of it, with the fill colour at the time. */
function recorder(): { ctx: CanvasRenderingContext2D; calls: Call[] } {
  const calls: Call[] = [];
  const state: Record<string | symbol, unknown> = {};
  const ctx = new Proxy(state, {
    get: (target, key) => (key in target ? target[key] : (...args: unknown[]) => void calls.push({ name: String(key), args, fillStyle: target.fillStyle })),
    set: (target, key, value) => ((target[key] = value), true),
  }) as unknown as CanvasRenderingContext2D;
  return { ctx, calls };
}

function frame(layout: TopologyLayout, camera: Camera) {
  const { ctx, calls } = recorder();
  drawFrame(ctx, { layout, camera, width: 1280, height: 760, palette, selected: -1, hovered: -1, matches: new Set(), edges: [], selectionEdges: [] });
  return calls;
}

function workloads() {
  const fixture = fixtureEstate({ pods: 3_000, now: 1_700_000_000_000 });
  const index = new EstateIndex();
  index.load(fixture.entities, fixture.relations);
  return layoutTopology(index, { expandTo: 5, overrides: new Map(), filter: null });
}

describe('topology level of detail', () => {
  it('draws tiles too small to read as one filled path per health colour, with no text', () => {
    const layout = workloads();
    const k = (BLOCK_BELOW_PX - 1) / TILE_H;
    const calls = frame(layout, { k, x: 10, y: 10 });
    expect(calls.filter((c) => c.name === 'fillText')).toHaveLength(0);
    const tiles = layout.boxes.filter((b) => !b.expanded && !b.dot).length;
    const rects = calls.filter((c) => c.name === 'rect');
    // Every tile is a rectangle in a batch, not a bordered, labelled tile of its own.
    expect(rects.length).toBe(tiles);
    expect(calls.filter((c) => c.name === 'strokeRect').length).toBeLessThan(tiles / 2);
    const fills = calls.filter((c) => c.name === 'fill').map((c) => c.fillStyle);
    expect(new Set(fills).size).toBe(fills.length);
    // The fixture's crash-looping workload still shows in the failing or degraded colour.
    expect(fills.some((f) => f === 'bad' || f === 'warn')).toBe(true);
  });

  it('draws a readable tile with its border and name once it is tall enough', () => {
    const layout = workloads();
    const calls = frame(layout, { k: 1, x: 10, y: 10 });
    expect(calls.filter((c) => c.name === 'rect')).toHaveLength(0);
    expect(calls.filter((c) => c.name === 'fillText').length).toBeGreaterThan(0);
    expect(calls.filter((c) => c.name === 'strokeRect').length).toBeGreaterThan(0);
  });

  it('draws only what is on screen: a frame far from the estate asks for nothing but the background', () => {
    const layout = workloads();
    const calls = frame(layout, { k: 1, x: -1e7, y: -1e7 });
    expect(calls.map((c) => c.name)).toEqual(['save', 'fillRect', 'restore']);
  });
});
