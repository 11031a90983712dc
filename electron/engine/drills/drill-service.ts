import { randomUUID } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { ControlParams, Drill, DrillEvent, DrillReport, DrillScenario, DrillSummary, FromIncidentParams, Score, StartParams } from '../../../shared/api/drills.js';
import { ApiError } from '../../../shared/api/errors.js';
import type { Incident } from '../../../shared/api/incidents.js';
import type { Run } from '../../../shared/api/runbooks.js';
import { drillMarkdown } from './drill-report.js';
import type { DrillStore } from './drill-store.js';
import type { SandboxAdmin, ScenarioStatus } from './sandbox-admin.js';
import { parseExport, planReplay } from './replay-plan.js';
import { milestoneTimes, replayComparison, scoreDrill } from './scoring.js';

/** An operation that ended on the estate, as the operations service reports it. */
export interface EndedOperation {
  at: number;
  entityId: string;
  context: string;
  kind: string;
  summary: string;
  outcome: string;
}

export interface DrillServiceOptions {
  store: DrillStore;
  /** The sandbox's admin API; null when the engine runs on no sandbox (every drill is refused). */
  admin: SandboxAdmin | null;
  incidents: { subscribe(listener: (incident: Incident) => void): () => void };
  runs: { list(): Run[] };
  /** Whether a kubeconfig context is one of the sandbox's sources. */
  isSandboxContext(context: string): boolean;
  /** Deployments of the sandbox estate, as `cluster/namespace/name` (the sandbox's service ids): what "random" draws from. */
  sandboxServices(): string[];
  dataDir: string;
  /** A past incident of the store as its export's timeline.json, for replaying it (incidents.export). */
  exportIncident?: (id: string) => Promise<string>;
  now?: () => number;
  /** How often a running drill asks the sandbox whether its recovery condition holds. */
  pollMs?: number;
  /** After an abort, how long to wait for steady state before recording that it was not reached. */
  steadyTimeoutMs?: number;
  random?: () => number;
  log?: (message: string, error?: unknown) => void;
}

const active = (d: Drill) => d.state === 'running' || d.state === 'paused';

/**
 * Drills: starts a scenario on the sandbox through its admin API and keeps the injection time
 * the sandbox recorded; links the `drill` incident the responders declare; turns what they do
 * (incident milestones, operations, runbook runs) into attributed events; asks the sandbox when
 * the recovery condition started holding; and scores all of it (scoring.ts). It owns no fault
 * (the sandbox's scenario runner does), no incident (the incidents service does) and no
 * operation: it only refuses, through the operations plan guard, any operation against a
 * non-sandbox context while a drill runs.
 */
export class DrillService {
  private readonly listeners = new Set<(drill: Drill) => void>();
  private readonly now: () => number;
  private readonly random: () => number;
  private readonly timer: NodeJS.Timeout;
  private readonly unsubscribe: () => void;
  private polling = false;
  private closed = false;

  constructor(private readonly options: DrillServiceOptions) {
    this.now = options.now ?? Date.now;
    this.random = options.random ?? Math.random;
    this.unsubscribe = options.incidents.subscribe((incident) => this.onIncident(incident));
    this.timer = setInterval(() => void this.poll(), options.pollMs ?? 1000);
    this.timer.unref();
  }

  async scenarios(): Promise<DrillScenario[]> {
    const statuses = await this.requireAdmin().scenarios();
    return statuses.map(toDrillScenario);
  }

  async start(params: StartParams): Promise<Drill> {
    const admin = this.requireAdmin();
    const running = this.options.store.list().find(active);
    if (running) throw new ApiError('conflict', `Drill ${running.id} is still running: finish or abort it before starting another.`);
    const names = new Set(params.participants.map((p) => p.name));
    if (names.size !== params.participants.length) throw new ApiError('bad_request', 'Each participant needs a different name.', 'participants');
    const scenarios = await admin.scenarios();
    const dealt = params.deal || !params.scenario;
    const chosen = dealt ? scenarios[Math.floor(this.random() * scenarios.length)] : scenarios.find((s) => s.name === params.scenario);
    if (!chosen) throw new ApiError('not_found', params.scenario ? `The sandbox has no scenario "${params.scenario}".` : 'The sandbox has no scenarios to deal.');
    const service = this.targetService(params.target);
    const started = await admin.start(chosen.name, service);
    const now = this.now();
    const drill: Drill = {
      id: `drill-${randomUUID().slice(0, 8)}`,
      scenario: chosen.name,
      dealt,
      summary: chosen.summary,
      parMs: chosen.parMs ?? null,
      participants: params.participants,
      acting: params.participants[0]?.name ?? null,
      timeLimitMs: params.timeLimitMinutes ? params.timeLimitMinutes * 60_000 : null,
      state: 'running',
      startedAt: now,
      endedAt: null,
      injections: [],
      incidentId: null,
      events: [],
      pauses: [],
      debrief: [],
      steady: null,
    };
    this.recordInjection(drill, started);
    this.save(drill);
    return drill;
  }

  /**
   * A recorded incident replayed as a drill: the export (or a past incident, exported now) is
   * parsed as untrusted input, turned into steps on the recording's clock (replay-plan.ts), and
   * sent to the sandbox, which plays them against the target from a whole second on. The
   * injection time is the sandbox's replay-clock zero; everything else is an ordinary drill.
   */
  async fromIncident(params: FromIncidentParams): Promise<Drill> {
    const admin = this.requireAdmin();
    if ((params.exportJson === undefined) === (params.incidentId === undefined)) {
      throw new ApiError('bad_request', 'Give either exportJson (an export\'s timeline.json) or incidentId (a past incident in this store), not both or neither.', params.exportJson === undefined ? 'exportJson' : 'incidentId');
    }
    const names = new Set(params.participants.map((p) => p.name));
    if (names.size !== params.participants.length) throw new ApiError('bad_request', 'Each participant needs a different name.', 'participants');
    const recording = params.exportJson === undefined ? null : parseExport(params.exportJson);
    const running = this.options.store.list().find(active);
    if (running) throw new ApiError('conflict', `Drill ${running.id} is still running: finish or abort it before starting another.`);
    let bundle = recording;
    if (bundle === null) {
      if (!this.options.exportIncident) throw new ApiError('unavailable', 'This engine cannot export its incidents for a replay.');
      bundle = parseExport(await this.options.exportIncident(params.incidentId as string));
    }
    const plan = planReplay(bundle, params.leadInSeconds * 1000);
    if (plan.steps.length === 0 && plan.series.length === 0) {
      throw new ApiError('bad_request', `The recording of ${plan.incidentId} holds nothing the sandbox can replay from ${params.leadInSeconds}s before its first alert: no Kubernetes events, alarm transitions or golden-signal series of ${plan.sourceId}.`, 'exportJson');
    }
    const target = this.targetService(params.target === 'same-kind' ? undefined : params.target) ?? 'same-kind';
    const started = await admin.replay({
      target,
      source: plan.source,
      label: `${plan.incidentId}: ${plan.title}`.slice(0, 300),
      speed: params.speed,
      steps: plan.steps,
      series: plan.series,
    });
    const ref = started.targetRef;
    const entityId = `k8s:${ref.cluster}/${ref.namespace}/Deployment/${ref.name}`;
    const at = Date.parse(started.startedAt);
    const now = this.now();
    const drill: Drill = {
      id: `drill-${randomUUID().slice(0, 8)}`,
      scenario: `replay:${plan.incidentId}`,
      dealt: false,
      summary: `Replay of ${plan.incidentId} "${plan.title}" at ${params.speed}× against ${started.target}.`,
      parMs: null,
      participants: params.participants,
      acting: params.participants[0]?.name ?? null,
      timeLimitMs: params.timeLimitMinutes ? params.timeLimitMinutes * 60_000 : null,
      state: 'running',
      startedAt: now,
      endedAt: null,
      injections: [{ scenario: 'replay', at, target: started.target, entityId }],
      incidentId: null,
      events: [],
      pauses: [],
      debrief: [],
      steady: null,
      replay: {
        incidentId: plan.incidentId,
        title: plan.title,
        speed: params.speed,
        source: plan.sourceId,
        target: entityId,
        recordedFrom: plan.from,
        startedAt: at,
        endsAt: Date.parse(started.endsAt),
        firstAlertOffsetMs: plan.firstAlertOffsetMs,
        events: plan.steps.filter((s) => s.kind === 'event').length,
        alarms: plan.steps.filter((s) => s.kind === 'alarm').length,
        signals: plan.series.length > 0,
        notReplayed: [...plan.notReplayed, ...started.skipped],
        original: plan.original,
      },
    };
    this.event(drill, { kind: 'injected', at, by: null, detail: `Replay of ${plan.incidentId} started at ${params.speed}× on ${entityId}`, entityId });
    this.save(drill);
    return drill;
  }

  get(id: string): { drill: Drill; score: Score } {
    const drill = this.require(id);
    return { drill, score: this.score(drill) };
  }

  list(): DrillSummary[] {
    return this.options.store.list().map((d) => ({
      id: d.id,
      scenario: d.scenario,
      state: d.state,
      startedAt: d.startedAt,
      participants: d.participants.map((p) => p.name),
      milestones: milestoneTimes(d),
    }));
  }

  async control(params: ControlParams): Promise<Drill> {
    const drill = this.require(params.id);
    const now = this.now();
    if (params.action === 'debrief') {
      drill.debrief.push(params.question);
      return this.save(drill);
    }
    if (!active(drill)) throw new ApiError('conflict', `Drill ${drill.id} has ended (${drill.state}); only debrief questions can still be added.`);
    switch (params.action) {
      case 'pause':
        if (drill.state === 'paused') return drill;
        drill.state = 'paused';
        drill.pauses.push({ from: now, to: null });
        this.event(drill, { kind: 'paused', at: now, by: null, detail: 'The game master paused the drill clock.', entityId: null });
        break;
      case 'resume': {
        if (drill.state !== 'paused') return drill;
        drill.state = 'running';
        const open = drill.pauses.at(-1);
        if (open) open.to = now;
        this.event(drill, { kind: 'resumed', at: now, by: null, detail: 'The game master resumed the drill clock.', entityId: null });
        break;
      }
      case 'hint':
        this.event(drill, { kind: 'hint', at: now, by: null, detail: params.text, entityId: null });
        break;
      case 'turn':
        if (!drill.participants.some((p) => p.name === params.participant)) throw new ApiError('bad_request', `"${params.participant}" is not a participant of this drill.`, 'participant');
        drill.acting = params.participant;
        this.event(drill, { kind: 'turn', at: now, by: params.participant, detail: `${params.participant} acts at the console.`, entityId: null });
        break;
      case 'inject': {
        const started = await this.requireAdmin().start(params.scenario, this.targetService(params.target));
        this.recordInjection(drill, started);
        break;
      }
      case 'abort':
        await this.abort(drill);
        break;
    }
    return this.save(drill);
  }

  /** Writes the report's Markdown and JSON under the data folder and returns both. */
  report(id: string): DrillReport {
    const drill = this.require(id);
    const score = this.score(drill);
    const markdown = drillMarkdown(drill, score);
    const dir = path.join(this.options.dataDir, 'drills');
    mkdirSync(dir, { recursive: true });
    const files = { markdown: path.join(dir, `${drill.id}.md`), json: path.join(dir, `${drill.id}.json`) };
    writeFileSync(files.markdown, markdown);
    writeFileSync(files.json, `${JSON.stringify({ drill, score }, null, 2)}\n`);
    return { drill, score, markdown, files };
  }

  /**
   * The plan guard (operations/service.ts): while a drill runs, an operation may only name a
   * sandbox context. The reason says which drill and what to do.
   */
  refusal(context: string): string | null {
    if (this.options.isSandboxContext(context)) return null;
    const running = this.options.store.list().find(active);
    if (!running) return null;
    return `Drill ${running.id} is running: during a drill, operations may act only on sandbox sources, and context "${context}" is not one. Finish or abort the drill first.`;
  }

  /** An operation ended: counted for the acting participant, flagged when it touched something outside the target. */
  onOperation(ended: EndedOperation): void {
    for (const drill of this.options.store.list().filter(active)) {
      const related = drill.injections.some((i) => relatedTo(i.entityId, ended.entityId));
      this.event(drill, {
        kind: 'action',
        at: ended.at,
        by: drill.acting,
        detail: `${ended.kind} ${ended.outcome}: ${ended.summary}`,
        entityId: ended.entityId,
        unrelated: !related,
      });
      this.save(drill);
    }
  }

  subscribe(listener: (drill: Drill) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  close(): void {
    this.closed = true;
    clearInterval(this.timer);
    this.unsubscribe();
  }

  // ── what the responders do ────────────────────────────────────────────────────────────

  private onIncident(incident: Incident): void {
    if (incident.kind !== 'drill') return;
    const drill = this.options.store.list().find((d) => active(d) && (d.incidentId === incident.id || d.incidentId === null));
    if (!drill) return;
    drill.incidentId ??= incident.id;
    const seen = (kind: DrillEvent['kind']) => drill.events.some((e) => e.kind === kind);
    const declared = incident.milestones.declared;
    if (declared && !seen('declared')) {
      this.event(drill, { kind: 'declared', at: declared.at, by: drill.acting, detail: `Declared ${incident.id}: ${incident.title}`, entityId: null });
    }
    const acknowledged = incident.milestones.acknowledged;
    if (acknowledged && !seen('acknowledged')) {
      this.event(drill, { kind: 'acknowledged', at: acknowledged.at, by: drill.acting, detail: `Acknowledged ${incident.id}`, entityId: null });
    }
    if (incident.status === 'identified' && !seen('identified')) {
      const faulty = incident.impacted.find((id) => drill.injections.some((i) => relatedTo(i.entityId, id)));
      if (faulty) this.event(drill, { kind: 'identified', at: incident.updatedAt, by: drill.acting, detail: `Identified ${faulty} as the cause`, entityId: faulty });
    }
    // A recording has no recovery condition to hold (nothing the trainees do changes it): a
    // replay is mitigated when they say so on the incident, and the replay stops there.
    const mitigated = incident.milestones.mitigated ?? incident.milestones.resolved;
    if (drill.replay && mitigated && !seen('mitigated')) {
      this.event(drill, { kind: 'mitigated', at: mitigated.at, by: drill.acting, detail: `The drill incident was marked ${incident.milestones.mitigated ? 'mitigated' : 'resolved'}.`, entityId: null });
      this.end(drill, 'mitigated', mitigated.at);
      void this.options.admin?.stopReplay().catch((error: unknown) => this.options.log?.('stopping the replay failed', error));
    }
    this.save(drill);
  }

  // ── the sandbox's side ────────────────────────────────────────────────────────────────

  /** Asks the sandbox, for each active drill, whether every injected scenario's recovery has held for its holdFor. */
  private async poll(): Promise<void> {
    if (this.polling || this.closed || !this.options.admin) return;
    this.polling = true;
    try {
      for (const drill of this.options.store.list().filter(active)) {
        // A replay has no scenario run to ask about (see onIncident).
        const statuses = await Promise.all([...new Set(drill.injections.filter((i) => i.scenario !== 'replay').map((i) => i.scenario))].map((n) => this.options.admin!.scenario(n)));
        if (this.closed) return;
        const current = this.options.store.get(drill.id);
        if (!current || !active(current)) continue;
        const recovered = statuses.every((s) => s.run?.status === 'recovered' && s.run.holdingSince);
        if (recovered && statuses.length > 0) {
          const heldFrom = Math.max(...statuses.map((s) => Date.parse(s.run!.holdingSince!)));
          const endedAt = Math.max(...statuses.map((s) => Date.parse(s.run!.recoveredAt ?? s.run!.holdingSince!)));
          const actor = [...current.events].reverse().find((e) => e.kind === 'action' && !e.unrelated && e.at <= heldFrom)?.by ?? current.acting;
          const description = statuses.map((s) => s.recovery.description).join(' ');
          this.event(current, { kind: 'mitigated', at: heldFrom, by: actor, detail: `Recovery condition held from here for its holdFor: ${description}`, entityId: null });
          this.end(current, 'mitigated', endedAt);
          this.save(current);
        } else if (current.timeLimitMs !== null && current.state === 'running' && this.now() - current.startedAt >= current.timeLimitMs) {
          this.end(current, 'timed-out', this.now());
          this.save(current);
        }
      }
    } catch (error) {
      this.options.log?.('drill poll failed', error);
    } finally {
      this.polling = false;
    }
  }

  /**
   * Emergency stop: every scenario on the sandbox stops (its injections undone) and the drill
   * waits, in the background, until the sandbox reports steady state, recording when it did.
   */
  private async abort(drill: Drill): Promise<void> {
    const admin = this.requireAdmin();
    const now = this.now();
    const first = await admin.stopAll();
    this.event(drill, { kind: 'aborted', at: now, by: null, detail: 'Emergency stop: every scenario stopped on the sandbox.', entityId: null });
    this.end(drill, 'aborted', now);
    drill.steady = { verifiedAt: first.steady ? now : null, problems: first.problems };
    if (first.steady) this.event(drill, { kind: 'steady', at: now, by: null, detail: 'The sandbox is back at steady state: every target ready, no alarm firing.', entityId: null });
    else void this.awaitSteady(drill.id, now + (this.options.steadyTimeoutMs ?? 10 * 60_000));
  }

  private async awaitSteady(id: string, deadline: number): Promise<void> {
    const admin = this.requireAdmin();
    while (!this.closed) {
      await new Promise((r) => setTimeout(r, this.options.pollMs ?? 1000));
      let state;
      try {
        state = await admin.steady();
      } catch (error) {
        this.options.log?.('steady-state check failed', error);
        continue;
      }
      const drill = this.options.store.get(id);
      if (!drill) return;
      const now = this.now();
      drill.steady = { verifiedAt: state.steady ? now : null, problems: state.problems };
      if (state.steady) this.event(drill, { kind: 'steady', at: now, by: null, detail: 'The sandbox is back at steady state: every target ready, no alarm firing.', entityId: null });
      else if (now > deadline) this.event(drill, { kind: 'steady', at: now, by: null, detail: `Not steady by the deadline: ${state.problems.slice(0, 5).join('; ')}`, entityId: null });
      this.save(drill);
      if (state.steady || now > deadline) return;
    }
  }

  // ── helpers ───────────────────────────────────────────────────────────────────────────

  private recordInjection(drill: Drill, started: ScenarioStatus): void {
    const run = started.run;
    if (!run) throw new ApiError('internal', `The sandbox started ${started.name} but reports no run.`);
    const ref = run.targetRef;
    const entityId = `k8s:${ref.cluster}/${ref.namespace}/Deployment/${ref.name}`;
    // The sandbox's own record of when the fault went in, not when this engine heard of it.
    const at = Date.parse(run.startedAt);
    drill.injections.push({ scenario: started.name, at, target: run.target, entityId });
    this.event(drill, { kind: 'injected', at, by: null, detail: `${started.name} injected on ${entityId}`, entityId });
  }

  private targetService(target: string | undefined): string | undefined {
    if (target !== 'random') return target;
    const services = this.options.sandboxServices();
    if (services.length === 0) throw new ApiError('unavailable', 'The sandbox estate has no services listed yet; pick a target, or wait for its sources to be live.');
    return services[Math.floor(this.random() * services.length)];
  }

  private score(drill: Drill): Score {
    const runs = drill.incidentId ? this.options.runs.list().filter((r) => r.incidentId === drill.incidentId) : [];
    const stepsSkipped = runs.flatMap((r) => r.steps.filter((s) => s.state === 'skipped').map((s) => `${r.runbookId}: ${s.title}`));
    const earlier = this.options.store.ofScenario(drill.scenario, drill.startedAt).filter((d) => !active(d));
    const score = scoreDrill(drill, { par: drill.parMs, earlier, runbooksUsed: [...new Set(runs.map((r) => r.runbookId))], stepsSkipped });
    return drill.replay ? { ...score, replay: replayComparison(drill) } : score;
  }

  private end(drill: Drill, state: Drill['state'], at: number): void {
    const open = drill.pauses.at(-1);
    if (open && open.to === null) open.to = at;
    drill.state = state;
    drill.endedAt = at;
    this.event(drill, { kind: 'ended', at, by: null, detail: `Drill ended: ${state}.`, entityId: null });
  }

  private event(drill: Drill, event: DrillEvent): void {
    drill.events.push(event);
  }

  private save(drill: Drill): Drill {
    this.options.store.save(drill, this.now());
    for (const listener of this.listeners) {
      try {
        listener(drill);
      } catch {
        // A broken subscriber must not fail the change, which is stored.
      }
    }
    return drill;
  }

  private require(id: string): Drill {
    const drill = this.options.store.get(id);
    if (!drill) throw new ApiError('not_found', `There is no drill "${id}".`);
    return drill;
  }

  private requireAdmin(): SandboxAdmin {
    if (!this.options.admin) throw new ApiError('unavailable', 'Drills run on the built-in sandbox only, and this engine was not started on it (start with --sandbox).');
    return this.options.admin;
  }
}

function toDrillScenario(s: ScenarioStatus): DrillScenario {
  return { name: s.name, summary: s.summary, effects: s.effects, recovery: s.recovery, parMs: s.parMs ?? null, hints: s.hints ?? [], debrief: s.debrief ?? [] };
}

/**
 * Whether an entity belongs to the injected target: the Deployment itself, its ReplicaSets and
 * Pods (named after it), or its Service, in the same cluster and namespace.
 */
export function relatedTo(targetEntityId: string, entityId: string): boolean {
  const m = /^(k8s:[^/]+\/[^/]+\/)Deployment\/(.+)$/.exec(targetEntityId);
  if (!m) return targetEntityId === entityId;
  const [, prefix, name] = m as unknown as [string, string, string];
  if (!entityId.startsWith(prefix)) return false;
  const last = entityId.slice(entityId.lastIndexOf('/') + 1);
  return last === name || last.startsWith(`${name}-`);
}
