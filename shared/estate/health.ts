import { healthSeverity } from './model.js';
import type { Entity, EntityKind, Health } from './model.js';

/**
 * Health rollups, pure so the engine (derived entities) and the renderer (overview) agree.
 * A rollup answers "is anything under here wrong, and what": it lists what is degraded and
 * why, worst first, rather than averaging health away.
 */

export type HealthCounts = Record<Health, number>;

export interface HealthProblem {
  id: string;
  kind: EntityKind;
  name: string;
  health: Health;
  reason: string;
  observedAt: number;
}

export function emptyCounts(): HealthCounts {
  return { failing: 0, degraded: 0, unknown: 0, healthy: 0 };
}

/**
 * The health of a group from its members' counts. Unknown members (no data yet, alarm with
 * insufficient data) do not turn a group with healthy members unknown: a grouping shown grey
 * because one alarm lacks data would hide that everything else is fine. They are named in the
 * reason instead.
 */
export function groupHealth(counts: HealthCounts): Health {
  if (counts.failing > 0) return 'failing';
  if (counts.degraded > 0) return 'degraded';
  if (counts.healthy > 0) return 'healthy';
  return 'unknown';
}

/** Which problems an operator should read first: the more severe, then the one that explains the others. */
const kindRank: Partial<Record<EntityKind, number>> = {
  cluster: 0,
  node: 1,
  nodegroup: 1,
  alarm: 2,
  loadbalancer: 3,
  database: 3,
  deployment: 4,
  statefulset: 4,
  daemonset: 4,
  ingress: 5,
  service: 5,
  hpa: 6,
  pdb: 6,
  replicaset: 7,
  pod: 8,
};

export function compareWorstFirst(a: HealthProblem, b: HealthProblem): number {
  return (
    healthSeverity[b.health] - healthSeverity[a.health] ||
    (kindRank[a.kind] ?? 9) - (kindRank[b.kind] ?? 9) ||
    a.name.localeCompare(b.name) ||
    a.id.localeCompare(b.id)
  );
}

/**
 * Puts `problem` into `worst` (worst first, at most `keep` long) if it belongs there: the few
 * worst of many without sorting them all. Returns false when it was not kept.
 */
export function keepWorst(worst: HealthProblem[], problem: HealthProblem, keep: number): boolean {
  if (worst.length >= keep && (keep === 0 || compareWorstFirst(problem, worst[keep - 1] as HealthProblem) >= 0)) return false;
  let at = worst.length;
  while (at > 0 && compareWorstFirst(problem, worst[at - 1] as HealthProblem) < 0) at--;
  worst.splice(at, 0, problem);
  if (worst.length > keep) worst.pop();
  return true;
}

export function isProblem(health: Health): boolean {
  return health === 'failing' || health === 'degraded';
}

export function problemOf(entity: Entity): HealthProblem {
  return {
    id: entity.id,
    kind: entity.kind,
    name: entity.name,
    health: entity.health,
    reason: entity.healthReason,
    observedAt: entity.observedAt,
  };
}

/**
 * An entity whose health rolls up what is under it (a namespace: what runs in it) states its own
 * part as `status.ownHealth` (a namespace: its phase). Rollups over the estate count that part,
 * so what is under it is not counted twice; anything else counts with its health.
 */
export function ownHealthOf(entity: Entity): Health {
  const own = entity.status.ownHealth;
  return own === 'healthy' || own === 'degraded' || own === 'failing' || own === 'unknown' ? own : entity.health;
}

/**
 * Health of a grouping entity (a region, an app) from its direct members, with a reason
 * that names the worst few: "2 of 14 degraded: cart (1 of 3 ready); checkout (CrashLoopBackOff)".
 *
 * `counted`, when given, says what the members are in place of "<total> <noun>" ("1 account
 * and 1 cluster outside any account"): a grouping whose members are not all of one kind counts
 * each kind as what it is.
 */
export function rollupHealth(members: Iterable<Entity>, noun: string, named = 3, counted?: string): { health: Health; reason: string } {
  const counts = emptyCounts();
  // Only the worst `named` are told, so keep just those as the members go by: a namespace's
  // rollup runs on every flush that touches it, and sorting thousands of failing pods each
  // time (localeCompare on every pair) led the engine's profile during a 5,000-pod burst.
  const keep = Math.max(0, Math.trunc(named));
  const worstFirst: HealthProblem[] = [];
  let problemCount = 0;
  let total = 0;
  for (const member of members) {
    total++;
    counts[member.health]++;
    if (!isProblem(member.health)) continue;
    problemCount++;
    if (keep === 0) continue;
    keepWorst(worstFirst, problemOf(member), keep);
  }
  return describeRollup({ counts, total, problemCount, worstFirst }, noun, named, counted);
}

/** What a rollup tallied: counts by health, and the worst problems first (at least `named` of them, or all). */
export interface RollupTally {
  counts: HealthCounts;
  total: number;
  problemCount: number;
  worstFirst: readonly HealthProblem[];
}

/** rollupHealth's verdict from a tally, for a rollup kept as members change (running-rollup.ts). */
export function describeRollup(tally: RollupTally, noun: string, named = 3, counted?: string): { health: Health; reason: string } {
  const { counts, total, problemCount } = tally;
  const worstFirst = tally.worstFirst.slice(0, Math.max(0, Math.trunc(named)));
  const health = groupHealth(counts);
  if (total === 0) return { health: 'unknown', reason: `No ${noun} reported` };
  if (problemCount === 0) {
    if (counted !== undefined) {
      if (counts.unknown === 0) return { health, reason: `${counted}, all healthy` };
      if (counts.healthy === 0) return { health, reason: `${counted}, no health known` };
      return { health, reason: `${counted}: ${counts.healthy} healthy, ${counts.unknown} unknown` };
    }
    if (counts.unknown === 0) return { health, reason: `All ${total} ${noun} healthy` };
    if (counts.healthy === 0) return { health, reason: `No health known for ${total} ${noun}` };
    return { health, reason: `${counts.healthy} of ${total} ${noun} healthy, ${counts.unknown} unknown` };
  }
  const parts: string[] = [];
  if (counts.failing > 0) parts.push(`${counts.failing} failing`);
  if (counts.degraded > 0) parts.push(`${counts.degraded} degraded`);
  const worst = worstFirst.map((p) => (p.reason ? `${p.name} (${p.reason})` : p.name)).join('; ');
  const more = problemCount > named ? `; and ${problemCount - named} more` : '';
  if (counted !== undefined) return { health, reason: `${counted}: ${parts.join(', ')}: ${worst}${more}` };
  return { health, reason: `${parts.join(', ')} of ${total} ${noun}: ${worst}${more}` };
}

export interface HealthGroup {
  /** The cloud, cluster or namespace entity id; `unplaced` for what has no known cloud. */
  id: string;
  kind: 'cloud' | 'cluster' | 'namespace';
  name: string;
  /** For a namespace, its cluster's name; for a cluster, its cloud's; for a cloud, null. */
  within: string | null;
  health: Health;
  counts: HealthCounts;
  total: number;
  /** Worst first, capped; problemCount says how many there are in all. */
  problems: HealthProblem[];
  problemCount: number;
}

export interface EstateSummary {
  health: Health;
  counts: HealthCounts;
  total: number;
  clouds: HealthGroup[];
  clusters: HealthGroup[];
  namespaces: HealthGroup[];
  /** Worst first across the estate, capped. */
  problems: HealthProblem[];
  problemCount: number;
}

export interface SummariseOptions {
  /** Problems kept per group (default 10) and for the whole estate (default 50). */
  problemsPerGroup?: number;
  problems?: number;
  /** Grouping entities whose own health is a rollup and must not be counted twice (default: sourceId "derived"). */
  isRollup?: (entity: Entity) => boolean;
}

export const unplacedGroupId = 'unplaced';

/**
 * Groups worst first, then by how many problems, then by name; ids last, since every cluster has
 * a `default` namespace and the order must not hang on which was met first.
 */
export function compareGroups(a: Pick<HealthGroup, 'health' | 'problemCount' | 'name' | 'id'>, b: Pick<HealthGroup, 'health' | 'problemCount' | 'name' | 'id'>): number {
  return (
    healthSeverity[b.health] - healthSeverity[a.health] ||
    b.problemCount - a.problemCount ||
    a.name.localeCompare(b.name) ||
    (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)
  );
}

interface Placement {
  cloud: string | null;
  cluster: string | null;
  namespace: string | null;
}

/**
 * The estate overview: health by cloud, cluster and namespace, and what is degraded and why,
 * worst first. Every reported entity counts once in each group that contains it (a cluster's
 * own health counts in its cloud and its cluster group, so an unreachable API server shows).
 */
export function summarise(entities: Iterable<Entity>, options: SummariseOptions = {}): EstateSummary {
  const perGroup = options.problemsPerGroup ?? 10;
  const overall = options.problems ?? 50;
  const isRollup = options.isRollup ?? ((entity: Entity) => entity.sourceId === 'derived');

  const byId = new Map<string, Entity>();
  for (const entity of entities) byId.set(entity.id, entity);

  const placements = new Map<string, Placement>();
  const placing = new Set<string>();
  const place = (id: string): Placement => {
    const known = placements.get(id);
    if (known) return known;
    const entity = byId.get(id);
    // A parent cycle would be a provider bug; treat the entity as unplaced rather than recurse forever.
    if (!entity || placing.has(id)) return { cloud: null, cluster: null, namespace: null };
    placing.add(id);
    const above: Placement = entity.parentId ? place(entity.parentId) : { cloud: null, cluster: null, namespace: null };
    placing.delete(id);
    const here: Placement = {
      cloud: entity.kind === 'cloud' ? id : above.cloud,
      cluster: entity.kind === 'cluster' ? id : above.cluster,
      namespace: entity.kind === 'namespace' ? id : above.namespace,
    };
    placements.set(id, here);
    return here;
  };

  interface Building {
    group: HealthGroup;
    problems: HealthProblem[];
  }
  const groups = { cloud: new Map<string, Building>(), cluster: new Map<string, Building>(), namespace: new Map<string, Building>() };
  const nameOf = (id: string | null): string | null => (id === null ? null : (byId.get(id)?.name ?? id));
  /**
   * A group is described by where its own entity is, not by whichever member came first, so the
   * answer does not hang on the order entities arrive in (running-summary.ts relies on that).
   */
  const withinOf = (kind: HealthGroup['kind'], id: string): string | null => {
    if (kind === 'cloud') return null;
    const where = place(id);
    return kind === 'cluster' ? (where.cloud ? nameOf(where.cloud) : 'Unplaced') : nameOf(where.cluster);
  };
  const groupFor = (kind: HealthGroup['kind'], id: string): Building => {
    let building = groups[kind].get(id);
    if (!building) {
      const within = withinOf(kind, id);
      const name = id === unplacedGroupId ? 'Unplaced' : (nameOf(id) ?? id);
      building = {
        group: { id, kind, name, within, health: 'unknown', counts: emptyCounts(), total: 0, problems: [], problemCount: 0 },
        problems: [],
      };
      groups[kind].set(id, building);
    }
    return building;
  };

  const counts = emptyCounts();
  const problems: HealthProblem[] = [];
  let total = 0;
  for (const entity of byId.values()) {
    if (isRollup(entity)) continue;
    const where = place(entity.id);
    // A namespace counts with its own state (its phase): what runs in it counts for itself.
    const health = ownHealthOf(entity);
    const problem = isProblem(health) ? { ...problemOf(entity), health } : null;
    const touched: Building[] = [groupFor('cloud', where.cloud ?? unplacedGroupId)];
    if (where.cluster) touched.push(groupFor('cluster', where.cluster));
    if (where.namespace) touched.push(groupFor('namespace', where.namespace));
    for (const building of touched) {
      building.group.counts[health]++;
      building.group.total++;
      if (problem) building.problems.push(problem);
    }
    counts[health]++;
    total++;
    if (problem) problems.push(problem);
  }

  /**
   * A group's health from its counts, unless its entity judges itself from its contents (a
   * namespace from what runs in it): then the group shows that, so the overview's row and the
   * entity never disagree. Its counts and problems still list everything in it.
   */
  const healthOf = (group: HealthGroup): Health => {
    const entity = byId.get(group.id);
    return entity && typeof entity.status.ownHealth === 'string' ? entity.health : groupHealth(group.counts);
  };
  const finish = (map: Map<string, Building>): HealthGroup[] => {
    const list = [...map.values()].map(({ group, problems: found }) => {
      found.sort(compareWorstFirst);
      return { ...group, health: healthOf(group), problems: found.slice(0, perGroup), problemCount: found.length };
    });
    return list.sort(compareGroups);
  };

  problems.sort(compareWorstFirst);
  return {
    health: groupHealth(counts),
    counts,
    total,
    clouds: finish(groups.cloud),
    clusters: finish(groups.cluster),
    namespaces: finish(groups.namespace),
    problems: problems.slice(0, overall),
    problemCount: problems.length,
  };
}
