import type { EstateLoad } from '../load/estate-load.js';
import type { Pod } from '../kube/types.js';
import { type ExpositionWriter, labelPairs } from './exposition.js';
import type { PodSeries } from './pod-traffic.js';

/**
 * The kubelet's embedded cAdvisor (`/metrics/cadvisor`) for one cluster: per-container CPU and
 * memory, with the labels cAdvisor writes (container, id, image, name, namespace, pod) plus the
 * `node` the Prometheus Operator attaches to kubelet targets. kube-prometheus's recording rules
 * select `image!=""`, which is how cAdvisor's per-container series differ from its pod and
 * pause-container cgroups; those cgroup series are not simulated, so a sum over a pod's series
 * never counts a container twice.
 * https://github.com/google/cadvisor/blob/master/docs/storage/prometheus.md
 *
 * Only pods the load model knows (those of the estate's services) have usage to report.
 */
export function renderCadvisor(
  out: ExpositionWriter,
  pods: readonly Pod[],
  seriesOf: (pod: Pod) => PodSeries | undefined,
  load: EstateLoad,
  now: number,
  target: string,
): void {
  const rows: { labels: string; series: PodSeries; memory: number }[] = [];
  for (const pod of pods) {
    const series = seriesOf(pod);
    if (!series) continue;
    const status = pod.status.containerStatuses?.[0];
    const container = pod.spec.containers[0];
    if (!status || !container) continue;
    const running = series.pod.phase === 'Running';
    if (!running && series.cpuSeconds === 0) continue;
    const qos = typeof pod.status.qosClass === 'string' ? pod.status.qosClass.toLowerCase() : 'burstable';
    const containerId = (status.containerID ?? '').replace(/^[a-z]+:\/\//, '');
    const labels =
      target +
      labelPairs({
        container: container.name,
        id: `/kubepods.slice/kubepods-${qos}.slice/kubepods-${qos}-pod${pod.metadata.uid.replace(/-/g, '_')}.slice/cri-containerd-${containerId}.scope`,
        image: status.image,
        name: containerId,
        namespace: pod.metadata.namespace ?? '',
        pod: pod.metadata.name,
        node: pod.spec.nodeName ?? '',
      });
    const share = running ? load.memoryShareOfRequest(series.service.id, now, series.podHash, true, series.pod.crashing, series.pod.startedAt) : 0;
    rows.push({ labels, series, memory: running ? Math.round(series.pod.memoryRequestMi * share * 1024 * 1024) : 0 });
  }

  out.family('container_cpu_usage_seconds_total', 'counter', 'Cumulative cpu time consumed in seconds.');
  for (const r of rows) out.sample2('container_cpu_usage_seconds_total', r.labels, ',cpu="total"', Math.round(r.series.cpuSeconds * 1000) / 1000);
  // Working set is what the kubelet evicts on and the OOM killer reads; RSS and page cache are its parts.
  out.family('container_memory_working_set_bytes', 'gauge', 'Current working set in bytes.');
  for (const r of rows) if (r.memory > 0) out.sample('container_memory_working_set_bytes', r.labels, r.memory);
  out.family('container_memory_rss', 'gauge', 'Size of RSS in bytes.');
  for (const r of rows) if (r.memory > 0) out.sample('container_memory_rss', r.labels, Math.round(r.memory * 0.85));
  out.family('container_memory_cache', 'gauge', 'Number of bytes of page cache memory.');
  for (const r of rows) if (r.memory > 0) out.sample('container_memory_cache', r.labels, Math.round(r.memory * 0.2));
  out.family('container_memory_swap', 'gauge', 'Container swap usage in bytes.');
  for (const r of rows) if (r.memory > 0) out.sample('container_memory_swap', r.labels, 0);
}
