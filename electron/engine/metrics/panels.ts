import type { Entity, Relation } from '../../../shared/estate/model.js';
import type { Panel, PanelThreshold } from '../../../shared/api/metrics.js';
import type { SourcedQuery } from '../../../shared/metrics/query.js';
import type { Source } from '../../../shared/api/sources.js';
import { clusterId, clusterNameOf, parseKubeId } from '../../../shared/estate/ids.js';

/** What panel derivation reads of the estate; EstateState provides it. */
export interface EstateView {
  get(id: string): Entity | undefined;
  relationsOf(id: string): Relation[];
  sources(): Source[];
}

/** An alarm's evaluation, for drawing its threshold in the panel's own units. */
export interface AlarmDefinition {
  name: string;
  namespace: string;
  metricName: string;
  dimensions: Record<string, string>;
  stat: string;
  periodSeconds: number;
  threshold: number;
  comparison: PanelThreshold['comparison'];
}

interface Workload {
  context: string;
  sourceId: string;
  cluster: string;
  namespace: string;
  /** Prometheus `service` label values. */
  services: string[];
  /** Deployment/StatefulSet names whose pods are `<name>-…`. */
  workloads: string[];
  /** Label selector for the pods, for metrics.k8s.io. */
  selector: string | null;
}


/**
 * The golden signals (traffic, errors, latency, saturation) for an entity, from the sources the
 * estate really has for it: Prometheus series by the workload's labels, the load balancer in
 * front of it (ingress → service relations) in CloudWatch, and CPU/memory from metrics.k8s.io.
 * https://sre.google/sre-book/monitoring-distributed-systems/#xref_monitoring_golden-signals
 * A signal no source can give gets no panel, rather than an empty one.
 */
export function derivePanels(estate: EstateView, entityId: string, alarms: (alarmEntityId: string) => AlarmDefinition | undefined): Panel[] {
  const entity = estate.get(entityId);
  if (!entity) return [];
  const sources = estate.sources();
  const live = (kind: Source['kind']) => sources.filter((s) => s.kind === kind && s.enabled);
  const prometheus = live('prometheus');

  const workloads = workloadsOf(estate, entity);
  const loadBalancers = loadBalancersOf(estate, entity);
  const traffic: SourcedQuery[] = [];
  const errors: SourcedQuery[] = [];
  const latency: SourcedQuery[] = [];
  const cpu: SourcedQuery[] = [];
  const memory: SourcedQuery[] = [];
  const thresholds = { errors: [] as PanelThreshold[], latency: [] as PanelThreshold[] };
  const basis: string[] = [];

  for (const w of workloads) {
    const where = matchers({ cluster: w.cluster, namespace: w.namespace }, w.services.length > 0 ? { service: w.services } : {});
    const pods = matchers({ cluster: w.cluster, namespace: w.namespace }, w.workloads.length > 0 ? { pod: w.workloads.map((n) => `${escapeRegex(n)}-.*`) } : {}, true);
    for (const p of prometheus) {
      if (w.services.length > 0) {
        traffic.push(prom(p.id, `sum(rate(http_requests_total{${where}}[1m]))`, 'rate', `requests/s · ${w.context}`));
        errors.push(prom(p.id, `sum(rate(http_requests_total{${where},code=~"5.."}[1m]))`, 'rate', `5xx/s · ${w.context}`));
        latency.push(
          prom(p.id, `histogram_quantile(0.99, sum by (le) (rate(http_request_duration_seconds_bucket{${where}}[1m])))`, 'seconds', `p99 · ${w.context}`),
          prom(p.id, `histogram_quantile(0.5, sum by (le) (rate(http_request_duration_seconds_bucket{${where}}[1m])))`, 'seconds', `p50 · ${w.context}`),
        );
        basis.push(`Prometheus series with ${where}`);
      }
      if (w.workloads.length > 0) {
        cpu.push(prom(p.id, `sum(rate(container_cpu_usage_seconds_total{${pods}}[1m]))`, 'cores', `CPU (cAdvisor) · ${w.context}`));
        memory.push(prom(p.id, `sum(container_memory_working_set_bytes{${pods}})`, 'bytes', `working set (cAdvisor) · ${w.context}`));
      }
    }
    if (w.selector) {
      const base = { kind: 'kube-resource' as const, object: 'pod' as const, namespace: w.namespace, labelSelector: w.selector, aggregate: 'sum' as const };
      cpu.push({ source: w.sourceId, query: { ...base, resource: 'cpu' }, label: `CPU (metrics API) · ${w.context}` });
      memory.push({ source: w.sourceId, query: { ...base, resource: 'memory' }, label: `memory (metrics API) · ${w.context}` });
      basis.push(`metrics.k8s.io pods ${w.selector} in ${w.namespace}`);
    }
  }

  if (entity.kind === 'node') {
    const context = /^k8s:([^/]+)\//.exec(entity.id)?.[1];
    const hostname = entity.labels['kubernetes.io/hostname'] ?? entity.name;
    const base = { kind: 'kube-resource' as const, object: 'node' as const, labelSelector: `kubernetes.io/hostname=${hostname}`, aggregate: 'sum' as const };
    if (context) {
      cpu.push({ source: entity.sourceId, query: { ...base, resource: 'cpu' }, label: `CPU · ${entity.name}` });
      memory.push({ source: entity.sourceId, query: { ...base, resource: 'memory' }, label: `memory · ${entity.name}` });
    }
  }

  for (const lb of loadBalancers) {
    const dimension = typeof lb.status.LoadBalancer === 'string' ? lb.status.LoadBalancer : null;
    if (!dimension) continue;
    const metric = (metricName: string, stat: string, perSecond: boolean, unit: 'rate' | 'seconds', label: string): SourcedQuery => ({
      source: lb.sourceId,
      query: { kind: 'cloudwatch-metric', namespace: 'AWS/ApplicationELB', metricName, dimensions: { LoadBalancer: dimension }, stat, ...(perSecond ? { perSecond } : {}), unit },
      label,
    });
    traffic.push(metric('RequestCount', 'Sum', true, 'rate', `requests/s · ALB ${lb.name}`));
    errors.push(metric('HTTPCode_Target_5XX_Count', 'Sum', true, 'rate', `target 5xx/s · ALB ${lb.name}`));
    errors.push(metric('HTTPCode_ELB_5XX_Count', 'Sum', true, 'rate', `ALB 5xx/s · ${lb.name}`));
    latency.push(metric('TargetResponseTime', 'p99', false, 'seconds', `p99 · ALB ${lb.name}`));
    basis.push(`CloudWatch AWS/ApplicationELB LoadBalancer=${dimension}`);
    for (const r of estate.relationsOf(lb.id)) {
      if (r.kind !== 'alarms-on' || r.to !== lb.id) continue;
      const alarm = alarms(r.from);
      if (!alarm || alarm.namespace !== 'AWS/ApplicationELB') continue;
      if (alarm.metricName === 'HTTPCode_Target_5XX_Count' || alarm.metricName === 'HTTPCode_ELB_5XX_Count') {
        const index = errors.findIndex((q) => q.query.kind === 'cloudwatch-metric' && q.query.metricName === alarm.metricName && q.source === lb.sourceId);
        // The alarm compares a Sum per period; the panel shows per second.
        const value = alarm.stat === 'Sum' ? alarm.threshold / alarm.periodSeconds : alarm.threshold;
        thresholds.errors.push({ value, label: alarm.name, severity: 'critical', alarmId: r.from, comparison: alarm.comparison, ...(index >= 0 ? { queryIndex: index } : {}) });
      }
      if (alarm.metricName === 'TargetResponseTime') {
        const index = latency.findIndex((q) => q.query.kind === 'cloudwatch-metric' && q.query.metricName === 'TargetResponseTime' && q.source === lb.sourceId);
        thresholds.latency.push({ value: alarm.threshold, label: `${alarm.name} (${alarm.stat})`, severity: 'critical', alarmId: r.from, comparison: alarm.comparison, ...(index >= 0 ? { queryIndex: index } : {}) });
      }
    }
  }

  const panels: Panel[] = [];
  const add = (signal: Panel['signal'], title: string, unit: Panel['unit'], queries: SourcedQuery[], th: PanelThreshold[] = []) => {
    if (queries.length === 0) return;
    panels.push({
      id: `derived:${signal}:${panels.filter((p) => p.signal === signal).length}`,
      title,
      unit,
      signal,
      origin: 'derived',
      queries,
      ...(th.length > 0 ? { thresholds: th } : {}),
      ...(basis.length > 0 ? { basis: [...new Set(basis)].join('; ') } : {}),
    });
  };
  add('traffic', 'Traffic (requests per second)', 'rate', traffic);
  add('errors', 'Errors (5xx per second)', 'rate', errors, thresholds.errors);
  add('latency', 'Latency', 'seconds', latency, thresholds.latency);
  add('saturation', 'CPU', 'cores', cpu);
  add('saturation', 'Memory', 'bytes', memory);
  return panels;
}

function prom(source: string, expr: string, unit: 'rate' | 'seconds' | 'cores' | 'bytes', label: string): SourcedQuery {
  return { source, query: { kind: 'promql', expr, unit }, label };
}

function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** PromQL label matchers; a list of values becomes one regex alternative. */
function matchers(exact: Record<string, string>, any: Record<string, string[]>, valuesAreRegex = false): string {
  const quote = (v: string) => JSON.stringify(v);
  const parts = Object.entries(exact).map(([k, v]) => `${k}=${quote(v)}`);
  for (const [k, values] of Object.entries(any)) {
    if (values.length === 1 && !valuesAreRegex) parts.push(`${k}=${quote(values[0] as string)}`);
    else parts.push(`${k}=~${quote(values.map((v) => (valuesAreRegex ? v : escapeRegex(v))).join('|'))}`);
  }
  return parts.join(',');
}

/**
 * The Kubernetes workloads an entity stands for: a Service and what it selects, a Deployment or
 * StatefulSet and the Services selecting it, an Ingress's backends, or every member of an app.
 */
function workloadsOf(estate: EstateView, entity: Entity): Workload[] {
  const targets: Entity[] = [];
  if (entity.kind === 'app') {
    for (const r of estate.relationsOf(entity.id)) {
      if (r.kind !== 'member-of' || r.to !== entity.id) continue;
      const member = estate.get(r.from);
      if (member && (member.kind === 'service' || member.kind === 'deployment' || member.kind === 'statefulset')) targets.push(member);
    }
  } else if (entity.kind === 'ingress') {
    for (const r of estate.relationsOf(entity.id)) {
      const backend = r.kind === 'routes-to' && r.from === entity.id ? estate.get(r.to) : undefined;
      if (backend?.kind === 'service') targets.push(backend);
    }
  } else if (entity.kind === 'service' || entity.kind === 'deployment' || entity.kind === 'statefulset') {
    targets.push(entity);
  }

  const byScope = new Map<string, Workload>();
  for (const target of targets) {
    const parsed = parseKubeId(target.id);
    if (parsed?.shape !== 'object' || parsed.namespace === null) continue;
    const { namespace } = parsed;
    const context = clusterNameOf(parsed.clusterKey);
    const cluster = estate.get(clusterId(parsed.clusterKey));
    const clusterName = typeof cluster?.status.cluster === 'string' ? cluster.status.cluster : context;
    const key = `${context}/${namespace}`;
    const w = byScope.get(key) ?? { context, sourceId: target.sourceId, cluster: clusterName, namespace, services: [], workloads: [], selector: null };
    byScope.set(key, w);
    const relations = estate.relationsOf(target.id);
    if (target.kind === 'service') {
      w.services.push(target.name);
      if (typeof target.status.selector === 'string' && target.status.selector) w.selector ??= target.status.selector;
      for (const r of relations) {
        const selected = r.kind === 'selects' && r.from === target.id ? estate.get(r.to) : undefined;
        if (selected && (selected.kind === 'deployment' || selected.kind === 'statefulset')) w.workloads.push(selected.name);
      }
    } else {
      w.workloads.push(target.name);
      for (const r of relations) {
        const service = r.kind === 'selects' && r.to === target.id ? estate.get(r.from) : undefined;
        if (service?.kind !== 'service') continue;
        w.services.push(service.name);
        if (typeof service.status.selector === 'string' && service.status.selector) w.selector ??= service.status.selector;
      }
      const name = target.labels['app.kubernetes.io/name'];
      if (!w.selector && name) w.selector = `app.kubernetes.io/name=${name}`;
    }
  }
  for (const w of byScope.values()) {
    w.services = [...new Set(w.services)].sort();
    w.workloads = [...new Set(w.workloads)].sort();
  }
  return [...byScope.values()];
}

/** Load balancers in front of an entity: itself, or ALB → Ingress → Service (→ workload). */
function loadBalancersOf(estate: EstateView, entity: Entity): Entity[] {
  if (entity.kind === 'loadbalancer') return [entity];
  const out = new Map<string, Entity>();
  const seen = new Set<string>();
  const visit = (id: string, depth: number) => {
    if (seen.has(id) || depth > 4) return;
    seen.add(id);
    for (const r of estate.relationsOf(id)) {
      if (r.to !== id) continue;
      const from = estate.get(r.from);
      if (!from) continue;
      if (r.kind === 'routes-to' && from.kind === 'loadbalancer') out.set(from.id, from);
      else if ((r.kind === 'routes-to' && from.kind === 'ingress') || (r.kind === 'selects' && from.kind === 'service')) visit(from.id, depth + 1);
      else if (r.kind === 'member-of' && entity.kind === 'app') visit(from.id, depth + 1);
    }
  };
  visit(entity.id, 0);
  return [...out.values()];
}
