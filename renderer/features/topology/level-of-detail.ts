import type { Health } from '../../../shared/estate/model.js';
import type { Box } from './layout.js';

/**
 * How much of a box a frame draws, by its size on screen. At 50,000 pods the fitted view holds
 * 15,000 workload tiles a few pixels high: a border, a name and a glyph there are noise that
 * costs five canvas calls each, so such tiles (and pods) are blocks of their health's colour,
 * and a group too small to show its contents is one block in its worst colour. Problems stay
 * visible at every zoom: a block takes the colour of the worst thing it stands for.
 */

/** Below this height on screen a tile is a block. */
export const BLOCK_BELOW_PX = 6;
/** Below this width on screen a pod is a block rather than its health glyph. */
export const DOT_BLOCK_BELOW_PX = 5;
/** Below this width or height an expanded group is one block: its contents would be sub-pixel. */
export const GROUP_BLOCK_BELOW_PX = 8;

export type Detail =
  /** A filled rectangle in its health's colour, batched with others of that colour. */
  | 'block'
  /** A pod's health glyph. */
  | 'glyph'
  /** An expanded group drawn as one block in its worst colour; its contents are skipped. */
  | 'group-block'
  /** An expanded group: background, border and (when legible) its header. */
  | 'group'
  /** A tile with its border, health stripe and (when tall enough) its name. */
  | 'tile';

/** `w`, `h`: the box's size on screen, in CSS pixels. */
export function detailOf(box: Pick<Box, 'dot' | 'expanded'>, w: number, h: number): Detail {
  if (box.dot) return w < DOT_BLOCK_BELOW_PX ? 'block' : 'glyph';
  if (box.expanded) return w < GROUP_BLOCK_BELOW_PX || h < GROUP_BLOCK_BELOW_PX ? 'group-block' : 'group';
  return h < BLOCK_BELOW_PX ? 'block' : 'tile';
}

/** What RectBatch needs of a canvas (a CanvasRenderingContext2D has it). */
export interface RectTarget {
  fillStyle: unknown;
  globalAlpha: number;
  beginPath(): void;
  rect(x: number, y: number, w: number, h: number): void;
  fill(): void;
}

const fillOrder: readonly Health[] = ['healthy', 'unknown', 'degraded', 'failing'];

/**
 * Rectangles gathered per health during a frame and filled as one path per colour, problems
 * last so they sit on top. The arrays are kept between frames, so a frame allocates nothing.
 * Blocks are leaves, which do not overlap their siblings, so filling them after the walk hides
 * nothing that was drawn during it.
 */
export class RectBatch {
  private readonly coords: Record<Health, number[]> = { healthy: [], unknown: [], degraded: [], failing: [] };
  private readonly used: Record<Health, number> = { healthy: 0, unknown: 0, degraded: 0, failing: 0 };

  add(health: Health, x: number, y: number, w: number, h: number): void {
    const at = this.used[health];
    const list = this.coords[health];
    list[at] = x;
    list[at + 1] = y;
    list[at + 2] = w;
    list[at + 3] = h;
    this.used[health] = at + 4;
  }

  /** Healthy blocks are lighter, so what is wrong stands out of a field of them. */
  flush(ctx: RectTarget, colours: Record<Health, string>): void {
    for (const health of fillOrder) {
      const n = this.used[health];
      if (n === 0) continue;
      const list = this.coords[health];
      ctx.fillStyle = colours[health];
      ctx.globalAlpha = health === 'healthy' ? 0.55 : 1;
      ctx.beginPath();
      for (let i = 0; i < n; i += 4) ctx.rect(list[i]!, list[i + 1]!, list[i + 2]!, list[i + 3]!);
      ctx.fill();
      this.used[health] = 0;
    }
    ctx.globalAlpha = 1;
  }
}
