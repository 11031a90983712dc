import { containmentLevel } from '../../../shared/estate/ids.js';
import { firstLabel, ownerLabels, teamLabels } from '../../../shared/estate/apps.js';
import { rollupHealth } from '../../../shared/estate/health.js';
import type { Entity } from '../../../shared/estate/model.js';
import { derivedSourceId } from './estate-sink.js';

/**
 * The entities no single source reports: clouds, accounts and regions above what providers
 * place in them, and apps grouping workloads by label. Pure builders; EstateState decides when
 * to call them (once per frame, for what changed).
 */

const levelNouns = { cloud: 'accounts', account: 'regions', region: 'resources' } as const;
/** What a level holds by design: a cloud its accounts, an account its regions; a region holds resources of any kind. */
const levelMembers = { cloud: 'account', account: 'region', region: null } as const;
const outside = { cloud: 'outside any account', account: 'outside any region' } as const;

/**
 * A cloud, account or region entity over its direct children, or null if `id` names none.
 *
 * Counts count what they name: a cloud's "accounts" are its distinct account entities (one per
 * account id, however many profiles, regions or sources reach it), an account's "regions" its
 * region entities. What sits directly under a level without belonging to one (an EKS cluster
 * whose account no kubeconfig or node names, an on-premises cluster in a datacenter without
 * regions) is counted apart, as what it is, never as one more account or region.
 */
export function containmentEntity(id: string, children: readonly Entity[]): Entity | null {
  const level = containmentLevel(id);
  if (!level) return null;
  const member = levelMembers[level.kind];
  const own = member === null ? children.length : children.filter((c) => c.kind === member).length;
  const counted = member === null ? countOf(children.length, 'resource') : countedMembers(own, member, children.filter((c) => c.kind !== member), outside[level.kind as 'cloud' | 'account']);
  const { health, reason } = rollupHealth(children, levelNouns[level.kind], 3, counted);
  return {
    id,
    kind: level.kind,
    name: level.name,
    parentId: level.parentId,
    sourceId: derivedSourceId,
    labels: {},
    annotations: {},
    health,
    healthReason: reason,
    status: { cloud: level.cloud, children: children.length, ...(member === null ? {} : { [levelNouns[level.kind]]: own }) },
    observedAt: latestObservedAt(children),
  };
}

/** "1 account", "2 accounts and 1 cluster outside any account". */
function countedMembers(own: number, member: string, others: readonly Entity[], where: string): string {
  const head = countOf(own, member);
  if (others.length === 0) return head;
  const byKind = new Map<string, number>();
  for (const other of others) byKind.set(other.kind, (byKind.get(other.kind) ?? 0) + 1);
  const rest = [...byKind].map(([kind, n]) => countOf(n, kind)).join(', ');
  return own === 0 ? `${rest} ${where}` : `${head} and ${rest} ${where}`;
}

function countOf(n: number, noun: string): string {
  return `${n} ${n === 1 ? noun : `${noun}s`}`;
}

/**
 * An app over its member workloads and services. Team and owner come from the first member
 * that carries one, in a stable order, so the app does not flicker between two teams when
 * members disagree; the disagreement shows in `teams`.
 */
export function appEntity(id: string, name: string, members: readonly Entity[], clusterOf: (e: Entity) => string | null): Entity {
  const sorted = [...members].sort((a, b) => a.id.localeCompare(b.id));
  const teams = new Set<string>();
  const owners = new Set<string>();
  const clusters = new Set<string>();
  const namespaces = new Set<string>();
  let workloads = 0;
  for (const member of sorted) {
    const team = firstLabel(member.labels, teamLabels);
    const owner = firstLabel(member.labels, ownerLabels) ?? firstLabel(member.annotations, ownerLabels);
    if (team) teams.add(team);
    if (owner) owners.add(owner);
    const cluster = clusterOf(member);
    if (cluster) clusters.add(cluster);
    if (member.parentId) namespaces.add(member.parentId);
    if (member.kind !== 'service') workloads++;
  }
  const labels: Record<string, string> = {};
  const [team] = teams;
  const [owner] = owners;
  if (team) labels.team = team;
  if (owner) labels.owner = owner;
  // Services count too: one with no ready endpoints is the app failing, whatever its pods say.
  const { health, reason } = rollupHealth(sorted, 'members');
  return {
    id,
    kind: 'app',
    name,
    parentId: null,
    sourceId: derivedSourceId,
    labels,
    annotations: {},
    health,
    healthReason: reason,
    status: {
      workloads,
      services: sorted.length - workloads,
      clusters: clusters.size,
      namespaces: namespaces.size,
      teams: [...teams].join(', ') || null,
    },
    observedAt: latestObservedAt(sorted),
  };
}

/** True when two derived entities would look the same to a view, so no delta is needed. */
export function sameDerived(a: Entity, b: Entity): boolean {
  return (
    a.health === b.health &&
    a.healthReason === b.healthReason &&
    a.name === b.name &&
    a.parentId === b.parentId &&
    a.observedAt === b.observedAt &&
    sameRecord(a.labels, b.labels) &&
    sameRecord(a.status, b.status)
  );
}

function sameRecord(a: Record<string, unknown>, b: Record<string, unknown>): boolean {
  const keys = Object.keys(a);
  if (keys.length !== Object.keys(b).length) return false;
  return keys.every((key) => a[key] === b[key]);
}

function latestObservedAt(entities: readonly Entity[]): number {
  let latest = 0;
  for (const entity of entities) if (entity.observedAt > latest) latest = entity.observedAt;
  return latest;
}
