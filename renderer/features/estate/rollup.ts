import { emptyCounts, summarise, unplacedGroupId } from '../../../shared/estate/health.js';
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
const placementCache = new WeakMap<EstateIndex, { version: number; keys: Map<string, string[]>; places: Map<string, Placement> }>();

function groupKeysOf(index: EstateIndex, entity: Entity): string[] {
  let cache = placementCache.get(index);
  if (!cache || cache.version !== index.structureVersion) {
    cache = { version: index.structureVersion, keys: new Map(), places: new Map() };
    placementCache.set(index, cache);
  }
  let keys = cache.keys.get(entity.id);
  if (!keys) {
    const where = placeOnce(index, cache.places, entity.id, new Set());
    keys = [groupKey('cloud', where.cloud ?? unplacedGroupId)];
    if (where.cluster) keys.push(groupKey('cluster', where.cluster));
    if (where.namespace) keys.push(groupKey('namespace', where.namespace));
    cache.keys.set(entity.id, keys);
  }
  return keys;
}

const nowhere: Placement = { cloud: null, cluster: null, namespace: null };

/**
 * placementOf, built from the parent's placement, which is kept: walking every pod's ancestors
 * (an array each) was most of the overview's refresh at 50,000 pods. A parent cycle (a broken
 * source) ends where it closes, as in summarise().
 */
function placeOnce(index: EstateIndex, places: Map<string, Placement>, id: string, placing: Set<string>): Placement {
  const known = places.get(id);
  if (known) return known;
  const entity = index.get(id);
  if (!entity || placing.has(id)) return nowhere;
  placing.add(id);
  const above = entity.parentId === null ? nowhere : placeOnce(index, places, entity.parentId, placing);
  placing.delete(id);
  const here: Placement = {
    cloud: entity.kind === 'cloud' ? id : above.cloud,
    cluster: entity.kind === 'cluster' ? id : above.cluster,
    namespace: entity.kind === 'namespace' ? id : above.namespace,
  };
  places.set(id, here);
  return here;
}

let lastCostMs = 0;

/** How long the last overviewOf() took, so a view can refresh no faster than it can afford. */
export function lastOverviewCostMs(): number {
  return lastCostMs;
}

export function overviewOf(index: EstateIndex): EstateOverview {
  const started = performance.now();
  // Keep every problem: the overview's list is virtualised, and a cap would hide the 51st.
  const summary = summarise(index.entities.values(), { problemsPerGroup: 3, problems: Number.MAX_SAFE_INTEGER });
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
  lastCostMs = performance.now() - started;
  return { summary, problems, extras };
}

export interface Placement {
  cloud: string | null;
  cluster: string | null;
  namespace: string | null;
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
