import type { EstateLoad } from '../load/estate-load.js';
import { PodIndex } from '../load/pod-index.js';
import { podKeyHash } from '../load/estate-load.js';
import { latencyShareUnder, type ServiceLoad } from '../load/service-load.js';
import type { PodView, SandboxWorld, ServiceSpec } from '../world.js';
import { labelPairs } from './exposition.js';

/**
 * Per-pod cumulative counters (requests by method and code, latency histogram, CPU seconds),
 * advanced as simulated time passes. Counters only ever grow and restart from zero with a new
 * pod, as a real process's do, so PromQL's rate() and increase() read them correctly.
 */

/** Prometheus client libraries' default buckets, in seconds. */
export const LATENCY_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
export const METHODS = ['GET', 'POST'] as const;
export const CODES = ['200', '500', '503'] as const;
const METHOD_SHARE = [0.8, 0.2];
/** Of failed requests, the share the application answers 500 to; the rest are 503 (overload). */
const SHARE_500 = 0.7;
/** Tiers that serve HTTP and are instrumented with http_request_* metrics. */
const HTTP_TIERS = new Set(['frontend', 'api']);

export interface PodSeries {
  pod: PodView;
  service: ServiceSpec;
  http: boolean;
  /**
   * The labels an application's series get when the Prometheus Operator scrapes it through a
   * ServiceMonitor: namespace, pod, container, service, endpoint (the port's name) and job (the
   * Service's name). No cluster: that is the scraping Prometheus's to add, if it watches many.
   */
  labels: string;
  /** Cumulative requests per method × code, in METHODS × CODES order. */
  requests: Float64Array;
  /** Cumulative requests at or under each bucket bound. */
  buckets: Float64Array;
  count: number;
  durationSeconds: number;
  cpuSeconds: number;
  seen: number;
  podHash: number;
}

/**
 * How long after a scrape the counters keep being advanced on the world's tick. Prometheus
 * scrapes every 15 s to 1 min (kube-prometheus: 30 s); past twice the longest, nobody is reading.
 */
export const SCRAPED_RECENTLY_MS = 120_000;

export class PodTraffic {
  private readonly series = new PodIndex<PodSeries>();
  private lastAt: number;
  private generation = 0;
  private scrapedAt = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly world: SandboxWorld,
    private readonly load: EstateLoad,
  ) {
    this.lastAt = world.now();
  }

  /**
   * Whether the world's tick should advance the counters: while a scraper reads them, each step
   * takes the load and the pods of its own second. With none (a sandbox nobody points a
   * Prometheus at, as in the scale bench) a walk over every pod each second is work no one sees,
   * about 90 ms a second at 50,000 pods; the next scrape then catches the counters up in one
   * step (`scraped`), as a process's counters are only ever seen at a scrape.
   */
  scrapedRecently(now: number): boolean {
    return now - this.scrapedAt <= SCRAPED_RECENTLY_MS;
  }

  /** A scrape is about to read the counters: brings them up to `now`. */
  scraped(now: number): void {
    this.scrapedAt = now;
    this.advance(now);
  }

  /** Advances every pod's counters from the last call to `now`, using the load at `now`. */
  advance(now: number): void {
    const seconds = (now - this.lastAt) / 1000;
    this.lastAt = now;
    const generation = ++this.generation;
    const servicesById = new Map(this.load.specs().map((s) => [s.id, s]));
    const readyByService = new Map<string, number>();
    const pods = this.load.podsObservedAt(now) ?? [...this.world.pods()];
    for (const pod of pods) {
      if (pod.ready) readyByService.set(pod.serviceId, (readyByService.get(pod.serviceId) ?? 0) + 1);
    }
    const perService = new Map<string, { load: ServiceLoad | undefined; shares: number[] }>();
    for (const pod of pods) {
      const service = servicesById.get(pod.serviceId);
      if (!service) continue;
      let s = this.series.get(pod.cluster, pod.namespace, pod.name);
      if (!s) {
        s = this.newSeries(pod, service);
        this.series.set(pod.cluster, pod.namespace, pod.name, s);
      }
      s.pod = pod;
      s.seen = generation;
      if (seconds <= 0) continue;
      const running = pod.phase === 'Running';
      const cpuShare = this.load.cpuShareOfRequest(service.id, now, s.podHash, running, pod.ready, pod.crashing);
      s.cpuSeconds += ((pod.cpuRequestMilli * cpuShare) / 1000) * seconds;
      if (!s.http || !pod.ready) continue;
      let svc = perService.get(service.id);
      if (!svc) {
        const load = this.load.serviceAt(service.id, now);
        svc = { load, shares: load ? LATENCY_BUCKETS.map((le) => latencyShareUnder(load, le * 1000)) : [] };
        perService.set(service.id, svc);
      }
      const load = svc.load;
      const ready = readyByService.get(service.id) ?? 0;
      if (!load || ready === 0) continue;
      const n = (load.rps / ready) * seconds;
      const failed = n * Math.min(1, load.errorRatio);
      const ok = n - failed;
      for (let m = 0; m < METHODS.length; m++) {
        const share = METHOD_SHARE[m] as number;
        const base = m * CODES.length;
        s.requests[base] = (s.requests[base] as number) + ok * share;
        s.requests[base + 1] = (s.requests[base + 1] as number) + failed * SHARE_500 * share;
        s.requests[base + 2] = (s.requests[base + 2] as number) + failed * (1 - SHARE_500) * share;
      }
      for (let b = 0; b < LATENCY_BUCKETS.length; b++) s.buckets[b] = (s.buckets[b] as number) + n * (svc.shares[b] as number);
      s.count += n;
      s.durationSeconds += n * (load.p50Ms / 1000) * Math.exp((load.sigma * load.sigma) / 2);
    }
    this.series.retain((s) => s.seen === generation);
  }

  all(): Iterable<PodSeries> {
    return this.series.values();
  }

  get(cluster: string, namespace: string, name: string): PodSeries | undefined {
    return this.series.get(cluster, namespace, name);
  }

  private newSeries(pod: PodView, service: ServiceSpec): PodSeries {
    return {
      pod,
      service,
      http: HTTP_TIERS.has(service.tier) && service.baseRps > 0,
      labels: labelPairs({ namespace: pod.namespace, pod: pod.name, container: service.name, service: service.name, endpoint: 'http', job: service.name }),
      requests: new Float64Array(METHODS.length * CODES.length),
      buckets: new Float64Array(LATENCY_BUCKETS.length),
      count: 0,
      durationSeconds: 0,
      cpuSeconds: 0,
      seen: 0,
      podHash: podKeyHash(this.world.seed, pod),
    };
  }
}
