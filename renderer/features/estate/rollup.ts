import { emptyCounts, summarise, unplacedGroupId } from '../../../shared/estate/health.js';
import { RunningSummary } from '../../../shared/estate/running-summary.js';
import type { PlacementTally, SummaryPlacement } from '../../../shared/estate/running-summary.js';
import type { EstateSummary, HealthCounts, HealthGroup, HealthProblem } from '../../../shared/estate/health.js';
import { healthSeverity } from '../../../shared/estate/model.js';
import type { Entity, EntityKind, Health } from '../../../shared/estate/model.js';
import type { EstateIndex } from './estate-index.js';

/**
 * What the overview needs beyond shared/estate/health.ts's summarise() (which the engine uses
 * too, so both sides rank problems alike): which sources fed each group, so a row can say how
 * fresh it is, and how many of its pods are in each health, the number an operator asks first.
 */

/** Derived entities (clouds, accounts, regions, apps) have no source of their own. */
export const derivedSourceId = 'derived';

export interface GroupExtras {
  sourceIds: Set<string>;
  pods: HealthCounts;
}

export interface EstateOverview {
  summary: EstateSummary;
  /** summary.problems with pods folded into their workloads (problemRows). */
  problems: ProblemRow[];
  /** Keyed by groupKey(kind, id). */
  extras: Map<string, GroupExtras>;
}

export function groupKey(kind: HealthGroup['kind'], id: string): string {
  return `${kind}|${id}`;
}

/**
 * Which groups each entity counts in only changes with structure, so it is kept between calls
 * (per index, per structureVersion): on a 10,000-pod estate that halves the cost of a refresh.
 */
const placementCache = new WeakMap<
  EstateIndex,
  { version: number; keys: Map<string, string[]>; places: Map<string, Placement>; keysOf: WeakMap<Placement, string[]> }
>();

function groupKeysOf(index: EstateIndex, entity: Entity): string[] {
  let cache = placementCache.get(index);
  if (!cache || cache.version !== index.structureVersion) {
    cache = { version: index.structureVersion, keys: new Map(), places: new Map(), keysOf: new WeakMap() };
    placementCache.set(index, cache);
  }
  let keys = cache.keys.get(entity.id);
  if (!keys) {
    const where = placementThrough(index, entity, cache.places);
    // Siblings share one remembered placement, so they share its keys too (not 50,000 arrays).
    keys = cache.keysOf.get(where);
    if (!keys) {
      keys = [groupKey('cloud', where.cloud ?? unplacedGroupId)];
      if (where.cluster) keys.push(groupKey('cluster', where.cluster));
      if (where.namespace) keys.push(groupKey('namespace', where.namespace));
      cache.keysOf.set(where, keys);
    }
    cache.keys.set(entity.id, keys);
  }
  return keys;
}

let lastCostMs = 0;

/** How long the last overviewOf() took, so a view can refresh no faster than it can afford. */
export function lastOverviewCostMs(): number {
  return lastCostMs;
}

/** Keep every problem: the overview's list is virtualised, and a cap would hide the 51st. */
export const overviewSummaryOptions = { problemsPerGroup: 3, problems: Number.MAX_SAFE_INTEGER };

/** Each index's overview kept as frames change it (RunningOverview), made on first ask. */
const running = new WeakMap<EstateIndex, RunningOverview>();

export function overviewOf(index: EstateIndex): EstateOverview {
  const started = performance.now();
  let kept = running.get(index);
  if (!kept) running.set(index, (kept = new RunningOverview(index)));
  // Null while a broken source's parent cycle stands: then from nothing, as summarise places it.
  const overview = kept.overview() ?? overviewFromScratch(index);
  lastCostMs = performance.now() - started;
  return overview;
}

/** The overview from every entity: the definition the running one is held to, and its fallback. */
export function overviewFromScratch(index: EstateIndex): EstateOverview {
  const summary = summarise(index.entities.values(), overviewSummaryOptions);
  const extras = new Map<string, GroupExtras>();
  const extraFor = (key: string) => {
    let extra = extras.get(key);
    if (!extra) extras.set(key, (extra = { sourceIds: new Set(), pods: emptyCounts() }));
    return extra;
  };
  for (const entity of index.entities.values()) {
    if (entity.sourceId === derivedSourceId && entity.kind !== 'cluster') continue;
    for (const key of groupKeysOf(index, entity)) {
      const extra = extraFor(key);
      extra.sourceIds.add(entity.sourceId);
      if (entity.kind === 'pod') extra.pods[entity.health]++;
    }
  }
  const problems = problemRows(summary.problems, index);
  return { summary, problems, extras };
}

export interface Placement {
  cloud: string | null;
  cluster: string | null;
  namespace: string | null;
}

/**
 * placementOf, remembering each ancestor's placement on the way: after a structure change every
 * entity is placed again, and walking each of 50,000 pods up to its cloud (an array per pod)
 * took most of a burst's overview refresh; siblings share their parent's answer instead. Only
 * placements reached without meeting a parent cycle are remembered, so a broken source's cycle
 * is placed exactly as placementOf places it.
 */
function placementThrough(index: EstateIndex, entity: Entity, places: Map<string, Placement>): Placement {
  const known = places.get(entity.id);
  if (known) return known;
  // The chain up to the first remembered ancestor (or the root, or a cycle).
  const chain: Entity[] = [];
  const seen = new Set<string>();
  let at: Entity | undefined = entity;
  let above: Placement = { cloud: null, cluster: null, namespace: null };
  let cyclic = false;
  while (at) {
    const remembered = places.get(at.id);
    if (remembered) {
      above = remembered;
      break;
    }
    if (seen.has(at.id)) {
      cyclic = true;
      break;
    }
    seen.add(at.id);
    chain.push(at);
    at = at.parentId === null ? undefined : index.get(at.parentId);
  }
  if (cyclic) return placementOf(index, entity);
  for (let i = chain.length - 1; i >= 0; i--) {
    const e = chain[i]!;
    // Only a cloud, cluster or namespace places what is under it anew; the rest share the object.
    if (e.kind === 'cloud' || e.kind === 'cluster' || e.kind === 'namespace') {
      above = {
        cloud: e.kind === 'cloud' ? e.id : above.cloud,
        cluster: e.kind === 'cluster' ? e.id : above.cluster,
        namespace: e.kind === 'namespace' ? e.id : above.namespace,
      };
    }
    places.set(e.id, above);
  }
  return above;
}

/** The cloud, cluster and namespace above an entity (or the entity itself, when it is one). */
export function placementOf(index: EstateIndex, entity: Entity): Placement {
  const place: Placement = { cloud: null, cluster: null, namespace: null };
  for (const e of [entity, ...index.ancestors(entity.id)]) {
    if (e.kind === 'cloud' && place.cloud === null) place.cloud = e.id;
    else if (e.kind === 'cluster' && place.cluster === null) place.cluster = e.id;
    else if (e.kind === 'namespace' && place.namespace === null) place.namespace = e.id;
  }
  return place;
}

/** "shop-prod-eks / checkout / checkout-api", for showing where an entity lives in one line. */
export function locationOf(index: EstateIndex, entity: Entity): string {
  const parts: string[] = [];
  for (const ancestor of index.ancestors(entity.id)) {
    if (ancestor.kind === 'cloud' || ancestor.kind === 'account' || ancestor.kind === 'replicaset') continue;
    parts.push(ancestor.name);
  }
  return parts.reverse().join(' / ');
}

export const kindLabel: Record<EntityKind, string> = {
  cloud: 'Cloud',
  account: 'Account',
  region: 'Region',
  cluster: 'Cluster',
  namespace: 'Namespace',
  node: 'Node',
  deployment: 'Deployment',
  statefulset: 'StatefulSet',
  daemonset: 'DaemonSet',
  replicaset: 'ReplicaSet',
  pod: 'Pod',
  service: 'Service',
  ingress: 'Ingress',
  httproute: 'HTTPRoute',
  hpa: 'HPA',
  pdb: 'PDB',
  loadbalancer: 'Load balancer',
  database: 'Database',
  nodegroup: 'Node group',
  alarm: 'Alarm',
  app: 'App',
};

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
export function problemRows(problems: readonly HealthProblem[], index: EstateIndex): ProblemRow[] {
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
      const workload = index.ancestors(problem.id).find((a) => workloadKinds.has(a.kind));
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

/**
 * The overview kept as frames change the index, instead of summarised from every entity on each
 * refresh (a quarter of a second at 50,000 pods, the overview's longest frame through a burst):
 * RunningSummary keeps summarise's answer, and GroupTally the sources and pod counts of each
 * group beside it. Only the problem rows (a walk over the problems, not the estate) are made
 * afresh. `overview()` equals `overviewFromScratch(index)`
 * (test/unit/renderer-estate/running-overview.test.ts); null while a parent cycle stands.
 */
export class RunningOverview {
  private readonly tally = new GroupTally();
  private readonly summary: RunningSummary;

  constructor(private readonly index: EstateIndex) {
    this.summary = new RunningSummary(index, { tally: this.tally });
    index.watchStructure({
      changed: (id) => this.summary.move(id),
      updated: (id) => this.summary.touch(id),
      reset: () => this.summary.reset(),
    });
  }

  overview(): EstateOverview | null {
    if (!this.summary.reconcile()) return null;
    const summary = this.summary.summary(overviewSummaryOptions);
    return { summary, problems: problemRows(summary.problems, this.index), extras: this.tally.extras() };
  }
}

interface TalliedGroup {
  members: number;
  sources: Map<string, number>;
  pods: HealthCounts;
  /** What was last handed out, until a member changes. */
  shown: GroupExtras | null;
}

/** Each group's sources and pods by health, as overviewFromScratch counts them, kept member by member. */
class GroupTally implements PlacementTally {
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
