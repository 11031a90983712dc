import { EXPORTERS, type Exporter } from './scrape.js';

/**
 * Prometheus `scrape_configs` for the sandbox, in the shape kube-prometheus's ServiceMonitors
 * give a cluster's Prometheus: job `kube-state-metrics` (honorLabels, as its ServiceMonitor
 * sets), job `kubelet` at `/metrics/cadvisor` with the path copied into a `metrics_path` label
 * (the relabelling kube-prometheus's kubelet ServiceMonitor does, and its rules select on), and
 * the applications scraped with honorLabels so each keeps its own `job`, as a ServiceMonitor per
 * application would name it. All clusters share the sandbox's one address, so each target asks
 * for its cluster with a `cluster` URL parameter (`__param_cluster`), which becomes no label.
 *
 * `clusterLabel: true` is the multi-cluster shape: each target also carries a `cluster` label,
 * as one Prometheus scraping many clusters (or Thanos/Mimir behind per-cluster external labels)
 * presents them.
 * https://github.com/prometheus-operator/kube-prometheus/blob/main/manifests/kubernetesControlPlane-serviceMonitorKubelet.yaml
 */
export interface ScrapeConfig {
  job_name: string;
  metrics_path: string;
  honor_labels: boolean;
  static_configs: { targets: string[]; labels: Record<string, string> }[];
  relabel_configs?: { source_labels: string[]; target_label: string }[];
}

const JOBS: Record<Exporter, { job: string; path: string; honorLabels: boolean; pathLabel: boolean }> = {
  'kube-state-metrics': { job: 'kube-state-metrics', path: '/metrics/kube-state-metrics', honorLabels: true, pathLabel: false },
  cadvisor: { job: 'kubelet', path: '/metrics/cadvisor', honorLabels: true, pathLabel: true },
  apps: { job: 'apps', path: '/metrics/apps', honorLabels: true, pathLabel: false },
};

/** `address` is the sandbox's host:port; `clusters` the clusters this Prometheus watches. */
export function sandboxScrapeConfigs(address: string, clusters: readonly string[], options: { clusterLabel?: boolean } = {}): ScrapeConfig[] {
  return EXPORTERS.map((exporter) => {
    const j = JOBS[exporter];
    return {
      job_name: j.job,
      metrics_path: j.path,
      honor_labels: j.honorLabels,
      static_configs: clusters.map((cluster) => ({
        targets: [address],
        labels: { __param_cluster: cluster, ...(options.clusterLabel ? { cluster } : {}) },
      })),
      ...(j.pathLabel ? { relabel_configs: [{ source_labels: ['__metrics_path__'], target_label: 'metrics_path' }] } : {}),
    };
  });
}
