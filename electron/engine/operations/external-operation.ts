import type { ApiError } from '../../../shared/api/errors.js';
import type { ExternalOperationKind, OperationParams } from '../../../shared/api/operations.js';
import type { Drafted, RunClock, Verdict } from './operation.js';

/**
 * An operation on a system Daytwo does not own (PagerDuty today): the same plan → confirm →
 * execute → verify → record path as a Kubernetes operation, with the system's own client in
 * place of ClusterCalls and no SelfSubjectAccessReview (the system answers 401/403 itself).
 */

/** The thing acted on, read from its id, e.g. `pagerduty:<server>/incidents/<id>`. */
export interface ExternalTarget {
  id: string;
  /** The source it lives in (its registry id); plans record it as their context. */
  sourceId: string;
  /** For prompts: "PT4KHLK". */
  name: string;
}

export interface ExternalRunContext<C> extends RunClock {
  client: C;
  target: ExternalTarget;
}

export interface ExternalOperationModule<K extends ExternalOperationKind, C, A> {
  system: 'pagerduty' | 'alertmanager' | 'unleash';
  kind: K;
  /** Read live, describe the change before → after, with its risks. */
  plan(client: C, target: ExternalTarget, params: OperationParams<K>): Promise<Drafted<A>>;
  /** Re-reads the live fields the plan depended on. */
  fingerprint(client: C, target: ExternalTarget): Promise<string>;
  /** Idempotent: a retry finds the change made and does not make it twice. */
  execute(run: ExternalRunContext<C>, action: A): Promise<void>;
  /** Reads back until the system shows the change. */
  verify(run: ExternalRunContext<C>, action: A): Promise<Verdict>;
  /**
   * Estate entities the change is about (the workloads that use an Unleash feature): the run
   * lands on their timelines. Without it, an external run lands on none.
   */
  affected?(action: A): string[];
}

/** What the service asks of an external system's feature: targets, a client, liveness. */
export interface ExternalSystem<C> {
  parseTarget(id: string): ExternalTarget;
  /** The client for the target's source, undefined when no such source is configured. */
  client(target: ExternalTarget): C | undefined;
  isLive(target: ExternalTarget): boolean;
  notLiveReason(target: ExternalTarget): string;
  /** Who changes are made as (PagerDuty's From email), for the plan and the audit record. */
  actingAs(target: ExternalTarget): string | null;
  /** The system's failure as an API error a person can act on; undefined when it is not the system's. */
  explain(error: unknown): ApiError | undefined;
  /** An operation on the target ended: what the feature shows of it should be read again now. */
  changed?(target: ExternalTarget): void;
}
