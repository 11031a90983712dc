import type { EstateReader } from '../state/estate-reader.js';

/** What the walk needs of the estate's read seam (state/estate-reader.ts). */
export type NeighbourhoodReader = Pick<EstateReader, 'get' | 'relationsOf' | 'children'>;

/** Enough for a large service (its pods, replica sets, nodes, alarms) without walking the estate. */
const maxEntities = 2000;
/** alarm → load balancer → Service → pods → ReplicaSet → Deployment: the longest path an SRE follows from an alert. */
const maxDepth = 6;

/**
 * The entities an incident's timeline covers: the impacted ones and everything under and around
 * them, as an SRE would look: a Deployment's ReplicaSets and pods (children, `owns`), the
 * Service that selects them and the load balancer or ingress that routes to it, the alarms on
 * any of those, and the nodes the pods run on. Nodes and load balancers are leaves: expanding
 * from a node would pull in every pod on it, most of them unrelated.
 */
export function incidentNeighbourhood(seeds: readonly string[], estate: NeighbourhoodReader): string[] {
  const found = new Set<string>(seeds);
  const queue: Array<{ id: string; depth: number }> = seeds.map((id) => ({ id, depth: 0 }));
  while (queue.length > 0 && found.size < maxEntities) {
    const { id, depth } = queue.shift()!;
    const entity = estate.get(id);
    if (depth >= maxDepth || !entity || entity.kind === 'node' || entity.kind === 'cluster' || entity.kind === 'namespace') continue;
    const add = (next: string) => {
      if (found.has(next) || found.size >= maxEntities) return;
      found.add(next);
      queue.push({ id: next, depth: depth + 1 });
    };
    for (const child of estate.children(id)) add(child.id);
    for (const r of estate.relationsOf(id)) {
      if (r.kind === 'member-of') continue;
      if (r.kind === 'runs-on' && r.from === id) {
        // The node a pod runs on: its conditions belong on the timeline, its other pods do not.
        found.add(r.to);
        continue;
      }
      if (r.kind === 'runs-on') continue;
      add(r.from === id ? r.to : r.from);
    }
  }
  return [...found];
}
