import type { Entity, EntityKind, Health } from '../../../shared/estate/model.js';
import type { EstateIndex } from '../estate/estate-index.js';
import { emptyCounts } from '../../../shared/estate/health.js';
import type { HealthCounts } from '../../../shared/estate/health.js';

/**
 * The topology as nested boxes: cloud ⊃ account ⊃ region ⊃ cluster ⊃ namespace ⊃ workload ⊃
 * pods, the way an operator already thinks of containment. Any group can be collapsed into one
 * tile that still shows the health of everything inside it, so 10,000 pods fit on a screen as a
 * few hundred tiles and expand where someone is looking.
 *
 * Laying out is O(entities) and runs only when structure, collapse state or filters change;
 * health changes only repaint (aggregate() refreshes counts in place). Coordinates are world
 * units; the view's camera maps them to pixels.
 */

/** Depth of each level of containment, for "expand everything down to …". */
export const levelOfKind: Record<EntityKind, number> = {
  cloud: 0,
  account: 1,
  region: 2,
  cluster: 3,
  namespace: 4,
  nodegroup: 4,
  app: 5,
  deployment: 5,
  statefulset: 5,
  daemonset: 5,
  replicaset: 5,
  node: 5,
  service: 5,
  ingress: 5,
  httproute: 5,
  hpa: 5,
  pdb: 5,
  loadbalancer: 5,
  database: 5,
  alarm: 5,
  pod: 6,
};

export const levels = [
  { level: 0, label: 'Clouds' },
  { level: 1, label: 'Accounts' },
  { level: 2, label: 'Regions' },
  { level: 3, label: 'Clusters' },
  { level: 4, label: 'Namespaces' },
  { level: 5, label: 'Workloads' },
  { level: 6, label: 'Pods' },
] as const;

/**
 * Kinds drawn through: a ReplicaSet sits between a Deployment and its pods, but an operator
 * reads "the deployment's pods", so its children are hoisted into the workload.
 */
const passThroughKinds: ReadonlySet<EntityKind> = new Set(['replicaset']);

export interface TopologyOptions {
  /**
   * Groups at a level below this are expanded: 6 shows pods, 5 stops at workloads (their pods
   * summarised in the tile), 3 shows clusters as tiles, and so on.
   */
  expandTo: number;
  /** Per-group choices that override expandTo: id → expanded. */
  overrides: ReadonlyMap<string, boolean>;
  /** Only entities passing it, and the groups that contain them, are laid out. Null: all. */
  filter: ((entity: Entity) => boolean) | null;
}

/** Pods above this many default to collapsed workloads; below, everything is drawn. */
export const largeEstatePods = 1500;

export function defaultExpandTo(podCount: number): number {
  return podCount > largeEstatePods ? 5 : 6;
}

export interface Box {
  id: string;
  entity: Entity;
  /** Index of the containing box, -1 at the top. */
  parent: number;
  /** One past the last box inside this one: boxes are stored parents-first, so a subtree is [i, end). */
  end: number;
  depth: number;
  x: number;
  y: number;
  w: number;
  h: number;
  /** Has contents (shown or collapsed). */
  group: boolean;
  expanded: boolean;
  /** Drawn as a small glyph in a grid (pods), not a labelled tile. */
  dot: boolean;
  /** Entities inside a collapsed group, which the layout did not place but whose health it summarises. */
  hidden: string[];
  /** Health of every non-container resource inside (including itself when it is one). */
  counts: HealthCounts;
  pods: HealthCounts;
  /** Health to draw: the entity's own. */
  health: Health;
}

export interface TopologyLayout {
  boxes: Box[];
  byId: Map<string, number>;
  width: number;
  height: number;
}

export const DOT = 12;
export const DOT_GAP = 4;
export const TILE_W = 168;
export const TILE_H = 40;
export const PAD = 10;
export const HEADER = 26;
export const GAP = 10;

interface Node {
  entity: Entity;
  /** measure() has sized it and placed its children: a subtree reused from an earlier layout. */
  measured: boolean;
  children: Node[];
  /** Entities below a collapsed group that passed the filter. */
  hidden: string[];
  expanded: boolean;
  group: boolean;
  w: number;
  h: number;
  /** Offsets of children relative to this node's top-left. */
  offsets: { x: number; y: number }[];
  dot: boolean;
  /**
   * Its box's counts, shared with every box it is placed as: a subtree kept by a later layout
   * keeps its counts too, and only what was written since is counted again (layoutTopology).
   */
  counts: HealthCounts;
  pods: HealthCounts;
  /** counts hold a count made since it was built. */
  counted: boolean;
  /** The box it was last placed as, written over when a later layout places it again. */
  box: Box | null;
}

const containerOrder: Record<EntityKind, number> = { ...levelOfKind };

function compareForLayout(a: Entity, b: Entity): number {
  // Stable order by what a thing is and its name, never by health: tiles must not jump around
  // every time a pod restarts. Plain code-unit order: localeCompare costs ~10× on 10,000 pods.
  return containerOrder[a.kind] - containerOrder[b.kind] || (a.name < b.name ? -1 : a.name > b.name ? 1 : a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}

/** Children as the topology shows them: pass-through kinds replaced by their own children. */
export function displayChildren(index: EstateIndex, id: string, out: Entity[] = [], seen = new Set<string>()): Entity[] {
  for (const child of index.children(id)) {
    if (seen.has(child.id)) continue;
    seen.add(child.id);
    if (passThroughKinds.has(child.kind)) displayChildren(index, child.id, out, seen);
    else out.push(child);
  }
  return out;
}

/**
 * Apps group workloads across clusters by label; they are not containment, so the nested view
 * leaves them out (they are reachable by search and from a workload's detail, by member-of).
 */
const notContainment: ReadonlySet<EntityKind> = new Set(['app']);

export function displayRoots(index: EstateIndex): Entity[] {
  const roots: Entity[] = [];
  for (const entity of index.roots()) {
    if (notContainment.has(entity.kind)) continue;
    // An orphaned pass-through (its workload not reported) still shows what it holds.
    if (passThroughKinds.has(entity.kind)) roots.push(...displayChildren(index, entity.id));
    else roots.push(entity);
  }
  return roots;
}

function isExpanded(entity: Entity, options: TopologyOptions): boolean {
  const override = options.overrides.get(entity.id);
  if (override !== undefined) return override;
  return levelOfKind[entity.kind] < options.expandTo;
}

/**
 * A cluster's nodes, gathered into one group of their own: a hundred node tiles beside the
 * namespaces would push the workloads off screen, and the group collapses like any other.
 * The id cannot clash with an estate id (those never contain '#').
 */
export const nodesGroupSuffix = '#nodes';

export function isSyntheticId(id: string): boolean {
  return id.endsWith(nodesGroupSuffix);
}

function nodesGroup(cluster: Entity, count: number): Entity {
  return {
    id: cluster.id + nodesGroupSuffix,
    kind: 'nodegroup',
    name: `Nodes (${count})`,
    parentId: cluster.id,
    sourceId: cluster.sourceId,
    labels: {},
    annotations: {},
    health: 'healthy',
    healthReason: '',
    status: {},
    observedAt: cluster.observedAt,
  };
}

/** Nodes are drawn expanded with the workloads' pods, collapsed with the workloads. */
const nodesGroupLevel = 5;

/**
 * Subtrees built by an earlier layout, by entity id, that a later one may take as they are: the
 * caller (TopologyModel) deletes the entry of every entity whose subtree changed, and of every
 * ancestor of one, before laying out again. Synthetic groups are never kept (they are rebuilt
 * with their cluster).
 */
export type SubtreeCache = Map<string, LayoutNode | null>;
export type LayoutNode = Node;

function build(index: EstateIndex, entity: Entity, options: TopologyOptions, ancestry: Set<string>, given?: Entity[], reuse?: SubtreeCache): Node | null {
  if (reuse && given === undefined) {
    const kept = reuse.get(entity.id);
    if (kept !== undefined) return kept;
    const node = buildNew(index, entity, options, ancestry, undefined, reuse);
    reuse.set(entity.id, node);
    return node;
  }
  return buildNew(index, entity, options, ancestry, given, reuse);
}

function buildNew(index: EstateIndex, entity: Entity, options: TopologyOptions, ancestry: Set<string>, given: Entity[] | undefined, reuse: SubtreeCache | undefined): Node | null {
  const passes = options.filter === null || options.filter(entity);
  ancestry.add(entity.id);
  const childNodes: Node[] = [];
  const hidden: string[] = [];
  let children = given ?? displayChildren(index, entity.id).filter((c) => !ancestry.has(c.id));
  const synthetic = isSyntheticId(entity.id);
  const expanded =
    children.length > 0 &&
    (options.overrides.get(entity.id) ?? (synthetic ? nodesGroupLevel < options.expandTo : isExpanded(entity, options)));
  if (expanded) {
    if (entity.kind === 'cluster') {
      const nodes = children.filter((c) => c.kind === 'node');
      if (nodes.length > 0) {
        children = children.filter((c) => c.kind !== 'node');
        const group = build(index, nodesGroup(entity, nodes.length), options, ancestry, nodes, reuse);
        if (group) childNodes.push(group);
      }
    }
    children.sort(compareForLayout);
    for (const child of children) {
      const node = build(index, child, options, ancestry, undefined, reuse);
      if (node) childNodes.push(node);
    }
  } else if (given) {
    for (const child of given) {
      if (options.filter === null || options.filter(child)) hidden.push(child.id);
    }
  } else {
    collectHidden(index, entity.id, options, hidden, ancestry);
  }
  ancestry.delete(entity.id);
  const hasContents = expanded ? childNodes.length > 0 : hidden.length > 0;
  if ((synthetic || !passes) && !hasContents) return null;
  return {
    entity,
    measured: false,
    children: childNodes,
    hidden,
    expanded: expanded && childNodes.length > 0,
    group: children.length > 0 || (given?.length ?? 0) > 0,
    w: 0,
    h: 0,
    offsets: [],
    dot: entity.kind === 'pod' && children.length === 0,
    counts: emptyCounts(),
    pods: emptyCounts(),
    counted: false,
    box: null,
  };
}

function collectHidden(index: EstateIndex, id: string, options: TopologyOptions, out: string[], ancestry: Set<string>): void {
  for (const child of displayChildren(index, id)) {
    if (ancestry.has(child.id)) continue;
    if (options.filter === null || options.filter(child)) out.push(child.id);
    ancestry.add(child.id);
    collectHidden(index, child.id, options, out, ancestry);
    ancestry.delete(child.id);
  }
}

/** Rows of items, left to right, wrapping at a width that keeps the group about `aspect` wide per unit high. */
function shelfPack(
  items: { w: number; h: number }[],
  minWidth: number,
  aspect = 1.8,
): { offsets: { x: number; y: number }[]; w: number; h: number } {
  let area = 0;
  let widest = 0;
  for (const item of items) {
    area += (item.w + GAP) * (item.h + GAP);
    widest = Math.max(widest, item.w);
  }
  const target = Math.max(widest, minWidth, Math.sqrt(area * aspect));
  const offsets: { x: number; y: number }[] = [];
  let x = 0;
  let y = 0;
  let rowH = 0;
  let w = 0;
  for (const item of items) {
    if (x > 0 && x + item.w > target) {
      y += rowH + GAP;
      x = 0;
      rowH = 0;
    }
    offsets.push({ x, y });
    x += item.w + GAP;
    rowH = Math.max(rowH, item.h);
    w = Math.max(w, x - GAP);
  }
  return { offsets, w, h: y + rowH };
}

function measure(node: Node): void {
  if (node.measured) return;
  node.measured = true;
  if (node.dot) {
    node.w = DOT;
    node.h = DOT;
    return;
  }
  if (!node.expanded) {
    node.w = TILE_W;
    node.h = TILE_H;
    return;
  }
  for (const child of node.children) measure(child);
  const dots = node.children.filter((c) => c.dot);
  const tiles = node.children.filter((c) => !c.dot);
  // Big groups first so rows fill evenly; the order among equals stays the stable one.
  tiles.sort((a, b) => b.h - a.h);
  const items: { w: number; h: number }[] = tiles.map((t) => ({ w: t.w, h: t.h }));
  let dotCols = 0;
  if (dots.length > 0) {
    dotCols = Math.max(1, Math.min(dots.length, Math.ceil(Math.sqrt(dots.length * 2.5))));
    const rows = Math.ceil(dots.length / dotCols);
    items.push({ w: dotCols * (DOT + DOT_GAP) - DOT_GAP, h: rows * (DOT + DOT_GAP) - DOT_GAP });
  }
  const packed = shelfPack(items, TILE_W - 2 * PAD);
  node.children = [...tiles, ...dots];
  node.offsets = [];
  tiles.forEach((_, i) => node.offsets.push({ x: PAD + packed.offsets[i]!.x, y: HEADER + packed.offsets[i]!.y }));
  if (dots.length > 0) {
    const block = packed.offsets[tiles.length]!;
    dots.forEach((_, i) =>
      node.offsets.push({
        x: PAD + block.x + (i % dotCols) * (DOT + DOT_GAP),
        y: HEADER + block.y + Math.floor(i / dotCols) * (DOT + DOT_GAP),
      }),
    );
  }
  node.w = Math.max(TILE_W, packed.w + 2 * PAD);
  node.h = HEADER + packed.h + PAD;
}

/**
 * Writes the node's box, parents first. A kept subtree's nodes write over the boxes they were
 * placed as last time rather than make new ones: a burst's re-layout at 50,000 pods places some
 * 15,000 boxes, and making each afresh was the largest part of it. A layout's boxes are read
 * until the next one replaces it, never after (controller.ts, TopologyModel).
 */
function place(node: Node, x: number, y: number, parent: number, depth: number, layout: TopologyLayout, fresh: number[]): void {
  const index = layout.boxes.length;
  if (!node.counted) fresh.push(index);
  const box = node.box;
  if (box === null) {
    node.box = {
      id: node.entity.id,
      entity: node.entity,
      parent,
      end: index + 1,
      depth,
      x,
      y,
      w: node.w,
      h: node.h,
      group: node.group,
      expanded: node.expanded,
      dot: node.dot,
      hidden: node.hidden,
      counts: node.counts,
      pods: node.pods,
      health: node.entity.health,
    };
    layout.boxes.push(node.box);
  } else {
    // Only what a layout may change: the rest is the node's own, fixed when it was built.
    box.entity = node.entity;
    box.parent = parent;
    box.end = index + 1;
    box.depth = depth;
    box.x = x;
    box.y = y;
    box.health = node.entity.health;
    layout.boxes.push(box);
  }
  layout.byId.set(node.entity.id, index);
  for (let i = 0; i < node.children.length; i++) place(node.children[i]!, x + node.offsets[i]!.x, y + node.offsets[i]!.y, index, depth + 1, layout, fresh);
  layout.boxes[index]!.end = layout.boxes.length;
}

/**
 * Lays the estate out. With `reuse`, subtrees left in it are taken as built and sized, and every
 * subtree built is left in it; positions are always assigned afresh (a subtree that grew moves
 * its siblings), which is O(boxes) rather than O(entities). With `written` as well (every entity
 * written since the kept subtrees were last counted, whose kept nodes already hold the entity as
 * written), only new boxes and the boxes those entities are drawn in are counted again, with
 * everything above them: counting every hidden pod again was most of a re-layout after a burst.
 */
export function layoutTopology(
  index: EstateIndex,
  options: TopologyOptions,
  aspect = 1.8,
  reuse?: SubtreeCache,
  written?: Iterable<string>,
): TopologyLayout {
  const roots: Node[] = [];
  const rootEntities = displayRoots(index).sort(compareForLayout);
  for (const entity of rootEntities) {
    const node = build(index, entity, options, new Set(), undefined, reuse);
    if (node) roots.push(node);
  }
  for (const root of roots) measure(root);
  roots.sort((a, b) => b.h - a.h);
  // The top level follows the screen's shape, so "fit" uses the width a desktop window has.
  const packed = shelfPack(roots, 0, aspect);
  const layout: TopologyLayout = { boxes: [], byId: new Map(), width: packed.w, height: packed.h };
  const fresh: number[] = [];
  roots.forEach((root, i) => place(root, packed.offsets[i]!.x, packed.offsets[i]!.y, -1, 0, layout, fresh));
  if (reuse && written) {
    aggregateChanged(layout, index, written, fresh);
  } else {
    aggregate(layout, index);
  }
  for (const root of roots) markCounted(root);
  return layout;
}

function markCounted(node: Node): void {
  if (node.counted) return;
  node.counted = true;
  for (const child of node.children) markCounted(child);
}

const summaryKinds: ReadonlySet<EntityKind> = new Set(['cloud', 'account', 'region', 'cluster', 'namespace', 'replicaset']);

/**
 * Refreshes health and counts from the index without moving anything: called on every
 * published change, which on a busy estate is several times a second.
 */
export function aggregate(layout: TopologyLayout, index: EstateIndex): void {
  const { boxes } = layout;
  // Boxes are stored parents-first, so walking backwards counts each box after its children.
  // Counts are reset in place: this runs up to ten times a second on every box of a 50,000-pod
  // estate, and fresh objects each time kept the collector busy during a pan.
  for (let i = boxes.length - 1; i >= 0; i--) recount(boxes, i, index);
}

/**
 * aggregate() for a few changed entities: the boxes they are drawn in are counted again from
 * their own entity, their hidden members and their children, then every box above them, deepest
 * first. The same counts as aggregate() (test/unit/renderer-estate/topology-model.test.ts), at
 * the cost of the changed boxes and their ancestors' direct children rather than every box and
 * every hidden entity: a busy 50,000-pod estate refreshes up to ten times a second.
 */
export function aggregateChanged(layout: TopologyLayout, index: EstateIndex, ids: Iterable<string>, boxIds: Iterable<number> = []): void {
  const { boxes } = layout;
  const dirty = new Set<number>(boxIds);
  for (const id of ids) {
    const at = representativeOf(layout, index, id);
    if (at !== undefined) dirty.add(at);
  }
  const above = new Set<number>();
  for (const at of dirty) {
    for (let p = boxes[at]!.parent; p >= 0 && !above.has(p); p = boxes[p]!.parent) above.add(p);
  }
  // Children sit after their parent (parents-first order), so deepest-first is descending index.
  const order = [...new Set([...dirty, ...above])].sort((a, b) => b - a);
  for (const i of order) recount(boxes, i, index);
}

/** A box's counts from its own entity, its hidden members and its (already counted) children. */
function recount(boxes: Box[], i: number, index: EstateIndex): void {
  const box = boxes[i]!;
  const current = index.get(box.id);
  if (current) box.entity = current;
  box.health = box.entity.health;
  const { counts, pods } = box;
  counts.failing = counts.degraded = counts.unknown = counts.healthy = 0;
  pods.failing = pods.degraded = pods.unknown = pods.healthy = 0;
  if (!summaryKinds.has(box.entity.kind)) {
    counts[box.health]++;
    if (box.entity.kind === 'pod') pods[box.health]++;
  }
  for (const id of box.hidden) {
    const hidden = index.get(id);
    if (!hidden || summaryKinds.has(hidden.kind)) continue;
    counts[hidden.health]++;
    if (hidden.kind === 'pod') pods[hidden.health]++;
  }
  for (let c = i + 1; c < box.end; c = boxes[c]!.end) {
    const child = boxes[c]!;
    counts.failing += child.counts.failing;
    counts.degraded += child.counts.degraded;
    counts.unknown += child.counts.unknown;
    counts.healthy += child.counts.healthy;
    pods.failing += child.pods.failing;
    pods.degraded += child.pods.degraded;
    pods.unknown += child.pods.unknown;
    pods.healthy += child.pods.healthy;
  }
}

/** The box an entity is drawn in: its own, or the nearest collapsed group containing it. */
export function representativeOf(layout: TopologyLayout, index: EstateIndex, id: string): number | undefined {
  const own = layout.byId.get(id);
  if (own !== undefined) return own;
  const entity = index.get(id);
  if (entity?.kind === 'node' && entity.parentId !== null) {
    const group = layout.byId.get(entity.parentId + nodesGroupSuffix);
    if (group !== undefined) return group;
  }
  for (const ancestor of index.ancestors(id)) {
    const box = layout.byId.get(ancestor.id);
    if (box !== undefined) return box;
  }
  return undefined;
}

/** Overrides that expand every group between the top and an entity, so a search hit is visible. */
export function revealOverrides(index: EstateIndex, id: string, overrides: ReadonlyMap<string, boolean>): Map<string, boolean> {
  const next = new Map(overrides);
  for (const ancestor of index.ancestors(id)) next.set(ancestor.id, true);
  const entity = index.get(id);
  if (entity?.kind === 'node' && entity.parentId !== null) next.set(entity.parentId + nodesGroupSuffix, true);
  return next;
}
