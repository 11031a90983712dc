import { z } from 'zod';
import type { AlarmBook, StateValue } from '../cloudwatch/alarms.js';
import type { EstateLoad } from '../load/estate-load.js';
import type { SandboxWorld, ServiceSpec } from '../world.js';

/**
 * A recorded incident played back against one service of the estate (POST /sandbox/replay),
 * through the surfaces a real incident reaches Daytwo by: core/v1 Events in the target's cluster
 * (so `kubectl get events` and every watch see them) and CloudWatch alarm state transitions with
 * their history items and actions (DescribeAlarms, DescribeAlarmHistory, the SNS → PagerDuty
 * path). The recorded golden-signal shape drives the load model, so Prometheus and CloudWatch
 * serve it too. Times are the recording's, shifted to start now and divided by the speed; each
 * event is stamped with its scheduled time, not with when the tick reached it.
 */

const Name = z.string().min(1).max(253);
const Text = z.string().max(2000);
const AtMs = z.number().int().min(0).max(7 * 86_400_000);

const EventStep = z
  .object({
    atMs: AtMs,
    kind: z.literal('event'),
    involved: z.object({ kind: z.string().min(1).max(100), name: Name }).strict(),
    type: z.enum(['Normal', 'Warning']),
    reason: z.string().min(1).max(200),
    message: Text,
  })
  .strict();

const AlarmStep = z
  .object({
    atMs: AtMs,
    kind: z.literal('alarm'),
    /** What the alarm watches, after its service's name: `5xx-high`, `latency-p99-high`, `cpu-high`. */
    alarm: z.string().regex(/^[a-z0-9][a-z0-9-]*$/).max(100),
    state: z.enum(['OK', 'ALARM', 'INSUFFICIENT_DATA']),
    /** The state it left, as recorded: the first transition of each alarm puts the target's alarm there at the replay's start. */
    from: z.enum(['OK', 'ALARM', 'INSUFFICIENT_DATA']).optional(),
    reason: Text,
  })
  .strict();

export const ReplayRequest = z
  .object({
    /** The estate's service to play it against (`cluster/namespace/name`). */
    target: z.string().min(1).max(300),
    /** The recorded service's workload name and namespace: names in the recording are mapped from these to the target's. */
    source: z.object({ name: Name, namespace: Name }).strict(),
    label: z.string().max(300).default('recorded incident'),
    speed: z.number().min(1).max(60),
    steps: z.array(z.discriminatedUnion('kind', [EventStep, AlarmStep])).max(5000),
    /** The recorded shape, normalised to the recording's own baseline, in time order. */
    series: z
      .array(
        z
          .object({
            atMs: AtMs,
            loadFactor: z.number().min(0.01).max(100),
            extraErrorRatio: z.number().min(0).max(1),
            latencyFactor: z.number().min(0.1).max(100),
          })
          .strict(),
      )
      .max(5000)
      .default([]),
  })
  .strict();
export type ReplayRequest = z.infer<typeof ReplayRequest>;

export class ReplayRequestError extends Error {}

export interface ReplayReport {
  status: 'running' | 'finished' | 'stopped';
  label: string;
  target: string;
  targetRef: { cluster: string; namespace: string; name: string };
  speed: number;
  /** Replay clock zero: a whole second, so events stamped at second precision keep their spacing. */
  startedAt: string;
  /** When the last step is due. */
  endsAt: string;
  steps: number;
  played: number;
  /** Steps that had nothing to land on in the target (an alarm it does not have). */
  skipped: string[];
}

interface Context {
  world: SandboxWorld;
  load: EstateLoad;
  alarms: AlarmBook;
}

export class IncidentReplay {
  status: ReplayReport['status'] = 'running';
  readonly startedAt: number;
  private readonly steps: ReplayRequest['steps'];
  private readonly series: ReplayRequest['series'];
  private played = 0;
  private began = false;
  private seriesAt = -1;
  private readonly skipped: string[] = [];
  private readonly touchedAlarms = new Set<string>();
  private readonly names: NameMap;

  constructor(
    private readonly request: ReplayRequest,
    readonly target: ServiceSpec,
    private readonly ctx: Context,
  ) {
    const now = ctx.world.now();
    this.startedAt = Math.ceil((now + 200) / 1000) * 1000;
    this.steps = [...request.steps].sort((a, b) => a.atMs - b.atMs);
    this.series = [...request.series].sort((a, b) => a.atMs - b.atMs);
    this.names = new NameMap(request.source, target, ctx.world, this.steps);
    const known = new Set(ctx.alarms.definitions.map((d) => d.name));
    for (const suffix of new Set(this.steps.flatMap((s) => (s.kind === 'alarm' ? [s.alarm] : [])))) {
      const names = this.alarmNames(suffix).filter((n) => known.has(n));
      if (names.length === 0) this.skipped.push(`alarm transitions of "${suffix}": ${target.id} has no such alarm`);
      for (const name of names) this.touchedAlarms.add(name);
    }
    ctx.alarms.hold(this.touchedAlarms);
  }

  /** The target's alarm for a recorded alarm's suffix: on its load balancer, or on its database. */
  private alarmNames(suffix: string): string[] {
    const t = this.target;
    return [`${t.cluster}-${t.namespace}-${t.name}-${suffix}`, ...(t.dbInstance ? [`${t.dbInstance}-${suffix}`] : [])];
  }

  /** Replay-clock time of a recorded offset. */
  private due(atMs: number): number {
    return this.startedAt + Math.round(atMs / this.request.speed);
  }

  tick(now: number): void {
    if (this.status !== 'running') return;
    if (!this.began && now >= this.startedAt) {
      this.began = true;
      this.setStartingStates();
    }
    while (this.played < this.steps.length && this.due(this.steps[this.played]!.atMs) <= now) {
      this.play(this.steps[this.played]!);
      this.played++;
    }
    let index = this.seriesAt;
    while (index + 1 < this.series.length && this.due(this.series[index + 1]!.atMs) <= now) index++;
    if (index !== this.seriesAt && index >= 0) {
      this.seriesAt = index;
      const p = this.series[index]!;
      this.ctx.load.setEffects(this.target.id, { loadFactor: p.loadFactor, extraErrorRatio: p.extraErrorRatio, latencyFactor: p.latencyFactor });
    }
    if (this.played >= this.steps.length && now >= this.endsAt()) this.finish('finished');
  }

  stop(): void {
    if (this.status === 'running') this.finish('stopped');
  }

  report(): ReplayReport {
    return {
      status: this.status,
      label: this.request.label,
      target: this.target.id,
      targetRef: { cluster: this.target.cluster, namespace: this.target.namespace, name: this.target.name },
      speed: this.request.speed,
      startedAt: new Date(this.startedAt).toISOString(),
      endsAt: new Date(this.endsAt()).toISOString(),
      steps: this.steps.length,
      played: this.played,
      skipped: this.skipped,
    };
  }

  private endsAt(): number {
    const last = Math.max(this.steps.at(-1)?.atMs ?? 0, this.series.at(-1)?.atMs ?? 0);
    return this.due(last);
  }

  private finish(status: ReplayReport['status']): void {
    this.status = status;
    this.ctx.alarms.release(this.touchedAlarms);
    this.ctx.load.setEffects(this.target.id, { loadFactor: 1, capacityFactor: 1, extraErrorRatio: 0, latencyFactor: 1 });
  }

  /**
   * Each driven alarm starts where the recording had it before its first transition (an estate
   * whose target is already in ALARM would otherwise swallow the replayed OK → ALARM).
   */
  private setStartingStates(): void {
    const seen = new Set<string>();
    for (const step of this.steps) {
      if (step.kind !== 'alarm' || seen.has(step.alarm)) continue;
      seen.add(step.alarm);
      if (!step.from) continue;
      for (const name of this.alarmNames(step.alarm)) {
        if (this.ctx.alarms.replayState(name, step.from as StateValue, `Replay of ${this.request.label} starting: the recording had it ${step.from}`, Math.max(this.startedAt, this.ctx.world.now()))) break;
      }
    }
  }

  private play(step: ReplayRequest['steps'][number]): void {
    const at = this.due(step.atMs);
    if (step.kind === 'event') {
      const involved = this.names.object(step.involved.kind, step.involved.name);
      this.ctx.world.recordEvent(this.target.cluster, involved, step.type, step.reason, this.names.text(step.message), at);
      return;
    }
    const reason = `Replayed from ${this.request.label}: ${step.reason}`.slice(0, 1000);
    // Stamped when played, not when due: alarm history is read by time ("since the newest item I
    // saw"), so an item stamped before one already served would never be read. The replay's own
    // 50 ms timer keeps the two within a tick of each other.
    const playedAt = Math.max(at, this.ctx.world.now());
    for (const name of this.alarmNames(step.alarm)) if (this.ctx.alarms.replayState(name, step.state as StateValue, reason, playedAt)) return;
  }
}

/**
 * The recording's names mapped onto the target's objects: the workload, its Service and the like
 * by name; each recorded ReplicaSet, Pod and Node onto one of the target's own (in name order,
 * cycling when the target has fewer), so the replayed events land on objects the estate knows
 * and show on the target's timeline.
 */
class NameMap {
  private readonly map = new Map<string, string>();

  constructor(
    private readonly source: { name: string; namespace: string },
    private readonly target: ServiceSpec,
    world: SandboxWorld,
    steps: ReplayRequest['steps'],
  ) {
    this.map.set(source.name, target.name);
    const recorded = (kind: string) => [...new Set(steps.flatMap((s) => (s.kind === 'event' && s.involved.kind === kind ? [s.involved.name] : [])))].sort();
    const own = (resource: string, test: (name: string, obj: { metadata: { namespace?: string } }) => boolean) =>
      world
        .objects(target.cluster, resource)
        .filter((o) => test(o.metadata.name, o))
        .map((o) => o.metadata.name)
        .sort();
    const inTarget = (name: string, o: { metadata: { namespace?: string } }) => o.metadata.namespace === target.namespace && name.startsWith(`${target.name}-`);
    this.assign(recorded('ReplicaSet'), own('replicasets.apps', inTarget));
    this.assign(recorded('Pod'), own('pods', inTarget));
    this.assign(recorded('Node'), own('nodes', () => true));
  }

  private assign(from: string[], to: string[]): void {
    if (to.length === 0) return;
    from.forEach((name, i) => this.map.set(name, to[i % to.length]!));
  }

  object(kind: string, name: string): { kind: string; namespace: string | null; name: string } {
    const mapped = this.map.get(name) ?? (name.startsWith(`${this.source.name}-`) ? `${this.target.name}-${name.slice(this.source.name.length + 1)}` : name);
    return { kind, namespace: kind === 'Node' ? null : this.target.namespace, name: mapped };
  }

  /** A message with the recording's names replaced by the target's, longest first so a pod's name is not half-replaced by its workload's. */
  text(message: string): string {
    let out = message;
    const names = [...this.map.keys()].sort((a, b) => b.length - a.length);
    const placeholders = names.map((_, i) => `\u0000${i}\u0000`);
    names.forEach((name, i) => (out = out.split(name).join(placeholders[i]!)));
    names.forEach((name, i) => (out = out.split(placeholders[i]!).join(this.map.get(name)!)));
    if (this.source.namespace !== this.target.namespace) out = out.split(`${this.source.namespace}/`).join(`${this.target.namespace}/`);
    return out;
  }
}

export function parseReplayRequest(body: unknown): ReplayRequest {
  const parsed = ReplayRequest.safeParse(body);
  if (!parsed.success) {
    const first = parsed.error.issues[0];
    throw new ReplayRequestError(`Invalid replay: ${first ? `${first.path.join('.') || '(body)'}: ${first.message}` : 'unreadable'}`);
  }
  return parsed.data;
}
