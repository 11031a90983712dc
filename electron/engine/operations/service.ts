import { randomUUID } from 'node:crypto';
import os from 'node:os';
import type { AuditOutcome, AuditRecord } from '../../../shared/api/audit.js';
import { ApiError } from '../../../shared/api/errors.js';
import { operationTitles, PlanRequest, terminalOperationStates } from '../../../shared/api/operations.js';
import type { ExternalOperationKind, Operation, OperationKind, OperationState, Plan, Revision } from '../../../shared/api/operations.js';
import { KubeApiError, kubeApiErrorToApiError } from '../providers/kubernetes/api-error.js';
import type { AuditLog } from '../store/audit-log.js';
import type { StoreDatabase } from '../store/database.js';
import { clusterClient } from '../sources/kubernetes/cluster-access.js';
import type { ClusterAccess } from '../sources/kubernetes/cluster-access.js';
import type { ClusterCalls } from '../providers/kubernetes/cluster-calls.js';
import type { BackendSignals } from './backend-signals.js';
import { confirmationFor, confirmationProblem } from './guardrail.js';
import { OperationJournal } from './journal.js';
import type { StoredPlan } from './journal.js';
import { describeRevisions, revisionsOf } from './kinds/revisions.js';
import type { Workload } from './kube-objects.js';
import { alertmanagerModules, isAlertmanagerKind, isExternalKind, isKubernetesRequest, isPagerDutyKind, isUnleashKind, kubernetesStep, operationModules, pagerDutyModules, storedKubernetesStep, unleashModules } from './modules.js';
import type { ExternalPlanRequest, KubernetesPlanRequest, KubernetesStep } from './modules.js';
import type { UnleashActor } from './kinds/unleash-flag.js';
import { DeadlinePassed, readLive, workloadPath } from './operation.js';
import type { RunClock, Verdict } from './operation.js';
import type { ExternalOperationModule, ExternalSystem, ExternalTarget } from './external-operation.js';
import type { AlertmanagerActor } from '../providers/alertmanager/http-api.js';
import type { PagerDutyClient } from '../providers/pagerduty/pagerduty-client.js';
import { requirePermissions } from './permission.js';
import { productionRisk } from './risks.js';
import { describeTarget, parseTarget } from './target.js';
import type { Target } from './target.js';
import { sleep } from '../abortable-sleep.js';

/** What lands on the estate's timeline when an operation ends. */
export interface OperationTimelineEvent {
  at: number;
  entityId: string;
  context: string;
  kind: OperationKind;
  summary: string;
  outcome: AuditOutcome;
  message: string;
  operationId: string;
  auditSeq: number;
  /** Entities besides the target the run lands on (the workloads that use a changed flag). */
  affected?: string[];
}

export interface OperationsServiceOptions {
  db: StoreDatabase;
  audit: AuditLog;
  clusters: ClusterAccess;
  /** PagerDuty's targets, client and liveness, for the pagerduty-* kinds; absent: those kinds are refused. */
  pagerduty?: ExternalSystem<PagerDutyClient>;
  /** Alertmanager sources, for silences (operations/alertmanager-access.ts). */
  alertmanager?: ExternalSystem<AlertmanagerActor>;
  /** Backends' golden signals, for traffic-split plans and their verification (operations/backend-signals.ts). */
  signals?: BackendSignals;
  /** Unleash connections, for the unleash-flag kind (operations/unleash-access.ts). */
  unleash?: ExternalSystem<UnleashActor>;
  /** Settings' productionPatterns, read at each plan so a change applies at once. */
  productionPatterns(): readonly string[];
  onTimelineEvent?(event: OperationTimelineEvent): void;
  /**
   * A guard asked before anything is planned: the reason to refuse an operation on this
   * context, or null. Drills use it to keep every operation on the sandbox while one runs.
   */
  refusal?(context: string): string | null;
  log?(message: string, error?: unknown): void;
  osUser?(): string;
  now?(): number;
  /** How often verification re-reads the target (and drain retries refused evictions). */
  pollIntervalMs?: number;
  /** A plan older than this must be re-planned: live state may have moved on. */
  planTtlMs?: number;
  /** Default deadline for verification. */
  verifyTimeoutMs?: number;
}

const maxSteps = 200;

/** How the last step of a run starts, by the state it ended in. */
const stateStepWords: Record<OperationState, string> = {
  executing: 'Executing',
  verifying: 'Verifying',
  succeeded: 'Converged',
  failed: 'Failed',
  'timed-out': 'Timed out',
  unverified: 'Applied, not verified',
};

/**
 * The operations lifecycle (docs/architecture.md, "Operations"): plan against live state,
 * confirm through the guardrail, execute once per plan, verify until converged or a
 * deadline, and record a hash-chained audit entry and a timeline event.
 */
export class OperationsService {
  private readonly journal: OperationJournal;
  private readonly watchers = new Map<string, Set<(operation: Operation) => void>>();
  private readonly settledWaiters = new Map<string, Set<(operation: Operation) => void>>();
  /** Executions being admitted, by plan id, so concurrent calls for one plan share one answer. */
  private readonly admitting = new Map<string, Promise<Operation>>();
  private readonly running = new Set<Promise<void>>();
  private readonly closing = new AbortController();
  private readonly now: () => number;
  private readonly pollMs: number;
  private readonly planTtlMs: number;
  private readonly verifyTimeoutMs: number;

  constructor(private readonly options: OperationsServiceOptions) {
    this.journal = new OperationJournal(options.db);
    this.now = options.now ?? Date.now;
    this.pollMs = options.pollIntervalMs ?? 1000;
    this.planTtlMs = options.planTtlMs ?? 10 * 60_000;
    this.verifyTimeoutMs = options.verifyTimeoutMs ?? 5 * 60_000;
    this.recoverInterrupted();
  }

  // ── plan ──────────────────────────────────────────────────────────────────────────────

  async plan(request: PlanRequest): Promise<Plan> {
    if (!isKubernetesRequest(request)) return this.planExternal(request);
    const parsed = parseTarget(request.target);
    // The kind's module and the request's params, as the router parsed them, typed together.
    const step = kubernetesStep(request);
    const { module } = step;
    if (!module.targets.includes(parsed.kind)) {
      throw new ApiError('bad_request', `${operationTitles[request.kind]} acts on ${module.targets.join(' or ')}, and ${describeTarget(parsed)} is not one.`, 'target');
    }
    // During a drill only the sandbox may be acted on (drills/): said before anything is read,
    // for the context named (or the cluster's own name) and again for the one chosen.
    const guard = (context: string) => {
      const refused = this.options.refusal?.(context);
      if (refused) throw new ApiError('forbidden', refused, 'target');
    };
    guard(('context' in request ? request.context : undefined) ?? parsed.context);
    const chosen = await this.chooseContext(parsed, request, step);
    const target: Target = { ...parsed, context: chosen.context };
    guard(target.context);
    const params: Record<string, unknown> = step.params;
    const createdAt = this.now();
    const base = {
      id: `plan-${randomUUID()}`,
      kind: request.kind,
      target: target.id,
      targetName: target.name,
      context: target.context,
      namespace: target.namespace,
      params,
      createdAt,
      expiresAt: createdAt + this.planTtlMs,
    };

    // Nothing is planned from cached state: with the source not live, say why and, if asked, keep a draft.
    if (!this.options.clusters.isLive(target.context)) {
      const reason = this.notLiveReason(target.context);
      if (!request.keepDraft) {
        throw new ApiError('unavailable', `${reason} Operations are planned against live state only; ask to keep this plan as a draft and re-plan it when the source is live.`);
      }
      const risks = productionRisk(target.context, this.options.productionPatterns());
      const plan: Plan = {
        ...base,
        state: 'draft',
        draftReason: reason,
        diff: { summary: `Draft: ${operationTitles[request.kind].toLowerCase()} ${describeTarget(target)}. Not planned yet: ${reason}`, changes: [] },
        risks,
        confirmation: confirmationFor(target.name, `${request.kind} ${target.name}`, risks),
        actingAs: this.options.clusters.kubeConfigFor(target.context)?.getCurrentUser()?.name ?? null,
        dryRunPassed: false,
        expiresAt: Number.MAX_SAFE_INTEGER,
      };
      this.journal.savePlan({ plan, action: null, fingerprint: '', kubeUser: plan.actingAs });
      return plan;
    }

    const calls = chosen.calls!;
    const drafted = await kubeErrors(target, () => module.plan(calls, target, step.params, this.environment()));
    const risks = [...productionRisk(target.context, this.options.productionPatterns()), ...drafted.risks];
    const plan: Plan = {
      ...base,
      state: 'ready',
      draftReason: null,
      diff: { summary: drafted.summary, changes: drafted.changes },
      risks,
      confirmation: confirmationFor(target.name, drafted.verb, risks),
      actingAs: calls.kubeUser,
      dryRunPassed: true,
    };
    this.journal.savePlan({ plan, action: drafted.action, fingerprint: drafted.fingerprint, kubeUser: calls.kubeUser });
    return plan;
  }

  /**
   * Whether the context's user may perform the request, by the same SelfSubjectAccessReviews a
   * plan asks, without planning anything: how runbook offers pick, of several contexts on one
   * cluster, the one that may act. False when the source is not live or the review refuses.
   */
  async mayPerform(request: PlanRequest): Promise<boolean> {
    if (!isKubernetesRequest(request)) return false;
    const parsed = parseTarget(request.target);
    const { module, params } = kubernetesStep(request);
    const named = request.context;
    for (const context of named ? [named] : this.options.clusters.contextsOf(parsed.cluster)) {
      if (!this.options.clusters.isLive(context) || !this.options.clusters.kubeConfigFor(context)) continue;
      const target: Target = { ...parsed, context };
      try {
        await requirePermissions(this.callsFor(target), module.permissions(target, params));
        return true;
      } catch {
        // This context's user may not; another reaching the same cluster may.
      }
    }
    return false;
  }

  /** Plans the same request again against live state; the old plan can no longer be executed. */
  async replan(planId: string): Promise<Plan> {
    const stored = this.requirePlan(planId);
    const { kind, target, params } = stored.plan;
    // The stored request, parsed again as the router would: the kind's schema decides its params.
    const plan = await this.plan(this.storedRequest(kind, target, params));
    if (stored.plan.state !== 'executed') this.journal.setPlanState(planId, 'replanned');
    return plan;
  }

  getPlan(id: string): Plan {
    return this.requirePlan(id).plan;
  }

  // ── confirm + execute ─────────────────────────────────────────────────────────────────

  /**
   * Idempotent by plan id: a second call (a double click, a retry after the connection
   * dropped) gets the operation the first one started and acts no further.
   */
  async execute(planId: string, confirmation: string, wait = false): Promise<Operation> {
    const stored = this.requirePlan(planId);
    const refusal = confirmationProblem(stored.plan.confirmation, confirmation);
    if (refusal) throw new ApiError('forbidden', refusal);
    // A plan made before a drill started is held to the same guard when it runs.
    const guarded = this.options.refusal?.(stored.plan.context);
    if (guarded) throw new ApiError('forbidden', guarded, 'target');
    let admitted = this.admitting.get(planId);
    if (!admitted) {
      admitted = this.admit(stored).finally(() => this.admitting.delete(planId));
      this.admitting.set(planId, admitted);
    }
    const operation = await admitted;
    return wait ? this.settled(operation.id) : operation;
  }

  private async admit(stored: StoredPlan): Promise<Operation> {
    const existing = this.journal.operationForPlan(stored.plan.id);
    if (existing) return existing;
    const { plan } = stored;
    if (plan.state === 'draft') {
      throw new ApiError('conflict', `This plan is a draft made while its source was not live (${plan.draftReason ?? 'offline'}). Re-plan it against live state before confirming.`);
    }
    if (plan.state !== 'ready') throw new ApiError('conflict', `This plan was ${plan.state}; re-plan it to act.`);
    if (this.now() > plan.expiresAt) {
      this.journal.setPlanState(plan.id, 'expired');
      throw new ApiError('conflict', 'This plan is too old to trust: live state may have moved on. Re-plan it.');
    }
    if (isExternalKind(plan.kind)) return this.admitExternal(stored, plan.kind);
    // The context the plan chose (and the person confirmed) is the one that acts.
    const target: Target = { ...parseTarget(plan.target), context: plan.context };
    if (!this.options.clusters.isLive(target.context)) {
      throw new ApiError('unavailable', `${this.notLiveReason(target.context)} Nothing runs against stale state; re-plan when the source is live.`);
    }
    const { module, params } = this.storedStep(plan.kind, plan.params);
    const calls = this.callsFor(target);
    const fingerprint = await kubeErrors(target, () => module.fingerprint(calls, target));
    if (fingerprint !== stored.fingerprint) {
      this.journal.setPlanState(plan.id, 'expired');
      throw new ApiError('conflict', `${describeTarget(target)} changed since this plan was made (${stored.fingerprint} → ${fingerprint}). Re-plan it to see the change against what is live now.`);
    }
    const startedAt = this.now();
    const timeout = module.timeoutMs?.(params) ?? this.verifyTimeoutMs;
    return this.start(stored, startedAt, timeout, `executing as ${calls.kubeUser ?? 'the context user'}`, {
      execute: (clock) => module.execute({ ...clock, calls, target, ...this.environment() }, stored.action),
      verify: (clock) => module.verify({ ...clock, calls, target, ...this.environment() }, stored.action),
    });
  }

  /** What a module may read beyond its cluster: the backends' signals, when the engine has metrics. */
  private environment(): { signals?: BackendSignals } {
    return this.options.signals ? { signals: this.options.signals } : {};
  }

  /** Claims the plan's one run in the store and starts it; a concurrent claim gets the existing run. */
  private start(stored: StoredPlan, startedAt: number, timeout: number, actingAs: string, steps: RunSteps): Operation {
    const { plan } = stored;
    const operation: Operation = {
      id: `op-${randomUUID()}`,
      planId: plan.id,
      kind: plan.kind,
      target: plan.target,
      state: 'executing',
      progress: 'Starting…',
      fraction: null,
      steps: [{ at: startedAt, message: `Confirmed (${plan.confirmation.level}); ${actingAs}.` }],
      outcome: null,
      startedAt,
      executedAt: null,
      finishedAt: null,
      deadline: startedAt + timeout,
      auditSeq: null,
    };
    // The store's UNIQUE plan_id decides, synchronously, whether this call is the one that acts.
    if (!this.journal.claim(operation)) return this.journal.operationForPlan(plan.id)!;
    const run = this.run(stored, operation, steps).catch((error) => this.options.log?.('operation run failed', error));
    this.running.add(run);
    void run.finally(() => this.running.delete(run));
    return operation;
  }

  private async run(stored: StoredPlan, operation: Operation, steps: RunSteps): Promise<void> {
    let current = operation;
    const update = (change: Partial<Operation>, step?: string) => {
      const steps = step ? [...current.steps, { at: this.now(), message: step }].slice(-maxSteps) : current.steps;
      current = { ...current, ...change, steps };
      this.journal.saveOperation(current);
      this.notify(current);
    };
    const context: RunClock = {
      deadline: operation.deadline,
      pollMs: this.pollMs,
      now: this.now,
      closing: () => this.closing.signal.aborted,
      sleep: (ms) => sleep(ms, this.closing.signal),
      report: (message, fraction) => update({ progress: message, fraction: fraction ?? current.fraction }, message),
    };
    let verdict: Verdict;
    let result: AuditOutcome;
    try {
      await steps.execute(context);
      update({ state: 'verifying', executedAt: this.now() }, 'Change made; verifying…');
      verdict = await steps.verify(context);
      result = verdict.state;
    } catch (error) {
      if (error instanceof DeadlinePassed) {
        verdict = { state: 'timed-out', message: error.message };
        result = 'timed-out';
      } else {
        const refused = (error instanceof KubeApiError && error.status === 403) || this.options.pagerduty?.explain(error)?.code === 'forbidden';
        verdict = { state: 'failed', message: describeFailure(error) };
        result = refused ? 'refused' : 'failed';
      }
    }
    this.finish(stored, current, verdict.state, result, verdict.message, update);
  }

  private finish(
    stored: StoredPlan,
    operation: Operation,
    state: OperationState,
    result: AuditOutcome,
    message: string,
    update: (change: Partial<Operation>, step?: string) => void,
  ): void {
    const finishedAt = this.now();
    const entry = this.options.audit.append(this.auditRecord(stored, operation, result, message, finishedAt));
    update(
      { state, outcome: message, finishedAt, auditSeq: entry.seq, progress: message, fraction: state === 'succeeded' ? 1 : operation.fraction },
      `${stateStepWords[state]}: ${message}`,
    );
    const final = this.journal.getOperation(operation.id);
    if (final) for (const resolve of this.settledWaiters.get(final.id) ?? []) resolve(final);
    this.settledWaiters.delete(operation.id);
    // A PagerDuty change lands on the incident's own log, a silence on the alerts it holds
    // (AlertSilenced events) and the incident timeline (from the audit log): neither is about one
    // estate entity. PagerDuty's list is read again at once, so it shows the change.
    if (isPagerDutyKind(stored.plan.kind)) {
      try {
        const system = this.options.pagerduty;
        system?.changed?.(system.parseTarget(stored.plan.target));
      } catch {
        // The source is no longer configured (a run recovered at start): nothing to read again.
      }
    }
    const affected = this.affected(stored);
    if (isExternalKind(stored.plan.kind) && affected.length === 0) return;
    this.options.onTimelineEvent?.({
      at: finishedAt,
      entityId: stored.plan.target,
      context: stored.plan.context,
      kind: stored.plan.kind,
      summary: stored.plan.diff.summary,
      outcome: result,
      message,
      operationId: operation.id,
      auditSeq: entry.seq,
      ...(affected.length ? { affected } : {}),
    });
  }

  /** The entities besides the target a run is about, as its module says from the stored action. */
  private affected(stored: StoredPlan): string[] {
    try {
      const kind = stored.plan.kind;
      const module = isExternalKind(kind) ? this.external(kind).module : operationModules[kind];
      return stored.action === null ? [] : (module.affected?.(stored.action) ?? []);
    } catch {
      // The system is no longer configured (a run recovered at start): the target alone.
      return [];
    }
  }

  private auditRecord(stored: StoredPlan, operation: Operation, result: AuditOutcome, message: string, finishedAt: number): Omit<AuditRecord, 'seq'> {
    const { plan } = stored;
    return {
      at: finishedAt,
      who: { osUser: this.osUser(), kubeUser: stored.kubeUser, context: plan.context },
      what: { kind: plan.kind, summary: plan.diff.summary },
      target: plan.target,
      plan: { id: plan.id, params: plan.params, diff: plan.diff, risks: plan.risks, confirmation: plan.confirmation.level },
      operationId: operation.id,
      outcome: { result, message },
      timings: {
        plannedAt: plan.createdAt,
        executedAt: operation.executedAt,
        finishedAt,
        durationMs: finishedAt - operation.startedAt,
      },
    };
  }

  /**
   * Runs the engine was in the middle of when it stopped (a crash, kill -9, a power cut), told
   * as what is known. Stopped while executing: whether the change was made is unknown, and it
   * is recorded as failed with that said. Stopped while verifying: the change was applied
   * (executedAt is set), so verification starts again now with a fresh deadline and the entry
   * records what it finds; if it cannot run at all, the run is recorded as applied, not verified.
   */
  private recoverInterrupted(): void {
    for (const operation of this.journal.unfinished()) {
      const stored = this.journal.getPlan(operation.planId);
      if (!stored) continue;
      let current = operation;
      const update = (change: Partial<Operation>, step?: string) => {
        current = { ...current, ...change, steps: step ? [...current.steps, { at: this.now(), message: step }].slice(-maxSteps) : current.steps };
        this.journal.saveOperation(current);
        this.notify(current);
      };
      if (operation.executedAt === null) {
        this.finish(stored, current, 'failed', 'failed', `Daytwo stopped while this operation was ${operation.state}, before the change was confirmed made; check ${operation.target} before acting again.`, update);
        continue;
      }
      const run = this.reverify(stored, () => current, update).catch((error) => this.options.log?.('verification after restart failed', error));
      this.running.add(run);
      void run.finally(() => this.running.delete(run));
    }
  }

  private async reverify(stored: StoredPlan, current: () => Operation, update: (change: Partial<Operation>, step?: string) => void): Promise<void> {
    const { plan } = stored;
    const applied = 'Applied before Daytwo stopped';
    const deadline = this.now() + this.verifyTimeoutOf(plan);
    update({ state: 'verifying', deadline, progress: `${applied}; verifying now…` }, `${applied}, not verified; verifying again after the restart.`);
    let verdict: Verdict;
    try {
      const clock: RunClock = {
        deadline,
        pollMs: this.pollMs,
        now: this.now,
        closing: () => this.closing.signal.aborted,
        sleep: (ms) => sleep(ms, this.closing.signal),
        report: (message, fraction) => update({ progress: message, fraction: fraction ?? current().fraction }, message),
      };
      verdict = await this.verifyStep(stored)(clock);
    } catch (error) {
      // Closing again: leave the run as it is, and the next start verifies it again.
      if (this.closing.signal.aborted) return;
      if (error instanceof DeadlinePassed) verdict = { state: 'timed-out', message: error.message };
      else {
        const why = describeFailure(error).replace(/\.$/, '');
        this.finish(stored, current(), 'unverified', 'unverified', `${applied}, and it could not be verified after the restart: ${why}. Check ${plan.target}.`, update);
        return;
      }
    }
    if (this.closing.signal.aborted) return;
    this.finish(stored, current(), verdict.state, verdict.state, `${applied}; verified after the restart: ${verdict.message}`, update);
  }

  /** The verify step of a stored plan's kind, bound to its target: Kubernetes or an external system. */
  private verifyStep(stored: StoredPlan): RunSteps['verify'] {
    const { plan } = stored;
    if (isExternalKind(plan.kind)) {
      const { system, module, name } = this.external(plan.kind);
      const target = system.parseTarget(plan.target);
      const client = this.externalClient(system, target, name);
      return (clock) => module.verify({ ...clock, client, target }, stored.action);
    }
    const { module } = this.storedStep(plan.kind, plan.params);
    // The context the plan chose acted, so it verifies too.
    const target: Target = { ...parseTarget(plan.target), context: plan.context };
    const calls = this.callsFor(target);
    return (clock) => module.verify({ ...clock, calls, target, ...this.environment() }, stored.action);
  }

  // ── external systems (PagerDuty) ─────────────────────────────────────────────────────

  private async planExternal(request: ExternalPlanRequest): Promise<Plan> {
    const { kind } = request;
    const { system, module, name } = this.external(kind);
    const target = system.parseTarget(request.target);
    const createdAt = this.now();
    const base = {
      id: `plan-${randomUUID()}`,
      kind,
      target: target.id,
      targetName: target.name,
      context: target.sourceId,
      namespace: null,
      params: { ...request.params },
      createdAt,
      expiresAt: createdAt + this.planTtlMs,
    };
    const actingAs = system.actingAs(target);
    if (!system.isLive(target)) {
      const reason = system.notLiveReason(target);
      if (!request.keepDraft) throw new ApiError('unavailable', `${reason} Changes to ${name} are planned against live state only; ask to keep this plan as a draft and re-plan it when ${name} is reachable.`);
      const plan: Plan = {
        ...base,
        state: 'draft',
        draftReason: reason,
        diff: { summary: `Draft: ${operationTitles[kind].toLowerCase()} ${target.name}. Not planned yet: ${reason}`, changes: [] },
        risks: [],
        confirmation: confirmationFor(target.name, `${kind} ${target.name}`, []),
        actingAs,
        dryRunPassed: false,
        expiresAt: Number.MAX_SAFE_INTEGER,
      };
      this.journal.savePlan({ plan, action: null, fingerprint: '', kubeUser: actingAs });
      return plan;
    }
    const client = this.externalClient(system, target, name);
    const drafted = await externalErrors(system, () => module.plan(client, target, request.params));
    const plan: Plan = {
      ...base,
      state: 'ready',
      draftReason: null,
      diff: { summary: drafted.summary, changes: drafted.changes },
      risks: drafted.risks,
      confirmation: confirmationFor(target.name, drafted.verb, drafted.risks),
      actingAs,
      // PagerDuty and Alertmanager have no dry run: the plan read the target live and checked the change applies.
      dryRunPassed: true,
    };
    this.journal.savePlan({ plan, action: drafted.action, fingerprint: drafted.fingerprint, kubeUser: actingAs });
    return plan;
  }

  private async admitExternal(stored: StoredPlan, kind: ExternalOperationKind): Promise<Operation> {
    const { plan } = stored;
    const { system, module, name } = this.external(kind);
    const target = system.parseTarget(plan.target);
    if (!system.isLive(target)) throw new ApiError('unavailable', `${system.notLiveReason(target)} Nothing runs against stale state; re-plan when ${name} is reachable.`);
    const client = this.externalClient(system, target, name);
    const fingerprint = await externalErrors(system, () => module.fingerprint(client, target));
    if (fingerprint !== stored.fingerprint) {
      this.journal.setPlanState(plan.id, 'expired');
      throw new ApiError('conflict', `${name} ${target.name} changed since this plan was made (${stored.fingerprint} → ${fingerprint}). Re-plan it to see the change against what is live now.`);
    }
    return this.start(stored, this.now(), this.verifyTimeoutMs, `acting in ${name} as ${system.actingAs(target) ?? 'the configured user'}`, {
      execute: (clock) => module.execute({ ...clock, client, target }, stored.action),
      verify: (clock) => module.verify({ ...clock, client, target }, stored.action),
    });
  }

  /** The system a kind acts on and its module; the client type is the module's own business. */
  private external(kind: ExternalOperationKind): { system: ExternalSystem<unknown>; module: ExternalOperationModule<ExternalOperationKind, unknown, unknown>; name: string } {
    if (isAlertmanagerKind(kind)) {
      if (!this.options.alertmanager) throw new ApiError('unavailable', 'No Alertmanager connection is configured (start Daytwo with --alertmanager URL).');
      return { system: this.options.alertmanager as ExternalSystem<unknown>, module: alertmanagerModules[kind] as ExternalOperationModule<ExternalOperationKind, unknown, unknown>, name: 'Alertmanager' };
    }
    if (isUnleashKind(kind)) {
      if (!this.options.unleash) throw new ApiError('unavailable', 'No Unleash connection is configured; add one in Settings.');
      return { system: this.options.unleash as ExternalSystem<unknown>, module: unleashModules[kind] as ExternalOperationModule<ExternalOperationKind, unknown, unknown>, name: 'Unleash' };
    }
    if (!isPagerDutyKind(kind) || !this.options.pagerduty) throw new ApiError('unavailable', 'No PagerDuty connection is configured.');
    return { system: this.options.pagerduty as ExternalSystem<unknown>, module: pagerDutyModules[kind] as ExternalOperationModule<ExternalOperationKind, unknown, unknown>, name: 'PagerDuty' };
  }

  private externalClient(system: ExternalSystem<unknown>, target: ExternalTarget, name: string): unknown {
    const client = system.client(target);
    if (!client) throw new ApiError('not_found', `No ${name} connection is configured for ${target.sourceId}.`);
    return client;
  }

  // ── read ──────────────────────────────────────────────────────────────────────────────

  get(id: string): Operation {
    const operation = this.journal.getOperation(id);
    if (!operation) throw new ApiError('not_found', `There is no operation ${id}.`);
    return operation;
  }

  list(): { drafts: Plan[]; operations: Operation[] } {
    return { drafts: this.journal.drafts(), operations: this.journal.recentOperations() };
  }

  /** A Deployment's revisions, read live, for choosing a rollback target. */
  async history(entityId: string): Promise<Revision[]> {
    const parsed = parseTarget(entityId);
    if (parsed.kind !== 'Deployment') throw new ApiError('bad_request', 'Revision history is kept for Deployments.', 'target');
    // Reading history needs only read access: any live way into the cluster will do.
    const contexts = this.options.clusters.contextsOf(parsed.cluster);
    const live = contexts.find((c) => this.options.clusters.isLive(c));
    const target: Target = { ...parsed, context: live ?? contexts[0] ?? parsed.context };
    if (!live) throw new ApiError('unavailable', this.notLiveReason(target.context));
    const calls = this.callsFor(target);
    return kubeErrors(target, async () => {
      const deployment = await readLive<Workload>(calls, workloadPath(target), describeTarget(target));
      return describeRevisions(deployment, await revisionsOf(calls, target, deployment));
    });
  }

  /** Pushes the operation now and on every change until it ends; returns the unsubscribe. */
  watch(id: string, push: (operation: Operation) => void): () => void {
    const operation = this.get(id);
    push(operation);
    if (terminalOperationStates.includes(operation.state)) return () => {};
    const set = this.watchers.get(id) ?? new Set();
    set.add(push);
    this.watchers.set(id, set);
    return () => {
      set.delete(push);
      if (set.size === 0) this.watchers.delete(id);
    };
  }

  /** Resolves when the operation has succeeded, failed or timed out. */
  settled(id: string): Promise<Operation> {
    const operation = this.get(id);
    if (terminalOperationStates.includes(operation.state)) return Promise.resolve(operation);
    return new Promise((resolve) => {
      const set = this.settledWaiters.get(id) ?? new Set();
      set.add(resolve);
      this.settledWaiters.set(id, set);
    });
  }

  /** Stops watching; runs under way end as failed with what was seen, and are recorded. */
  async close(): Promise<void> {
    this.closing.abort();
    await Promise.allSettled([...this.running]);
  }

  // ── helpers ───────────────────────────────────────────────────────────────────────────

  private notify(operation: Operation): void {
    for (const push of this.watchers.get(operation.id) ?? []) push(operation);
    if (terminalOperationStates.includes(operation.state)) this.watchers.delete(operation.id);
  }

  private requirePlan(id: string): StoredPlan {
    const stored = this.journal.getPlan(id);
    if (!stored) throw new ApiError('not_found', `There is no plan ${id}. Plan the operation first.`);
    return stored;
  }

  /**
   * Which context acts. Every context that reaches the target's cluster is a way in; the
   * operator may name one, else the first (by name) that is live and whose user
   * SelfSubjectAccessReview allows every permission the operation needs. A refusal lists why
   * each way in was refused. With no live way in, the plan can only be a draft.
   */
  private async chooseContext(target: Target, request: KubernetesPlanRequest, step: KubernetesStep): Promise<{ context: string; calls: ClusterCalls | null }> {
    const { module, params } = step;
    const asked = request.context;
    const reaching = this.options.clusters.contextsOf(target.cluster);
    if (asked !== undefined && !reaching.includes(asked)) {
      throw new ApiError(
        'bad_request',
        `Context "${asked}" does not reach the cluster of ${describeTarget(target)}${reaching.length ? `; these do: ${reaching.join(', ')}` : ''}.`,
        'context',
      );
    }
    const candidates = asked !== undefined ? [asked] : reaching;
    if (candidates.length === 0) throw new ApiError('not_found', `No kubeconfig context reaches cluster "${target.cluster}".`);
    const live = candidates.filter((c) => this.options.clusters.isLive(c));
    const notLive = candidates.filter((c) => !live.includes(c));
    const refusals: string[] = [];
    for (const context of live) {
      const candidate: Target = { ...target, context };
      const calls = this.callsFor(candidate);
      try {
        await kubeErrors(candidate, () => requirePermissions(calls, module.permissions(candidate, params)));
        return { context, calls };
      } catch (error) {
        if (!(error instanceof ApiError) || error.code !== 'forbidden') throw error;
        refusals.push(error.message);
      }
    }
    // A way in that is not live now may be the one allowed: plan it as not live (a draft if asked).
    if (notLive.length > 0) return { context: notLive[0]!, calls: null };
    throw new ApiError('forbidden', refusals.join(' '));
  }

  /** The context's one client, handed out by sources/ through ClusterAccess; never one built here. */
  private callsFor(target: Target): ClusterCalls {
    const calls = clusterClient(this.options.clusters, target.context);
    if (!calls) throw new ApiError('not_found', `No connection is configured for context "${target.context}".`);
    return calls;
  }

  /** A stored Kubernetes plan's module with its params parsed again by the kind's schema. */
  private storedStep(kind: OperationKind, params: Record<string, unknown>): KubernetesStep {
    if (isExternalKind(kind)) throw new Error(`${kind} is not a Kubernetes operation.`);
    try {
      return storedKubernetesStep(kind, params);
    } catch (error) {
      throw new ApiError('conflict', `This plan's parameters no longer validate (${error instanceof Error ? error.message : String(error)}); re-plan it.`);
    }
  }

  /** How long verification of a stored plan may take: its kind's deadline for its params, else the default. */
  private verifyTimeoutOf(plan: Plan): number {
    if (isExternalKind(plan.kind)) return this.verifyTimeoutMs;
    try {
      const { module, params } = this.storedStep(plan.kind, plan.params);
      return module.timeoutMs?.(params) ?? this.verifyTimeoutMs;
    } catch {
      return this.verifyTimeoutMs;
    }
  }

  /** A stored plan's request, parsed again as the router parses one. */
  private storedRequest(kind: OperationKind, target: string, params: Record<string, unknown>): PlanRequest {
    const parsed = PlanRequest.safeParse({ kind, target, params });
    if (!parsed.success) throw new ApiError('conflict', `This plan's parameters no longer validate (${parsed.error.message}); plan it anew.`);
    return parsed.data;
  }

  private notLiveReason(context: string): string {
    const why = this.options.clusters.notLiveReason?.(context);
    return `The source for context "${context}" is not live${why ? `: ${why}` : ''}.`;
  }

  private osUser(): string {
    if (this.options.osUser) return this.options.osUser();
    try {
      return os.userInfo().username;
    } catch {
      // os.userInfo throws where the uid has no passwd entry (some containers).
      return process.env['USER'] ?? process.env['USERNAME'] ?? `uid ${process.getuid?.() ?? '?'}`;
    }
  }
}

/** A run's two steps, bound to the module, its action and its client. */
interface RunSteps {
  execute(clock: RunClock): Promise<void>;
  verify(clock: RunClock): Promise<Verdict>;
}

/** An external system's failures during planning, as API errors a person can act on. */
async function externalErrors<T, C>(system: ExternalSystem<C>, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof ApiError) throw error;
    throw system.explain(error) ?? error;
  }
}

/** Kubernetes failures during planning, as API errors a person can act on. */
async function kubeErrors<T>(target: Target, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof ApiError || !(error instanceof KubeApiError)) throw error;
    // A 400/422 during planning comes from the server-side dry run: say so.
    const mapped = kubeApiErrorToApiError(error, `context "${target.context}"`, describeTarget(target));
    if (mapped.code === 'bad_request') throw new ApiError('bad_request', `The server-side dry run refused the change: ${error.message}`);
    throw mapped;
  }
}

function describeFailure(error: unknown): string {
  if (error instanceof KubeApiError) return error.status ? `The API server answered ${error.status}: ${error.message}` : `Lost the API server: ${error.message}`;
  return error instanceof Error ? error.message : String(error);
}
