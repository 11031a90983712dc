import type { Box } from './layout.js';

/**
 * A uniform grid over the layout's boxes, so a pointer move tests the few boxes in one cell
 * instead of all ten thousand. Boxes nest, so a point can fall in several: the deepest wins
 * (the pod, not the namespace around it).
 */
export class BoxGrid {
  private readonly cells = new Map<number, number[]>();

  constructor(
    private readonly boxes: readonly Box[],
    private readonly cellSize = 256,
  ) {
    boxes.forEach((box, i) => {
      const x0 = Math.floor(box.x / cellSize);
      const y0 = Math.floor(box.y / cellSize);
      const x1 = Math.floor((box.x + box.w) / cellSize);
      const y1 = Math.floor((box.y + box.h) / cellSize);
      for (let cx = x0; cx <= x1; cx++) {
        for (let cy = y0; cy <= y1; cy++) {
          const key = cellKey(cx, cy);
          let cell = this.cells.get(key);
          if (!cell) this.cells.set(key, (cell = []));
          cell.push(i);
        }
      }
    });
  }

  /** Index of the deepest box containing the world point, or -1. */
  hit(x: number, y: number): number {
    const cell = this.cells.get(cellKey(Math.floor(x / this.cellSize), Math.floor(y / this.cellSize)));
    if (!cell) return -1;
    let best = -1;
    for (const i of cell) {
      const box = this.boxes[i]!;
      if (x < box.x || y < box.y || x > box.x + box.w || y > box.y + box.h) continue;
      if (best < 0 || box.depth > this.boxes[best]!.depth) best = i;
    }
    return best;
  }
}

// Two signed cell coordinates packed into one number key (a Map lookup, no string building);
// layouts stay well inside ±2^20 cells.
function cellKey(cx: number, cy: number): number {
  return (cx + 0x100000) * 0x200000 + (cy + 0x100000);
}
