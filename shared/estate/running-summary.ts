import type { Entity, Health } from './model.js';
import {
  compareGroups,
  compareWorstFirst,
  emptyCounts,
  groupHealth,
  isProblem,
  keepWorst,
  ownHealthOf,
  problemOf,
  summarise,
  unplacedGroupId,
} from './health.js';
import type { EstateSummary, HealthCounts, HealthGroup, HealthProblem, SummariseOptions } from './health.js';

/**
 * `summarise` kept as entities come, change and go, instead of recomputed over every entity:
 * the overview refreshes four times a second on a busy estate, and summarising 50,000 pods from
 * nothing took a quarter of a second, which a 5,000-pod burst paid on every refresh (the
 * overview's longest frame). Each entity's contribution (its health in the cloud, cluster and
 * namespace groups it is placed in, and its problem) is taken back and counted again when the
 * entity is written; when containment changes, everything under the moved entity is placed
 * again. A group's worst problems and the estate's problem list are re-sorted only when they
 * changed. `summary()` says exactly what `summarise([...tree.entities.values()], options)` says
 * (test/unit/renderer-estate/running-overview.test.ts, under random frames); while the tree holds
 * a parent cycle (a broken source), it is `summarise` itself.
 */

/** What the summary reads: the estate by id and by parent (the renderer's EstateIndex is one). */
export interface SummaryTree {
  /** Read for its size and, to count from nothing, its values (the engine's estate gives just these). */
  readonly entities: { readonly size: number; values(): IterableIterator<Entity> };
  get(id: string): Entity | undefined;
  /** Entities whose parentId is `id`, whether or not `id` exists. */
  children(id: string): readonly Entity[];
}

/** The cloud, cluster and namespace an entity is in (itself, when it is one); null: none above it. */
export interface SummaryPlacement {
  readonly cloud: string | null;
  readonly cluster: string | null;
  readonly namespace: string | null;
}

/** Told of every entity's placement as it is counted and taken back, for figures kept beside the summary. */
export interface PlacementTally {
  add(entity: Entity, where: SummaryPlacement): void;
  remove(entity: Entity, where: SummaryPlacement): void;
  clear(): void;
}

interface RunningGroup {
  readonly kind: HealthGroup['kind'];
  readonly id: string;
  readonly counts: HealthCounts;
  total: number;
  readonly problems: Map<string, HealthProblem>;
  /** The worst `worstFor` problems, worst first; null when problems changed since. */
  worst: HealthProblem[] | null;
  worstFor: number;
}

const unplaced: SummaryPlacement = { cloud: null, cluster: null, namespace: null };
/** A chain this long is checked for a cycle through a Set rather than by scanning it. */
const SHORT_CHAIN = 32;

export class RunningSummary {
  /** Everything must be counted again: at start, after a reset, while a parent cycle stands. */
  private rebuild = true;
  /** Written since the last reconcile (count again); moved (place their subtree again). */
  private readonly touched = new Set<string>();
  private readonly moved = new Set<string>();
  /** What each entity was last counted as, and where: what to take back when it changes. */
  private readonly counted = new Map<string, Entity>();
  private readonly countedWhere = new Map<string, SummaryPlacement>();
  /** Placements as they stand; siblings share their parent's object. */
  private readonly placements = new Map<string, SummaryPlacement>();
  private readonly groups = { cloud: new Map<string, RunningGroup>(), cluster: new Map<string, RunningGroup>(), namespace: new Map<string, RunningGroup>() };
  /** Each kind's groups in their last order, so the next sort starts from nearly sorted. */
  private readonly order: Record<HealthGroup['kind'], RunningGroup[]> = { cloud: [], cluster: [], namespace: [] };
  private counts = emptyCounts();
  private total = 0;
  private readonly problems = new Map<string, HealthProblem>();
  private sortedProblems: HealthProblem[] = [];
  /** Entity ids whose problem appeared, changed or went since sortedProblems was sorted. */
  private readonly problemsChanged = new Set<string>();
  private readonly isRollup: (entity: Entity) => boolean;

  constructor(
    private readonly tree: SummaryTree,
    options: { isRollup?: (entity: Entity) => boolean; tally?: PlacementTally } = {},
  ) {
    this.isRollup = options.isRollup ?? ((entity) => entity.sourceId === 'derived');
    this.tally = options.tally ?? null;
  }

  private readonly tally: PlacementTally | null;

  /** An entity was written (its health, name or anything else may have changed). */
  touch(id: string): void {
    if (this.rebuild) return;
    this.touched.add(id);
    this.bound();
  }

  /**
   * An entity was written and its parent may have changed (a frame does not say): placed again
   * with what is under it only when its parent differs from the one it was counted under. A
   * namespace restated with a new health (as its pods change) must not count its pods again.
   */
  written(entity: Entity): void {
    if (this.rebuild) return;
    if (this.counted.get(entity.id)?.parentId === entity.parentId) this.touch(entity.id);
    else this.move(entity.id);
  }

  /** An entity appeared, went or changed parent: what is under it is placed again. */
  move(id: string): void {
    if (this.rebuild) return;
    this.moved.add(id);
    this.bound();
  }

  /**
   * Nobody may ask for the summary for hours (the overview not shown) while pods come and go:
   * past an estate's worth of pending ids, counting from nothing costs no more, and holding the
   * ids of every pod that ever went would grow without end.
   */
  private bound(): void {
    if (this.pending > Math.max(1_000, this.tree.entities.size)) this.reset();
  }

  /** Ids written or moved and not yet counted again. */
  get pending(): number {
    return this.touched.size + this.moved.size;
  }

  /** Everything was replaced. */
  reset(): void {
    this.rebuild = true;
    this.touched.clear();
    this.moved.clear();
  }

  /**
   * Brings the counts up to the tree. False while the tree holds a parent cycle: then nothing
   * kept is valid and callers compute from nothing (summarise places cycles by iteration order).
   */
  reconcile(): boolean {
    if (this.rebuild) return this.recount();
    if (this.touched.size === 0 && this.moved.size === 0) return true;
    // An entity that became or stopped being a cloud, cluster or namespace places what is under it.
    for (const id of this.touched) {
      const before = this.counted.get(id);
      const now = this.tree.get(id);
      if (before && now && before.kind !== now.kind) this.moved.add(id);
    }
    const dirty = this.touched;
    const stack = [...this.moved];
    this.moved.clear();
    const seen = new Set<string>();
    while (stack.length > 0) {
      const id = stack.pop() as string;
      if (seen.has(id)) continue;
      seen.add(id);
      dirty.add(id);
      this.placements.delete(id);
      for (const child of this.tree.children(id)) stack.push(child.id);
    }
    for (const id of dirty) {
      const before = this.counted.get(id);
      if (before) this.uncount(before, this.countedWhere.get(id) as SummaryPlacement);
      const now = this.tree.get(id);
      if (!now) continue;
      const where = this.place(now);
      if (where === null) {
        this.rebuild = true;
        dirty.clear();
        return false;
      }
      this.count(now, where);
    }
    dirty.clear();
    return true;
  }

  /** summarise()'s answer for the tree as it is now. */
  summary(options: SummariseOptions = {}): EstateSummary {
    if (!this.reconcile()) return summarise(this.tree.entities.values(), { ...options, isRollup: this.isRollup });
    const perGroup = options.problemsPerGroup ?? 10;
    const overall = options.problems ?? 50;
    return {
      health: groupHealth(this.counts),
      counts: { ...this.counts },
      total: this.total,
      clouds: this.finish('cloud', perGroup),
      clusters: this.finish('cluster', perGroup),
      namespaces: this.finish('namespace', perGroup),
      problems: this.worstProblems().slice(0, overall),
      problemCount: this.problems.size,
    };
  }

  private recount(): boolean {
    this.touched.clear();
    this.moved.clear();
    this.counted.clear();
    this.countedWhere.clear();
    this.placements.clear();
    for (const map of Object.values(this.groups)) map.clear();
    this.order.cloud = [];
    this.order.cluster = [];
    this.order.namespace = [];
    this.counts = emptyCounts();
    this.total = 0;
    this.problems.clear();
    this.sortedProblems = [];
    this.problemsChanged.clear();
    this.tally?.clear();
    for (const entity of this.tree.entities.values()) {
      const where = this.place(entity);
      if (where === null) return false;
      this.count(entity, where);
    }
    this.rebuild = false;
    return true;
  }

  /**
   * Where an entity is, remembering every placement on the way up (siblings share their
   * parent's); null when its ancestry loops.
   */
  private place(entity: Entity): SummaryPlacement | null {
    const chain: Entity[] = [];
    let inChain: Set<string> | null = null;
    let above = unplaced;
    let at: Entity | undefined = entity;
    while (at) {
      const known = this.placements.get(at.id);
      if (known) {
        above = known;
        break;
      }
      if (chain.length < SHORT_CHAIN) {
        if (chain.includes(at)) return null;
      } else {
        inChain ??= new Set(chain.map((e) => e.id));
        if (inChain.has(at.id)) return null;
        inChain.add(at.id);
      }
      chain.push(at);
      at = at.parentId === null ? undefined : this.tree.get(at.parentId);
    }
    for (let i = chain.length - 1; i >= 0; i--) {
      const e = chain[i] as Entity;
      if (e.kind === 'cloud' || e.kind === 'cluster' || e.kind === 'namespace') {
        above = {
          cloud: e.kind === 'cloud' ? e.id : above.cloud,
          cluster: e.kind === 'cluster' ? e.id : above.cluster,
          namespace: e.kind === 'namespace' ? e.id : above.namespace,
        };
      }
      this.placements.set(e.id, above);
    }
    return above;
  }

  private count(entity: Entity, where: SummaryPlacement): void {
    this.counted.set(entity.id, entity);
    this.countedWhere.set(entity.id, where);
    this.tally?.add(entity, where);
    if (this.isRollup(entity)) return;
    this.shift(entity, where, 1);
  }

  private uncount(entity: Entity, where: SummaryPlacement): void {
    this.counted.delete(entity.id);
    this.countedWhere.delete(entity.id);
    this.tally?.remove(entity, where);
    if (this.isRollup(entity)) return;
    this.shift(entity, where, -1);
  }

  /** Adds (+1) or takes back (-1) one entity's part in the estate and its groups. */
  private shift(entity: Entity, where: SummaryPlacement, by: 1 | -1): void {
    // A namespace counts with its own state (its phase): what runs in it counts for itself.
    const health = ownHealthOf(entity);
    const problem = isProblem(health);
    this.counts[health] += by;
    this.total += by;
    if (problem) {
      if (by > 0) this.problems.set(entity.id, { ...problemOf(entity), health });
      else this.problems.delete(entity.id);
      this.problemsChanged.add(entity.id);
    }
    this.shiftGroup('cloud', where.cloud ?? unplacedGroupId, entity, health, problem, by);
    if (where.cluster) this.shiftGroup('cluster', where.cluster, entity, health, problem, by);
    if (where.namespace) this.shiftGroup('namespace', where.namespace, entity, health, problem, by);
  }

  private shiftGroup(kind: HealthGroup['kind'], id: string, entity: Entity, health: Health, problem: boolean, by: 1 | -1): void {
    const groups = this.groups[kind];
    let group = groups.get(id);
    if (!group) {
      group = { kind, id, counts: emptyCounts(), total: 0, problems: new Map(), worst: [], worstFor: 0 };
      groups.set(id, group);
      this.order[kind].push(group);
    }
    group.counts[health] += by;
    group.total += by;
    if (problem) {
      if (by > 0) group.problems.set(entity.id, this.problems.get(entity.id) as HealthProblem);
      else group.problems.delete(entity.id);
      group.worst = null;
    }
    if (group.total === 0) groups.delete(id);
  }

  /** The groups of one kind as summarise lists them. */
  private finish(kind: HealthGroup['kind'], perGroup: number): HealthGroup[] {
    const groups = this.groups[kind];
    // Last order first: sorting what is nearly sorted costs about one comparison per group.
    const kept = this.order[kind].filter((g) => groups.get(g.id) === g);
    const list = kept.map((g) => ({
      id: g.id,
      kind: g.kind,
      name: g.id === unplacedGroupId ? 'Unplaced' : (this.tree.get(g.id)?.name ?? g.id),
      within: this.within(g),
      health: this.healthOf(g),
      counts: { ...g.counts },
      total: g.total,
      problems: this.worstOf(g, perGroup),
      problemCount: g.problems.size,
      group: g,
    }));
    list.sort(compareGroups);
    this.order[kind] = list.map((l) => l.group);
    return list.map(({ group: _group, ...out }) => out);
  }

  /** For a namespace, its cluster's name; for a cluster, its cloud's (or Unplaced); for a cloud, null. */
  private within(group: RunningGroup): string | null {
    if (group.kind === 'cloud') return null;
    const where = this.placements.get(group.id) ?? unplaced;
    const nameOf = (id: string | null) => (id === null ? null : (this.tree.get(id)?.name ?? id));
    return group.kind === 'cluster' ? (where.cloud ? nameOf(where.cloud) : 'Unplaced') : nameOf(where.cluster);
  }

  /** As summarise: a group whose entity judges itself from its contents shows that. */
  private healthOf(group: RunningGroup): Health {
    const entity = this.tree.get(group.id);
    return entity && typeof entity.status.ownHealth === 'string' ? entity.health : groupHealth(group.counts);
  }

  private worstOf(group: RunningGroup, keep: number): HealthProblem[] {
    if (group.worst === null || group.worstFor !== keep) {
      const worst: HealthProblem[] = [];
      const limit = Math.max(0, Math.trunc(keep));
      if (limit > 0) {
        for (const problem of group.problems.values()) keepWorst(worst, problem, limit);
      }
      group.worst = worst;
      group.worstFor = keep;
    }
    return group.worst.slice();
  }

  /** Every problem worst first: the last sorted list with what changed since merged in. */
  private worstProblems(): HealthProblem[] {
    const changed = this.problemsChanged;
    if (changed.size === 0) return this.sortedProblems;
    if (changed.size * 4 > this.sortedProblems.length) {
      this.sortedProblems = [...this.problems.values()].sort(compareWorstFirst);
    } else {
      const kept = this.sortedProblems.filter((p) => !changed.has(p.id));
      const added: HealthProblem[] = [];
      for (const id of changed) {
        const problem = this.problems.get(id);
        if (problem) added.push(problem);
      }
      added.sort(compareWorstFirst);
      const merged: HealthProblem[] = [];
      let i = 0;
      let j = 0;
      while (i < kept.length && j < added.length) {
        merged.push(compareWorstFirst(kept[i] as HealthProblem, added[j] as HealthProblem) <= 0 ? (kept[i++] as HealthProblem) : (added[j++] as HealthProblem));
      }
      while (i < kept.length) merged.push(kept[i++] as HealthProblem);
      while (j < added.length) merged.push(added[j++] as HealthProblem);
      this.sortedProblems = merged;
    }
    changed.clear();
    return this.sortedProblems;
  }
}
