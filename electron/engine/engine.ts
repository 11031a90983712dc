import type { AppInfo } from '../../shared/api/app.js';
import { createRouter } from './api/router.js';
import type { Router } from './api/router.js';
import { openDurableConnection, openStore } from './store/database.js';
import type { StoreDatabase } from './store/database.js';
import { SettingsStore } from './store/settings.js';
import { SourceRegistry } from './connections/source-registry.js';
import { Vault } from './connections/vault.js';
import type { SecretSealer } from './connections/vault.js';
import { EstateState } from './state/estate-state.js';
import { ApiError } from '../../shared/api/errors.js';
import { startSources } from './connections/start-sources.js';
import type { ConnectionSettings, SourceTuning } from './connections/start-sources.js';
import { kubeconfigPaths, loadKubeconfig } from './connections/kubeconfig.js';
import { AuditLog } from './store/audit-log.js';
import { OperationsService } from './operations/service.js';
import type { ClusterAccess } from './operations/cluster-access.js';
import { clusterAccessFromConnections } from './operations/connections-access.js';
import { operationHandlers, operationTopicHandlers } from './operations/handlers.js';
import { operationEstateEvent } from './operations/timeline.js';
import { MetricsService } from './metrics/metrics-service.js';
import type { MetricsServiceOptions } from './metrics/metrics-service.js';
import { metricsHandlers } from './metrics/handlers.js';
import { IncidentService } from './incidents/incident-service.js';
import { incidentHandlers, incidentTopicHandlers } from './incidents/handlers.js';
import os from 'node:os';
import path from 'node:path';
import { resourcesDir } from './app-paths.js';
import { RunbookLibrary } from './runbooks/runbook-library.js';
import { RunService } from './runbooks/run-service.js';
import { KubeApprovals } from './runbooks/approval.js';
import { runbookHandlers, runTopicHandlers } from './runbooks/handlers.js';
import { DrillService } from './drills/drill-service.js';
import { DrillStore } from './drills/drill-store.js';
import { drillHandlers, drillTopicHandlers } from './drills/handlers.js';
import { HttpSandboxAdmin } from './drills/sandbox-admin.js';

export interface EngineOptions {
  mode: AppInfo['mode'];
  version: string;
  dataDir: string;
  readOnly: boolean;
  sealer: SecretSealer;
  /** True when the engine runs on its built-in sandbox estate. */
  sandbox?: boolean;
  /** The sandbox's admin API (its plain-HTTP base URL), which drills start and stop scenarios through. */
  sandboxAdminUrl?: string;
  log?: (message: string, error?: unknown) => void;
  /**
   * Where connections come from (kubeconfig files, AWS files, Prometheus URLs); the engine loads
   * them and starts a provider per source. Omitted: no provider starts (tests of other parts).
   */
  connections?: ConnectionSettings;
  sourceTuning?: SourceTuning;
  /** Credentials and liveness for operations; default: the kubeconfig contexts in `connections` and their source status. */
  clusterAccess?: ClusterAccess;
  /** Operations tuning for tests: how often verification re-reads, and its default deadline. */
  operationTuning?: { pollIntervalMs?: number; verifyTimeoutMs?: number };
  /** Runbook folders (--runbooks, repeatable), read before the bundled ones: a team's runbook replaces a bundled one of the same name. */
  runbookDirs?: string[];
  /** Where the bundled runbooks are; default resources/runbooks beside the app. */
  bundledRunbooksDir?: string;
  /** Metrics tuning for tests: sampling interval, alert polling, CloudWatch retry, cache limits. */
  metricsTuning?: Pick<MetricsServiceOptions, 'kubeSampleMs' | 'kubeIdleMs' | 'alertIntervalMs' | 'cloudWatchRetry' | 'cache'>;
}

/**
 * The engine: everything Daytwo does, free of Electron, reachable only through its router.
 * Transports (IPC, HTTP/WS) own authentication; the engine owns validation and behaviour.
 */
export interface Engine {
  readonly router: Router;
  readonly sources: SourceRegistry;
  readonly db: StoreDatabase;
  readonly vault: Vault;
  /** The live estate; providers write to it as an EstateSink (state/estate-sink.ts). */
  readonly estate: EstateState;
  /** Plan → confirm → execute → verify → record (operations/service.ts). */
  readonly operations: OperationsService;
  readonly audit: AuditLog;
  /** Queries, panels, the series cache, alarms and alerts (metrics/metrics-service.ts). */
  readonly metrics: MetricsService;
  /** Declared incidents, their timelines and notes (incidents/incident-service.ts). */
  readonly incidents: IncidentService;
  /** Runbooks from every folder, and their runs (runbooks/). */
  readonly runbooks: RunbookLibrary;
  readonly runs: RunService;
  /** Drills on the sandbox and their scores (drills/). */
  readonly drills: DrillService;
  readonly info: AppInfo;
  close(): Promise<void>;
}

export function createEngine(options: EngineOptions): Engine {
  const log = options.log ?? ((message, error) => console.error(`[engine] ${message}`, error ?? ''));
  const db = openStore(options.dataDir);
  const settings = new SettingsStore(db);
  const sources = new SourceRegistry();
  const vault = new Vault(db, options.sealer);
  // Loads the cached estate now, before any provider starts, so the first snapshot has it.
  const estate = new EstateState({ db, sources, log });
  const running = options.connections
    ? startSources({
        registry: sources,
        sink: estate,
        vault,
        settings,
        connections: options.connections,
        sandbox: options.sandbox ?? false,
        tuning: options.sourceTuning,
        log: (message) => log(message),
      })
    : null;
  const audit = new AuditLog(db);
  const clusters =
    options.clusterAccess ??
    clusterAccessFromConnections(
      options.connections ? loadKubeconfig(options.connections.kubeconfigFiles ?? kubeconfigPaths(options.connections.env)).contexts : [],
      sources,
    );
  // Drills are created after the services they watch; operations reach them through this slot.
  const late: { drills?: DrillService } = {};
  const operations = new OperationsService({
    db,
    audit,
    clusters,
    productionPatterns: () => settings.get().productionPatterns,
    onTimelineEvent: (ended) => {
      const { sourceId, event } = operationEstateEvent(ended);
      estate.recordEvents(sourceId, [event]);
      late.drills?.onOperation(ended);
    },
    refusal: (context) => late.drills?.refusal(context) ?? null,
    log,
    ...options.operationTuning,
  });
  const metrics = new MetricsService({
    db,
    sources,
    estate: {
      get: (id) => estate.get(id),
      relationsOf: (id) => estate.relationsOf(id),
      sources: () => sources.list(),
      recordEvents: (sourceId, events) => estate.recordEvents(sourceId, events),
      alarms: () => estate.find({ kinds: ['alarm'] }),
      events: (query) => estate.events.query(query),
    },
    connection: (id) => running?.connection(id),
    log: (message) => log(message),
    ...options.metricsTuning,
  });
  if (running) metrics.start();
  // Incident data goes through its own synchronous=FULL connection: a note acknowledged is a note on disk.
  const incidentDb = openDurableConnection(db);
  const incidents = new IncidentService({
    db: incidentDb,
    estate: {
      get: (id) => estate.get(id),
      relationsOf: (id) => estate.detail(id)?.relations ?? [],
      childrenOf: (id) => estate.detail(id)?.children ?? [],
    },
    events: (ids, start, end, limit) => metrics.events(ids, start, end, limit),
    audit,
    user: () => osUser(),
  });
  const runbooks = new RunbookLibrary([
    ...(options.runbookDirs ?? []).map((dir) => ({ origin: dir, dir })),
    { origin: 'bundled', dir: options.bundledRunbooksDir ?? path.join(resourcesDir(), 'runbooks') },
  ]);
  const runs = new RunService({
    db: incidentDb,
    library: runbooks,
    operations,
    metrics: {
      query: (params) => metrics.query(params),
      prometheusSource: () => sources.list().find((s) => s.kind === 'prometheus' && s.enabled)?.id ?? null,
    },
    estate,
    incidents: {
      declare: (params) => incidents.declare(params),
      get: (id) => incidents.get(id),
      note: (params) => incidents.note(params),
    },
    approvals: new KubeApprovals({ clusters, audit, osUser }),
    user: () => osUser(),
  });
  const drills = new DrillService({
    store: new DrillStore(incidentDb),
    admin: options.sandboxAdminUrl ? new HttpSandboxAdmin(options.sandboxAdminUrl) : null,
    incidents,
    runs,
    isSandboxContext: (context) => sources.get(`k8s:${context}`)?.sandbox === true,
    sandboxServices: () =>
      estate
        .find({ kinds: ['deployment'] })
        .filter((e) => sources.get(e.sourceId)?.sandbox === true)
        .map((e) => e.id.replace(/^k8s:([^/]+)\/([^/]+)\/Deployment\/(.+)$/, '$1/$2/$3')),
    dataDir: options.dataDir,
    log,
  });
  late.drills = drills;
  const info: AppInfo = {
    name: 'Daytwo',
    version: options.version,
    mode: options.mode,
    readOnly: options.readOnly,
    dataDir: options.dataDir,
    sandbox: options.sandbox ?? false,
    startedAt: Date.now(),
  };

  const router = createRouter({
    readOnly: options.readOnly,
    log,
    handlers: {
      'app.info': () => info,
      'settings.get': () => ({ settings: settings.get() }),
      'settings.set': ({ patch }) => ({ settings: settings.update(patch) }),
      'sources.list': () => ({ sources: sources.list() }),
      'sources.setEnabled': async ({ id, enabled }) => {
        if (!running || !sources.get(id)) throw new ApiError('not_found', `There is no source "${id}".`);
        return { source: await running.setEnabled(id, enabled) };
      },
      'estate.snapshot': () => estate.snapshot(),
      'estate.entity': ({ id }) => {
        const detail = estate.detail(id);
        if (!detail) throw new ApiError('not_found', `No entity "${id}" is known: it was deleted, or its source has not listed it yet.`);
        return detail;
      },
      ...operationHandlers(operations, audit),
      ...metricsHandlers(metrics),
      ...runbookHandlers({
        library: runbooks,
        runs,
        estate: { get: (id) => estate.get(id), parent: (id) => estate.parent(id), sources: () => sources.list() },
        mayPerform: (request) => operations.mayPerform(request),
      }),
      ...incidentHandlers({
        service: incidents,
        dataDir: options.dataDir,
        databaseFile: db.name,
        panels: async (id) => (await metrics.panels(id)).panels,
        query: (params) => metrics.query(params),
        alerts: { firing: () => metrics.alertList().filter((a) => a.state === 'firing') },
      }),
      ...drillHandlers(drills),
    },
    topicHandlers: {
      ...operationTopicHandlers(operations),
      ...incidentTopicHandlers(incidents),
      ...runTopicHandlers(runs),
      ...drillTopicHandlers(drills),
      'sources.subscribe': (_params, push) => {
        push({ sources: sources.list() });
        return sources.subscribe((list) => push({ sources: list }));
      },
      'estate.subscribe': (_params, push) => {
        // An empty first frame tells the client the subscription is live and where the engine is,
        // so it can take the snapshot and drop frames the snapshot already holds.
        const empty = { upserted: [], removed: [], relationsUpserted: [], relationsRemoved: [], events: [] };
        push({ frame: estate.currentFrame, asOf: Date.now(), ...empty });
        return estate.subscribe(push);
      },
    },
  });

  return {
    router,
    sources,
    db,
    vault,
    estate,
    operations,
    audit,
    metrics,
    incidents,
    runbooks,
    runs,
    drills,
    info,
    async close() {
      drills.close();
      await metrics.close();
      await operations.close();
      await running?.stop();
      estate.close();
      incidentDb.close();
      db.close();
    },
  };
}

function osUser(): string {
  try {
    return os.userInfo().username;
  } catch {
    // No passwd entry (some containers): still say something a person recognises.
    return process.env['USER'] ?? 'unknown';
  }
}
