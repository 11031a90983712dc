import { emptyCounts, summarise, unplacedGroupId } from '../../../shared/estate/health.js';
import { RunningSummary } from '../../../shared/estate/running-summary.js';
import type { EstateOverviewAnswer } from '../../../shared/api/estate.js';
import type { EstateSummary } from '../../../shared/estate/health.js';
import type { Entity, EntityKind } from '../../../shared/estate/model.js';
import { GroupTally, derivedSourceId, groupKey, overviewSummaryOptions, problemRows } from '../../../shared/estate/overview.js';
import type { GroupExtras, ProblemRow } from '../../../shared/estate/overview.js';
import type { EstateIndex } from './estate-index.js';

/**
 * What the overview needs beyond shared/estate/health.ts's summarise() (which the engine uses
 * too, so both sides rank problems alike): which sources fed each group, so a row can say how
 * fresh it is, and how many of its pods are in each health, the number an operator asks first.
 * The parts the engine keeps too (estate.overview) are in shared/estate/overview.ts.
 */
export { derivedSourceId, groupKey, locationOf, overviewSummaryOptions, problemRows, workloadKinds } from '../../../shared/estate/overview.js';
export type { GroupExtras, ProblemRow } from '../../../shared/estate/overview.js';

export interface EstateOverview {
  summary: EstateSummary;
  /** summary.problems with pods folded into their workloads (problemRows). */
  problems: ProblemRow[];
  /** How many problem rows there are: more than problems.length only in the engine's first answer, which lists the first few. */
  rowCount: number;
  /** How many namespaces there are: more than summary.namespaces.length only in the engine's first answer, likewise. */
  namespaceCount: number;
  /** Keyed by groupKey(kind, id). */
  extras: Map<string, GroupExtras>;
  /**
   * Where each listed problem lives and which source reported it, as the engine said
   * (estate.overview): drawn before the console's own index holds the entities. Absent otherwise.
   */
  placed?: ReadonlyMap<string, { location: string; sourceId: string }>;
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

/**
 * The overview as the engine drew it (estate.overview), for the console's first paint: the same
 * numbers overviewOf gives once the index holds the snapshot of the answer's frame, with the
 * first rows of the problem list (`rowCount` says how many there are) placed as the engine placed them.
 */
export function overviewFromAnswer(answer: EstateOverviewAnswer): EstateOverview {
  const problems: ProblemRow[] = answer.rows.map(({ problem, effective, pods }) => ({ problem, effective, pods }));
  const summary: EstateSummary = {
    health: answer.health,
    counts: answer.counts,
    total: answer.total,
    clouds: answer.clouds,
    clusters: answer.clusters,
    namespaces: answer.namespaces,
    problems: problems.map((row) => row.problem),
    problemCount: answer.problemCount,
  };
  return {
    summary,
    problems,
    rowCount: answer.rowCount,
    namespaceCount: answer.namespaceCount,
    extras: new Map(answer.extras.map(({ key, sourceIds, pods }) => [key, { sourceIds: new Set(sourceIds), pods }])),
    placed: new Map(answer.rows.map((row) => [row.problem.id, { location: row.location, sourceId: row.sourceId }])),
  };
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
  return { summary, problems, rowCount: problems.length, namespaceCount: summary.namespaces.length, extras };
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
    const problems = problemRows(summary.problems, this.index);
    return { summary, problems, rowCount: problems.length, namespaceCount: summary.namespaces.length, extras: this.tally.extras() };
  }
}
