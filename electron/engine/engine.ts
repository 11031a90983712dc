import { backendSignalsFrom } from './metrics/backend-signals.js';
import type { BackendSignals } from './operations/backend-signals.js';
import type { AppInfo } from '../../shared/api/app.js';
import { createRouter } from './api/router.js';
import type { Router } from './api/router.js';
import { openDurableConnection, openStore } from './store/database.js';
import type { StoreDatabase } from './store/database.js';
import { SettingsStore } from './store/settings.js';
import { SourceRegistry } from './sources/source-registry.js';
import { Vault } from './connections/vault.js';
import type { SecretSealer } from './connections/vault.js';
import { EstateState } from './state/estate-state.js';
import { ApiError } from '../../shared/api/errors.js';
import { startSources } from './sources/start-sources.js';
import type { ConnectionSettings, SourceTuning } from './sources/start-sources.js';
import { AuditLog } from './store/audit-log.js';
import { OperationsService } from './operations/service.js';
import type { ClusterAccess } from './sources/kubernetes/cluster-access.js';
import { clusterAccessFromConnections } from './operations/connections-access.js';
import { operationHandlers, operationTopicHandlers } from './operations/handlers.js';
import { trafficHandlers } from './operations/traffic-handlers.js';
import { affectedEstateEvents, operationEstateEvent } from './operations/timeline.js';
import { MetricsService } from './metrics/metrics-service.js';
import type { MetricsServiceOptions } from './metrics/metrics-service.js';
import { metricsHandlers } from './metrics/handlers.js';
import { IncidentService } from './incidents/incident-service.js';
import { alertmanagerAccess } from './operations/alertmanager-access.js';
import type { TimelineItem } from '../../shared/api/incidents.js';
import type { PagerDutyTimelineItem } from '../../shared/api/pagerduty.js';
import { incidentHandlers, incidentTopicHandlers } from './incidents/handlers.js';
import os from 'node:os';
import { readFileSync } from 'node:fs';
import { loadPagerDutyConnections } from './connections/pagerduty-file.js';
import { PagerDutySources } from './providers/pagerduty/pagerduty-sources.js';
import { pagerdutyHandlers } from './providers/pagerduty/handlers.js';
import path from 'node:path';
import { resourcesDir } from './app-paths.js';
import { RunbookLibrary, runbookFolderProblem } from './runbooks/runbook-library.js';
import { RunService } from './runbooks/run-service.js';
import { RunbookUrls } from './runbooks/runbook-urls.js';
import { KubeApprovals } from './runbooks/approval.js';
import { withApproverContexts } from './runbooks/approver-contexts.js';
import { runbookHandlers, runTopicHandlers } from './runbooks/handlers.js';
import { logTopicHandlers } from './logs/handlers.js';
import type { LogSessionTuning } from './logs/log-session.js';
import { ObjectReader } from './objects/object-reader.js';
import { objectHandlers } from './objects/handlers.js';
import { ServiceCatalog } from './catalog/service-catalog.js';
import { catalogHandlers } from './catalog/handlers.js';
import { isProductionContext } from '../../shared/settings/production-patterns.js';
import { ScreenLinks } from './screens/screen-links.js';
import { DrillService } from './drills/drill-service.js';
import { DrillStore } from './drills/drill-store.js';
import { drillHandlers, drillTopicHandlers } from './drills/handlers.js';
import { upgradeHandlers } from './upgrades/handlers.js';
import { HttpSandboxAdmin } from './drills/sandbox-admin.js';
import { UnleashConnections } from './sources/unleash-connections.js';
import { unleashAccess } from './operations/unleash-access.js';
import { FlagBoard } from './flags/flag-board.js';
import { flagHandlers } from './flags/handlers.js';
import { FLAGS_ANNOTATION, parseFlagRefs } from '../../shared/flags/flag-refs.js';
import { PackedEstate } from './state/packed-estate.js';
import { KeptOverview } from './state/kept-overview.js';

export interface EngineOptions {
  /** How often estate.snapshot's result is checked against the contract (every Nth call; default 20). */
  contractSampleEvery?: number;
  mode: AppInfo['mode'];
  version: string;
  dataDir: string;
  readOnly: boolean;
  sealer: SecretSealer;
  /**
   * Seals the audit log's checkpoint file (store/audit-checkpoint.ts): on the desktop derived
   * from the safeStorage-sealed data key, in host mode from DAYTWO_VAULT_PASSPHRASE. Absent:
   * checkpoints are an unkeyed chain.
   */
  auditKey?: Buffer | null;
  /** True when the engine runs on its built-in sandbox estate. */
  sandbox?: boolean;
  /** The sandbox's admin API (its plain-HTTP base URL and bearer token), which drills start and stop scenarios through. */
  sandboxAdmin?: { url: string; token: string };
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
  /** Backstage catalog-info.yaml folders (--catalog, repeatable), read with those in settings. */
  catalogDirs?: string[];
  /** A scorecard rules file (--scorecards); default resources/scorecards/default.yaml. */
  scorecardRulesFile?: string;
  /** How long estate changes settle before scorecards are evaluated again (tests). */
  scorecardSettleMs?: number;
  /** Metrics tuning for tests: sampling interval, alert polling, CloudWatch retry, cache limits. */
  metricsTuning?: Pick<MetricsServiceOptions, 'kubeSampleMs' | 'kubeIdleMs' | 'alertIntervalMs' | 'cloudWatchRetry' | 'cache'>;
  /** Log tuning for tests: reconnect backoff, batch cadence. */
  logTuning?: LogSessionTuning;
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
  /** PagerDuty sources, their incidents and the note outbox (providers/pagerduty/pagerduty-sources.ts). */
  readonly pagerduty: PagerDutySources;
  /** Runbooks from every folder, and their runs (runbooks/). */
  readonly runbooks: RunbookLibrary;
  /** Screen links for wall displays; host mode authenticates their tokens here (screens/). */
  readonly screens: ScreenLinks;
  readonly runs: RunService;
  /** Services, owners and scorecards from live state (catalog/). */
  readonly catalog: ServiceCatalog;
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
  const estate = new EstateState({ db, sources, log, eventRetentionDays: settings.get().eventRetentionDays });
  // Kept packed between requests, so opening the console does not wait on packing it.
  // A source on its first list sends a frame per page: work over the whole estate waits for it.
  const isListing = (source: { state: string }): boolean => source.state === 'connecting';
  // Packed once every cluster's first list is over, not repeatedly through it.
  const packedEstate = new PackedEstate(estate, { holdWhile: () => sources.list().some(isListing) });
  // The overview the console draws while the snapshot is on its way (estate.overview).
  const keptOverview = new KeptOverview(estate, { holdWhile: () => sources.list().some(isListing) });
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
  const pagerduty = new PagerDutySources({
    db,
    registry: sources,
    connections: loadPagerDutyConnections(options.connections?.pagerdutyFiles ?? [], vault, (message) => log(message)),
    sandbox: options.sandbox ?? false,
    ...(options.sourceTuning?.pagerdutyIntervalMs !== undefined ? { intervalMs: options.sourceTuning.pagerdutyIntervalMs } : {}),
    log: (message) => log(message),
  });
  const audit = new AuditLog(db, { key: options.auditKey ?? null, log: (message) => log(message) });
  const clusters = options.clusterAccess ?? clusterAccessFromConnections(running ?? { kubeContexts: () => [], clusterGroups: () => [], kubeClient: () => undefined }, sources);
  // Operations, logs, the object view and approvals reach clusters through the same clients, handed out by sources/.
  const objects = new ObjectReader({ clusters, entity: (id) => estate.get(id), audit });
  // Unleash servers and their tokens (vault); flags on services read them and operations act through them.
  const unleash = new UnleashConnections(vault);
  // Drills are created after the services they watch; operations reach them through this slot.
  const late: { drills?: DrillService } = {};
  // Traffic-split plans read their backends' golden signals through metrics, created just below.
  const backendSignals: { reader?: BackendSignals } = {};
  const signals: BackendSignals = {
    read: (...args) => backendSignals.reader?.read(...args) ?? Promise.resolve(null),
    charts: (...args) => backendSignals.reader?.charts(...args) ?? Promise.resolve(null),
  };
  const operations = new OperationsService({
    signals,
    pagerduty: pagerduty.operationsAccess(),
    unleash: unleashAccess({
      connections: unleash,
      isProductionName: (name) => isProductionContext(name, settings.get().productionPatterns),
      usersOf: (project, feature) => workloadsNamingUnleash(estate, project, feature),
    }),
    alertmanager: alertmanagerAccess({ source: (id) => sources.get(id), connection: (id) => running?.connection(id), user: () => osUser() }),
    db,
    audit,
    clusters,
    productionPatterns: () => settings.get().productionPatterns,
    onTimelineEvent: (ended) => {
      const { sourceId, event } = operationEstateEvent(ended);
      estate.recordEvents(sourceId, [event]);
      for (const also of affectedEstateEvents(ended)) estate.recordEvents(also.sourceId, [also.event]);
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
      clusters: () => estate.find({ kinds: ['cluster'] }),
      events: (query) => estate.events.query(query),
    },
    connection: (id) => running?.connection(id),
    log: (message) => log(message),
    ...options.metricsTuning,
  });
  if (running) metrics.start();
  backendSignals.reader = backendSignalsFrom(metrics, () => sources.list());
  // Incident data goes through its own synchronous=FULL connection: a note acknowledged is a note on disk.
  const incidentDb = openDurableConnection(db);
  const incidents = new IncidentService({
    db: incidentDb,
    estate,
    events: estate.events,
    audit,
    user: () => osUser(),
    // Runs are created after incidents; by the time a timeline is read, `runs` exists.
    linked: async (incidentId): Promise<TimelineItem[]> => [...(await pagerduty.timelineOf(incidentId)).map(pagerdutyTimelineItem), ...runs.timelineOf(incidentId)],
  });
  // Each new note goes to every PagerDuty incident linked to it (queued while offline, original time kept).
  incidents.onNote((note, _incident, change) => {
    if (change === 'added') pagerduty.mirrorNote(note.incidentId, { text: note.text, occurredAt: note.occurredAt, author: note.author });
  });
  pagerduty.start();
  // --runbooks folders, then those in settings, then the bundled ones: the first to define an id wins.
  const runbookFolders = (fromSettings: readonly string[]) => [
    ...[...(options.runbookDirs ?? []), ...fromSettings].map((dir) => ({ origin: dir, dir })),
    { origin: 'bundled', dir: options.bundledRunbooksDir ?? path.join(resourcesDir(), 'runbooks') },
  ];
  const runbooks = new RunbookLibrary(runbookFolders(settings.get().runbookDirs));
  const runbookUrls = new RunbookUrls(path.join(options.dataDir, 'runbook-urls'));
  const runs = new RunService({
    db: incidentDb,
    // A runbook fetched from an alert's runbook_url runs like a bundled one.
    library: { get: (id) => runbookUrls.get(id) ?? runbooks.get(id) },
    operations,
    metrics: {
      query: (params) => metrics.query(params),
      prometheusSource: () => sources.list().find((s) => s.kind === 'prometheus' && s.enabled)?.id ?? null,
      // AWS source ids end in their region (`aws:<profile>/<region>`).
      awsSource: (region) => sources.list().find((s) => s.kind === 'aws' && s.enabled && (!region || s.id.endsWith(`/${region}`)))?.id ?? null,
    },
    estate,
    incidents: {
      declare: (params) => incidents.declare(params),
      get: (id) => incidents.get(id),
    },
    approvals: new KubeApprovals({ clusters: withApproverContexts(clusters, options.connections?.approverKubeconfigFiles ?? []), audit, osUser }),
    user: () => osUser(),
  });
  const bundledRules = path.join(resourcesDir(), 'scorecards', 'default.yaml');
  const catalog = new ServiceCatalog({
    db,
    estate,
    onEstateChange: (listener) => estate.subscribe(listener),
    onSourcesChange: (listener) => sources.subscribe(() => listener()),
    // Not while a cluster is on its first list: a pass then costs seconds at 50,000 pods and
    // grades services on half-listed kinds. The last one going live is a sources change, which
    // asks for the pass that reads the whole list.
    holdWhile: () => sources.list().some(isListing),
    sources: () => sources.list(),
    runbooks: () => runbooks.list().runbooks,
    kubeReasonCounts: (reason, since) => estate.events.reasonCounts('kubernetes', reason, since),
    isProduction: (context) => isProductionContext(context, settings.get().productionPatterns),
    catalogDirs: [...(options.catalogDirs ?? []), ...settings.get().catalogDirs],
    rulesFile: options.scorecardRulesFile ?? bundledRules,
    bundledRulesFile: bundledRules,
    ...(options.scorecardSettleMs !== undefined ? { settleMs: options.scorecardSettleMs } : {}),
    log,
  });
  // Reading catalog folders is asynchronous; until it ends the catalog shows the estate alone.
  const catalogStarted = catalog.start().catch((error: unknown) => log('The service catalog failed to start', error));
  const drills = new DrillService({
    store: new DrillStore(incidentDb),
    admin: options.sandboxAdmin ? new HttpSandboxAdmin(options.sandboxAdmin.url, options.sandboxAdmin.token) : null,
    incidents,
    runs,
    isSandboxContext: (context) => sources.get(`k8s:${context}`)?.sandbox === true,
    sandboxServices: () =>
      estate
        .find({ kinds: ['deployment'] })
        .filter((e) => sources.get(e.sourceId)?.sandbox === true)
        .map((e) => e.id.replace(/^k8s:([^/]+)\/([^/]+)\/Deployment\/(.+)$/, '$1/$2/$3')),
    dataDir: options.dataDir,
    // A past incident replays from its export, written exactly as incidents.export writes it.
    exportIncident: async (id) => {
      const outcome = await router.call('incidents.export', { id }, { transport: 'internal' });
      if (!outcome.ok) throw new ApiError(outcome.error.code, outcome.error.message);
      return readFileSync(path.join((outcome.result as { folder: string }).folder, 'timeline.json'), 'utf8');
    },
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

  const screens = new ScreenLinks(incidentDb);
  const flags = new FlagBoard({
    serviceOf: async (serviceId) => {
      await catalogStarted;
      const { service } = catalog.get(serviceId);
      return { workloads: service.workloads.map((w) => w.id), catalogFlags: service.featureFlags ?? null };
    },
    entity: (id) => estate.get(id),
    clusters,
    unleash,
    isProduction: (name) => isProductionContext(name, settings.get().productionPatterns),
  });

  const router = createRouter({
    readOnly: options.readOnly,
    log,
    // estate.snapshot is built from entities parsed where they entered (providers' records, the
    // cache's rows): re-checking 30,000 of them held first paint for up to 2 s. One call in
    // `contractSampleEvery` is still checked in full, so drift shows up in any longer session
    // and in the tests that ask for a snapshot often (tests may set it to 1).
    sampledResults: { methods: ['estate.snapshot', 'estate.packedSnapshot', 'estate.overview'], every: options.contractSampleEvery ?? 20 },
    handlers: {
      'app.info': () => info,
      'settings.get': () => ({ settings: settings.get() }),
      'settings.set': async ({ patch }) => {
        for (const [i, dir] of (patch.runbookDirs ?? []).entries()) {
          const problem = runbookFolderProblem(dir);
          if (problem) throw new ApiError('bad_request', problem, `patch.runbookDirs.${i}`);
        }
        const next = settings.update(patch);
        if (patch.runbookDirs) runbooks.setFolders(runbookFolders(next.runbookDirs));
        if (patch.catalogDirs) await catalog.setCatalogDirs([...(options.catalogDirs ?? []), ...next.catalogDirs]);
        return { settings: next };
      },
      'sources.list': () => ({ sources: sources.list() }),
      'sources.setEnabled': async ({ id, enabled }) => {
        if (!running || !sources.get(id)) throw new ApiError('not_found', `There is no source "${id}".`);
        return { source: await running.setEnabled(id, enabled) };
      },
      'screens.create': (params) => screens.create(params as Parameters<ScreenLinks['create']>[0]),
      'screens.list': () => ({ screens: screens.list() }),
      'screens.revoke': ({ id }) => ({ screen: screens.revoke(id) }),
      'estate.snapshot': () => estate.snapshot(),
      'estate.packedSnapshot': () => packedEstate.snapshot(),
      'estate.overview': () => keptOverview.answer(),
      'estate.entity': ({ id }) => {
        const detail = estate.detail(id);
        if (!detail) throw new ApiError('not_found', `No entity "${id}" is known: it was deleted, or its source has not listed it yet.`);
        return detail;
      },
      ...operationHandlers(operations, audit),
      ...trafficHandlers(operations, estate, signals),
      ...catalogHandlers(catalog, () => catalogStarted),
      ...metricsHandlers(metrics),
      ...runbookHandlers({
        library: runbooks,
        runs,
        estate: { get: (id) => estate.get(id), parent: (id) => estate.parent(id), clusters: () => estate.find({ kinds: ['cluster'] }) },
        mayPerform: (request) => operations.mayPerform(request),
        urls: runbookUrls,
        incident: (id) => {
          const incident = incidents.get(id);
          const alerts = metrics.alertList().filter((a) => incident.alertIds.includes(a.id));
          return { alerts: alerts.map((a) => ({ alertname: a.labels.alertname ?? a.name, labels: a.labels })), impacted: incident.impacted };
        },
      }),
      ...incidentHandlers({
        service: incidents,
        dataDir: options.dataDir,
        databaseFile: db.name,
        panels: async (id) => (await metrics.panels(id)).panels,
        query: (params) => metrics.query(params),
        alerts: { firing: () => metrics.alertList().filter((a) => a.state === 'firing') },
      }),
      ...pagerdutyHandlers(pagerduty),
      ...objectHandlers(objects),
      ...drillHandlers(drills),
      ...upgradeHandlers({ clusters, known: (id) => estate.get(id) !== undefined }),
      ...flagHandlers(flags, unleash),
    },
    topicHandlers: {
      ...operationTopicHandlers(operations),
      ...incidentTopicHandlers(incidents),
      ...runTopicHandlers(runs),
      ...logTopicHandlers({ clusters, entity: (id) => estate.get(id), log: (message) => log(message), tuning: options.logTuning }),
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
    pagerduty,
    runbooks,
    runs,
    catalog,
    screens,
    drills,
    info,
    async close() {
      drills.close();
      catalog.close();
      await metrics.close();
      await operations.close();
      await pagerduty.stop();
      await running?.stop();
      packedEstate.close();
      keptOverview.close();
      estate.close();
      screens.close();
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

/** A linked PagerDuty incident's log entry as an incident timeline item. */
function pagerdutyTimelineItem(entry: PagerDutyTimelineItem): TimelineItem {
  return {
    id: `pagerduty:${entry.id}`,
    kind: 'pagerduty',
    what: entry.title,
    detail: [entry.entryType, entry.agent, entry.detail].filter(Boolean).join(' · '),
    entityId: null,
    source: 'pagerduty',
    severity: 'info',
    occurredAt: entry.occurredAt,
    recordedAt: entry.recordedAt,
    late: entry.late,
    starred: false,
    hidden: false,
    originalOccurredAt: null,
  };
}

/** Workloads whose daytwo.io/feature-flags annotation names an Unleash feature: who a change to it reaches. */
function workloadsNamingUnleash(estate: EstateState, project: string, feature: string): { id: string; name: string }[] {
  return estate
    .find({ kinds: ['deployment', 'statefulset'] })
    .filter((e) => {
      const annotation = e.annotations[FLAGS_ANNOTATION];
      return annotation !== undefined && parseFlagRefs(annotation, '').refs.some((r) => r.backend === 'unleash' && r.project === project && r.feature === feature);
    })
    .map((e) => ({ id: e.id, name: e.name }));
}
