import type { EstateLoad } from '../load/estate-load.js';
import type { ReplicaCounts, SandboxWorld } from '../world.js';
import { ExpositionWriter, labelPairs } from './exposition.js';
import { CODES, LATENCY_BUCKETS, METHODS, type PodTraffic } from './pod-traffic.js';

/**
 * The body of GET /metrics: what a cluster's Prometheus would scrape from the applications,
 * cAdvisor and kube-state-metrics, merged into one target with a `cluster` label (as a
 * multi-cluster setup adds through external labels). Names follow kube-state-metrics:
 * https://github.com/kubernetes/kube-state-metrics/tree/main/docs/metrics
 */
const workloadLabelCache = new WeakMap<object, string>();

export function renderMetrics(world: SandboxWorld, load: EstateLoad, traffic: PodTraffic): ExpositionWriter {
  const now = world.now();
  traffic.advance(now);
  const out = new ExpositionWriter();
  const pods = [...traffic.all()];
  const httpPods = pods.filter((s) => s.http);
  const methodCode = METHODS.flatMap((method) => CODES.map((code) => `,code="${code}",method="${method}"`));
  const le = LATENCY_BUCKETS.map((b) => `,le="${b}"`);

  out.family('http_requests_total', 'counter', 'Total HTTP requests served by the pod, by status code and method.');
  for (const s of httpPods) {
    for (let i = 0; i < methodCode.length; i++) {
      out.sample2('http_requests_total', s.labels, methodCode[i] as string, Math.floor(s.requests[i] as number));
    }
  }

  out.family('http_request_duration_seconds', 'histogram', 'Time from receiving a request to sending the last byte of the response.');
  for (const s of httpPods) {
    for (let b = 0; b < le.length; b++) {
      out.sample2('http_request_duration_seconds_bucket', s.labels, le[b] as string, Math.floor(s.buckets[b] as number));
    }
    const count = Math.floor(s.count);
    out.sample2('http_request_duration_seconds_bucket', s.labels, ',le="+Inf"', count);
    out.sample('http_request_duration_seconds_sum', s.labels, Math.round(s.durationSeconds * 1000) / 1000);
    out.sample('http_request_duration_seconds_count', s.labels, count);
  }

  out.family('container_cpu_usage_seconds_total', 'counter', 'Cumulative cpu time consumed in seconds.');
  for (const s of pods) {
    if (s.pod.phase !== 'Running' && s.cpuSeconds === 0) continue;
    out.sample('container_cpu_usage_seconds_total', s.containerLabels, Math.round(s.cpuSeconds * 1000) / 1000);
  }

  out.family('container_memory_working_set_bytes', 'gauge', 'Current working set in bytes.');
  for (const s of pods) {
    if (s.pod.phase !== 'Running') continue;
    const share = load.memoryShareOfRequest(s.service.id, now, s.podHash, true, s.pod.crashing, s.pod.startedAt);
    out.sample('container_memory_working_set_bytes', s.containerLabels, Math.round(s.pod.memoryRequestMi * share * 1024 * 1024));
  }

  out.family('kube_pod_status_ready', 'gauge', 'Describes whether the pod is ready to serve requests.');
  for (const s of pods) {
    const ready = s.pod.ready;
    out.sample2('kube_pod_status_ready', s.podLabels, ',condition="true"', ready ? 1 : 0);
    out.sample2('kube_pod_status_ready', s.podLabels, ',condition="false"', ready ? 0 : 1);
    out.sample2('kube_pod_status_ready', s.podLabels, ',condition="unknown"', 0);
  }

  out.family('kube_pod_container_status_restarts_total', 'counter', 'The number of container restarts per container.');
  for (const s of pods) {
    out.sample('kube_pod_container_status_restarts_total', s.restartLabels, s.pod.restarts);
  }

  const deployments = world.services.filter((s) => s.workloadKind === 'Deployment');
  const statefulSets = world.services.filter((s) => s.workloadKind === 'StatefulSet');
  const workloadLabels = (s: (typeof world.services)[number], kind: 'deployment' | 'statefulset') => {
    let labels = workloadLabelCache.get(s);
    if (labels === undefined) {
      labels = labelPairs({ cluster: s.cluster, namespace: s.namespace, [kind]: s.name });
      workloadLabelCache.set(s, labels);
    }
    return labels;
  };

  const replicas = new Map(world.services.map((s) => [s.id, world.replicas(s.id)]));
  const count = (s: (typeof world.services)[number]) => replicas.get(s.id) as ReplicaCounts;
  out.family('kube_deployment_spec_replicas', 'gauge', 'Number of desired pods for a deployment.');
  for (const s of deployments) out.sample('kube_deployment_spec_replicas', workloadLabels(s, 'deployment'), count(s).desired);
  out.family('kube_deployment_status_replicas_available', 'gauge', 'The number of available replicas per deployment.');
  for (const s of deployments) out.sample('kube_deployment_status_replicas_available', workloadLabels(s, 'deployment'), count(s).available);
  out.family('kube_deployment_status_replicas_ready', 'gauge', 'The number of ready replicas per deployment.');
  for (const s of deployments) out.sample('kube_deployment_status_replicas_ready', workloadLabels(s, 'deployment'), count(s).ready);
  out.family('kube_deployment_status_replicas_updated', 'gauge', 'The number of updated replicas per deployment.');
  for (const s of deployments) out.sample('kube_deployment_status_replicas_updated', workloadLabels(s, 'deployment'), count(s).updated);
  out.family('kube_statefulset_replicas', 'gauge', 'Number of desired pods for a StatefulSet.');
  for (const s of statefulSets) out.sample('kube_statefulset_replicas', workloadLabels(s, 'statefulset'), count(s).desired);
  out.family('kube_statefulset_status_replicas_ready', 'gauge', 'The number of ready replicas per StatefulSet.');
  for (const s of statefulSets) out.sample('kube_statefulset_status_replicas_ready', workloadLabels(s, 'statefulset'), count(s).ready);

  out.family('kube_node_status_condition', 'gauge', 'The condition of a cluster node.');
  for (const node of world.nodes()) {
    const base = labelPairs({ cluster: node.cluster, node: node.name, condition: 'Ready' });
    out.sample('kube_node_status_condition', `${base},status="true"`, node.ready ? 1 : 0);
    out.sample('kube_node_status_condition', `${base},status="false"`, node.ready ? 0 : 1);
    out.sample('kube_node_status_condition', `${base},status="unknown"`, 0);
  }
  return out;
}
