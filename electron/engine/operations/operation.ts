import { ApiError } from '../../../shared/api/errors.js';
import type { DiffLine, OperationKind, OperationParams, Risk } from '../../../shared/api/operations.js';
import type { ClusterCalls } from '../providers/kubernetes/cluster-calls.js';
import type { BackendSignals } from './backend-signals.js';
import type { Permission } from './permission.js';
import type { Target, TargetKind } from './target.js';

/** What a module's plan step found: the change, its risks, and what execute will do. */
export interface Drafted<A> {
  summary: string;
  changes: DiffLine[];
  risks: Risk[];
  /** Everything execute needs, serializable, fixed at plan time (so a retry repeats, never re-decides). */
  action: A;
  /** The live fields this plan depends on; execute refuses if they moved since. */
  fingerprint: string;
  /** "scale web to 5", for the confirmation prompt. */
  verb: string;
}

/** What every run gets from the service, whatever system it acts on. */
export interface RunClock {
  /** Report progress; fraction 0..1 when measurable. */
  report(message: string, fraction?: number | null): void;
  deadline: number;
  now(): number;
  /** Resolves after ms, or early when the engine is closing. */
  sleep(ms: number): Promise<void>;
  pollMs: number;
  closing(): boolean;
}

/** What a module may read beyond its cluster, when the engine has it. */
export interface OperationEnvironment {
  /** The golden signals of a route's backends (traffic split). */
  signals?: BackendSignals;
}

export interface RunContext extends RunClock, OperationEnvironment {
  calls: ClusterCalls;
  target: Target;
}

export interface Verdict {
  state: 'succeeded' | 'failed' | 'timed-out';
  message: string;
}

/**
 * One operation kind's plan, execute and verify. The service owns everything shared:
 * resolving the target, permission, guardrails, idempotency, deadlines and the record.
 */
export interface OperationModule<K extends OperationKind = OperationKind, A = unknown> {
  system?: 'kubernetes';
  kind: K;
  targets: readonly TargetKind[];
  /** Checked with SelfSubjectAccessReview before the plan reads or dry-runs anything else. */
  permissions(target: Target, params: OperationParams<K>): Permission[];
  /** Read live, dry-run the change on the server, and describe it. */
  plan(calls: ClusterCalls, target: Target, params: OperationParams<K>, environment?: OperationEnvironment): Promise<Drafted<A>>;
  /** Re-reads the live fields the plan depended on. */
  fingerprint(calls: ClusterCalls, target: Target): Promise<string>;
  execute(run: RunContext, action: A): Promise<void>;
  verify(run: RunContext, action: A): Promise<Verdict>;
  /** How long verification may take before it reports timed-out. */
  timeoutMs?(params: OperationParams<K>): number | undefined;
  /** Entities besides the target whose timelines the run lands on (the workloads a flag serves). */
  affected?(action: A): string[];
}

/** A step the module could not finish before its deadline; the run ends timed-out, not failed. */
export class DeadlinePassed extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DeadlinePassed';
  }
}

export interface Check {
  done: boolean;
  message: string;
  fraction?: number | null;
  /** The change cannot converge (a rollout hit its progress deadline): stop watching. */
  failed?: boolean;
}

/**
 * Watches by re-reading the object until it converges or the deadline passes, reporting each
 * new state. Re-reading (not the estate cache) so verification sees what the API server sees.
 */
export async function watchUntil(run: RunClock, check: () => Promise<Check>): Promise<Verdict> {
  let last = '';
  for (;;) {
    const state = await check();
    if (state.message !== last) {
      run.report(state.message, state.fraction ?? null);
      last = state.message;
    }
    if (state.done) return { state: 'succeeded', message: state.message };
    if (state.failed) return { state: 'failed', message: state.message };
    if (run.now() >= run.deadline) return { state: 'timed-out', message: `Not converged by the deadline: ${state.message}` };
    if (run.closing()) return { state: 'failed', message: `Daytwo closed while waiting: ${state.message}` };
    await run.sleep(run.pollMs);
  }
}

export function workloadPath(target: Target): string {
  const plural = target.kind === 'StatefulSet' ? 'statefulsets' : 'deployments';
  return `/apis/apps/v1/namespaces/${enc(target.namespace ?? '')}/${plural}/${enc(target.name)}`;
}

export function workloadResource(target: Target): string {
  return target.kind === 'StatefulSet' ? 'statefulsets' : 'deployments';
}

export function enc(segment: string): string {
  return encodeURIComponent(segment);
}

/** Reads the target from the API server; a missing one is a plain "not found", not a failure. */
export async function readLive<T>(calls: ClusterCalls, path: string, what: string): Promise<T> {
  const found = await calls.find<T>(path);
  if (found === undefined) throw new ApiError('not_found', `${what} does not exist on context "${calls.context}" (read live just now).`);
  return found;
}
