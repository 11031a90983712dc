import type { Entity, Relation } from '../../../shared/estate/model.js';
import type { EstateEvent } from '../../../shared/estate/event.js';

/**
 * How providers feed the estate. A provider states facts about what its source holds; the
 * state keeps them in memory, persists them, derives what no single source knows, and pushes
 * the changes to subscribers in frames. Providers never talk to the store or the API.
 *
 * ## Scopes: what a relist replaces
 * Every fact is stated under a (sourceId, scope) pair. `scope` is any string the provider
 * chooses for a unit it lists in one go: the Kubernetes provider uses the resource kind it
 * lists ("pods", "deployments", …), the AWS provider a region or a service within one
 * ("eu-west-1/alb"). `replace(sourceId, scope, facts)` makes that pair hold exactly `facts`:
 * whatever it held before and is not in `facts` is removed (deleted while we were offline or
 * between watches), new ones appear, nothing duplicates. No other pair is touched, so a relist
 * of one context's pods never disturbs another context, or the same context's nodes.
 * An entity id belongs to one pair at a time; stating it under another pair moves it there.
 * A pair the provider stops listing keeps its last facts (they are the offline cache) until it
 * is replaced with `[]` or the whole source is forgotten.
 *
 * ## Relations are stated by an entity
 * Each fact carries the relations its object states: a pod states `owns` from its owner
 * (ownerReferences) and `runs-on` its node; a service states `selects` towards its workloads;
 * an ingress `routes-to` its services; an AWS alarm `alarms-on` its resource. Upserting the
 * entity replaces the relations it states; removing it removes them. So a provider never
 * tracks relation ids. A relation two entities both state lives while either states it.
 * Relations may point at entities not (yet) known: the pod's node may arrive in the next
 * list. Views skip a relation whose other end is absent.
 *
 * ## What the state derives (providers do NOT emit these)
 * - Containment above a cluster or a cloud resource. Providers set `parentId` to the most
 *   precise place they know, using the helpers in shared/estate/ids.ts: a cluster's parent is
 *   `regionId('aws', account, region)` when the provider knows them (EKS cluster ARN, node
 *   providerID, topology labels), else `accountId(…)`, else `cloudId(…)`, else null. AWS
 *   resources live under their region. The state creates the `cloud`, `account` and `region`
 *   entities those ids name, with health rolled up from their direct children, and drops
 *   them when nothing is under them. A provider that does report a real account or region
 *   entity with the same id wins over the derived one.
 * - `app` entities: workloads (deployment, statefulset, daemonset) and services grouped by
 *   `app.kubernetes.io/part-of`, else `app.kubernetes.io/name`, across clusters, with
 *   team/owner from the labels listed in shared/estate/apps.ts, health rolled up from the
 *   members, and `member-of` relations from each member. Providers just keep labels intact.
 * Derived entities carry sourceId `derived` and are recomputed from the facts on start, not
 * stored.
 *
 * ## Health and freshness
 * Providers set `health` and `healthReason` of what they report (from ready/desired,
 * restarts, conditions, alarm state) and `observedAt` to when the source confirmed the fact.
 * Source status (live, offline, lastSyncAt) goes to the SourceRegistry as before; the state
 * persists it, so after a restart every cached source shows when it was last live.
 *
 * ## Cost
 * Calls are synchronous and cheap: they update memory and mark what changed. Persistence and
 * the push to subscribers happen once per frame (~50 ms), in one SQLite transaction, however
 * many calls the frame saw. Calling `apply` once per watch event is fine; so is a 20,000-pod
 * `replace`.
 */
export interface EstateSink {
  /** After a full (re)list of one scope: the pair now holds exactly these facts. */
  replace(sourceId: string, scope: string, facts: readonly EntityFact[]): void;

  /** Watch events: upsert (add or modify) and remove entities, by id, within one scope. */
  apply(sourceId: string, scope: string, change: EstateChange): void;

  /**
   * Kubernetes events, alarm transitions, deploys. Upserted by event id; kept in the store
   * with a bounded history and served with the entity's detail, never held in memory.
   */
  recordEvents(sourceId: string, events: readonly EstateEvent[]): void;

  /** The source was removed from the configuration: drop everything it ever stated. */
  forgetSource(sourceId: string): void;
}

/** One object as its source reports it, with the relations that object states. */
export interface EntityFact {
  entity: Entity;
  relations?: readonly Relation[];
}

export interface EstateChange {
  upsert?: readonly EntityFact[];
  /** Entity ids; the relations they stated go with them. Unknown ids are ignored. */
  remove?: readonly string[];
}

/** The sourceId of everything the state derives rather than a provider reports. */
export const derivedSourceId = 'derived';
