import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AlarmBook } from '../cloudwatch/alarms.js';
import type { HorizontalPodAutoscaler } from '../kube/types.js';
import type { EstateLoad } from '../load/estate-load.js';
import type { SandboxWorld, ServiceSpec } from '../world.js';
import { IncidentReplay, parseReplayRequest, ReplayRequestError } from './incident-replay.js';
import type { ScenarioDefinition } from './scenario-file.js';
import { ScenarioRun, type RunReport } from './scenario-run.js';

export class UnknownScenarioError extends Error {}

/**
 * The scenarios the sandbox knows, the runs started from them, and the local admin endpoint:
 *   GET  /sandbox/scenarios               every scenario, with its run's status and recovery
 *   GET  /sandbox/scenarios/<name>
 *   POST /sandbox/scenarios/<name>/start  starts it (restarts it if it already ran)
 *   POST /sandbox/scenarios/<name>/stop   undoes what it injected
 *   POST /sandbox/stop                    emergency stop: undoes every scenario (a drill's abort)
 *   GET  /sandbox/steady                  whether every scenario's target is back at steady
 *                                         state (ready, nodes Ready, its alarms OK)
 *   POST /sandbox/replay                  plays a recorded incident against a service
 *                                         (incident-replay.ts); GET reports it, and
 *   POST /sandbox/replay/stop             stops it (so does /sandbox/stop)
 * `start` takes `?service=<id>` to aim the scenario at a service of the game master's choosing.
 */
export class ScenarioDeck {
  private readonly runs = new Map<string, ScenarioRun>();
  private readonly byName: Map<string, ScenarioDefinition>;
  /** The incident being replayed, if one was started: one at a time, as one drill runs at a time. */
  private replaying: IncidentReplay | null = null;

  constructor(
    definitions: readonly ScenarioDefinition[],
    private readonly world: SandboxWorld,
    private readonly load: EstateLoad,
    private readonly alarms: AlarmBook,
  ) {
    this.byName = new Map(definitions.map((d) => [d.name, d]));
  }

  names(): string[] {
    return [...this.byName.keys()];
  }

  start(name: string, serviceId?: string): ScenarioRun {
    const definition = this.byName.get(name);
    if (!definition) throw new UnknownScenarioError(`Unknown scenario "${name}". Known: ${this.names().join(', ') || 'none'}.`);
    this.runs.get(name)?.stop();
    const target = this.resolveTarget(serviceId ? { ...definition, target: { service: serviceId } } : definition);
    const run = new ScenarioRun(definition, target, { world: this.world, load: this.load, alarms: this.alarms });
    this.runs.set(name, run);
    return run;
  }

  stop(name: string): ScenarioRun | undefined {
    if (!this.byName.has(name)) throw new UnknownScenarioError(`Unknown scenario "${name}".`);
    const run = this.runs.get(name);
    run?.stop();
    return run;
  }

  run(name: string): ScenarioRun | undefined {
    return this.runs.get(name);
  }

  tick(now: number): void {
    for (const run of this.runs.values()) run.tick(now);
    this.replaying?.tick(now);
  }

  stopAll(): void {
    for (const run of this.runs.values()) run.stop();
    this.replaying?.stop();
  }

  /** Starts replaying a recorded incident (the body of POST /sandbox/replay), stopping any earlier replay. */
  replay(body: unknown): IncidentReplay {
    const request = parseReplayRequest(body);
    const target = request.target === 'same-kind' ? this.sameKind(request) : this.world.services.find((s) => s.id === request.target);
    if (!target) throw new UnknownScenarioError(`The replay targets service "${request.target}", which this estate does not have.`);
    this.replaying?.stop();
    const replay = new IncidentReplay(request, target, { world: this.world, load: this.load, alarms: this.alarms });
    this.replaying = replay;
    // Its own fine timer: the scenarios' tick comes every 500 ms, too coarse for a replay held to the second.
    const timer = setInterval(() => {
      replay.tick(this.world.now());
      if (replay.status !== 'running') clearInterval(timer);
    }, 50);
    timer.unref();
    return replay;
  }

  /**
   * Steady state, as an emergency stop must restore it: for every scenario that ran, its target's
   * replicas all ready with none crash-looping, its cluster's nodes Ready, and none of its alarms
   * in ALARM. Only the targets: the estate has standing problems of its own (a day-two estate is
   * never all green) that no scenario caused and no stop can fix. What is not yet steady is named.
   */
  steadyState(): { steady: boolean; problems: string[] } {
    const problems: string[] = [];
    const targets = new Map([...this.runs.values(), ...(this.replaying ? [this.replaying] : [])].map((run) => [run.target.id, run.target]));
    for (const target of targets.values()) {
      const r = this.world.replicas(target.id);
      const crashing = this.load.timeline.latest(target.id)?.crashing ?? 0;
      if (r.ready < r.desired || crashing > 0) problems.push(`${target.id}: ${r.ready}/${r.desired} ready, ${crashing} crash-looping`);
      for (const node of this.world.nodes()) if (node.cluster === target.cluster && !node.ready) problems.push(`node ${node.cluster}/${node.name} NotReady`);
      for (const d of this.alarms.definitions) if (d.serviceId === target.id && this.alarms.state(d.name)?.value === 'ALARM') problems.push(`alarm ${d.name} in ALARM`);
    }
    return { steady: problems.length === 0, problems: [...new Set(problems)] };
  }

  describe(name: string): object {
    const d = this.byName.get(name) as ScenarioDefinition;
    const run = this.runs.get(name);
    const report: RunReport | null = run ? run.report() : null;
    return {
      name: d.name,
      summary: d.summary,
      effects: d.effects,
      recovery: { description: d.recovery.description, when: d.recovery.when, holdForMs: d.recovery.holdFor },
      parMs: d.par ?? null,
      hints: d.hints ?? [],
      debrief: d.debrief ?? [],
      status: report?.status ?? 'idle',
      run: report,
    };
  }

  /**
   * "Same kind of service" for a replay: the recorded service itself when this estate has it
   * (same name and namespace), else the busiest Deployment that has every alarm the recording
   * drives, so each replayed alarm transition has an alarm to land on.
   */
  private sameKind(request: { source: { name: string; namespace: string }; steps: ReadonlyArray<{ kind: string; alarm?: string }> }): ServiceSpec | undefined {
    const services = this.world.services.filter((s) => s.workloadKind === 'Deployment');
    const same = services.find((s) => s.name === request.source.name && s.namespace === request.source.namespace);
    if (same) return same;
    const suffixes = [...new Set(request.steps.flatMap((s) => (s.kind === 'alarm' && s.alarm ? [s.alarm] : [])))];
    const alarmNames = new Set(this.alarms.definitions.map((d) => d.name));
    const fits = services.filter((s) => suffixes.every((x) => alarmNames.has(`${s.cluster}-${s.namespace}-${s.name}-${x}`) || (s.dbInstance !== undefined && alarmNames.has(`${s.dbInstance}-${x}`))));
    return [...fits].sort((a, b) => b.baseRps - a.baseRps || (a.id < b.id ? -1 : 1))[0];
  }

  /** The explicit service, or the busiest one matching the filters (ties by id): deterministic per seed. */
  resolveTarget(definition: ScenarioDefinition): ServiceSpec {
    const t = definition.target;
    const services = this.world.services;
    if (t.service) {
      const found = services.find((s) => s.id === t.service);
      if (!found) throw new UnknownScenarioError(`Scenario "${definition.name}" targets service "${t.service}", which this estate does not have.`);
      return found;
    }
    const cloudOf = new Map(this.world.clusters.map((c) => [c.name, c.cloud]));
    const candidates = services.filter((s) => {
      if (t.tier && !t.tier.includes(s.tier)) return false;
      if (t.cloud && cloudOf.get(s.cluster) !== t.cloud) return false;
      for (const need of t.with ?? []) {
        if (need === 'loadBalancer' && !s.loadBalancer) return false;
        if (need === 'dbInstance' && !s.dbInstance) return false;
        if (need === 'callers' && this.load.callersOf(s.id).length === 0) return false;
        if (need === 'hpa' && !this.autoscaled(s)) return false;
      }
      for (const refuse of t.without ?? []) if (refuse === 'hpa' && this.autoscaled(s)) return false;
      return true;
    });
    const best = [...candidates].sort((a, b) => b.baseRps - a.baseRps || (a.id < b.id ? -1 : 1))[0];
    if (!best) throw new UnknownScenarioError(`Scenario "${definition.name}" found no service matching its target in this estate.`);
    return best;
  }

  private autoscaled(s: ServiceSpec): boolean {
    return this.world
      .objects(s.cluster, 'horizontalpodautoscalers.autoscaling')
      .some((h) => h.metadata.namespace === s.namespace && (h as HorizontalPodAutoscaler).spec.scaleTargetRef.name === s.name);
  }

  /** Serves /sandbox/scenarios…; false for anything else. */
  async handle(req: IncomingMessage, res: ServerResponse, url: URL): Promise<boolean> {
    if (url.pathname === '/sandbox/stop' || url.pathname === '/sandbox/steady') return this.handleEstate(req, res, url);
    if (url.pathname === '/sandbox/replay' || url.pathname === '/sandbox/replay/stop') return this.handleReplay(req, res, url);
    const m = /^\/sandbox\/scenarios(?:\/([^/]+)(?:\/(start|stop))?)?\/?$/.exec(url.pathname);
    if (!m) return false;
    const name = m[1] ? decodeURIComponent(m[1]) : undefined;
    const verb = m[2];
    // Drain any body so keep-alive connections stay usable.
    for await (const _chunk of req) void _chunk;
    try {
      if (!name) {
        if (req.method !== 'GET') return reply(res, 405, { error: 'Use GET.' });
        return reply(res, 200, { scenarios: this.names().map((n) => this.describe(n)) });
      }
      if (!this.byName.has(name)) return reply(res, 404, { error: `Unknown scenario "${name}".`, known: this.names() });
      if (!verb) {
        if (req.method !== 'GET') return reply(res, 405, { error: 'Use GET.' });
        return reply(res, 200, this.describe(name));
      }
      if (req.method !== 'POST') return reply(res, 405, { error: 'Use POST.' });
      if (verb === 'start') this.start(name, url.searchParams.get('service') ?? undefined);
      else this.stop(name);
      return reply(res, 200, this.describe(name));
    } catch (error) {
      return reply(res, error instanceof UnknownScenarioError ? 409 : 500, { error: (error as Error).message });
    }
  }

  private async handleReplay(req: IncomingMessage, res: ServerResponse, url: URL): Promise<true> {
    if (url.pathname === '/sandbox/replay/stop') {
      for await (const _chunk of req) void _chunk;
      if (req.method !== 'POST') return reply(res, 405, { error: 'Use POST.' });
      this.replaying?.stop();
      return reply(res, 200, { replay: this.replaying?.report() ?? null });
    }
    if (req.method === 'GET') {
      for await (const _chunk of req) void _chunk;
      return reply(res, 200, { replay: this.replaying?.report() ?? null });
    }
    if (req.method !== 'POST') return reply(res, 405, { error: 'Use GET or POST.' });
    const chunks: Buffer[] = [];
    let size = 0;
    let tooLarge = false;
    for await (const chunk of req) {
      size += (chunk as Buffer).length;
      // Read and dropped past the limit, then answered, so the client sees the answer.
      if (size > MAX_REPLAY_BYTES) tooLarge = true;
      else chunks.push(chunk as Buffer);
    }
    if (tooLarge) return reply(res, 413, { error: `A replay body is at most ${MAX_REPLAY_BYTES} bytes.` });
    let body: unknown;
    try {
      body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
    } catch {
      return reply(res, 400, { error: 'The replay body is not JSON.' });
    }
    try {
      return reply(res, 200, { replay: this.replay(body).report() });
    } catch (error) {
      if (error instanceof ReplayRequestError) return reply(res, 400, { error: error.message });
      if (error instanceof UnknownScenarioError) return reply(res, 409, { error: error.message });
      throw error;
    }
  }

  private async handleEstate(req: IncomingMessage, res: ServerResponse, url: URL): Promise<true> {
    for await (const _chunk of req) void _chunk;
    if (url.pathname === '/sandbox/stop') {
      if (req.method !== 'POST') return reply(res, 405, { error: 'Use POST.' });
      this.stopAll();
      return reply(res, 200, { stopped: [...this.runs.keys()], ...this.steadyState() });
    }
    if (req.method !== 'GET') return reply(res, 405, { error: 'Use GET.' });
    return reply(res, 200, this.steadyState());
  }
}

const MAX_REPLAY_BYTES = 4 * 1024 * 1024;

function reply(res: ServerResponse, status: number, body: object): true {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
  return true;
}
