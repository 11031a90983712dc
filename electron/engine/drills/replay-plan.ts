import { z } from 'zod';
import type { Milestones } from '../../../shared/api/drills.js';
import { ApiError } from '../../../shared/api/errors.js';
import { parseKubeId } from '../../../shared/estate/ids.js';

/**
 * Turns an exported incident (the export's timeline.json, incidents/postmortem-export.ts) into
 * what the sandbox replays (sandbox/scenarios/incident-replay.ts): the recorded Kubernetes
 * events and CloudWatch alarm transitions as steps on the recording's clock, the golden-signal
 * shape normalised to the recording's own baseline, and the original responders' milestones.
 * Pure; the bundle is untrusted and parsed here, once.
 */

const EpochMs = z.number().int().nonnegative().max(8.64e15);
const Str = (max: number) => z.string().max(max);

const RecordedItem = z.object({
  kind: Str(40),
  what: Str(20_000),
  entityId: Str(4096).nullable(),
  severity: Str(20).optional(),
  occurredAt: EpochMs,
});

const RecordedIncident = z.object({
  id: Str(100).min(1),
  title: Str(300),
  kind: Str(20).optional(),
  impacted: z.array(Str(4096)).max(200),
  milestones: z.record(Str(40), z.object({ at: EpochMs, by: Str(200) })),
});

const RecordedSignal = z.object({
  entityId: Str(4096),
  signal: z.enum(['traffic', 'errors', 'latency']),
  title: Str(300).optional(),
  unit: Str(40).optional(),
  series: z.array(z.object({ label: Str(500), points: z.array(z.tuple([EpochMs, z.number().nullable()])).max(20_000) })).max(20),
});

/** timeline.json as the export writes it; unknown keys are ignored, `signals` is absent from older exports. */
export const ExportedIncident = z.object({
  incident: RecordedIncident,
  window: z.object({ start: EpochMs, end: EpochMs, anchor: EpochMs }),
  items: z.array(RecordedItem).max(50_000),
  signals: z.array(RecordedSignal).max(100).optional(),
});
export type ExportedIncident = z.infer<typeof ExportedIncident>;

export function parseExport(text: string): ExportedIncident {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    throw new ApiError('bad_request', 'The export is not JSON: give the timeline.json of an incident export.', 'exportJson');
  }
  const parsed = ExportedIncident.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new ApiError('bad_request', `Not an incident export's timeline.json: ${issue ? `${issue.path.join('.') || '(file)'}: ${issue.message}` : 'unreadable'}.`, 'exportJson');
  }
  return parsed.data;
}

export interface EventStep {
  atMs: number;
  kind: 'event';
  involved: { kind: string; name: string };
  type: 'Normal' | 'Warning';
  reason: string;
  message: string;
}
export interface AlarmStep {
  atMs: number;
  kind: 'alarm';
  alarm: string;
  state: 'OK' | 'ALARM' | 'INSUFFICIENT_DATA';
  from?: 'OK' | 'ALARM' | 'INSUFFICIENT_DATA';
  reason: string;
}
export interface SeriesPoint {
  atMs: number;
  loadFactor: number;
  extraErrorRatio: number;
  latencyFactor: number;
}

export interface ReplayPlan {
  incidentId: string;
  title: string;
  /** The recorded workload's entity id, and its name and namespace for the sandbox's name mapping. */
  sourceId: string;
  source: { name: string; namespace: string };
  /** Wall clock of the recording at replay-clock zero: a whole second, so second-precision event times keep their spacing. */
  from: number;
  firstAlertOffsetMs: number | null;
  steps: Array<EventStep | AlarmStep>;
  series: SeriesPoint[];
  notReplayed: string[];
  /** The original responders' milestones, ms from the recording's first alert (its detection when it had no alert). */
  original: Record<Milestones, number | null>;
}

const eventKinds = new Set(['k8s-event', 'rollout', 'pod', 'node']);
const KNOWN_ALARM_SUFFIXES = ['5xx-high', 'latency-p99-high', 'cpu-high'];

export function planReplay(bundle: ExportedIncident, leadInMs: number): ReplayPlan {
  const { incident, items } = bundle;
  const source = sourceWorkload(bundle);
  if (!source) {
    throw new ApiError('bad_request', `The recording of ${incident.id} names no Kubernetes workload (impacted entities, or events about pods): a replay needs one to map onto the target.`, 'exportJson');
  }
  const sorted = [...items].sort((a, b) => a.occurredAt - b.occurredAt);
  const firstAlert = sorted.find((i) => (i.kind === 'alarm' && /^AlarmAlarm:/.test(i.what)) || (i.kind === 'alert' && i.severity === 'critical'))?.occurredAt ?? null;
  const zero = firstAlert ?? incident.milestones['detected']?.at ?? bundle.window.anchor;
  const from = Math.floor(Math.max(bundle.window.start, zero - leadInMs) / 1000) * 1000;

  const steps: Array<EventStep | AlarmStep> = [];
  const seenAlarm = new Set<string>();
  let alerts = 0;
  let elsewhere = 0;
  for (const item of sorted) {
    if (item.occurredAt < from) continue;
    const atMs = item.occurredAt - from;
    if (eventKinds.has(item.kind)) {
      const object = item.entityId ? parseKubeId(item.entityId) : null;
      if (!object || object.shape !== 'object' || !belongsTo(object, source)) {
        elsewhere++;
        continue;
      }
      const [reason, message] = splitWhat(item.what);
      steps.push({ atMs, kind: 'event', involved: { kind: object.kind, name: object.name }, type: item.severity === 'warning' ? 'Warning' : 'Normal', reason, message });
    } else if (item.kind === 'alarm') {
      const m = /^Alarm\w*: ([^:]+): (\S+) → (OK|ALARM|INSUFFICIENT_DATA)/.exec(item.what);
      if (!m) continue;
      const [, name, before, state] = m as unknown as [string, string, string, AlarmStep['state']];
      const from = before === 'OK' || before === 'ALARM' || before === 'INSUFFICIENT_DATA' ? before : undefined;
      const key = `${name}|${item.occurredAt}|${state}`;
      if (seenAlarm.has(key)) continue; // one history item lands on the alarm and on each entity it watches
      seenAlarm.add(key);
      const suffix = alarmSuffix(name, source);
      if (!suffix) {
        elsewhere++;
        continue;
      }
      steps.push({ atMs, kind: 'alarm', alarm: suffix, state, ...(from ? { from } : {}), reason: item.what.slice(0, 500) });
    } else if (item.kind === 'alert') alerts++;
  }
  const notReplayed: string[] = [];
  if (alerts > 0) notReplayed.push(`${alerts} Prometheus/Alertmanager alert item(s): the sandbox has no Alertmanager to raise them in`);
  if (elsewhere > 0) notReplayed.push(`${elsewhere} event(s) about entities other than the recorded service's workload, pods, ReplicaSets and nodes`);
  notReplayed.push("the responders' own operations, notes and status changes (they are what the trainees do)");
  const series = shape(bundle, source.id, from, zero);
  if (series.length === 0) notReplayed.push(bundle.signals ? 'golden signals: the export holds no traffic series for the service' : 'golden signals: the export predates recorded series');

  const m = incident.milestones;
  const rel = (at: number | undefined | null) => (at === undefined || at === null ? null : at - zero);
  const statusTo = (status: string) => sorted.find((i) => i.kind === 'incident' && new RegExp(`^Status \\w+ → ${status}$`).test(i.what))?.occurredAt ?? null;
  const detectAt = [m['acknowledged']?.at, m['declared']?.at].filter((v): v is number => v !== undefined);
  return {
    incidentId: incident.id,
    title: incident.title,
    sourceId: source.id,
    source: { name: source.name, namespace: source.namespace },
    from,
    firstAlertOffsetMs: firstAlert === null ? null : firstAlert - from,
    steps,
    series,
    notReplayed,
    original: {
      detect: detectAt.length ? rel(Math.min(...detectAt)) : null,
      declare: rel(m['declared']?.at),
      identify: rel(statusTo('identified')),
      mitigate: rel(m['mitigated']?.at ?? statusTo('mitigated') ?? m['resolved']?.at),
    },
  };
}

interface Workload {
  id: string;
  clusterKey: string;
  namespace: string;
  name: string;
}

/** The recorded service: a Deployment or StatefulSet among the impacted, else a Service (named like its workload), else the workload its pods' events name most. */
function sourceWorkload(bundle: ExportedIncident): Workload | null {
  const objects = bundle.incident.impacted.map((id) => ({ id, parsed: parseKubeId(id) }));
  for (const kinds of [['Deployment', 'StatefulSet'], ['Service']]) {
    for (const { id, parsed } of objects) {
      if (parsed?.shape === 'object' && parsed.namespace && kinds.includes(parsed.kind)) return { id, clusterKey: parsed.clusterKey, namespace: parsed.namespace, name: parsed.name };
    }
  }
  const counts = new Map<string, Workload & { n: number }>();
  for (const item of bundle.items) {
    const parsed = item.entityId ? parseKubeId(item.entityId) : null;
    if (parsed?.shape !== 'object' || !parsed.namespace || (parsed.kind !== 'Pod' && parsed.kind !== 'ReplicaSet')) continue;
    const name = parsed.name.replace(parsed.kind === 'Pod' ? /-[a-z0-9]+-[a-z0-9]+$/ : /-[a-z0-9]+$/, '');
    const key = `${parsed.clusterKey}/${parsed.namespace}/${name}`;
    const entry = counts.get(key) ?? { id: `k8s:${parsed.clusterKey}/${parsed.namespace}/Deployment/${name}`, clusterKey: parsed.clusterKey, namespace: parsed.namespace, name, n: 0 };
    entry.n++;
    counts.set(key, entry);
  }
  return [...counts.values()].sort((a, b) => b.n - a.n)[0] ?? null;
}

/** The workload itself, its ReplicaSets and Pods (named after it) or its Service, or a node of its cluster. */
function belongsTo(object: { clusterKey: string; namespace: string | null; kind: string; name: string }, source: Workload): boolean {
  if (object.clusterKey !== source.clusterKey) return false;
  if (object.kind === 'Node') return true;
  return object.namespace === source.namespace && (object.name === source.name || object.name.startsWith(`${source.name}-`));
}

function alarmSuffix(alarm: string, source: Workload): string | null {
  const prefix = `${decodeURIComponent(source.clusterKey)}-${source.namespace}-${source.name}-`;
  const rest = alarm.startsWith(prefix) ? alarm.slice(prefix.length) : (KNOWN_ALARM_SUFFIXES.find((s) => alarm.endsWith(`-${s}`)) ?? null);
  return rest && /^[a-z0-9][a-z0-9-]*$/.test(rest) && rest.length <= 100 ? rest : null;
}

function splitWhat(what: string): [string, string] {
  const at = what.indexOf(': ');
  const reason = (at > 0 ? what.slice(0, at) : what).slice(0, 200) || 'Replayed';
  return [reason, (at > 0 ? what.slice(at + 2) : '').slice(0, 2000)];
}

/**
 * The recorded golden signals as factors on the target's own baseline: traffic over its
 * baseline, error ratio above its baseline, latency over its baseline. The baseline is the
 * median before the replay starts (or of the first points, when the window holds none before).
 */
function shape(bundle: ExportedIncident, sourceId: string, from: number, zero: number): SeriesPoint[] {
  const signals = bundle.signals ?? [];
  const of = (signal: 'traffic' | 'errors' | 'latency') => signals.find((s) => s.entityId === sourceId && s.signal === signal) ?? signals.find((s) => s.signal === signal);
  const traffic = of('traffic');
  if (!traffic) return [];
  const errors = of('errors');
  const latency = of('latency');
  const rps = summed(traffic.series);
  const err = errors ? summed(errors.series) : new Map<number, number>();
  const latSeries = latency ? (latency.series.find((s) => /99/.test(s.label)) ?? latency.series.at(-1)) : undefined;
  const lat = latSeries ? summed([latSeries]) : new Map<number, number>();
  const times = [...rps.keys()].sort((a, b) => a - b);
  const ratio = (t: number) => {
    const r = rps.get(t) ?? 0;
    return r > 0 ? (err.get(t) ?? 0) / r : 0;
  };
  const before = times.filter((t) => t < Math.min(from, zero));
  const baseTimes = before.length >= 3 ? before : times.slice(0, 3);
  const baseRps = median(baseTimes.map((t) => rps.get(t) ?? 0));
  const baseErr = median(baseTimes.map(ratio));
  const baseLat = median(baseTimes.map((t) => lat.get(t)).filter((v): v is number => v !== undefined));
  if (!(baseRps > 0)) return [];
  const clamp = (v: number, lo: number, hi: number) => (Number.isFinite(v) ? Math.min(hi, Math.max(lo, v)) : 1);
  // The point in force when the replay starts (series are coarse: CloudWatch answers by the minute), then every later one.
  const firstIn = times.findIndex((t) => t >= from);
  const kept = firstIn < 0 ? times.slice(-1) : times.slice(times[firstIn] === from ? firstIn : Math.max(0, firstIn - 1));
  let points = kept
    .map((t) => ({
      atMs: Math.max(0, t - from),
      loadFactor: round(clamp((rps.get(t) ?? 0) / baseRps, 0.01, 100)),
      extraErrorRatio: round(clamp(ratio(t) - baseErr, 0, 1)),
      latencyFactor: round(lat.has(t) && baseLat > 0 ? clamp((lat.get(t) as number) / baseLat, 0.1, 100) : 1),
    }));
  if (points.length > 2000) points = points.filter((_, i) => i % Math.ceil(points.length / 2000) === 0);
  return points;
}

function summed(series: ReadonlyArray<{ points: ReadonlyArray<[number, number | null]> }>): Map<number, number> {
  const out = new Map<number, number>();
  for (const s of series) for (const [t, v] of s.points) if (v !== null && Number.isFinite(v)) out.set(t, (out.get(t) ?? 0) + v);
  return out;
}

function median(values: number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] as number;
}

function round(v: number): number {
  return Math.round(v * 10_000) / 10_000;
}
