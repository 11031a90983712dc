import type { KubeClient } from '../providers/kubernetes/kube-client.js';
import type { KubeResourceQuery } from '../../../shared/metrics/query.js';
import type { RawSeries } from '../../../shared/metrics/downsample.js';

/**
 * metrics.k8s.io (metrics-server): CPU and memory of pods and nodes *now*, averaged over the
 * kubelet's last window (15–20 s). There is no history in the API, so the metrics service
 * samples the queries charts ask for on an interval and builds history in the series cache.
 * https://kubernetes.io/docs/tasks/debug/debug-cluster/resource-metrics-pipeline/
 */

const SUFFIX: Record<string, number> = {
  n: 1e-9, u: 1e-6, m: 1e-3, '': 1, k: 1e3, K: 1e3, M: 1e6, G: 1e9, T: 1e12, P: 1e15, E: 1e18,
  Ki: 1024, Mi: 1024 ** 2, Gi: 1024 ** 3, Ti: 1024 ** 4, Pi: 1024 ** 5, Ei: 1024 ** 6,
};

/** A resource quantity (https://kubernetes.io/docs/reference/kubernetes-api/common-definitions/quantity/) as a plain number. */
export function parseQuantity(text: unknown): number {
  if (typeof text === 'number') return text;
  if (typeof text !== 'string') return NaN;
  const m = /^([+-]?[0-9.]+(?:[eE][+-]?\d+)?)([a-zA-Z]*)$/.exec(text.trim());
  if (!m) return NaN;
  const factor = SUFFIX[m[2] as string];
  return factor === undefined ? NaN : Number(m[1]) * factor;
}

interface MetricsItem {
  metadata?: { name?: string; namespace?: string };
  timestamp?: string;
  usage?: Record<string, unknown>;
  containers?: { usage?: Record<string, unknown> }[];
}

export interface KubeSample {
  /** When the kubelet measured it (the newest item's timestamp), epoch ms. */
  at: number;
  series: RawSeries[];
}

/** One reading of a kube-resource query, through the context's client (from sources/): a point per series at the measurement time. */
export async function sampleKubeResource(client: KubeClient, query: KubeResourceQuery, signal: AbortSignal, now: number): Promise<KubeSample> {
  const base = '/apis/metrics.k8s.io/v1beta1';
  const path =
    query.object === 'node' ? `${base}/nodes` : query.namespace ? `${base}/namespaces/${encodeURIComponent(query.namespace)}/pods` : `${base}/pods`;
  const params: Record<string, string> = query.labelSelector ? { labelSelector: query.labelSelector } : {};
  // A reading older than a sampling interval is worth nothing: give up on it sooner than on a list.
  const body = await client.get<{ items?: MetricsItem[] }>(path, params, { signal, timeoutMs: 15_000 });
  const items = body.items ?? [];
  let at = 0;
  const readings: { labels: Record<string, string>; value: number }[] = [];
  for (const item of items) {
    const usage = query.object === 'node' ? [item.usage ?? {}] : (item.containers ?? []).map((c) => c.usage ?? {});
    const value = usage.reduce((sum, u) => sum + (parseQuantity(u[query.resource]) || 0), 0);
    const stamp = item.timestamp ? Date.parse(item.timestamp) : NaN;
    if (Number.isFinite(stamp)) at = Math.max(at, stamp);
    const name = item.metadata?.name ?? '';
    readings.push({ labels: query.object === 'node' ? { node: name } : { namespace: item.metadata?.namespace ?? '', pod: name }, value });
  }
  // A reading stamped in the future (clock skew) is placed at our now.
  at = Math.min(at || now, now);
  const point = (value: number): Pick<RawSeries, 't' | 'v'> => ({ t: Float64Array.of(at), v: Float64Array.of(value) });
  if (query.aggregate === 'each') return { at, series: readings.map((r) => ({ labels: r.labels, ...point(r.value) })) };
  const labels: Record<string, string> = query.object === 'node' ? { object: 'nodes' } : { namespace: query.namespace ?? '*', object: 'pods' };
  // No matching object: no sample (a gap), not a zero — nothing ran, which is not "idle".
  if (readings.length === 0) return { at, series: [] };
  return { at, series: [{ labels, ...point(readings.reduce((s, r) => s + r.value, 0)) }] };
}
