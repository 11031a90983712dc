import { type PrometheusEndpoint, queryInstant } from './http-api.js';

/**
 * Which of the estate's clusters a Prometheus covers, and what it has for their workloads,
 * learned from the series themselves rather than assumed.
 *
 * kube-prometheus-stack gives each cluster its own Prometheus, and its series carry no
 * `cluster` label; federation, Thanos and Mimir add one (from external or target labels). So
 * Daytwo reads the pods the server knows (kube-state-metrics' kube_pod_info, cAdvisor's
 * container series, applications' request series) grouped by `cluster`, and matches them to the
 * pods of each Kubernetes context in the estate: the context whose pods it holds is the
 * cluster it covers, under that `cluster` value, or under none. Viewer and admin contexts of
 * one cluster hold the same pods, so both match.
 *
 * The same inventory says which signals exist for a workload: request metrics by Service
 * (`service` label, as a ServiceMonitor scrape sets it) and container metrics by pod.
 */

/** One cluster as a Prometheus sees it. */
export interface ClusterSeries {
  /** The `cluster` label value its series carry, or null when they carry none (one Prometheus per cluster). */
  clusterLabel: string | null;
  /** `namespace/service` with http_requests_total. */
  requestServices: Set<string>;
  /** `namespace/service` with the http_request_duration_seconds histogram. */
  latencyServices: Set<string>;
  /** `namespace` → pod names with cAdvisor container series. */
  containerPods: Map<string, string[]>;
}

export interface Coverage {
  /** When it was learned (epoch ms). */
  learnedAt: number;
  /** By Kubernetes context (the estate's cluster entity `k8s:<context>`). */
  byContext: Map<string, ClusterSeries>;
  /** `cluster` label values the server has that match no context in the estate. */
  unmatched: string[];
}

/** What coverage needs of the estate: does this context have this pod? */
export interface PodDirectory {
  contexts(): string[];
  /** The cluster name a context points at (its cluster entity's status.cluster), if known. */
  clusterName(context: string): string | undefined;
  hasPod(context: string, namespace: string, pod: string): boolean;
}

type Row = Record<string, string>;

const PODS = 'group by (cluster, namespace, pod) (kube_pod_info or container_cpu_usage_seconds_total{container!=""} or http_requests_total)';
const CONTAINER_PODS = 'group by (cluster, namespace, pod) (container_cpu_usage_seconds_total{container!="", container!="POD"})';
const REQUESTS = 'group by (cluster, namespace, service) (http_requests_total)';
const LATENCY = 'group by (cluster, namespace, service) (http_request_duration_seconds_bucket)';
/** Pods sampled per `cluster` value to match; enough to tell clusters apart, cheap at 50,000 pods. */
const SAMPLE = 500;

export async function learnCoverage(endpoint: PrometheusEndpoint, estate: PodDirectory, now: number, signal?: AbortSignal): Promise<Coverage> {
  const rows = async (expr: string): Promise<Row[]> => (await queryInstant(endpoint, expr, now, signal)).map((s) => s.labels);
  const [pods, containerPods, requests, latency] = await Promise.all([rows(PODS), rows(CONTAINER_PODS), rows(REQUESTS), rows(LATENCY)]);

  const byLabel = new Map<string, Row[]>();
  for (const r of pods) {
    const key = r.cluster ?? '';
    const list = byLabel.get(key) ?? [];
    if (list.length < SAMPLE) list.push(r);
    byLabel.set(key, list);
  }
  const contexts = estate.contexts();
  const byContext = new Map<string, ClusterSeries>();
  const unmatched: string[] = [];
  for (const [label, sample] of byLabel) {
    let best = 0;
    let matched: string[] = [];
    for (const context of contexts) {
      let hits = 0;
      for (const r of sample) if (r.namespace && r.pod && estate.hasPod(context, r.namespace, r.pod)) hits++;
      if (hits > best) {
        best = hits;
        matched = [context];
      } else if (hits === best && hits > 0) matched.push(context);
    }
    // A labelled cluster whose pods the estate has not listed yet still matches by name.
    if (matched.length === 0 && label) matched = contexts.filter((c) => c === label || estate.clusterName(c) === label);
    if (matched.length === 0) {
      if (label) unmatched.push(label);
      continue;
    }
    for (const context of matched) byContext.set(context, { clusterLabel: label || null, requestServices: new Set(), latencyServices: new Set(), containerPods: new Map() });
  }

  const clustersFor = (r: Row) => [...byContext.values()].filter((c) => (c.clusterLabel ?? '') === (r.cluster ?? ''));
  for (const r of requests) for (const c of clustersFor(r)) if (r.namespace && r.service) c.requestServices.add(`${r.namespace}/${r.service}`);
  for (const r of latency) for (const c of clustersFor(r)) if (r.namespace && r.service) c.latencyServices.add(`${r.namespace}/${r.service}`);
  for (const r of containerPods) {
    if (!r.namespace || !r.pod) continue;
    for (const c of clustersFor(r)) {
      const list = c.containerPods.get(r.namespace) ?? [];
      list.push(r.pod);
      c.containerPods.set(r.namespace, list);
    }
  }
  return { learnedAt: now, byContext, unmatched: unmatched.sort() };
}

/** True when some pod in `namespace` is named as a pod of workload `name` (`<name>-…`). */
export function hasPodsOf(series: ClusterSeries, namespace: string, name: string): boolean {
  return series.containerPods.get(namespace)?.some((pod) => pod.startsWith(`${name}-`)) ?? false;
}

export interface CoverageBookOptions {
  directory: PodDirectory;
  /** A live source's endpoint; undefined when the source is not live (its last coverage stays). */
  endpoint: (sourceId: string) => PrometheusEndpoint | undefined;
  /** Relearn after this long (ms). Default 60 s: scrape targets come and go slowly. */
  maxAgeMs?: number;
  /** How long a caller waits for a first answer before deriving without it (ms). Default 5 s. */
  waitMs?: number;
  now?: () => number;
  log?: (message: string) => void;
}

/**
 * The coverage of every Prometheus source, learned on demand and kept: a source that goes
 * offline keeps what was learned last, so its cached charts are still offered.
 */
export class CoverageBook {
  private readonly learned = new Map<string, Coverage>();
  private readonly inFlight = new Map<string, Promise<void>>();
  private readonly controller = new AbortController();

  constructor(private readonly options: CoverageBookOptions) {}

  get(sourceId: string): Coverage | undefined {
    return this.learned.get(sourceId);
  }

  /** Relearns what is stale for these sources, waiting at most `waitMs` for the answers. */
  async refresh(sourceIds: readonly string[]): Promise<void> {
    const now = (this.options.now ?? Date.now)();
    const pending: Promise<void>[] = [];
    for (const id of sourceIds) {
      const last = this.learned.get(id);
      // Until something matched, the estate may simply not have listed its pods yet: ask again soon.
      const maxAge = last && last.byContext.size === 0 ? 5_000 : (this.options.maxAgeMs ?? 60_000);
      if (last && now - last.learnedAt < maxAge) continue;
      const endpoint = this.options.endpoint(id);
      if (!endpoint) continue;
      let run = this.inFlight.get(id);
      if (!run) {
        run = learnCoverage(endpoint, this.options.directory, now, this.controller.signal)
          .then((c) => {
            this.learned.set(id, c);
          })
          .catch((error: unknown) => this.options.log?.(`Prometheus coverage of ${id}: ${error instanceof Error ? error.message : String(error)}`))
          .finally(() => this.inFlight.delete(id));
        this.inFlight.set(id, run);
      }
      pending.push(run);
    }
    if (pending.length === 0) return;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, this.options.waitMs ?? 5_000);
    });
    await Promise.race([Promise.all(pending), timeout]);
    clearTimeout(timer);
  }

  close(): void {
    this.controller.abort();
  }
}
