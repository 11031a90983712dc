import { z } from 'zod';

/**
 * One query model for every metrics backend, so a panel can mix them. A query names what to
 * ask, never where: the source id beside it (from sources.list) says which backend answers.
 *
 *   promql               Prometheus HTTP API, `query_range` (or `query` when instant)
 *   cloudwatch-metric    CloudWatch GetMetricData with a MetricStat
 *   cloudwatch-expression CloudWatch GetMetricData with a metric math / SEARCH expression
 *   kube-resource        metrics.k8s.io (pods or nodes, cpu or memory). The API only knows
 *                        the present instant, so the engine samples it on an interval into the
 *                        series cache and answers ranges from that history.
 */

/** A short unit name the chart formats: seconds, bytes, cores, percent, count, rate (per second), or '' when unknown. */
export const MetricUnit = z.enum(['', 'seconds', 'bytes', 'cores', 'percent', 'count', 'rate', 'ratio']);
export type MetricUnit = z.infer<typeof MetricUnit>;

const Text = (max: number) => z.string().min(1).max(max);

export const PromQuery = z
  .object({
    kind: z.literal('promql'),
    expr: Text(20_000),
    unit: MetricUnit.optional(),
  })
  .strict();
export type PromQuery = z.infer<typeof PromQuery>;

export const CloudWatchMetricQuery = z
  .object({
    kind: z.literal('cloudwatch-metric'),
    namespace: Text(255),
    metricName: Text(255),
    /** CloudWatch allows at most 30 dimensions per metric. */
    dimensions: z.record(Text(255), Text(1024)).refine((d) => Object.keys(d).length <= 30, 'At most 30 dimensions.'),
    /** Sum, Average, Maximum, Minimum, SampleCount, or a percentile such as p99. */
    stat: z.string().regex(/^(Sum|Average|Maximum|Minimum|SampleCount|p\d{1,2}(\.\d+)?|tm\d{1,2}|IQM)$/),
    /** Divide each period's value by the period's length: a Sum of a Count metric becomes a rate per second, comparable across ranges. */
    perSecond: z.boolean().optional(),
    unit: MetricUnit.optional(),
  })
  .strict();
export type CloudWatchMetricQuery = z.infer<typeof CloudWatchMetricQuery>;

export const CloudWatchExpressionQuery = z
  .object({
    kind: z.literal('cloudwatch-expression'),
    /** Metric math or SEARCH(), e.g. `SEARCH('{AWS/ApplicationELB,LoadBalancer} RequestCount', 'Sum')`. */
    expression: Text(2048),
    unit: MetricUnit.optional(),
  })
  .strict();
export type CloudWatchExpressionQuery = z.infer<typeof CloudWatchExpressionQuery>;

export const KubeResourceQuery = z
  .object({
    kind: z.literal('kube-resource'),
    object: z.enum(['pod', 'node']),
    resource: z.enum(['cpu', 'memory']),
    /** Pods only: the namespace to read. */
    namespace: Text(253).optional(),
    /** A label selector (`app=api,tier!=cache`), as kubectl -l takes it. */
    labelSelector: z.string().max(1024).optional(),
    /** `sum` gives one series for all matching objects; `each` one series per object. */
    aggregate: z.enum(['sum', 'each']).default('sum'),
  })
  .strict();
export type KubeResourceQuery = z.infer<typeof KubeResourceQuery>;

export const MetricQuery = z.discriminatedUnion('kind', [PromQuery, CloudWatchMetricQuery, CloudWatchExpressionQuery, KubeResourceQuery]);
export type MetricQuery = z.infer<typeof MetricQuery>;
export type MetricQueryInput = z.input<typeof MetricQuery>;

/** A query and the source that answers it. */
export const SourcedQuery = z
  .object({
    /** A source id from sources.list: `prometheus:<url>`, `aws:<profile>/<region>`, `k8s:<context>`. */
    source: Text(1024),
    query: MetricQuery,
    /** Legend text for the chart; the series' own labels otherwise. */
    label: z.string().max(200).optional(),
  })
  .strict();
export type SourcedQuery = z.infer<typeof SourcedQuery>;

/** Which backend kind a query needs; a query sent to a source of another kind is refused. */
export function backendOf(query: Pick<MetricQuery, 'kind'>): 'prometheus' | 'aws' | 'kubernetes' {
  switch (query.kind) {
    case 'promql':
      return 'prometheus';
    case 'cloudwatch-metric':
    case 'cloudwatch-expression':
      return 'aws';
    case 'kube-resource':
      return 'kubernetes';
  }
}

/**
 * A stable text for a query: the same question always gives the same key, whatever the key
 * order of the object it came in. The series cache is keyed by source + this.
 */
export function canonicalQuery(query: MetricQuery): string {
  return JSON.stringify(sortKeys(query));
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value).sort()) {
      const v = (value as Record<string, unknown>)[key];
      if (v !== undefined) out[key] = sortKeys(v);
    }
    return out;
  }
  return value;
}
