import { selfSubjectAccessReview, selfSubjectRulesReview, selfSubjectReview } from '../auth.js';
import { type Usage, metricsList, nodeMetrics, podMetrics, podsByNode } from '../metrics-api.js';
import { labelSelectorPredicate } from '../selectors.js';
import { StatusError, notFoundPath } from '../status.js';
import type { NodeObject, Pod } from '../types.js';
import { type ApiRequest, type Target, send } from './wire.js';
import { readObject } from './writes.js';

/** Resources computed per request and never stored: self-reviews and metrics.k8s.io. */

export async function virtual(r: ApiRequest, t: Target, verb: string): Promise<void> {
  switch (t.resource.kind) {
    case 'SelfSubjectAccessReview':
      return send(r.res, 201, selfSubjectAccessReview(r.user, (await readObject(r)) as Parameters<typeof selfSubjectAccessReview>[1]));
    case 'SelfSubjectRulesReview':
      return send(r.res, 201, selfSubjectRulesReview(r.user, (await readObject(r)) as Parameters<typeof selfSubjectRulesReview>[1]));
    case 'SelfSubjectReview':
      return send(r.res, 201, selfSubjectReview(r.user));
    case 'PodMetrics':
    case 'NodeMetrics':
      return metrics(r, t, verb);
    default:
      throw notFoundPath();
  }
}

export function metrics(r: ApiRequest, t: Target, verb: string): void {
  const store = r.cluster.store;
  const now = r.cluster.now();
  const usage: Usage = (pod) => r.backend.usage(pod, r.cluster.spec.name);
  const labels = labelSelectorPredicate(r.url.searchParams.get('labelSelector')) ?? (() => true);
  if (t.resource.kind === 'PodMetrics') {
    if (verb === 'get') {
      const pod = store.get<Pod>('pods', t.namespace, t.name ?? '');
      const m = pod ? podMetrics(pod, usage, now) : undefined;
      if (!m) throw new StatusError(404, 'NotFound', `podmetrics.metrics.k8s.io "${t.namespace}/${t.name}" not found`);
      return send(r.res, 200, m);
    }
    const pods = store.objects<Pod>('pods', t.namespace).filter(labels);
    return send(r.res, 200, metricsList('PodMetricsList', pods.map((p) => podMetrics(p, usage, now))));
  }
  const byNode = podsByNode(store);
  if (verb === 'get') {
    const node = store.get<NodeObject>('nodes', undefined, t.name ?? '');
    const m = node ? nodeMetrics(node, store, usage, now, byNode) : undefined;
    if (!m) throw new StatusError(404, 'NotFound', `nodemetrics.metrics.k8s.io "${t.name}" not found`);
    return send(r.res, 200, m);
  }
  const nodes = store.objects<NodeObject>('nodes').filter(labels);
  send(r.res, 200, metricsList('NodeMetricsList', nodes.map((n) => nodeMetrics(n, store, usage, now, byNode))));
}
