import type { Entity, EntityKind, Relation, RelationKind } from '../../../shared/estate/model.js';
import type { LabelSelector, Requirement } from '../../../shared/estate/label-selector.js';

/** Which entities a feature asks for; every field narrows, none means all. */
export interface EntityFilter {
  kinds?: readonly EntityKind[];
  /** Kubernetes label selector semantics (shared/estate/label-selector.ts), as text or parsed. */
  labels?: string | LabelSelector | readonly Requirement[];
  /** Only entities at or below this one in the containment tree (a cluster, a namespace …). */
  within?: string;
  sourceId?: string;
}

export type RelationDirection = 'out' | 'in' | 'both';

/**
 * How features read the estate: the read seam beside EstateSink. Incidents, runbooks, metrics,
 * alerts and operations ask here instead of copying `snapshot()` and filtering it. Answers are
 * the state's own entity objects (frozen by convention: never mutate them), found through the
 * state's indexes, so asking for one namespace's pods costs that namespace, not the estate.
 */
export interface EstateReader {
  get(id: string): Entity | undefined;

  /** Entities that pass every part of the filter. */
  find(filter: EntityFilter): Entity[];

  /** Direct containment children (cluster → namespaces → workloads → replicasets → pods). */
  children(id: string): Entity[];

  /** The containment parent: a pod's owner, a workload's namespace, a namespace's cluster. */
  parent(id: string): Entity | undefined;

  /** Relations at an entity, optionally of one kind and one direction. */
  relationsOf(id: string, kind?: RelationKind, direction?: RelationDirection): Relation[];

  /** The entities at the other end of an entity's relations of a kind (ingress → services …). */
  related(id: string, kind: RelationKind, direction: RelationDirection): Entity[];

  /**
   * The ids and everything under them: containment children to any depth and what they `owns`.
   * What "the events of this deployment and its pods" needs: pass the result to the event store.
   * Stops at `limit` ids (default 10,000), nearest first.
   */
  withDescendants(ids: readonly string[], limit?: number): string[];
}
