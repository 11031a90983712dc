import type { RelationKind } from '../../../shared/estate/model.js';
import type { EstateIndex } from '../estate/estate-index.js';
import { representativeOf } from './layout.js';
import type { TopologyLayout } from './layout.js';

/**
 * Which relations the graph draws as lines. Containment (owns, member-of) is already drawn as
 * nesting. Traffic and alarms are always drawn; pods-on-nodes would be ten thousand lines, so
 * those appear only for the selected entity.
 */
const alwaysDrawn: ReadonlySet<RelationKind> = new Set(['selects', 'routes-to', 'alarms-on']);

export interface Edge {
  from: number;
  to: number;
  kind: RelationKind;
  /** How many relations this line stands for (several pods inside one collapsed workload). */
  count: number;
}

function addEdge(edges: Map<string, Edge>, from: number | undefined, to: number | undefined, kind: RelationKind): void {
  if (from === undefined || to === undefined || from === to) return;
  const key = `${from}>${to}>${kind}`;
  const edge = edges.get(key);
  if (edge) edge.count++;
  else edges.set(key, { from, to, kind, count: 1 });
}

/**
 * Lines between visible boxes; an end inside a collapsed group is drawn to that group. Lines
 * between two boxes in the same namespace are left out: a service and the deployment it
 * selects sit side by side under the same name, and forty such lines would hide the picture.
 * They appear when either end is hovered or selected (selectionEdges).
 */
export function structuralEdges(layout: TopologyLayout, index: EstateIndex): Edge[] {
  const edges = new Map<string, Edge>();
  for (const rel of index.relations.values()) {
    if (!alwaysDrawn.has(rel.kind)) continue;
    const from = representativeOf(layout, index, rel.from);
    const to = representativeOf(layout, index, rel.to);
    if (from === undefined || to === undefined) continue;
    const parent = layout.boxes[from]!.parent;
    if (parent >= 0 && parent === layout.boxes[to]!.parent && layout.boxes[parent]!.entity.kind === 'namespace') continue;
    addEdge(edges, from, to, rel.kind);
  }
  return [...edges.values()];
}

/** Every relation of one entity, containment included, for when it is selected. */
export function selectionEdges(layout: TopologyLayout, index: EstateIndex, id: string): Edge[] {
  const edges = new Map<string, Edge>();
  for (const rel of index.relationsOf(id)) {
    if (rel.kind === 'owns' || rel.kind === 'member-of') continue;
    addEdge(edges, representativeOf(layout, index, rel.from), representativeOf(layout, index, rel.to), rel.kind);
  }
  return [...edges.values()];
}
