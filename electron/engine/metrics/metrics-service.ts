import { randomUUID } from 'node:crypto';
import { ApiError } from '../../../shared/api/errors.js';
import type { Alert, MetricQueryResult, MetricSeries, MissingSignal, Panel } from '../../../shared/api/metrics.js';
import { Panel as PanelSchema } from '../../../shared/api/metrics.js';
import type { EstateEvent } from '../../../shared/estate/event.js';
import type { Entity } from '../../../shared/estate/model.js';
import type { RawSeries } from '../../../shared/metrics/downsample.js';
import { downsample } from '../../../shared/metrics/downsample.js';
import type { KubeResourceQuery, MetricQuery, MetricUnit, SourcedQuery } from '../../../shared/metrics/query.js';
import { backendOf, canonicalQuery } from '../../../shared/metrics/query.js';
import { missingRanges } from '../../../shared/metrics/ranges.js';
import { alignRange, cloudWatchPeriodSeconds, prometheusStepMs, refreshIntervalMs } from '../../../shared/metrics/steps.js';
import type { SourceConnection } from '../sources/start-sources.js';
import type { SourceRegistry } from '../sources/source-registry.js';
import type { StoreDatabase } from '../store/database.js';
import { clusterId, clusterNameOf, kubeObjectId, parseKubeId } from '../../../shared/estate/ids.js';
import { CoverageBook } from '../providers/prometheus/coverage.js';
import type { EventPage, EventQuery } from '../store/event-store.js';
import { PrometheusError, queryInstant, queryRange } from '../providers/prometheus/http-api.js';
import type { Source } from '../../../shared/api/sources.js';
import { AlertWatch } from './alerts.js';
import { CloudWatchData, CloudWatchQueryError } from './cloudwatch-data.js';
import { sampleKubeResource } from './kube-resource.js';
import { derivePanels } from './panels.js';
import type { EstateView } from './panels.js';
import { SeriesCache } from './series-cache.js';
import type { SeriesCacheLimits } from './series-cache.js';

export interface MetricsEstate extends EstateView {
  recordEvents(sourceId: string, events: readonly EstateEvent[]): void;
  alarms(): Entity[];
  /** The cluster entities, one per cluster however many contexts reach it. */
  clusters(): Entity[];
  /** The event store's read (store/event-store.ts): metrics writes no SQL against estate tables. */
  events(query: EventQuery): EventPage;
}

export interface MetricsServiceOptions {
  db: StoreDatabase;
  sources: SourceRegistry;
  estate: MetricsEstate;
  /** A source's way in (credentials stay in the engine); undefined when none is configured. */
  connection: (sourceId: string) => SourceConnection | undefined;
  cache?: SeriesCacheLimits;
  /** How often a Kubernetes metrics query that a chart asked for is sampled (ms). Default 15 s, metrics-server's window. */
  kubeSampleMs?: number;
  /** A sampled query stops being sampled after nobody asked for it this long. Default 30 min. */
  kubeIdleMs?: number;
  alertIntervalMs?: number;
  /** CloudWatch throttling retry tuning (tests). */
  cloudWatchRetry?: { baseMs?: number; maxMs?: number; attempts?: number };
  now?: () => number;
  log?: (message: string) => void;
}

export interface QueryParams {
  source: string;
  query: MetricQuery;
  start: number;
  end: number;
  maxPoints: number;
}

interface Sampling {
  sourceId: string;
  query: KubeResourceQuery;
  key: string;
  lastAskedAt: number;
  lastSampleAt: number;
  lastError: string | null;
  timer: NodeJS.Timeout | null;
  inFlight: Promise<void> | null;
}

/**
 * Metrics for the API: plans each query within its backend's limits, fetches when the source
 * is live, stores what it fetched, and answers from that store (marked stale, with what is
 * missing) when the source is not live or fails. Every answer is downsampled here, so a chart
 * never receives more points than it asked for.
 */
export class MetricsService {
  readonly cache: SeriesCache;
  readonly alerts: AlertWatch;
  /** Which clusters each Prometheus covers and which series it has for them. */
  readonly coverage: CoverageBook;
  private readonly cloudWatch = new Map<string, CloudWatchData>();
  private readonly sampling = new Map<string, Sampling>();
  private readonly controller = new AbortController();
  private readonly now: () => number;
  private closed = false;

  constructor(private readonly options: MetricsServiceOptions) {
    this.now = options.now ?? Date.now;
    this.cache = new SeriesCache(options.db, options.cache);
    this.alerts = new AlertWatch({
      estate: options.estate,
      connection: options.connection,
      intervalMs: options.alertIntervalMs,
      now: this.now,
      coveredClusters: (sourceId, clusterLabel) => {
        void this.coverage.refresh([sourceId]);
        const learned = this.coverage.get(sourceId);
        if (!learned) return undefined;
        return new Set([...learned.byContext].filter(([, c]) => (c.clusterLabel ?? undefined) === clusterLabel).map(([context]) => context));
      },
      ...(options.log ? { log: options.log } : {}),
    });
    const estate = options.estate;
    this.coverage = new CoverageBook({
      directory: {
        // Coverage is by cluster key (shared/estate/ids.ts): one cluster however many contexts reach it.
        contexts: () => estate.clusters().flatMap((c) => parseKubeId(c.id)?.clusterKey ?? []),
        clusterName: (key) => {
          const cluster = estate.get(clusterId(key))?.status.cluster;
          return typeof cluster === 'string' ? cluster : clusterNameOf(key);
        },
        hasPod: (key, namespace, pod) => estate.get(kubeObjectId(key, 'Pod', namespace, pod)) !== undefined,
      },
      endpoint: (sourceId) => {
        const source = options.sources.get(sourceId);
        const connection = options.connection(sourceId);
        return source?.enabled && source.state === 'live' && connection?.kind === 'prometheus' ? connection : undefined;
      },
      now: this.now,
      ...(options.log ? { log: options.log } : {}),
    });
  }

  start(): void {
    this.alerts.start();
  }

  async close(): Promise<void> {
    this.closed = true;
    this.controller.abort();
    this.coverage.close();
    for (const s of this.sampling.values()) if (s.timer) clearTimeout(s.timer);
    await Promise.all([...this.sampling.values()].map((s) => s.inFlight));
    await this.alerts.stop();
    for (const cw of this.cloudWatch.values()) cw.destroy();
  }

  /** Statistics for tests and benchmarks. */
  cloudWatchStats(sourceId: string): { calls: number; throttled: number } | undefined {
    return this.cloudWatch.get(sourceId)?.stats;
  }

  /** Derived panels (after learning what each Prometheus covers), then the user's own; and the signals nobody has. */
  async panels(entityId: string): Promise<{ panels: Panel[]; missing: MissingSignal[] }> {
    const prometheus = this.options.sources.list().filter((s) => s.kind === 'prometheus' && s.enabled);
    await this.coverage.refresh(prometheus.map((s) => s.id));
    const derived = derivePanels(this.options.estate, entityId, (id) => this.alerts.definition(id), (id) => this.coverage.get(id));
    return { panels: [...derived.panels, ...this.userPanels(entityId)], missing: derived.missing };
  }

  async addPanel(entityId: string, title: string, unit: MetricUnit, queries: SourcedQuery[]): Promise<Panel> {
    for (const [index, q] of queries.entries()) {
      const source = this.checkSource(q.source, q.query);
      await this.checkPromql(source, q, index);
    }
    const panel: Panel = { id: `user:${randomUUID()}`, title, unit, signal: 'custom', origin: 'user', queries };
    this.options.db.prepare('INSERT INTO metric_panels (id, entity_id, created_at, body) VALUES (?, ?, ?, ?)').run(panel.id, entityId, this.now(), JSON.stringify(panel));
    return panel;
  }

  /**
   * Asks a live Prometheus to evaluate the expression once, so a typo is refused when the panel
   * is added rather than discovered mid-incident. An unreachable server does not block saving:
   * the panel then says why it has no data.
   */
  private async checkPromql(source: Source, q: SourcedQuery, index: number): Promise<void> {
    if (q.query.kind !== 'promql' || !source.enabled || source.state !== 'live') return;
    const connection = this.options.connection(q.source);
    if (connection?.kind !== 'prometheus') return;
    try {
      await queryInstant(connection, q.query.expr, this.now(), this.controller.signal);
    } catch (error) {
      if (error instanceof PrometheusError && error.kind === 'query') {
        throw new ApiError('bad_request', `Prometheus refused this PromQL: ${error.message}`, `queries.${index}.query.expr`);
      }
    }
  }

  removePanel(entityId: string, panelId: string): boolean {
    return this.options.db.prepare('DELETE FROM metric_panels WHERE id = ? AND entity_id = ?').run(panelId, entityId).changes > 0;
  }

  private userPanels(entityId: string): Panel[] {
    const rows = this.options.db.prepare('SELECT body FROM metric_panels WHERE entity_id = ? ORDER BY created_at ASC').pluck().all(entityId) as string[];
    const out: Panel[] = [];
    for (const body of rows) {
      // Parse what comes off disk: a panel saved by an older Daytwo may no longer fit the schema.
      const parsed = PanelSchema.safeParse(safeJson(body));
      if (parsed.success) out.push(parsed.data);
    }
    return out;
  }

  /** Events about these entities and what fronts or alarms on them, oldest first. */
  events(entityIds: string[], start: number, end: number, limit: number): EstateEvent[] {
    const ids = new Set(entityIds);
    for (const id of entityIds) {
      for (const r of this.options.estate.relationsOf(id)) {
        if (r.to !== id) continue;
        if (r.kind === 'alarms-on' || r.kind === 'routes-to' || r.kind === 'selects') ids.add(r.from);
        const from = this.options.estate.get(r.from);
        if (r.kind === 'routes-to' && from?.kind === 'ingress') {
          for (const up of this.options.estate.relationsOf(from.id)) if (up.to === from.id && up.kind === 'routes-to') ids.add(up.from);
        }
      }
      for (const r of this.options.estate.relationsOf(id)) if (r.from === id && r.kind === 'owns') ids.add(r.to);
    }
    for (const id of [...ids]) for (const r of this.options.estate.relationsOf(id)) if (r.kind === 'alarms-on' && r.to === id) ids.add(r.from);
    const { events } = this.options.estate.events({ entityIds: [...ids].slice(0, 1000), from: start, to: end, limit });
    // A chart draws left to right: oldest first. Charts draw plain events; the clocks stay in the store.
    return events.reverse().map(({ occurredAt: _o, recordedAt: _r, ...event }) => event);
  }

  alertList(): Alert[] {
    return this.alerts.list();
  }

  async query(params: QueryParams): Promise<MetricQueryResult> {
    const { source: sourceId, query, start, end, maxPoints } = params;
    const source = this.checkSource(sourceId, query);
    const key = `${sourceId}\n${canonicalQuery(query)}`;
    const live = source.enabled && source.state === 'live';
    const connection = this.options.connection(sourceId);
    const range = end - start;

    if (query.kind === 'kube-resource') {
      const stepMs = this.options.kubeSampleMs ?? 15_000;
      let note: string | undefined;
      if (live && connection?.kind === 'kubernetes') note = (await this.sample(key, sourceId, query, connection)) ?? undefined;
      else note = `${source.name} is ${source.state}; showing what was sampled before.`;
      return this.fromCache(key, params, stepMs, !live || note !== undefined, note, defaultUnit(query));
    }

    let stepMs: number;
    if (query.kind === 'promql') stepMs = prometheusStepMs(range, maxPoints);
    else stepMs = cloudWatchPeriodSeconds(start, end, maxPoints, this.now()) * 1000;
    const [alignedStart, alignedEnd] = alignRange(start, end, stepMs);
    if (!live || !connection) {
      const why = source.enabled ? `${source.name} is ${source.state}${source.reason ? ` (${source.reason})` : ''}` : `${source.name} is switched off`;
      return this.fromCache(key, params, stepMs, true, `${why}; showing cached data.`, defaultUnit(query));
    }
    const fetchedAt = this.now();
    let series: RawSeries[];
    try {
      series = await this.fetch(connection, sourceId, query, alignedStart, alignedEnd, stepMs);
    } catch (error) {
      if (error instanceof CloudWatchQueryError || (error instanceof PrometheusError && error.kind === 'query')) {
        throw new ApiError('bad_request', error.message, 'query');
      }
      const message = error instanceof Error ? error.message : String(error);
      this.options.log?.(`metrics.query ${sourceId}: ${message}`);
      return this.fromCache(key, params, stepMs, true, `Could not fetch: ${message}. Showing cached data.`, defaultUnit(query));
    }
    const unit = query.unit ?? defaultUnit(query);
    // Nothing after the fetch's own instant was known then: the cache must not claim the future.
    this.cache.put(key, { start: alignedStart, end: Math.min(alignedEnd, fetchedAt), stepMs, fetchedAt, unit, series });
    return {
      series: this.shape(series, params, stepMs),
      unit,
      stale: false,
      asOf: fetchedAt,
      missing: [],
      stepMs,
      refreshMs: refreshIntervalMs(stepMs),
    };
  }

  private checkSource(sourceId: string, query: MetricQuery) {
    const source = this.options.sources.get(sourceId);
    if (!source) throw new ApiError('not_found', `There is no source "${sourceId}"; sources.list names the configured ones.`, 'source');
    const needs = backendOf(query);
    if (source.kind !== needs) throw new ApiError('bad_request', `A ${query.kind} query needs a ${needs} source; "${sourceId}" is ${source.kind}.`, 'query');
    return source;
  }

  private async fetch(connection: SourceConnection, sourceId: string, query: MetricQuery, start: number, end: number, stepMs: number): Promise<RawSeries[]> {
    if (query.kind === 'promql' && connection.kind === 'prometheus') return queryRange(connection, query.expr, start, end, stepMs, this.controller.signal);
    if ((query.kind === 'cloudwatch-metric' || query.kind === 'cloudwatch-expression') && connection.kind === 'aws') {
      let cw = this.cloudWatch.get(sourceId);
      if (!cw) {
        // The source's one CloudWatch client, asked for at each call (sources/ renews it when the AWS files change).
        const clientOf = (id: string) => {
          const current = this.options.connection(id);
          if (current?.kind !== 'aws') throw new Error(`Source "${id}" is no longer an AWS profile.`);
          return current.cloudWatch();
        };
        cw = new CloudWatchData({ client: () => clientOf(sourceId), ...(this.options.cloudWatchRetry ? { retry: this.options.cloudWatchRetry } : {}) });
        this.cloudWatch.set(sourceId, cw);
      }
      return cw.fetch(query, start, end, stepMs / 1000);
    }
    throw new ApiError('bad_request', `Source "${sourceId}" cannot answer a ${query.kind} query.`, 'query');
  }

  private fromCache(key: string, params: QueryParams, stepMs: number, stale: boolean, note: string | undefined, unit: MetricUnit): MetricQueryResult {
    const cached = this.cache.read(key, params.start, params.end);
    const step = cached.stepMs ?? stepMs;
    const missing = missingRanges(params.start, params.end, cached.covered, step);
    return {
      series: this.shape(cached.series, params, step),
      unit: ('unit' in params.query ? params.query.unit : undefined) ?? cached.unit ?? unit,
      stale,
      asOf: cached.fetchedAt,
      missing,
      stepMs: step,
      refreshMs: refreshIntervalMs(step),
      ...(note ? { note } : cached.fetchedAt === null ? { note: 'Nothing cached for this range yet.' } : {}),
    };
  }

  private shape(series: RawSeries[], params: QueryParams, stepMs: number): MetricSeries[] {
    const out: MetricSeries[] = [];
    for (const s of series) {
      const points = downsample(s.t, s.v, params.start, params.end, params.maxPoints, stepMs * 2);
      if (points.length > 0) out.push({ labels: s.labels, points });
    }
    return out;
  }

  /**
   * Samples a metrics.k8s.io query now if the last sample is older than the interval, and keeps
   * sampling it while charts keep asking. Returns why the history may be stale, or null.
   */
  private async sample(key: string, sourceId: string, query: KubeResourceQuery, connection: Extract<SourceConnection, { kind: 'kubernetes' }>): Promise<string | null> {
    const interval = this.options.kubeSampleMs ?? 15_000;
    let s = this.sampling.get(key);
    if (!s) {
      s = { sourceId, query, key, lastAskedAt: 0, lastSampleAt: 0, lastError: null, timer: null, inFlight: null };
      this.sampling.set(key, s);
    }
    s.lastAskedAt = this.now();
    if (this.now() - s.lastSampleAt >= interval && !s.inFlight) this.takeSample(s, connection);
    if (s.inFlight) await s.inFlight;
    if (!s.timer) this.scheduleSample(s);
    return s.lastError;
  }

  private takeSample(s: Sampling, connection: Extract<SourceConnection, { kind: 'kubernetes' }>): void {
    const interval = this.options.kubeSampleMs ?? 15_000;
    s.inFlight = Promise.resolve()
      .then(() => sampleKubeResource(connection.client(), s.query, this.controller.signal, this.now()))
      .then((sample) => {
        s.lastSampleAt = this.now();
        s.lastError = null;
        if (!this.closed) this.cache.append(s.key, sample.at, interval, defaultUnit(s.query), sample.series);
      })
      .catch((error: unknown) => {
        s.lastError = `metrics.k8s.io: ${error instanceof Error ? error.message : String(error)}`;
      })
      .finally(() => {
        s.inFlight = null;
      });
  }

  private scheduleSample(s: Sampling): void {
    const interval = this.options.kubeSampleMs ?? 15_000;
    const idle = this.options.kubeIdleMs ?? 30 * 60_000;
    s.timer = setTimeout(() => {
      s.timer = null;
      if (this.closed) return;
      if (this.now() - s.lastAskedAt > idle) {
        this.sampling.delete(s.key);
        return;
      }
      const source = this.options.sources.get(s.sourceId);
      const connection = this.options.connection(s.sourceId);
      if (source?.enabled && source.state === 'live' && connection?.kind === 'kubernetes' && !s.inFlight) this.takeSample(s, connection);
      this.scheduleSample(s);
    }, interval);
    s.timer.unref?.();
  }
}

function defaultUnit(query: MetricQuery): MetricUnit {
  if ('unit' in query && query.unit) return query.unit;
  if (query.kind === 'kube-resource') return query.resource === 'cpu' ? 'cores' : 'bytes';
  if (query.kind === 'cloudwatch-metric' && query.perSecond) return 'rate';
  return '';
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}
