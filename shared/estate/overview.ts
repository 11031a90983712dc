import { emptyCounts, unplacedGroupId } from './health.js';
import type { HealthCounts, HealthGroup, HealthProblem } from './health.js';
import { healthSeverity } from './model.js';
import type { Entity, EntityKind, Health } from './model.js';
import type { PlacementTally, SummaryPlacement } from './running-summary.js';

/**
 * What the overview shows beyond summarise() (health.ts), shared by the renderer, which keeps it
 * over its own index, and the engine, which keeps it over the estate so the console can draw the
 * overview before its copy of the estate has arrived (`estate.overview`): which sources fed each
 * group, so a row can say how fresh it is; how many of its pods are in each health; and the
 * problem list with broken pods folded into their workloads.
 */

/** Derived entities (clouds, accounts, regions, apps) have no source of their own. */
export const derivedSourceId = 'derived';

/** Keep every problem: the overview's list is virtualised, and a cap would hide the 51st. */
export const overviewSummaryOptions = { problemsPerGroup: 3, problems: Number.MAX_SAFE_INTEGER };

export interface GroupExtras {
  sourceIds: Set<string>;
  pods: HealthCounts;
}

export function groupKey(kind: HealthGroup['kind'], id: string): string {
  return `${kind}|${id}`;
}

/** An entity's ancestors, nearest first, stopping at a missing parent or a cycle (EstateIndex.ancestors). */
export interface Ancestry {
  ancestors(id: string): Entity[];
}

export const workloadKinds: ReadonlySet<EntityKind> = new Set(['deployment', 'statefulset', 'daemonset']);

export interface ProblemRow {
  problem: HealthProblem;
  /** The row's rank: its own health, or its folded pods' if worse. */
  effective: Health;
  /** Broken pods folded into this workload's row, by health; null for rows that fold none. */
  pods: HealthCounts | null;
}

/**
 * The overview's "what is wrong" list, with each broken pod folded into its workload's row when
 * that workload is listed too: a crash-looping deployment is one problem with twelve failing
 * pods, not twelve problems above the one that explains them. A workload ranks by its worst
 * pod, so folding never hides how bad it is. Pods of healthy (or unknown) workloads keep rows;
 * a broken ReplicaSet under a listed Deployment says nothing new and is left out.
 */
export function problemRows(problems: readonly HealthProblem[], tree: Ancestry): ProblemRow[] {
  const rows: ProblemRow[] = [];
  const workloadRow = new Map<string, ProblemRow>();
  for (const problem of problems) {
    if (workloadKinds.has(problem.kind)) {
      const row: ProblemRow = { problem, effective: problem.health, pods: null };
      workloadRow.set(problem.id, row);
    }
  }
  for (const problem of problems) {
    if (problem.kind === 'pod' || problem.kind === 'replicaset') {
      const workload = tree.ancestors(problem.id).find((a) => workloadKinds.has(a.kind));
      const row = workload ? workloadRow.get(workload.id) : undefined;
      // A ReplicaSet repeats its Deployment's problem: it has no row of its own when that one has.
      if (row && problem.kind === 'replicaset') continue;
      if (row) {
        row.pods ??= emptyCounts();
        row.pods[problem.health]++;
        if (healthSeverity[problem.health] > healthSeverity[row.effective]) row.effective = problem.health;
        continue;
      }
    }
    rows.push(workloadRow.get(problem.id) ?? { problem, effective: problem.health, pods: null });
  }
  // Stable: within one severity the shared worst-first order (what explains most first) holds.
  return rows.sort((a, b) => healthSeverity[b.effective] - healthSeverity[a.effective]);
}

/** "shop-prod-eks / checkout / checkout-api", for showing where an entity lives in one line. */
export function locationOf(tree: Ancestry, entity: Entity): string {
  const parts: string[] = [];
  for (const ancestor of tree.ancestors(entity.id)) {
    if (ancestor.kind === 'cloud' || ancestor.kind === 'account' || ancestor.kind === 'replicaset') continue;
    parts.push(ancestor.name);
  }
  return parts.reverse().join(' / ');
}

interface TalliedGroup {
  members: number;
  sources: Map<string, number>;
  pods: HealthCounts;
  /** What was last handed out, until a member changes. */
  shown: GroupExtras | null;
}

/** Each group's sources and pods by health, as the overview counts them from nothing, kept member by member. */
export class GroupTally implements PlacementTally {
  private readonly groups = new Map<string, TalliedGroup>();
  /** Siblings share one placement object, so they share its keys. */
  private readonly keysOf = new WeakMap<SummaryPlacement, string[]>();
  private shown: Map<string, GroupExtras> | null = null;

  add(entity: Entity, where: SummaryPlacement): void {
    this.shift(entity, where, 1);
  }

  remove(entity: Entity, where: SummaryPlacement): void {
    this.shift(entity, where, -1);
  }

  clear(): void {
    this.groups.clear();
    this.shown = null;
  }

  extras(): Map<string, GroupExtras> {
    if (this.shown) return this.shown;
    const out = new Map<string, GroupExtras>();
    for (const [key, group] of this.groups) {
      group.shown ??= { sourceIds: new Set(group.sources.keys()), pods: { ...group.pods } };
      out.set(key, group.shown);
    }
    return (this.shown = out);
  }

  private shift(entity: Entity, where: SummaryPlacement, by: 1 | -1): void {
    // Derived entities have no source of their own; a derived cluster still says whose it is.
    if (entity.sourceId === derivedSourceId && entity.kind !== 'cluster') return;
    this.shown = null;
    for (const key of this.keys(where)) {
      let group = this.groups.get(key);
      if (!group) this.groups.set(key, (group = { members: 0, sources: new Map(), pods: emptyCounts(), shown: null }));
      group.shown = null;
      group.members += by;
      const sources = (group.sources.get(entity.sourceId) ?? 0) + by;
      if (sources > 0) group.sources.set(entity.sourceId, sources);
      else group.sources.delete(entity.sourceId);
      if (entity.kind === 'pod') group.pods[entity.health] += by;
      if (group.members === 0) this.groups.delete(key);
    }
  }

  private keys(where: SummaryPlacement): string[] {
    let keys = this.keysOf.get(where);
    if (!keys) {
      keys = [groupKey('cloud', where.cloud ?? unplacedGroupId)];
      if (where.cluster) keys.push(groupKey('cluster', where.cluster));
      if (where.namespace) keys.push(groupKey('namespace', where.namespace));
      this.keysOf.set(where, keys);
    }
    return keys;
  }
}
