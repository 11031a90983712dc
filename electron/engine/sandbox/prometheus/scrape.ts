import type { EstateLoad } from '../load/estate-load.js';
import type { Pod } from '../kube/types.js';
import type { SandboxWorld } from '../world.js';
import { renderAppMetrics } from './app-metrics.js';
import { renderCadvisor } from './cadvisor.js';
import { ExpositionWriter, labelPairs } from './exposition.js';
import { renderKubeStateMetrics } from './kube-state-metrics.js';
import type { PodSeries, PodTraffic } from './pod-traffic.js';

/**
 * What the sandbox's Prometheus endpoints serve. Two shapes, both as real set-ups look:
 *
 * - One Prometheus per cluster, as kube-prometheus-stack installs it: three scrape targets per
 *   cluster, `GET /metrics/<exporter>?cluster=<name>` for exporter kube-state-metrics, cadvisor
 *   and apps. Series carry no `cluster` label; `job` (and cAdvisor's `metrics_path`) come from
 *   the scrape configuration, as they do from a ServiceMonitor (see scrape-config.ts).
 * - Many clusters in one Prometheus, as federation, Thanos or Mimir present them: `GET /metrics`
 *   holds every cluster, each series with its `cluster` and the `job` it was scraped under
 *   (scrape it with honor_labels, as one scrapes /federate).
 *
 * Every series is computed from live state: the kube store's objects (kube-state-metrics), and
 * the load model's per-pod counters (cAdvisor, the applications).
 */
export const EXPORTERS = ['kube-state-metrics', 'cadvisor', 'apps'] as const;
export type Exporter = (typeof EXPORTERS)[number];

export function isExporter(name: string): name is Exporter {
  return (EXPORTERS as readonly string[]).includes(name);
}

/** The label prefix for a series' target labels: `a="x",b="y",`, or '' for none. */
function targetPrefix(labels: Record<string, string>): string {
  return Object.keys(labels).length > 0 ? `${labelPairs(labels)},` : '';
}

function render(out: ExpositionWriter, world: SandboxWorld, load: EstateLoad, traffic: PodTraffic, cluster: string, exporter: Exporter, target: Record<string, string>): void {
  if (exporter === 'kube-state-metrics') {
    renderKubeStateMetrics(out, (resource) => world.objects(cluster, resource), targetPrefix(target));
  } else if (exporter === 'cadvisor') {
    const seriesOf = (pod: Pod) => traffic.get(cluster, pod.metadata.namespace ?? '', pod.metadata.name);
    renderCadvisor(out, world.objects(cluster, 'pods') as Pod[], seriesOf, load, world.now(), targetPrefix(target));
  } else {
    const pods: PodSeries[] = [];
    for (const s of traffic.all()) if (s.pod.cluster === cluster) pods.push(s);
    renderAppMetrics(out, pods, targetPrefix(target));
  }
}

/** One cluster's target for one exporter: no cluster label, the job left to the scrape configuration. */
export function renderTarget(world: SandboxWorld, load: EstateLoad, traffic: PodTraffic, cluster: string, exporter: Exporter): ExpositionWriter {
  // kube-state-metrics reads objects only; the other two read the per-pod counters, brought up to now.
  if (exporter !== 'kube-state-metrics') traffic.scraped(world.now());
  const out = new ExpositionWriter();
  render(out, world, load, traffic, cluster, exporter, {});
  return out;
}

/** The job and target labels each exporter's series have in kube-prometheus. */
const JOB_LABELS: Record<Exporter, Record<string, string>> = {
  'kube-state-metrics': { job: 'kube-state-metrics' },
  cadvisor: { job: 'kubelet', metrics_path: '/metrics/cadvisor' },
  // An application's job is its Service's name, already among its own labels.
  apps: {},
};

/**
 * Every cluster in one body, federation-style. The exposition format wants each family's
 * samples together, so each exporter's families are written once with all clusters' samples.
 */
export function renderMetrics(world: SandboxWorld, load: EstateLoad, traffic: PodTraffic): ExpositionWriter {
  traffic.scraped(world.now());
  const out = new ExpositionWriter();
  for (const exporter of EXPORTERS) {
    const byFamily = new Map<string, ExpositionWriter>();
    for (const cluster of world.clusters) {
      const part = new ExpositionWriter();
      render(part, world, load, traffic, cluster.name, exporter, { cluster: cluster.name, ...JOB_LABELS[exporter] });
      byFamily.set(cluster.name, part);
    }
    mergeFamilies(out, [...byFamily.values()]);
  }
  return out;
}

/** Writes the families of several bodies that announce the same families in the same order, each family's samples together. */
function mergeFamilies(out: ExpositionWriter, parts: ExpositionWriter[]): void {
  const split = parts.map((p) => splitFamilies(p.toString()));
  const first = split[0];
  if (!first) return;
  for (let f = 0; f < first.length; f++) {
    out.raw((first[f] as { header: string }).header);
    for (const families of split) out.raw(families[f]?.body ?? '');
  }
}

function splitFamilies(text: string): { header: string; body: string }[] {
  const out: { header: string; body: string }[] = [];
  let at = 0;
  while (at < text.length) {
    const helpEnd = text.indexOf('\n', at);
    const typeEnd = text.indexOf('\n', helpEnd + 1);
    const next = text.indexOf('\n# HELP ', typeEnd);
    const end = next === -1 ? text.length : next + 1;
    out.push({ header: text.slice(at, typeEnd + 1), body: text.slice(typeEnd + 1, end) });
    at = end;
  }
  return out;
}
