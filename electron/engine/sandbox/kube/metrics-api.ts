import { formatCpu, formatMemoryKi } from './quantity.js';
import type { ObjectStore } from './store.js';
import { rfc3339 } from './time.js';
import type { KubeObject, NodeObject, Pod } from './types.js';

/**
 * metrics.k8s.io/v1beta1, as metrics-server serves it to `kubectl top` and the HPA: usage per
 * container over a 15 s window, and per node the sum of its pods plus system overhead.
 */

export type Usage = (pod: Pod) => { cpuMilli: number; memoryMi: number };

export function podMetrics(pod: Pod, usage: Usage, now: number): Record<string, unknown> | undefined {
  if (pod.status.phase !== 'Running') return undefined;
  const u = usage(pod);
  const n = pod.spec.containers.length || 1;
  return {
    kind: 'PodMetrics',
    apiVersion: 'metrics.k8s.io/v1beta1',
    metadata: {
      name: pod.metadata.name,
      namespace: pod.metadata.namespace,
      creationTimestamp: rfc3339(now),
      ...(pod.metadata.labels ? { labels: pod.metadata.labels } : {}),
    },
    timestamp: rfc3339(now - 5000),
    window: '15s',
    containers: pod.spec.containers.map((c) => ({ name: c.name, usage: { cpu: formatCpu(u.cpuMilli / n), memory: formatMemoryKi(u.memoryMi / n) } })),
  };
}

export function nodeMetrics(node: NodeObject, store: ObjectStore, usage: Usage, now: number, podsByNode: Map<string, Pod[]>): Record<string, unknown> | undefined {
  if (node.status.conditions.find((c) => c.type === 'Ready')?.status !== 'True') return undefined;
  let cpu = 120;
  let memory = 900;
  for (const pod of podsByNode.get(node.metadata.name) ?? []) {
    const u = usage(pod);
    cpu += u.cpuMilli;
    memory += u.memoryMi;
  }
  return {
    kind: 'NodeMetrics',
    apiVersion: 'metrics.k8s.io/v1beta1',
    metadata: { name: node.metadata.name, creationTimestamp: rfc3339(now), ...(node.metadata.labels ? { labels: node.metadata.labels } : {}) },
    timestamp: rfc3339(now - 5000),
    window: '20s',
    usage: { cpu: formatCpu(cpu), memory: formatMemoryKi(memory) },
  };
}

export function podsByNode(store: ObjectStore): Map<string, Pod[]> {
  const out = new Map<string, Pod[]>();
  for (const pod of store.objects<Pod>('pods')) {
    if (!pod.spec.nodeName || pod.status.phase !== 'Running') continue;
    const list = out.get(pod.spec.nodeName) ?? [];
    list.push(pod);
    out.set(pod.spec.nodeName, list);
  }
  return out;
}

export function metricsList(kind: 'PodMetricsList' | 'NodeMetricsList', items: (Record<string, unknown> | undefined)[]): Record<string, unknown> {
  return { kind, apiVersion: 'metrics.k8s.io/v1beta1', metadata: {}, items: items.filter((i): i is Record<string, unknown> => i !== undefined) };
}

export type { KubeObject };
