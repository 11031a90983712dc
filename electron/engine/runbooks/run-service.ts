import { randomUUID } from 'node:crypto';
import { ApiError } from '../../../shared/api/errors.js';
import type { Incident, TimelineItem } from '../../../shared/api/incidents.js';
import type { MetricQueryResult } from '../../../shared/api/metrics.js';
import type { CloudWatchMetricQuery, MetricQuery } from '../../../shared/metrics/query.js';
import type { Operation, Plan, PlanRequest, Revision } from '../../../shared/api/operations.js';
import { operationParams, PlanRequest as PlanRequestSchema } from '../../../shared/api/operations.js';
import type { CheckResult, Run, Runbook, RunbookStep, RunStep, StepParams, StepRecord } from '../../../shared/api/runbooks.js';
import type { Entity } from '../../../shared/estate/model.js';
import type { StoreDatabase } from '../store/database.js';
import type { QueryParams } from '../metrics/metrics-service.js';
import { compare, parseExpectation, type Expectation } from './expectation.js';
import type { RunbookLibrary } from './runbook-library.js';
import { RunStore } from './run-store.js';
import { fill, fillValue, templateNames, type Values } from './template.js';
import type { ApprovalCheck } from './approval.js';
import { runTimelineItems } from './run-timeline.js';

/** What a run asks of operations: the same plan → confirm → execute path the operations view uses. */
export interface RunOperations {
  plan(request: PlanRequest): Promise<Plan>;
  replan(planId: string): Promise<Plan>;
  getPlan(id: string): Plan;
  execute(planId: string, confirmation: string, wait?: boolean): Promise<Operation>;
  history(entityId: string): Promise<Revision[]>;
}

export interface RunIncidents {
  declare(params: { title: string; severity: 'SEV2'; kind: 'real'; summary: string; impacted: string[]; alertIds: string[]; roles: Record<string, never>; links: never[] }): Incident;
  get(id: string): Incident;
}

export interface RunServiceOptions {
  /** The durable (synchronous FULL) connection. */
  db: StoreDatabase;
  library: Pick<RunbookLibrary, 'get'>;
  operations: RunOperations;
  metrics: {
    query(params: QueryParams): Promise<MetricQueryResult>;
    /** The Prometheus source a check's PromQL goes to, or null when none is configured. */
    prometheusSource(): string | null;
    /** The AWS source a CloudWatch check goes to (in `region` when given), or null when none is configured. */
    awsSource(region?: string): string | null;
  };
  estate: {
    get(id: string): Entity | undefined;
    /** Entities at or below one (a cluster's workloads), for the unready-workloads measure. */
    find?(filter: { kinds?: readonly Entity['kind'][]; within?: string }): Entity[];
  };
  incidents: RunIncidents;
  approvals: ApprovalCheck;
  user(): string;
  now?: () => number;
}

type RunListener = (run: Run) => void;

/**
 * Runs of runbooks (docs/architecture.md, "Runbooks"). A run is a row of durable state moved on
 * by people: each `step` call records who did what with which inputs and what came out, and is
 * saved before it answers, so a killed engine resumes at the same step. Steps are entered when
 * reached: a check evaluates, an action plans (a draft when its source is not live: nothing is
 * planned or executed from cached state), a branch on a check follows the check's result.
 * Calls on one run are serialised, so a double key press cannot move a run twice.
 */
export class RunService {
  private readonly store: RunStore;
  private readonly listeners = new Map<string, Set<RunListener>>();
  private readonly queues = new Map<string, Promise<unknown>>();
  private readonly now: () => number;

  constructor(private readonly options: RunServiceOptions) {
    this.store = new RunStore(options.db);
    this.now = options.now ?? Date.now;
  }

  // ── reading ─────────────────────────────────────────────────────────────────────────────

  get(id: string): Run {
    const run = this.store.get(id);
    if (!run) throw new ApiError('not_found', `There is no run ${id}.`);
    return run;
  }

  list(): Run[] {
    return this.store.list();
  }

  subscribe(id: string, push: RunListener): () => void {
    push(this.get(id));
    const set = this.listeners.get(id) ?? new Set();
    set.add(push);
    this.listeners.set(id, set);
    return () => {
      set.delete(push);
      if (set.size === 0) this.listeners.delete(id);
    };
  }

  /** The runbook version the run follows, not whatever the file says today. */
  runbookOf(run: Run): Runbook {
    const runbook = this.store.version(run.runbookHash);
    if (!runbook) throw new ApiError('internal', `The runbook version ${run.runbookHash.slice(0, 12)} this run started with is missing from the store.`);
    return runbook;
  }

  // ── starting ────────────────────────────────────────────────────────────────────────────

  async start(params: { runbookId: string; parameters: Values; incidentId?: string; declareIncident: boolean }): Promise<Run> {
    const runbook = this.options.library.get(params.runbookId);
    const values: Record<string, string | number> = {};
    const missing: string[] = [];
    for (const [name, spec] of Object.entries(runbook.parameters)) {
      const given = params.parameters[name] ?? spec.default;
      if (given === undefined || given === '') {
        missing.push(name);
        continue;
      }
      if (spec.type === 'number') {
        const n = typeof given === 'number' ? given : Number(given);
        if (!Number.isFinite(n)) throw new ApiError('bad_request', `Parameter ${name} is a number; "${given}" is not.`, `parameters.${name}`);
        values[name] = n;
      } else {
        values[name] = String(given);
      }
    }
    if (missing.length > 0) throw new ApiError('bad_request', `The runbook needs ${missing.join(', ')}; nothing filled ${missing.length === 1 ? 'it' : 'them'}.`, `parameters.${missing[0]}`);
    const unknown = Object.keys(params.parameters).filter((k) => !(k in runbook.parameters));
    if (unknown.length > 0) throw new ApiError('bad_request', `The runbook has no parameter ${unknown.join(', ')}.`, `parameters.${unknown[0]}`);

    const by = this.options.user();
    const now = this.now();
    let incidentId = params.incidentId ?? null;
    if (incidentId !== null) this.options.incidents.get(incidentId);
    else if (params.declareIncident) {
      const impacted = impactedBy(runbook, values).filter((id) => this.options.estate.get(id));
      incidentId = this.options.incidents.declare({
        title: fill(runbook.title, values),
        severity: 'SEV2',
        kind: 'real',
        summary: `Declared to run the runbook "${runbook.title}".`,
        impacted,
        alertIds: [],
        roles: {},
        links: [],
      }).id;
    }

    this.store.keepVersion(runbook);
    const run: Run = {
      id: `run-${randomUUID()}`,
      runbookId: runbook.id,
      runbookTitle: runbook.title,
      runbookHash: runbook.hash,
      parameters: values,
      incidentId,
      state: 'running',
      current: 0,
      steps: runbook.steps.map((step) => ({
        id: step.id,
        type: step.type,
        title: safeFill(step.title, values),
        state: 'pending',
        check: null,
        planId: null,
        operationId: null,
        answers: step.type === 'branch' && step.question ? Object.keys(step.goto) : [],
        records: [],
      })),
      startedBy: by,
      startedAt: now,
      updatedAt: now,
    };
    return this.serial(run.id, async () => {
      await this.enter(run, runbook, 0, by);
      return this.save(run);
    });
  }

  // ── acting on a step ────────────────────────────────────────────────────────────────────

  step(params: StepParams): Promise<{ run: Run; plan: Plan | null }> {
    return this.serial(params.runId, async () => {
      const run = this.get(params.runId);
      const runbook = this.runbookOf(run);
      const index = run.steps.findIndex((s) => s.id === params.stepId);
      const step = run.steps[index];
      const definition = runbook.steps[index];
      if (!step || !definition) throw new ApiError('not_found', `The run has no step "${params.stepId}".`, 'stepId');
      if (run.state !== 'running') throw new ApiError('conflict', `The run is ${run.state}.`);
      const by = this.options.user();
      // Re-checking any check already reached is harmless; everything else acts on the current step only.
      if (params.action === 'recheck') {
        if (definition.type !== 'check') throw new ApiError('bad_request', `Step "${step.id}" is a ${definition.type}, not a check.`, 'action');
        if (step.state === 'pending') throw new ApiError('conflict', `Step "${step.id}" has not been reached yet.`);
        await this.evaluate(run, step, definition, by);
        return { run: this.save(run), plan: null };
      }
      if (index !== run.current) throw new ApiError('conflict', `Step "${step.id}" is not the current step; the run is on "${run.steps[run.current]?.id}".`, 'stepId');

      switch (params.action) {
        case 'skip':
          this.record(run, step, by, 'skipped', { reason: params.reason }, {});
          step.state = 'skipped';
          await this.advance(run, runbook, index + 1, by);
          return { run: this.save(run), plan: null };
        case 'complete': {
          if (definition.type === 'action') throw new ApiError('bad_request', 'An action is completed by executing its plan (action "execute") or skipped with a reason.', 'action');
          if (definition.type === 'branch') throw new ApiError('bad_request', definition.question ? 'A branch on a question is answered (action "answer").' : 'A branch on a check moves by itself.', 'action');
          if (definition.type === 'approval') throw new ApiError('bad_request', 'An approval is given with runs.approve by a second person.', 'action');
          if (definition.type === 'foreach') throw new ApiError('bad_request', 'A foreach moves by itself to its next item.', 'action');
          this.record(run, step, by, 'completed', params.note ? { note: params.note } : {}, definition.type === 'check' && step.check ? { value: step.check.value, passed: step.check.passed } : {});
          step.state = 'done';
          await this.advance(run, runbook, index + 1, by);
          return { run: this.save(run), plan: null };
        }
        case 'answer': {
          if (definition.type !== 'branch' || !definition.question) throw new ApiError('bad_request', `Step "${step.id}" does not ask a question.`, 'action');
          const target = definition.goto[params.answer];
          if (!target) throw new ApiError('bad_request', `The answers are ${Object.keys(definition.goto).join(', ')}.`, 'answer');
          this.record(run, step, by, 'answered', { answer: params.answer }, { goto: target });
          step.state = 'done';
          await this.advance(run, runbook, run.steps.findIndex((s) => s.id === target), by);
          return { run: this.save(run), plan: null };
        }
        case 'replan': {
          if (definition.type !== 'action') throw new ApiError('bad_request', `Step "${step.id}" is not an action.`, 'action');
          const plan = await this.planAction(run, step, definition, by, true);
          return { run: this.save(run), plan };
        }
        case 'execute': {
          if (definition.type !== 'action') throw new ApiError('bad_request', `Step "${step.id}" is not an action.`, 'action');
          if (!step.planId) throw new ApiError('conflict', 'This action has no plan yet: its source was not live when it was reached. Re-plan it.');
          this.requireApproval(run, runbook, step.id);
          const plan = this.options.operations.getPlan(step.planId);
          let operation: Operation;
          try {
            operation = await this.options.operations.execute(step.planId, params.confirmation, true);
          } catch (err) {
            this.record(run, step, by, 'refused', { planId: step.planId }, { error: (err as Error).message });
            this.save(run);
            throw err;
          }
          step.operationId = operation.id;
          this.record(run, step, by, 'executed', { planId: plan.id, confirmation: params.confirmation }, { operationId: operation.id, state: operation.state, outcome: operation.outcome, auditSeq: operation.auditSeq });
          if (operation.state === 'succeeded') {
            step.state = 'done';
            await this.advance(run, runbook, index + 1, by);
          } else {
            step.state = 'failed';
          }
          return { run: this.save(run), plan };
        }
      }
    });
  }

  /** A second person approves the gated action (approval.ts checks who they are and what they may do). */
  approve(params: { runId: string; stepId: string; context: string }): Promise<Run> {
    return this.serial(params.runId, async () => {
      const run = this.get(params.runId);
      const runbook = this.runbookOf(run);
      const index = run.steps.findIndex((s) => s.id === params.stepId);
      const step = run.steps[index];
      const definition = runbook.steps[index];
      if (!step || definition?.type !== 'approval') throw new ApiError('bad_request', `Step "${params.stepId}" is not an approval.`, 'stepId');
      if (index !== run.current) throw new ApiError('conflict', `Step "${step.id}" is not the current step.`, 'stepId');
      const gatedIndex = runbook.steps.findIndex((s) => s.id === definition.gates);
      const gated = runbook.steps[gatedIndex];
      if (gated?.type !== 'action') throw new ApiError('internal', 'The approval gates no action.');
      const request = await this.requestFor(run, gated);
      const by = this.options.user();
      let verdict;
      try {
        verdict = await this.options.approvals.approve({ request, approverContext: params.context, runId: run.id, stepTitle: step.title });
      } catch (err) {
        this.record(run, step, by, 'refused', { context: params.context }, { error: (err as Error).message });
        this.save(run);
        throw err;
      }
      this.record(run, step, verdict.approver, 'approved', { context: params.context }, { approver: verdict.approver, runner: verdict.runner, auditSeq: verdict.auditSeq });
      step.state = 'done';
      await this.advance(run, runbook, index + 1, by);
      return this.save(run);
    });
  }

  // ── moving through the runbook ──────────────────────────────────────────────────────────

  private async advance(run: Run, runbook: Runbook, next: number, by: string): Promise<void> {
    if (next >= run.steps.length || next < 0) {
      run.state = 'finished';
      run.current = run.steps.length - 1;
      return;
    }
    await this.enter(run, runbook, next, by);
  }

  /** Reaches a step: records it, and does what reaching it does for its type. */
  private async enter(run: Run, runbook: Runbook, index: number, by: string): Promise<void> {
    run.current = index;
    const step = run.steps[index] as RunStep;
    const definition = runbook.steps[index] as RunbookStep;
    step.state = 'current';
    this.record(run, step, by, 'reached', {}, {});
    switch (definition.type) {
      case 'check':
        await this.evaluate(run, step, definition, by);
        return;
      case 'action':
        await this.planAction(run, step, definition, by, false);
        return;
      case 'approval':
        step.state = 'waiting';
        return;
      case 'branch': {
        if (!definition.check) return;
        const check = run.steps.find((s) => s.id === definition.check);
        const outcome = check?.check ? (check.check.passed ? 'pass' : 'fail') : null;
        const target = outcome ? definition.goto[outcome] : undefined;
        if (!target) {
          // No result to follow (the check was skipped, or its outcome has no goto): a person decides.
          step.state = 'waiting';
          return;
        }
        this.record(run, step, by, 'answered', { check: definition.check, outcome }, { goto: target });
        step.state = 'done';
        await this.advance(run, runbook, run.steps.findIndex((s) => s.id === target), by);
        return;
      }
      case 'foreach':
        await this.nextItem(run, runbook, step, definition, by);
        return;
      case 'manual':
        return;
    }
  }

  /**
   * Binds the loop's next item and goes on, or goes to `done` when none is left. Which items
   * were handed out is read from the step's own records, so the loop survives a restart.
   */
  private async nextItem(run: Run, runbook: Runbook, step: RunStep, definition: Extract<RunbookStep, { type: 'foreach' }>, by: string): Promise<void> {
    const items = fill(definition.over, run.parameters).split(/[\s,]+/).filter(Boolean);
    const handed = step.records.filter((r) => r.what === 'answered' && typeof r.outputs.index === 'number').length;
    step.state = 'done';
    if (handed >= items.length) {
      this.record(run, step, by, 'answered', { outcome: 'done', items: items.length }, { goto: definition.done });
      await this.advance(run, runbook, run.steps.findIndex((s) => s.id === definition.done), by);
      return;
    }
    const item = items[handed] as string;
    run.parameters = { ...run.parameters, [definition.as]: item };
    // The loop's steps (up to `done`) start afresh for the item, titled for it; their records stay.
    const end = run.steps.findIndex((s) => s.id === definition.done);
    for (const [i, s] of run.steps.entries()) {
      s.title = safeFill((runbook.steps[i] as RunbookStep).title, run.parameters);
      if (i > run.current && (end < run.current || i < end)) Object.assign(s, { state: 'pending', check: null, planId: null, operationId: null });
    }
    this.record(run, step, by, 'answered', { item, name: definition.as }, { index: handed, of: items.length, goto: run.steps[run.current + 1]?.id ?? null });
    await this.advance(run, runbook, run.current + 1, by);
  }

  /** Evaluates a check now: PromQL through the metrics service (served from its cache, marked stale, when the source is not live), or an estate condition. */
  private async evaluate(run: Run, step: RunStep, definition: Extract<RunbookStep, { type: 'check' }>, by: string): Promise<void> {
    const values = run.parameters;
    const expectation = parseExpectation(fill(definition.expect, values));
    const now = this.now();
    let result: CheckResult;
    if (definition.promql !== undefined) {
      const expr = fill(definition.promql, values);
      result = await this.seriesCheck(this.options.metrics.prometheusSource(), { kind: 'promql', expr }, expr, 'No Prometheus source is configured.', expectation, definition.chartMinutes);
    } else if (definition.cloudwatch !== undefined) {
      const cw = definition.cloudwatch;
      const query: CloudWatchMetricQuery = {
        kind: 'cloudwatch-metric',
        namespace: fill(cw.namespace, values),
        metricName: fill(cw.metric, values),
        dimensions: Object.fromEntries(Object.entries(cw.dimensions).map(([k, v]) => [k, fill(v, values)])),
        stat: cw.stat,
      };
      const region = cw.region === undefined ? undefined : fill(cw.region, values);
      const text = `${query.namespace} ${query.metricName} ${query.stat} {${Object.entries(query.dimensions).map(([k, v]) => `${k}=${v}`).join(', ')}}${region ? ` in ${region}` : ''}`;
      const missing = region ? `No AWS source in ${region} is configured.` : 'No AWS source is configured.';
      result = await this.seriesCheck(this.options.metrics.awsSource(region), query, text, missing, expectation, definition.chartMinutes);
    } else {
      const { entity: template, measure } = definition.estate as NonNullable<typeof definition.estate>;
      const id = fill(template, values);
      const entity = this.options.estate.get(id);
      const value = !entity ? null : measure === 'unready-workloads' ? this.unreadyWorkloads(id) : measureOf(entity, measure);
      result = {
        value,
        expect: expectation.text,
        passed: value !== null && compare(value, expectation),
        // The estate is Daytwo's model: as fresh as its source's watch, which the status bar shows.
        stale: false,
        ageMs: null,
        query: `${measure} of ${id}`,
        points: value === null ? [] : [[now, value]],
        note: entity ? null : `${id} is not in the estate.`,
        at: now,
      };
    }
    step.check = result;
    this.record(run, step, by, 'checked', { query: result.query, expect: result.expect }, { value: result.value, passed: result.passed, stale: result.stale, ageMs: result.ageMs, note: result.note });
  }

  /** Deployments and StatefulSets under an entity with fewer ready replicas than desired. */
  private unreadyWorkloads(id: string): number | null {
    if (!this.options.estate.find) return null;
    return this.options.estate.find({ kinds: ['deployment', 'statefulset'], within: id }).filter((w) => {
      const ratio = measureOf(w, 'ready-ratio');
      return ratio !== null && ratio < 1;
    }).length;
  }

  /**
   * A metric check through MetricsService.query, the path every chart takes: Prometheus or
   * CloudWatch, served from the series cache and marked stale with its age when the source is
   * not live. The latest non-empty point is the value; the window is the chart.
   */
  private async seriesCheck(source: string | null, query: MetricQuery, text: string, noSource: string, expectation: Expectation, chartMinutes: number): Promise<CheckResult> {
    const now = this.now();
    if (!source) return { value: null, expect: expectation.text, passed: false, stale: false, ageMs: null, query: text, points: [], note: noSource, at: now };
    try {
      const answer = await this.options.metrics.query({ source, query, start: now - chartMinutes * 60_000, end: now, maxPoints: 60 });
      const points = answer.series[0]?.points ?? [];
      const last = [...points].reverse().find((p) => p[1] !== null);
      const value = last ? (last[1] as number) : null;
      return {
        value,
        expect: expectation.text,
        passed: value !== null && compare(value, expectation),
        stale: answer.stale,
        ageMs: answer.stale && answer.asOf !== null ? now - answer.asOf : null,
        query: text,
        points: points.map(([t, v]) => [t, v]),
        note: value === null ? (answer.note ?? 'The query returned no data.') : (answer.note ?? null),
        at: now,
      };
    } catch (err) {
      return { value: null, expect: expectation.text, passed: false, stale: false, ageMs: null, query: text, points: [], note: (err as Error).message, at: now };
    }
  }

  /**
   * Plans the action against live state through operations.plan. With its source not live the
   * plan is kept as a draft (operations refuses to execute a draft); a re-plan on reconnect
   * records the drift between what was drafted and what is true now.
   */
  private async planAction(run: Run, step: RunStep, definition: Extract<RunbookStep, { type: 'action' }>, by: string, again: boolean): Promise<Plan | null> {
    const before = step.planId ? this.options.operations.getPlan(step.planId) : null;
    let request: PlanRequest;
    const learnt: Record<string, string | number> = {};
    try {
      request = await this.requestFor(run, definition, learnt);
      // The title names what the run learnt when it reached the step ("back to revision 2").
      step.title = safeFill(definition.title, { ...run.parameters, ...learnt });
    } catch (err) {
      if (!(err instanceof ApiError) || err.code !== 'unavailable') throw err;
      // A parameter only live state can give (the previous revision) while the source is down: queue the action unplanned.
      step.state = 'waiting';
      this.record(run, step, by, 'drafted', {}, { reason: err.message });
      return null;
    }
    const plan = before && again && before.state === 'draft' ? await this.options.operations.replan(before.id) : await this.options.operations.plan({ ...request, keepDraft: true });
    step.planId = plan.id;
    step.state = plan.state === 'draft' ? 'waiting' : 'current';
    const outputs: Record<string, unknown> = { planId: plan.id, state: plan.state, summary: plan.diff.summary, changes: plan.diff.changes, risks: plan.risks.map((r) => r.message) };
    if (before) outputs.drift = { before: { summary: before.diff.summary, changes: before.diff.changes, state: before.state }, after: { summary: plan.diff.summary, changes: plan.diff.changes } };
    this.record(run, step, by, plan.state === 'draft' ? 'drafted' : again ? 'replanned' : 'planned', { request }, outputs);
    return plan;
  }

  private async requestFor(run: Run, definition: Extract<RunbookStep, { type: 'action' }>, learnt: Record<string, string | number> = {}): Promise<PlanRequest> {
    const values: Record<string, string | number> = { ...run.parameters };
    const target = fill(definition.target, values);
    const used = [...Object.values(definition.params).flatMap((v) => (typeof v === 'string' ? templateNames(v) : []))];
    if (used.includes('previousRevision')) values.previousRevision = learnt.previousRevision = await this.previousRevision(target);
    const params = Object.fromEntries(Object.entries(definition.params).map(([k, v]) => [k, fillValue(v, values)]));
    // Numbers arrive as strings when a parameter was typed into a form: the operation's schema decides.
    const schema = operationParams[definition.operation];
    const coerced = Object.fromEntries(Object.entries(params).map(([k, v]) => [k, typeof v === 'string' && /^-?\d+(\.\d+)?$/.test(v) ? Number(v) : v]));
    const parsed = PlanRequestSchema.safeParse({ kind: definition.operation, target, params: coerced });
    if (!parsed.success || !schema.safeParse(coerced).success) {
      throw new ApiError('bad_request', `The action "${definition.id}" does not make a valid ${definition.operation}: ${parsed.success ? 'bad parameters' : parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}.`);
    }
    return parsed.data;
  }

  /** The revision before the current one, read live (operations.history); refused offline. */
  private async previousRevision(target: string): Promise<number> {
    const revisions = await this.options.operations.history(target);
    const current = revisions.find((r) => r.current);
    const previous = revisions.filter((r) => !r.current && (!current || r.revision < current.revision)).sort((a, b) => b.revision - a.revision)[0];
    if (!previous) throw new ApiError('conflict', `${target} has no earlier revision to roll back to.`);
    return previous.revision;
  }

  private requireApproval(run: Run, runbook: Runbook, actionId: string): void {
    for (const [i, s] of runbook.steps.entries()) {
      if (s.type !== 'approval' || s.gates !== actionId) continue;
      const state = run.steps[i]?.state;
      if (state !== 'done') throw new ApiError('forbidden', `"${run.steps[i]?.title}" must be approved by a second person before this action runs.`);
    }
  }

  // ── records ─────────────────────────────────────────────────────────────────────────────

  private record(run: Run, step: RunStep, by: string, what: StepRecord['what'], inputs: Record<string, unknown>, outputs: Record<string, unknown>): void {
    const at = this.now();
    step.records.push({ at, by, what, inputs, outputs });
  }

  /** The incident's timeline items from its runs (kind `runbook`, run-timeline.ts). */
  timelineOf(incidentId: string): TimelineItem[] {
    return this.store.list().filter((run) => run.incidentId === incidentId).flatMap(runTimelineItems);
  }

  private save(run: Run): Run {
    run.updatedAt = this.now();
    this.store.save(run);
    for (const push of this.listeners.get(run.id) ?? []) push(run);
    return run;
  }

  private serial<T>(runId: string, work: () => Promise<T>): Promise<T> {
    const previous = this.queues.get(runId) ?? Promise.resolve();
    const next = previous.then(work, work);
    const settled = next.catch(() => undefined);
    this.queues.set(runId, settled);
    void settled.then(() => {
      if (this.queues.get(runId) === settled) this.queues.delete(runId);
    });
    return next;
  }
}

/** Fills what is known now; a value the run learns later (the previous revision) stays a placeholder until the step is reached. */
function safeFill(text: string, values: Values): string {
  const known = Object.fromEntries(templateNames(text).map((n) => [n, values[n] ?? `{{${n}}}`]));
  return fill(text, known);
}

/** Entity ids the runbook's action targets name, for an incident declared for the run. */
function impactedBy(runbook: Runbook, values: Values): string[] {
  const ids = runbook.steps.flatMap((s) => (s.type === 'action' ? [safeFill(s.target, values)] : s.type === 'check' && s.estate ? [safeFill(s.estate.entity, values)] : []));
  return [...new Set(ids.filter((id) => !id.includes('{{')))];
}

function measureOf(entity: Entity, measure: 'ready-ratio' | 'restarts'): number | null {
  const status = entity.status as Record<string, unknown>;
  if (measure === 'restarts') return typeof status.restarts === 'number' ? status.restarts : null;
  if (entity.kind === 'node' || entity.kind === 'pod') return status.ready === true ? 1 : status.ready === false ? 0 : null;
  const desired = status.replicas;
  const ready = status.readyReplicas;
  if (typeof desired !== 'number' || typeof ready !== 'number') return null;
  return desired === 0 ? 1 : ready / desired;
}
