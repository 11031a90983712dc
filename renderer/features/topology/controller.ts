import type { EstateIndex } from '../estate/estate-index.js';
import { EDGES_FROM_ZOOM, drawOverlay, drawScene, readPalette } from './draw.js';
import type { Camera, Palette } from './draw.js';
import { selectionEdges, structuralEdges } from './edges.js';
import type { Edge } from './edges.js';
import { aggregate, aggregateChanged, representativeOf } from './layout.js';
import type { TopologyLayout, TopologyOptions } from './layout.js';
import { BoxGrid } from './spatial-index.js';
import { TopologyModel } from './topology-model.js';

/**
 * Owns the topology canvas: layout, camera, hit-testing, input and painting. React creates one
 * per mounted view and tells it what changed (options, selection, matches, data); everything
 * that happens per pointer move or per frame stays in here, so a drag across 10,000 pods never
 * re-renders a component.
 */

export interface TopologyCallbacks {
  /** A click (or Enter) on a box: open its entity. Null clears the selection. */
  onSelect(id: string | null): void;
  /** Double-click, Space or "e" on a group: flip it between collapsed and expanded. */
  onToggle(id: string): void;
  /** What the pointer is over, for the status line. */
  onHover(id: string | null): void;
}

const MIN_ZOOM = 0.02;
const MAX_ZOOM = 4;
const DRAG_THRESHOLD = 4;

export class TopologyController {
  private layout: TopologyLayout = { boxes: [], byId: new Map(), width: 0, height: 0 };
  private readonly model: TopologyModel;
  /**
   * Built when first needed (a pointer over the canvas, lines drawn at a legible zoom), not on
   * every layout: at 50,000 pods each costs ~10 ms, and a watch burst re-lays out while the
   * operator is only watching.
   */
  private gridOf: BoxGrid | null = null;
  private edgesOf: Edge[] | null = null;
  private camera: Camera = { x: 0, y: 0, k: 1 };
  private palette: Palette;
  private selEdges: Edge[] = [];
  private hoverEdges: Edge[] = [];
  private selectedId: string | null = null;
  private selected = -1;
  private hovered = -1;
  private matchIds: readonly string[] = [];
  private matches = new Set<number>();
  private width = 0;
  private height = 0;
  private frame = 0;
  /** What the next frame paints: the scene only when it changed; the overlay always. */
  private sceneStale = true;
  private fitted = false;
  /**
   * An entity the operator asked to see. Kept until they move the camera themselves, so it stays
   * centred through the re-layout that revealing it causes and the resize the detail panel causes.
   */
  private revealTarget: string | null = null;
  private drag: { x: number; y: number; camX: number; camY: number; moved: boolean; pointerId: number } | null = null;
  private readonly cleanup: Array<() => void> = [];
  /** Entities written since the counts were last refreshed; null: too many, count everything. */
  private touched: Set<string> | null = new Set();

  /**
   * `canvas` takes the input and shows the scene; `overlay`, stacked on it and letting the pointer
   * through, shows what marks it (search hits, hover, selection), so those repaint alone.
   */
  constructor(
    private readonly canvas: HTMLCanvasElement,
    private readonly overlay: HTMLCanvasElement,
    private readonly index: EstateIndex,
    private readonly callbacks: TopologyCallbacks,
  ) {
    this.palette = readPalette(canvas);
    this.model = new TopologyModel(index);
    this.cleanup.push(
      index.watchStructure({
        changed: () => {},
        reset: () => (this.touched = null),
        updated: (id) => {
          if (!this.touched) return;
          this.touched.add(id);
          // Past a quarter of the boxes, counting everything once is cheaper than box by box.
          if (this.touched.size > this.layout.boxes.length / 4 + 64) this.touched = null;
        },
      }),
    );
    const listen = <K extends keyof HTMLElementEventMap>(type: K, fn: (e: HTMLElementEventMap[K]) => void, options?: AddEventListenerOptions) => {
      canvas.addEventListener(type, fn, options);
      this.cleanup.push(() => canvas.removeEventListener(type, fn, options));
    };
    // Wheel must be non-passive to stop the page from scrolling while zooming.
    listen('wheel', (e) => this.onWheel(e), { passive: false });
    listen('pointerdown', (e) => this.onPointerDown(e));
    listen('pointermove', (e) => this.onPointerMove(e));
    listen('pointerup', (e) => this.onPointerUp(e));
    listen('pointerleave', () => this.setHovered(-1));
    listen('dblclick', (e) => this.onDoubleClick(e));
    const resize = new ResizeObserver(() => this.resize());
    resize.observe(canvas.parentElement ?? canvas);
    this.cleanup.push(() => resize.disconnect());
    // Follow the theme: the frame flips data-theme on <html>.
    const themeWatch = new MutationObserver(() => {
      this.palette = readPalette(canvas);
      this.invalidate();
    });
    themeWatch.observe(document.documentElement, { attributes: true, attributeFilter: ['data-theme', 'class', 'style'] });
    this.cleanup.push(() => themeWatch.disconnect());
    this.resize();
  }

  destroy(): void {
    cancelAnimationFrame(this.frame);
    this.model.dispose();
    for (const fn of this.cleanup) fn();
  }

  /**
   * Lay out again: structure, collapse state or filters changed. Only the subtrees that changed
   * are rebuilt (TopologyModel); positions, counts and the data-entities figure are refreshed.
   */
  relayout(options: TopologyOptions): void {
    this.model.setOptions(options, this.width > 0 && this.height > 0 ? this.width / this.height : 1.8);
    this.layout = this.model.layout();
    this.touched = new Set();
    this.gridOf = null;
    this.edgesOf = null;
    this.resolveSelection();
    this.resolveMatches();
    if (!this.fitted && this.layout.boxes.length > 0 && this.width > 0) this.firstView();
    if (this.revealTarget) this.centreOn(this.revealTarget);
    // How many entities the picture was laid out from, for tests and the scale bench to wait on
    // (the canvas itself says nothing a page can read).
    this.canvas.dataset.entities = String(this.index.entities.size);
    this.invalidate();
  }

  /**
   * Where the camera starts: the whole estate when it is legible at that size; otherwise the
   * worst cluster, so the first thing on screen is what most needs attention (0 fits all).
   */
  private firstView(): void {
    this.fitted = true;
    this.fit();
    if (this.camera.k >= 0.55) return;
    const rank = { failing: 3, degraded: 2, unknown: 1, healthy: 0 } as const;
    let worst = -1;
    let worstRank = -1;
    this.layout.boxes.forEach((box, i) => {
      if (box.entity.kind !== 'cluster') return;
      const r = box.counts.failing > 0 ? 3 : box.counts.degraded > 0 ? 2 : rank[box.health];
      if (r > worstRank) {
        worst = i;
        worstRank = r;
      }
    });
    const box = worst >= 0 ? this.layout.boxes[worst]! : this.layout.boxes[0]!;
    const margin = 16;
    const k = clamp(Math.min((this.width - 2 * margin) / box.w, (this.height - 2 * margin) / box.h), 0.55, 1.2);
    this.camera = { k, x: margin - box.x * k, y: margin - box.y * k };
  }

  /** Health or names changed but nothing moved: refresh counts and repaint. */
  refresh(): void {
    if (this.touched) aggregateChanged(this.layout, this.index, this.touched);
    else aggregate(this.layout, this.index);
    this.touched = new Set();
    this.invalidate();
  }

  setSelected(id: string | null): void {
    this.selectedId = id;
    this.resolveSelection();
    this.invalidateOverlay();
  }

  setMatches(ids: readonly string[]): void {
    this.matchIds = ids;
    this.resolveMatches();
    this.invalidateOverlay();
  }

  /** Layout index of the box an entity is drawn in (its own or its collapsed group's). */
  boxOf(id: string): number | undefined {
    return representativeOf(this.layout, this.index, id);
  }

  /** The selected box's screen rectangle, for tests and for placing a popover. */
  screenRectOf(id: string): { x: number; y: number; w: number; h: number } | null {
    const i = this.boxOf(id);
    const box = i === undefined ? undefined : this.layout.boxes[i];
    if (!box) return null;
    const { k, x, y } = this.camera;
    return { x: box.x * k + x, y: box.y * k + y, w: box.w * k, h: box.h * k };
  }

  /** Brings an entity's box into view, zooming in if it would be too small to read. */
  reveal(id: string): void {
    this.revealTarget = id;
    this.centreOn(id);
  }

  private centreOn(id: string): void {
    const i = this.boxOf(id);
    const box = i === undefined ? undefined : this.layout.boxes[i];
    if (!box || this.width === 0) return;
    let k = this.camera.k;
    const wanted = box.dot ? 1.6 : 1;
    // Zoom so the target is legible, but keep a group that is larger than the screen whole.
    const fitK = Math.min((this.width * 0.8) / box.w, (this.height * 0.8) / box.h);
    if (k < wanted) k = Math.min(wanted, fitK < wanted ? Math.max(fitK, k) : wanted);
    k = clamp(k, MIN_ZOOM, MAX_ZOOM);
    this.camera = { k, x: this.width / 2 - (box.x + box.w / 2) * k, y: this.height / 2 - (box.y + box.h / 2) * k };
    this.invalidate();
  }

  fit(): void {
    this.revealTarget = null;
    if (this.layout.width === 0 || this.width === 0) return;
    const margin = 24;
    const k = clamp(
      Math.min((this.width - 2 * margin) / this.layout.width, (this.height - 2 * margin) / this.layout.height),
      MIN_ZOOM,
      1.5,
    );
    this.camera = {
      k,
      x: (this.width - this.layout.width * k) / 2,
      y: Math.max(margin, (this.height - this.layout.height * k) / 2),
    };
    this.invalidate();
  }

  zoomBy(factor: number, atX = this.width / 2, atY = this.height / 2): void {
    this.revealTarget = null;
    const k = clamp(this.camera.k * factor, MIN_ZOOM, MAX_ZOOM);
    const ratio = k / this.camera.k;
    this.camera = { k, x: atX - (atX - this.camera.x) * ratio, y: atY - (atY - this.camera.y) * ratio };
    this.invalidate();
  }

  panBy(dx: number, dy: number): void {
    this.revealTarget = null;
    this.camera = { ...this.camera, x: this.camera.x + dx, y: this.camera.y + dy };
    this.invalidate();
  }

  get zoom(): number {
    return this.camera.k;
  }

  get boxCount(): number {
    return this.layout.boxes.length;
  }

  /** Keyboard navigation through the drawn boxes: next/previous in reading order, parent, first child. */
  neighbour(direction: 'next' | 'previous' | 'parent' | 'child'): string | null {
    const boxes = this.layout.boxes;
    if (boxes.length === 0) return null;
    const at = this.selected;
    let target = -1;
    if (at < 0) target = 0;
    else if (direction === 'next') target = (at + 1) % boxes.length;
    else if (direction === 'previous') target = (at - 1 + boxes.length) % boxes.length;
    else if (direction === 'parent') target = boxes[at]!.parent;
    else if (direction === 'child') target = boxes[at]!.end > at + 1 ? at + 1 : -1;
    return target >= 0 ? boxes[target]!.id : null;
  }

  isGroup(id: string): boolean {
    const i = this.layout.byId.get(id);
    return i !== undefined && this.layout.boxes[i]!.group;
  }

  private resolveSelection(): void {
    this.selected = this.selectedId === null ? -1 : (this.boxOf(this.selectedId) ?? -1);
    this.selEdges = this.selectedId === null ? [] : selectionEdges(this.layout, this.index, this.selectedId);
  }

  private resolveMatches(): void {
    this.matches = new Set();
    for (const id of this.matchIds) {
      const i = this.boxOf(id);
      if (i !== undefined) this.matches.add(i);
    }
    // How many boxes the finder's text lights up, for tests, as data-entities is.
    this.canvas.dataset.matches = String(this.matches.size);
  }

  private resize(): void {
    const parent = this.canvas.parentElement ?? this.canvas;
    const rect = parent.getBoundingClientRect();
    const dpr = window.devicePixelRatio || 1;
    this.width = Math.max(1, Math.floor(rect.width));
    this.height = Math.max(1, Math.floor(rect.height));
    for (const canvas of [this.canvas, this.overlay]) {
      canvas.width = Math.floor(this.width * dpr);
      canvas.height = Math.floor(this.height * dpr);
      canvas.style.width = `${this.width}px`;
      canvas.style.height = `${this.height}px`;
    }
    if (!this.fitted && this.layout.boxes.length > 0) this.firstView();
    if (this.revealTarget) this.centreOn(this.revealTarget);
    this.invalidate();
  }

  /** Paint everything on the next animation frame; many changes in one frame paint once. */
  invalidate(): void {
    this.sceneStale = true;
    this.invalidateOverlay();
  }

  /** Paint the overlay alone on the next animation frame: the scene has not changed. */
  private invalidateOverlay(): void {
    if (this.frame) return;
    this.frame = requestAnimationFrame(() => {
      this.frame = 0;
      this.paint();
    });
  }

  private paint(): void {
    const state = {
      layout: this.layout,
      camera: this.camera,
      width: this.width,
      height: this.height,
      palette: this.palette,
      selected: this.selected,
      hovered: this.hovered,
      matches: this.matches,
      // Structural lines show only from a legible zoom (drawScene): not worked out below it.
      edges: this.camera.k < EDGES_FROM_ZOOM ? [] : this.structural(),
      hoverEdges: this.hoverEdges,
      selectionEdges: this.selEdges,
    };
    const dpr = window.devicePixelRatio || 1;
    if (this.sceneStale) {
      const ctx = this.canvas.getContext('2d');
      if (!ctx) return;
      this.sceneStale = false;
      ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
      drawScene(ctx, state);
    }
    const ctx = this.overlay.getContext('2d');
    if (!ctx) return;
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    drawOverlay(ctx, state);
  }

  private toWorld(e: MouseEvent): { x: number; y: number; sx: number; sy: number } {
    const rect = this.canvas.getBoundingClientRect();
    const sx = e.clientX - rect.left;
    const sy = e.clientY - rect.top;
    return { sx, sy, x: (sx - this.camera.x) / this.camera.k, y: (sy - this.camera.y) / this.camera.k };
  }

  private hitAt(e: MouseEvent): number {
    const p = this.toWorld(e);
    this.gridOf ??= new BoxGrid(this.layout.boxes);
    return this.gridOf.hit(p.x, p.y);
  }

  private structural(): Edge[] {
    return (this.edgesOf ??= structuralEdges(this.layout, this.index));
  }

  private onWheel(e: WheelEvent): void {
    e.preventDefault();
    const p = this.toWorld(e);
    // Trackpad pinch arrives as ctrl+wheel with small deltas; a mouse wheel notch is ~100.
    const factor = Math.exp(-e.deltaY * (e.ctrlKey ? 0.01 : 0.0015));
    this.zoomBy(factor, p.sx, p.sy);
  }

  private onPointerDown(e: PointerEvent): void {
    if (e.button !== 0) return;
    this.canvas.setPointerCapture(e.pointerId);
    this.drag = { x: e.clientX, y: e.clientY, camX: this.camera.x, camY: this.camera.y, moved: false, pointerId: e.pointerId };
  }

  private onPointerMove(e: PointerEvent): void {
    if (this.drag) {
      const dx = e.clientX - this.drag.x;
      const dy = e.clientY - this.drag.y;
      if (!this.drag.moved && Math.hypot(dx, dy) > DRAG_THRESHOLD) {
        this.drag.moved = true;
        this.revealTarget = null;
        this.canvas.style.cursor = 'grabbing';
      }
      if (this.drag.moved) {
        this.camera = { ...this.camera, x: this.drag.camX + dx, y: this.drag.camY + dy };
        this.invalidate();
        return;
      }
    }
    this.setHovered(this.hitAt(e));
  }

  private onPointerUp(e: PointerEvent): void {
    const drag = this.drag;
    this.drag = null;
    if (this.canvas.hasPointerCapture(e.pointerId)) this.canvas.releasePointerCapture(e.pointerId);
    this.canvas.style.cursor = '';
    if (!drag || drag.moved) return;
    const hit = this.hitAt(e);
    this.callbacks.onSelect(hit >= 0 ? this.layout.boxes[hit]!.id : null);
  }

  private onDoubleClick(e: MouseEvent): void {
    const hit = this.hitAt(e);
    if (hit < 0) return;
    const box = this.layout.boxes[hit]!;
    // A double-click on a pod means its workload: collapse the group it sits in.
    const target = box.group ? box : box.parent >= 0 ? this.layout.boxes[box.parent]! : null;
    if (target) this.callbacks.onToggle(target.id);
  }

  private setHovered(i: number): void {
    if (i === this.hovered) return;
    this.hovered = i;
    this.hoverEdges = i >= 0 ? selectionEdges(this.layout, this.index, this.layout.boxes[i]!.id) : [];
    this.canvas.style.cursor = i >= 0 ? 'pointer' : '';
    this.callbacks.onHover(i >= 0 ? this.layout.boxes[i]!.id : null);
    this.invalidateOverlay();
  }
}

function clamp(v: number, lo: number, hi: number): number {
  return Math.min(hi, Math.max(lo, v));
}
