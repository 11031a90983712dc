import { z } from 'zod';
import { mutation, NoParams, query } from './define.js';
import { MetricQuery, MetricUnit, SourcedQuery } from '../metrics/query.js';
import { EstateEvent } from '../estate/event.js';

/**
 * Metrics over the API: golden-signal panels for any entity, range queries that arrive already
 * downsampled to the chart's width, the offline cache, and alarms/alerts worst first.
 *
 * How a chart uses it:
 *   1. `metrics.panels {entityId}` → the panels to draw (derived from the sources the estate
 *      really has for that entity, then the user's own panels).
 *   2. For each query of each panel: `metrics.query {source, query, start, end, maxPoints}`,
 *      maxPoints = the chart's plot width in pixels. The answer never holds more points than
 *      that, per series.
 *   3. Live tail: there is no push topic. Poll `metrics.query` with a moving window
 *      (end = now, start = now - windowMs) every `refreshMs` of the last answer (≥ 5 s; it
 *      follows the data's own step, so a 7-day chart is not re-asked every 5 s). Polling keeps
 *      one code path for live and historical charts, survives reconnects without resubscribe
 *      logic, and the engine serves unchanged windows cheaply.
 *   4. `metrics.events {entityIds, start, end}` for the markers on the time axis (rollouts,
 *      operations, alarm transitions).
 *
 * Points and gaps: `points` is `[t, v]` with t in epoch ms ascending. A gap in the data (the
 * backend had no sample for longer than twice the step, or the range was never fetched) is one
 * point `[t, null]` placed inside the gap, so a line chart with connectNulls off breaks there.
 * Values are never NaN or Infinity. Ranges the engine has no data for at all while offline are
 * also listed in `missing`.
 */

const EpochMs = z.number().int().nonnegative();

export const SeriesPoint = z.tuple([EpochMs, z.number().nullable()]);
export type SeriesPoint = z.infer<typeof SeriesPoint>;

export const MetricSeries = z.object({
  /** The backend's labels (Prometheus labels; CloudWatch: {label, id}; Kubernetes: {pod|node, namespace}). */
  labels: z.record(z.string(), z.string()),
  points: z.array(SeriesPoint),
});
export type MetricSeries = z.infer<typeof MetricSeries>;

export const MetricQueryParams = z
  .object({
    source: z.string().min(1).max(1024),
    query: MetricQuery,
    start: EpochMs,
    end: EpochMs,
    /** The chart's width in pixels: no series in the answer has more points than this. */
    maxPoints: z.number().int().min(2).max(20_000),
  })
  .strict()
  .refine((p) => p.end > p.start, { message: 'end must be after start', path: ['end'] })
  .refine((p) => p.end - p.start <= 400 * 86_400_000, { message: 'A range is at most 400 days.', path: ['start'] });
export type MetricQueryParams = z.input<typeof MetricQueryParams>;

export const MetricQueryResult = z.object({
  series: z.array(MetricSeries),
  unit: MetricUnit,
  /** True when the answer came from the cache (source offline, switched off, or failing). */
  stale: z.boolean(),
  /** Epoch ms when the data shown was fetched from the backend (now for a live answer); null when nothing was ever fetched. */
  asOf: EpochMs.nullable(),
  /** Parts of [start, end] with no data in the answer: never fetched or beyond retention (from the cache), or not yet sampled (metrics.k8s.io, whose history Daytwo builds by sampling). Empty for a live Prometheus or CloudWatch answer. */
  missing: z.array(z.tuple([EpochMs, EpochMs])),
  /** The spacing of the backend's data in ms (before downsampling). */
  stepMs: z.number().int().positive(),
  /** How often to re-ask for a live tail, in ms. */
  refreshMs: z.number().int().positive(),
  /** Why the answer is stale or partial, in words; absent when live and whole. */
  note: z.string().optional(),
});
export type MetricQueryResult = z.infer<typeof MetricQueryResult>;

export const PanelSignal = z.enum(['traffic', 'errors', 'latency', 'saturation', 'custom']);
export type PanelSignal = z.infer<typeof PanelSignal>;

export const PanelThreshold = z.object({
  value: z.number(),
  /** What crosses it: the alarm's name, for example. */
  label: z.string(),
  severity: z.enum(['critical', 'warning']),
  /** The alarm entity the threshold comes from, when it does. */
  alarmId: z.string().optional(),
  /** Which of the panel's queries the threshold applies to (index into queries). */
  queryIndex: z.number().int().nonnegative().optional(),
  comparison: z.enum(['>', '>=', '<', '<=']),
});
export type PanelThreshold = z.infer<typeof PanelThreshold>;

export const Panel = z.object({
  /** Stable: derived panels `derived:<signal>:<n>`, user panels `user:<uuid>`. */
  id: z.string(),
  title: z.string(),
  unit: MetricUnit,
  signal: PanelSignal,
  origin: z.enum(['derived', 'user']),
  queries: z.array(SourcedQuery),
  thresholds: z.array(PanelThreshold).optional(),
  /** Why this panel is here, for a tooltip: "Prometheus series with service=api, namespace=shop". */
  basis: z.string().optional(),
});
export type Panel = z.infer<typeof Panel>;

/**
 * A golden signal the estate cannot show for an entity, and why: "No request metrics for
 * fraud-worker: it exports none." The view shows these instead of empty charts.
 */
export const MissingSignal = z.object({
  signals: z.array(PanelSignal).min(1),
  /** The workload or Service names it concerns. */
  subject: z.string(),
  /** The source that lacks it, when one source does. */
  source: z.string().optional(),
  reason: z.string(),
});
export type MissingSignal = z.infer<typeof MissingSignal>;

/** firing (CloudWatch ALARM, Prometheus firing), pending (Prometheus, waiting out its `for`), insufficient-data (CloudWatch), ok (CloudWatch alarm not firing). */
export const AlertState = z.enum(['firing', 'pending', 'insufficient-data', 'ok']);
export type AlertState = z.infer<typeof AlertState>;

export const Alert = z.object({
  /** `cloudwatch:<source>/<alarm name>` or `prometheus:<source>/<alertname>{labels}`. */
  id: z.string(),
  sourceId: z.string(),
  origin: z.enum(['cloudwatch-alarm', 'prometheus-alert', 'alertmanager-alert']),
  name: z.string(),
  state: AlertState,
  severity: z.enum(['critical', 'warning', 'info']),
  summary: z.string(),
  /** Entities it concerns, most specific first (the alarm entity itself, then what it alarms on). */
  entityIds: z.array(z.string()),
  /** Epoch ms the current state began. */
  since: EpochMs.nullable(),
  labels: z.record(z.string(), z.string()),
  /** Alertmanager: the receivers it routed to, the runbook annotation, and whether a silence holds it. */
  receivers: z.array(z.string()).optional(),
  runbookUrl: z.string().optional(),
  silenced: z.boolean().optional(),
});
export type Alert = z.infer<typeof Alert>;

const EntityId = z.string().min(1).max(4096);

export const metricsMethods = {
  'metrics.panels': query(
    'The golden-signal panels for an entity, derived from the sources the estate has for it, then the user’s own.',
    z.object({ entityId: EntityId }).strict(),
    z.object({ panels: z.array(Panel), missing: z.array(MissingSignal) }),
  ),
  'metrics.query': query(
    'A range query against one source, downsampled (spikes kept) to at most maxPoints per series; from the cache, marked stale, when the source is not live.',
    MetricQueryParams,
    MetricQueryResult,
  ),
  'metrics.addPanel': mutation(
    'Save a panel of the user’s own queries (PromQL, CloudWatch metric or expression) on an entity, locally.',
    z
      .object({
        entityId: EntityId,
        title: z.string().min(1).max(200),
        unit: MetricUnit.default(''),
        queries: z.array(SourcedQuery).min(1).max(20),
      })
      .strict(),
    z.object({ panel: Panel }),
  ),
  'metrics.removePanel': mutation(
    'Delete one of the user’s panels from an entity.',
    z.object({ entityId: EntityId, panelId: z.string().min(1).max(200) }).strict(),
    z.object({ removed: z.boolean() }),
  ),
  'metrics.events': query(
    'Estate events (rollouts, operations, alarm transitions, alerts) about these entities within [start, end], oldest first, for markers on a time axis.',
    z
      .object({ entityIds: z.array(EntityId).min(1).max(200), start: EpochMs, end: EpochMs, limit: z.number().int().min(1).max(1000).default(200) })
      .strict(),
    z.object({ events: z.array(EstateEvent) }),
  ),
  'alerts.list': query(
    'CloudWatch alarms and Prometheus alerts, worst first (firing critical, firing, pending, insufficient data), with the entities they concern.',
    NoParams,
    z.object({ alerts: z.array(Alert), asOf: EpochMs }),
  ),
};
