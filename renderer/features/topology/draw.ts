import type { EntityKind, Health } from '../../../shared/estate/model.js';
import { kindLabel } from '../estate/rollup.js';
import { groupHealth } from '../../../shared/estate/health.js';
import { HEADER } from './layout.js';
import type { Box, TopologyLayout } from './layout.js';
import type { Edge } from './edges.js';
import { RectBatch, detailOf } from './level-of-detail.js';

/**
 * Paints the topology on a 2D canvas. One call draws one frame from the layout and the camera;
 * nothing here touches React. Level of detail keeps a frame cheap at any zoom: subtrees off
 * screen are skipped whole (boxes are stored parents-first, so a subtree is a range), groups
 * smaller than a few pixels are drawn as one block, and text appears only where it is legible.
 */

export interface Camera {
  /** Screen = world × k + (x, y). */
  x: number;
  y: number;
  k: number;
}

export interface Palette {
  bg: string;
  raised: string;
  sunken: string;
  border: string;
  borderStrong: string;
  text: string;
  muted: string;
  faint: string;
  accent: string;
  mark: string;
  cut: string;
  health: Record<Health, string>;
  font: string;
}

export function readPalette(element: Element): Palette {
  const css = getComputedStyle(element);
  const v = (name: string, fallback: string) => css.getPropertyValue(name).trim() || fallback;
  return {
    bg: v('--bg', '#f4f5f7'),
    raised: v('--bg-raised', '#fff'),
    sunken: v('--bg-sunken', '#eceef1'),
    border: v('--border', '#d5d9e0'),
    borderStrong: v('--border-strong', '#b9bfc9'),
    text: v('--text', '#1d2127'),
    muted: v('--text-muted', '#5a6270'),
    faint: v('--text-faint', '#7d8593'),
    accent: v('--accent', '#2f64d6'),
    mark: v('--mark', '#fde68a'),
    cut: v('--icon-cut', '#fff'),
    health: {
      healthy: v('--ok', '#1d7f3c'),
      degraded: v('--warn', '#9a5b00'),
      failing: v('--bad', '#c4232e'),
      unknown: v('--muted', '#6b7280'),
    },
    font: v('--font-ui', 'system-ui, sans-serif'),
  };
}

/** Traffic lines between everything only from this zoom: below it boxes are too small to tell apart. */
export const EDGES_FROM_ZOOM = 0.45;

export interface FrameState {
  layout: TopologyLayout;
  camera: Camera;
  width: number;
  height: number;
  palette: Palette;
  selected: number;
  hovered: number;
  matches: ReadonlySet<number>;
  /** Lines between everything (drawn with the scene, from a legible zoom). */
  edges: readonly Edge[];
  /** The hovered entity's lines (drawn on the overlay, from the same zoom). */
  hoverEdges: readonly Edge[];
  selectionEdges: readonly Edge[];
}

/**
 * Cluster-provided names may carry bidi overrides and zero-width characters. On the canvas
 * they would reorder or hide parts of the label with nothing to isolate them, so they are
 * dropped here (the detail panel shows the exact value, isolated). Long names are cut first so
 * a 10,000-character name costs nothing per frame.
 */
const invisible = /[\u200B-\u200F\u202A-\u202E\u2060-\u2064\u2066-\u2069\uFEFF]/g;
const labelCache = new Map<string, string>();
export function canvasLabel(text: string): string {
  let label = labelCache.get(text);
  if (label === undefined) {
    label = text.slice(0, 160).replace(invisible, '');
    if (labelCache.size > 50_000) labelCache.clear();
    labelCache.set(text, label);
  }
  return label;
}

/** Cuts text to fit a width, by an average glyph width rather than measureText per frame. */
function fit(text: string, widthPx: number, fontPx: number): string {
  const max = Math.floor(widthPx / (fontPx * 0.58));
  if (max <= 1) return '';
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

/**
 * Health glyphs differ in shape, not only colour: circle (healthy), triangle (degraded),
 * octagon with a cross (failing), hollow ring (unknown), as the app's icons do.
 */
export function drawGlyph(ctx: CanvasRenderingContext2D, health: Health, cx: number, cy: number, r: number, p: Palette): void {
  ctx.fillStyle = p.health[health];
  ctx.strokeStyle = p.health[health];
  ctx.beginPath();
  switch (health) {
    case 'healthy':
      ctx.arc(cx, cy, r * 0.8, 0, Math.PI * 2);
      ctx.fill();
      break;
    case 'degraded':
      ctx.moveTo(cx, cy - r);
      ctx.lineTo(cx + r, cy + r * 0.8);
      ctx.lineTo(cx - r, cy + r * 0.8);
      ctx.closePath();
      ctx.fill();
      break;
    case 'failing': {
      const a = r * 0.41;
      ctx.moveTo(cx - a, cy - r);
      ctx.lineTo(cx + a, cy - r);
      ctx.lineTo(cx + r, cy - a);
      ctx.lineTo(cx + r, cy + a);
      ctx.lineTo(cx + a, cy + r);
      ctx.lineTo(cx - a, cy + r);
      ctx.lineTo(cx - r, cy + a);
      ctx.lineTo(cx - r, cy - a);
      ctx.closePath();
      ctx.fill();
      if (r >= 4) {
        ctx.strokeStyle = p.cut;
        ctx.lineWidth = Math.max(1, r * 0.28);
        ctx.beginPath();
        ctx.moveTo(cx - r * 0.4, cy - r * 0.4);
        ctx.lineTo(cx + r * 0.4, cy + r * 0.4);
        ctx.moveTo(cx + r * 0.4, cy - r * 0.4);
        ctx.lineTo(cx - r * 0.4, cy + r * 0.4);
        ctx.stroke();
      }
      break;
    }
    case 'unknown':
      ctx.lineWidth = Math.max(1, r * 0.35);
      ctx.arc(cx, cy, r * 0.7, 0, Math.PI * 2);
      ctx.stroke();
      break;
  }
}

/** kubectl's short names where it has them: headers are narrow and operators read these daily. */
const shortKind: Record<EntityKind, string> = {
  cloud: 'cloud',
  account: 'account',
  region: 'region',
  cluster: 'cluster',
  namespace: 'ns',
  node: 'node',
  deployment: 'deploy',
  statefulset: 'sts',
  daemonset: 'ds',
  replicaset: 'rs',
  pod: 'pod',
  service: 'svc',
  ingress: 'ing',
  httproute: 'httproute',
  hpa: 'hpa',
  pdb: 'pdb',
  loadbalancer: 'lb',
  database: 'db',
  nodegroup: 'nodegroup',
  alarm: 'alarm',
  app: 'app',
};

function countsLine(box: Box): string {
  const c = box.counts;
  const total = c.failing + c.degraded + c.unknown + c.healthy;
  const pods = box.pods.failing + box.pods.degraded + box.pods.unknown + box.pods.healthy;
  const parts: string[] = [];
  if (c.failing) parts.push(`${c.failing} failing`);
  if (c.degraded) parts.push(`${c.degraded} degraded`);
  if (pods > 0) parts.push(`${box.pods.healthy}/${pods} pods ok`);
  else if (total > 0 && parts.length === 0) parts.push(`${c.healthy}/${total} ok`);
  return parts.join(' · ');
}

const rank: Record<Health, number> = { failing: 3, degraded: 2, unknown: 1, healthy: 0 };

/** The health a box stands for: its own if it is a resource, its contents' if it is a group. */
export function shownHealth(box: Box): Health {
  if (!box.group) return box.health;
  const inside = groupHealth(box.counts);
  const own = box.health;
  return rank[own] >= rank[inside] ? own : inside;
}

const blocks = new RectBatch();

/**
 * The picture itself: every box on screen and the lines between them. Drawn on the lower of the
 * topology's two canvases, again only when the camera, the layout or the data change.
 */
export function drawScene(ctx: CanvasRenderingContext2D, s: FrameState): void {
  const { layout, camera, palette: p } = s;
  const { k } = camera;
  ctx.save();
  ctx.fillStyle = p.bg;
  ctx.fillRect(0, 0, s.width, s.height);
  // World-space viewport, for culling.
  const vx0 = -camera.x / k;
  const vy0 = -camera.y / k;
  const vx1 = vx0 + s.width / k;
  const vy1 = vy0 + s.height / k;
  const sx = (x: number) => x * k + camera.x;
  const sy = (y: number) => y * k + camera.y;
  const boxes = layout.boxes;
  const fontPx = 12;
  ctx.textBaseline = 'middle';
  ctx.font = `${fontPx}px ${p.font}`;

  let i = 0;
  while (i < boxes.length) {
    const box = boxes[i]!;
    if (box.x > vx1 || box.y > vy1 || box.x + box.w < vx0 || box.y + box.h < vy0) {
      i = box.end;
      continue;
    }
    const x = sx(box.x);
    const y = sy(box.y);
    const w = box.w * k;
    const h = box.h * k;
    const health = shownHealth(box);
    const detail = detailOf(box, w, h);
    if (box.dot) {
      if (detail === 'block') {
        blocks.add(health, x, y, Math.max(1, w), Math.max(1, h));
      } else {
        drawGlyph(ctx, health, x + w / 2, y + h / 2, w / 2, p);
      }
      i++;
      continue;
    }
    if (detail === 'group-block') {
      // Too small to show its contents: one block in its worst colour.
      ctx.fillStyle = p.health[health];
      ctx.globalAlpha = health === 'healthy' ? 0.35 : 0.8;
      ctx.fillRect(x, y, Math.max(1, w), Math.max(1, h));
      ctx.globalAlpha = 1;
      i = box.end;
      continue;
    }
    if (box.expanded) {
      ctx.fillStyle = box.depth % 2 === 0 ? p.raised : p.sunken;
      ctx.fillRect(x, y, w, h);
      ctx.strokeStyle = p.border;
      ctx.lineWidth = 1;
      ctx.strokeRect(Math.round(x) + 0.5, Math.round(y) + 0.5, Math.round(w), Math.round(h));
      const headerH = HEADER * k;
      if (headerH >= 11) {
        const r = Math.min(6, headerH * 0.28);
        drawGlyph(ctx, health, x + 8 + r, y + headerH / 2, r, p);
        const name = canvasLabel(box.entity.name);
        const left = x + 14 + 2 * r;
        const counts = countsLine(box);
        const countsW = w > 340 ? counts.length * fontPx * 0.56 + 10 : 0;
        const room = w - (left - x) - countsW - 8;
        const kind = shortKind[box.entity.kind].toUpperCase();
        const kindW = kind.length * (fontPx - 2) * 0.68 + 6;
        // The name matters more than the kind: the kind label only shows when both fit.
        let nameLeft = left;
        if (room - kindW >= name.length * fontPx * 0.58) {
          ctx.fillStyle = p.faint;
          ctx.font = `600 ${fontPx - 2}px ${p.font}`;
          ctx.fillText(kind, left, y + headerH / 2);
          nameLeft = left + kindW;
        }
        ctx.font = `600 ${fontPx}px ${p.font}`;
        ctx.fillStyle = p.text;
        ctx.fillText(fit(name, room - (nameLeft - left), fontPx), nameLeft, y + headerH / 2);
        if (countsW > 0) {
          ctx.font = `${fontPx - 1}px ${p.font}`;
          ctx.fillStyle = p.muted;
          ctx.textAlign = 'right';
          ctx.fillText(counts, x + w - 8, y + headerH / 2);
          ctx.textAlign = 'left';
        }
        ctx.font = `${fontPx}px ${p.font}`;
      }
      i++;
      continue;
    }
    if (detail === 'block') {
      // Leaves do not overlap their siblings, so filling them after the walk hides nothing.
      blocks.add(health, x, y, Math.max(1, w - Math.min(2, w * 0.1)), Math.max(1, h - Math.min(1, h * 0.15)));
      i++;
      continue;
    }
    // A tile: a resource, or a collapsed group summarising what is inside.
    ctx.fillStyle = p.raised;
    ctx.fillRect(x, y, w, h);
    ctx.strokeStyle = box.group ? p.borderStrong : p.border;
    ctx.lineWidth = 1;
    ctx.strokeRect(Math.round(x) + 0.5, Math.round(y) + 0.5, Math.round(w), Math.round(h));
    if (box.group) {
      // A second edge, like a stack of cards: there is more inside.
      ctx.beginPath();
      ctx.moveTo(Math.round(x + 3) + 0.5, Math.round(y + h + 3) + 0.5);
      ctx.lineTo(Math.round(x + w + 3) + 0.5, Math.round(y + h + 3) + 0.5);
      ctx.lineTo(Math.round(x + w + 3) + 0.5, Math.round(y + 3) + 0.5);
      ctx.stroke();
    }
    ctx.fillStyle = p.health[health];
    ctx.fillRect(x, y, Math.max(2, 3 * Math.min(1, k)), h);
    if (h >= 16) {
      const r = Math.min(6, h * 0.16);
      drawGlyph(ctx, health, x + 10 + r, y + h * 0.32, r, p);
      const left = x + 16 + 2 * r;
      ctx.font = `600 ${fontPx}px ${p.font}`;
      ctx.fillStyle = p.text;
      ctx.fillText(fit(canvasLabel(box.entity.name), w - (left - x) - 6, fontPx), left, y + h * 0.32);
      if (h >= 30) {
        ctx.font = `${fontPx - 1}px ${p.font}`;
        ctx.fillStyle = p.muted;
        const detail = box.group ? `${kindLabel[box.entity.kind]} · ${countsLine(box)}` : `${kindLabel[box.entity.kind]} · ${canvasLabel(box.entity.healthReason)}`;
        ctx.fillText(fit(detail, w - (left - x) - 6, fontPx - 1), left, y + h * 0.7);
      }
    }
    i++;
  }

  blocks.flush(ctx, p.health);

  // Traffic lines between everything only once boxes are big enough to tell apart.
  if (k >= EDGES_FROM_ZOOM) drawEdges(ctx, s, s.edges, p.faint, 0.35);
  ctx.restore();
}

/**
 * What marks the picture without changing it: search hits, the hovered and the selected box and
 * their lines. Drawn on the upper canvas, so a keystroke in the finder or a pointer move repaints
 * a few hundred outlines and leaves the scene as it is: with the whole of a 50,000-pod estate on
 * screen, rastering the scene again for each keystroke took it from one frame to two or three.
 */
export function drawOverlay(ctx: CanvasRenderingContext2D, s: FrameState): void {
  const p = s.palette;
  ctx.clearRect(0, 0, s.width, s.height);
  if (s.camera.k >= EDGES_FROM_ZOOM) drawEdges(ctx, s, s.hoverEdges, p.faint, 0.35);
  // The selected entity's lines always show.
  drawEdges(ctx, s, s.selectionEdges, p.accent, 0.9);
  // Search hits: a thin mark on pods (a page of them would drown the picture), firmer on tiles.
  markMatches(ctx, s, true, 1.5);
  markMatches(ctx, s, false, 2.5);
  if (s.hovered >= 0 && s.hovered !== s.selected) outline(ctx, s, s.hovered, p.muted, 1);
  if (s.selected >= 0) outline(ctx, s, s.selected, p.accent, 2.5);
}

/** The hits on screen that are pods (dots) or not, as one path: up to 500 of them per keystroke. */
function markMatches(ctx: CanvasRenderingContext2D, s: FrameState, dots: boolean, width: number): void {
  const { k, x: cx, y: cy } = s.camera;
  const pad = width / 2 + 1;
  let any = false;
  ctx.beginPath();
  for (const m of s.matches) {
    const box = s.layout.boxes[m];
    if (!box || box.dot !== dots) continue;
    const x = box.x * k + cx - pad;
    const y = box.y * k + cy - pad;
    const w = box.w * k + 2 * pad;
    const h = box.h * k + 2 * pad;
    if (x > s.width || y > s.height || x + w < 0 || y + h < 0) continue;
    ctx.rect(x, y, w, h);
    any = true;
  }
  if (!any) return;
  ctx.strokeStyle = s.palette.mark;
  ctx.lineWidth = width;
  ctx.stroke();
}

function outline(ctx: CanvasRenderingContext2D, s: FrameState, index: number, colour: string, width: number): void {
  const box = s.layout.boxes[index];
  if (!box) return;
  const { k, x: cx, y: cy } = s.camera;
  const pad = width / 2 + 1;
  ctx.strokeStyle = colour;
  ctx.lineWidth = width;
  ctx.strokeRect(box.x * k + cx - pad, box.y * k + cy - pad, box.w * k + 2 * pad, box.h * k + 2 * pad);
}

function drawEdges(ctx: CanvasRenderingContext2D, s: FrameState, edges: readonly Edge[], colour: string, alpha: number): void {
  if (edges.length === 0) return;
  const { k, x: cx, y: cy } = s.camera;
  const boxes = s.layout.boxes;
  ctx.strokeStyle = colour;
  ctx.globalAlpha = alpha;
  ctx.lineWidth = 1.25;
  ctx.beginPath();
  for (const edge of edges) {
    const a = boxes[edge.from];
    const b = boxes[edge.to];
    if (!a || !b) continue;
    const ax = (a.x + a.w / 2) * k + cx;
    const ay = (a.y + a.h / 2) * k + cy;
    const bx = (b.x + b.w / 2) * k + cx;
    const by = (b.y + b.h / 2) * k + cy;
    const mx = (ax + bx) / 2;
    ctx.moveTo(ax, ay);
    ctx.bezierCurveTo(mx, ay, mx, by, bx, by);
  }
  ctx.stroke();
  // Arrowheads at the target end, so direction (who routes to whom) reads without a legend.
  ctx.fillStyle = colour;
  for (const edge of edges) {
    const b = boxes[edge.to];
    if (!b) continue;
    const bx = (b.x + b.w / 2) * k + cx;
    const by = (b.y + b.h / 2) * k + cy;
    ctx.beginPath();
    ctx.arc(bx, by, 2.5, 0, Math.PI * 2);
    ctx.fill();
  }
  ctx.globalAlpha = 1;
}
