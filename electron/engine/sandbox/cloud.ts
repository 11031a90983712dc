import { readFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { AlarmBook } from './cloudwatch/alarms.js';
import { MetricCatalog } from './cloudwatch/catalog.js';
import { CloudWatchEndpoint } from './cloudwatch/cloudwatch-endpoint.js';
import { EstateLoad } from './load/estate-load.js';
import { targetOperation } from './cloudwatch/protocol.js';
import type { CloudRoute, PlainHttpGuard } from './plain-http-guard.js';
import { CONTENT_TYPE as EXPOSITION_CONTENT_TYPE } from './prometheus/exposition.js';
import { PodTraffic } from './prometheus/pod-traffic.js';
import { type Exporter, isExporter, renderMetrics, renderTarget } from './prometheus/scrape.js';
import { defaultScenarioDir } from './scenarios/scenario-dir.js';
import { loadScenarios, parseScenario } from './scenarios/scenario-file.js';
import { ScenarioDeck } from './scenarios/scenario-deck.js';
import { registryRoute } from './registry-route.js';
import { nodeGroupRoute } from './node-group-route.js';
import type { SandboxWorld } from './world.js';

/**
 * The sandbox's cloud and metrics side, mounted on the sandbox's one HTTP server:
 * CloudWatch (awsJson1_0, POST / with X-Amz-Target), Prometheus exposition (/metrics), and the
 * scenario admin endpoints (/sandbox/...). Returns false for requests it does not serve.
 */
export interface CloudSide {
  handle(req: IncomingMessage, res: ServerResponse, url: URL): Promise<boolean>;
  /** Starts a scenario by name at runtime; throws with a clear message for an unknown name. */
  startScenario(name: string): void;
  stop(): void;
}

export interface CloudSideOptions {
  /**
   * Scenario to start at launch: a name (file under resources/scenarios/ without extension), or
   * the path of a scenario file anywhere, which joins the deck under its own name.
   */
  scenario?: string;
  /** Where scenario files are read from; resources/scenarios by default. */
  scenarioDir?: string;
  /** Host and credential checks (plain-http-guard.ts); startSandbox always sets one. */
  guard?: PlainHttpGuard;
}

/** What the cloud side exposes beyond CloudSide, for tests and the drills engine. */
export interface CloudSideInternals extends CloudSide {
  readonly load: EstateLoad;
  readonly alarms: AlarmBook;
  readonly catalog: MetricCatalog;
  readonly cloudwatch: CloudWatchEndpoint;
  readonly scenarios: ScenarioDeck;
  metricsText(): string;
  /** The /metrics body as served. */
  metricsBody(): Buffer;
  /** One cluster's target body, as GET /metrics/<exporter>?cluster=<name> serves it. */
  targetText(cluster: string, exporter: Exporter): string;
}

/** The load model's bookkeeping is cheap per pod but runs over every pod: not on every tick. */
const OBSERVE_EVERY_MS = 500;
const ADVANCE_TRAFFIC_EVERY_MS = 1000;

export function attachCloud(world: SandboxWorld, options: CloudSideOptions): CloudSideInternals {
  const load = new EstateLoad(world);
  world.attachLoad(load);
  const catalog = new MetricCatalog(load, world.clusters, world.seed);
  const aws = world.clusters.find((c) => c.cloud === 'aws');
  const alarms = new AlarmBook(catalog, load, aws?.region ?? 'us-east-1', aws?.account ?? '000000000000');
  const cloudwatch = new CloudWatchEndpoint(catalog, alarms, () => world.now());
  const traffic = new PodTraffic(world, load);
  const outside = options.scenario && /\.(ya?ml|json)$/.test(options.scenario) ? parseScenario(readFileSync(options.scenario, 'utf8'), options.scenario) : null;
  const bundled = loadScenarios(options.scenarioDir ?? defaultScenarioDir()).filter((d) => d.name !== outside?.name);
  const scenarios = new ScenarioDeck(outside ? [...bundled, outside] : bundled, world, load, alarms);

  let lastObserved = world.now();
  let lastAdvanced = world.now();
  const unsubscribe = world.onTick((now) => {
    if (now - lastObserved >= OBSERVE_EVERY_MS) {
      lastObserved = now;
      load.observe(now);
      alarms.evaluate(now);
      scenarios.tick(now);
    }
    if (now - lastAdvanced >= ADVANCE_TRAFFIC_EVERY_MS && traffic.scrapedRecently(now)) {
      lastAdvanced = now;
      if (now !== lastObserved) {
        lastObserved = now;
        load.observe(now);
      }
      traffic.advance(now);
    }
  });

  if (options.scenario) scenarios.start(outside?.name ?? options.scenario);

  const scrape = () => {
    load.observe(world.now());
    return renderMetrics(world, load, traffic);
  };

  /** GET /metrics/<exporter>?cluster=<name>: one cluster's target, as kube-prometheus scrapes it (see prometheus/scrape.ts). */
  const targetRoute = (req: IncomingMessage, res: ServerResponse, url: URL): true => {
    const exporter = url.pathname.slice('/metrics/'.length);
    const cluster = url.searchParams.get('cluster') ?? '';
    const refuse = (status: number, text: string): true => {
      res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8' });
      res.end(`${text}\n`);
      return true;
    };
    if (!isExporter(exporter)) return refuse(404, `No exporter "${exporter}"; have kube-state-metrics, cadvisor, apps.`);
    if (!world.clusters.some((c) => c.name === cluster)) {
      return refuse(404, `No cluster "${cluster}" (pass ?cluster=<name>; have ${world.clusters.map((c) => c.name).join(', ')}).`);
    }
    load.observe(world.now());
    const body = renderTarget(world, load, traffic, cluster, exporter).toBuffer();
    res.writeHead(200, { 'content-type': EXPOSITION_CONTENT_TYPE, 'content-length': body.length });
    res.end(req.method === 'HEAD' ? undefined : body);
    return true;
  };

  return {
    load,
    alarms,
    catalog,
    cloudwatch,
    scenarios,
    metricsText: () => scrape().toString(),
    metricsBody: () => scrape().toBuffer(),
    targetText: (cluster, exporter) => {
      load.observe(world.now());
      return renderTarget(world, load, traffic, cluster, exporter).toString();
    },
    async handle(req, res, url) {
      const route = cloudRoute(req, url);
      if (route === null) return false;
      if (options.guard && !options.guard(route, req, res)) return true;
      if (await cloudwatch.handle(req, res, url)) return true;
      if (url.pathname === '/metrics' && (req.method === 'GET' || req.method === 'HEAD')) {
        const body = scrape().toBuffer();
        res.writeHead(200, { 'content-type': EXPOSITION_CONTENT_TYPE, 'content-length': body.length });
        res.end(req.method === 'HEAD' ? undefined : body);
        return true;
      }
      if (url.pathname.startsWith('/metrics/') && (req.method === 'GET' || req.method === 'HEAD')) return targetRoute(req, res, url);
      if (url.pathname === '/sandbox/cloudwatch/throttle') return throttleRoute(req, res, cloudwatch);
      if (url.pathname === '/sandbox/registry/images') return registryRoute(req, res, world);
      if (url.pathname.startsWith('/sandbox/clusters/')) return nodeGroupRoute(req, res, url, world).then((served) => served || scenarios.handle(req, res, url));
      return scenarios.handle(req, res, url);
    },
    startScenario(name) {
      scenarios.start(name);
    },
    stop() {
      unsubscribe();
      scenarios.stopAll();
    },
  };
}

/** Which of the cloud side's endpoints a request is for; null for everything else (Kubernetes). */
function cloudRoute(req: IncomingMessage, url: URL): CloudRoute | null {
  if (targetOperation(req, url) !== null) return 'cloudwatch';
  if (url.pathname === '/metrics' || url.pathname.startsWith('/metrics/')) return 'metrics';
  if (url.pathname === '/sandbox' || url.pathname.startsWith('/sandbox/')) return 'admin';
  return null;
}

/**
 * POST /sandbox/cloudwatch/throttle {"count": N, "operation"?: "GetMetricData"}: the next N
 * CloudWatch calls (of that operation only, when one is named) get Throttling.
 */
async function throttleRoute(req: IncomingMessage, res: ServerResponse, cloudwatch: CloudWatchEndpoint): Promise<true> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const send = (status: number, body: object) => {
    const text = JSON.stringify(body);
    res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
    res.end(text);
    return true as const;
  };
  if (req.method !== 'POST') return send(405, { error: 'Use POST with {"count": N}.' });
  let count: unknown;
  let operation: unknown;
  try {
    ({ count, operation } = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}') as { count?: unknown; operation?: unknown });
  } catch {
    return send(400, { error: 'Body must be JSON: {"count": N}.' });
  }
  if (typeof count !== 'number' || !Number.isInteger(count) || count < 0 || count > 1000) {
    return send(400, { error: '"count" must be an integer from 0 to 1000.' });
  }
  if (operation !== undefined && (typeof operation !== 'string' || !/^[A-Z][A-Za-z]{1,63}$/.test(operation))) {
    return send(400, { error: '"operation", when given, must be a CloudWatch operation name such as "GetMetricData".' });
  }
  cloudwatch.throttleNext(count, operation ?? null);
  return send(200, { throttleNext: count, ...(operation !== undefined ? { operation } : {}) });
}
