import { z } from 'zod';

/**
 * The estate model: every cluster, cloud account and resource Daytwo knows of, as entities
 * joined by relations. Providers produce it, the engine's state holds it, the store persists
 * it, and the renderer draws it. Ids are stable, readable strings that say where a thing lives;
 * shared/estate/ids.ts builds and reads every one of them and documents their shapes.
 */

export const EntityKind = z.enum([
  'cloud',
  'account',
  'region',
  'cluster',
  'namespace',
  'node',
  'deployment',
  'statefulset',
  'daemonset',
  'replicaset',
  'pod',
  'service',
  'ingress',
  /** A Gateway API HTTPRoute (gateway.networking.k8s.io). */
  'httproute',
  'hpa',
  'pdb',
  'loadbalancer',
  'database',
  'nodegroup',
  'alarm',
  /** A logical service grouped by app.kubernetes.io/name (or part-of) across workloads. */
  'app',
]);
export type EntityKind = z.infer<typeof EntityKind>;

/** Worst first when sorted by severity. */
export const Health = z.enum(['failing', 'degraded', 'unknown', 'healthy']);
export type Health = z.infer<typeof Health>;
export const healthSeverity: Record<Health, number> = { failing: 3, degraded: 2, unknown: 1, healthy: 0 };

export const StatusValue = z.union([z.string(), z.number(), z.boolean(), z.null()]);

export const Entity = z.object({
  id: z.string(),
  kind: EntityKind,
  name: z.string(),
  /** Containment parent (cluster → namespace → workload → pod; account → region → resource). */
  parentId: z.string().nullable(),
  /** The source that reported it (a Source id from sources.list). */
  sourceId: z.string(),
  labels: z.record(z.string(), z.string()),
  /** Only the annotations an operator needs (change-cause, owner, LB controller hints). */
  annotations: z.record(z.string(), z.string()),
  health: Health,
  /** Why it has that health, in words: "2 of 3 ready; pod api-7d… restarting (CrashLoopBackOff)". */
  healthReason: z.string(),
  /** Kind-specific facts for summaries: replicas, readyReplicas, restarts, phase, image, nodeName, zone … */
  status: z.record(z.string(), StatusValue),
  /** Epoch ms when the source last confirmed this entity. */
  observedAt: z.number(),
});
export type Entity = z.infer<typeof Entity>;

export const RelationKind = z.enum(['owns', 'selects', 'runs-on', 'routes-to', 'alarms-on', 'member-of']);
export type RelationKind = z.infer<typeof RelationKind>;

export const Relation = z.object({
  /** `${kind}:${from}->${to}`, so a relation is its own key. */
  id: z.string(),
  kind: RelationKind,
  from: z.string(),
  to: z.string(),
  sourceId: z.string(),
});
export type Relation = z.infer<typeof Relation>;

export function relationId(kind: RelationKind, from: string, to: string): string {
  // One flat string (see kubeObjectId): the engine holds one per relation, 125,000 at 50,000 pods.
  return [kind, ':', from, '->', to].join('');
}

export function relation(kind: RelationKind, from: string, to: string, sourceId: string): Relation {
  return { id: relationId(kind, from, to), kind, from, to, sourceId };
}

/** A batch of changes, as the state pushes it to subscribers: deltas, never whole snapshots. */
export const EstateDelta = z.object({
  upserted: z.array(Entity),
  removed: z.array(z.string()),
  relationsUpserted: z.array(Relation),
  relationsRemoved: z.array(z.string()),
});
export type EstateDelta = z.infer<typeof EstateDelta>;
