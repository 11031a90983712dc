import { GetMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import type { CloudWatchClient, MetricDataQuery, MetricDataResult } from '@aws-sdk/client-cloudwatch';
import type { CloudWatchExpressionQuery, CloudWatchMetricQuery } from '../../../shared/metrics/query.js';
import type { RawSeries } from '../../../shared/metrics/downsample.js';
import { CLOUDWATCH_MAX_DATAPOINTS, CLOUDWATCH_MAX_QUERIES } from '../../../shared/metrics/steps.js';
import { awsFailure } from '../providers/aws/cloudwatch-topology.js';

export type CloudWatchQuery = CloudWatchMetricQuery | CloudWatchExpressionQuery;

export interface CloudWatchDataOptions {
  /**
   * The source's CloudWatch client, handed out by sources/ (sources/aws/cloudwatch-clients.ts)
   * and asked for at every call, so a client renewed after the AWS files changed is used at once.
   */
  client: () => CloudWatchClient;
  /** Throttling retries after the SDK's own: base delay and attempts. */
  retry?: { baseMs?: number; maxMs?: number; attempts?: number };
  random?: () => number;
}

/** A query failed because of what it asked (bad expression, bad dimension), not because CloudWatch was unreachable. */
export class CloudWatchQueryError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CloudWatchQueryError';
  }
}

interface Pending {
  query: CloudWatchQuery;
  resolve: (series: RawSeries[]) => void;
  reject: (error: unknown) => void;
}

interface Batch {
  start: number;
  end: number;
  periodSeconds: number;
  items: Pending[];
}

/**
 * GetMetricData for one AWS source. Queries asked in the same tick for the same range and
 * period (the panels of one chart page) go out together, at most 500 queries and 100,800
 * expected datapoints per call, the API's own limits:
 * https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_GetMetricData.html
 * NextToken pages are followed anyway, because CloudWatch may page below the limit.
 *
 * Throttling: CloudWatch answers `Throttling` when the account's GetMetricData rate is spent.
 * The SDK retries twice with its own backoff; past that, this waits with full jitter
 * (https://aws.amazon.com/blogs/architecture/exponential-backoff-and-jitter/) and tries again,
 * so a busy minute delays a chart rather than failing it.
 */
export class CloudWatchData {
  private readonly batches = new Map<string, Batch>();
  private readonly random: () => number;
  private flushScheduled = false;
  private destroyed = false;
  /** Calls made and throttling retries, for tests and the about view. */
  readonly stats = { calls: 0, throttled: 0 };

  constructor(private readonly options: CloudWatchDataOptions) {
    this.random = options.random ?? Math.random;
  }

  /** The series one query yields over [start, end) at this period; batched with its neighbours. */
  fetch(query: CloudWatchQuery, start: number, end: number, periodSeconds: number): Promise<RawSeries[]> {
    if (this.destroyed) return Promise.reject(new Error('CloudWatch source stopped.'));
    const key = `${start}/${end}/${periodSeconds}`;
    let batch = this.batches.get(key);
    if (!batch) {
      batch = { start, end, periodSeconds, items: [] };
      this.batches.set(key, batch);
    }
    const promise = new Promise<RawSeries[]>((resolve, reject) => batch.items.push({ query, resolve, reject }));
    if (!this.flushScheduled) {
      this.flushScheduled = true;
      // One macrotask: the router dispatches a page's parallel metrics.query calls within it.
      setTimeout(() => this.flush(), 5);
    }
    return promise;
  }

  /** Stops taking queries; the client is the pool's, not this one's to destroy. */
  destroy(): void {
    this.destroyed = true;
  }

  private flush(): void {
    this.flushScheduled = false;
    const batches = [...this.batches.values()];
    this.batches.clear();
    for (const batch of batches) {
      for (const group of splitForLimits(batch)) {
        this.send(batch, group).catch(() => {});
      }
    }
  }

  private async send(batch: Batch, items: Pending[]): Promise<void> {
    const queries: MetricDataQuery[] = items.map((item, i) => toMetricDataQuery(item.query, `q${i}x`, batch.periodSeconds));
    try {
      const results = new Map<string, MetricDataResult[]>();
      let next: string | undefined;
      do {
        const page = await this.withThrottlingRetry(() =>
          this.options.client().send(
            new GetMetricDataCommand({
              MetricDataQueries: queries,
              StartTime: new Date(batch.start),
              EndTime: new Date(batch.end),
              ScanBy: 'TimestampAscending',
              NextToken: next,
            }),
          ),
        );
        for (const r of page.MetricDataResults ?? []) {
          const id = /^q\d+x/.exec(r.Id ?? '')?.[0] ?? '';
          results.set(id, [...(results.get(id) ?? []), r]);
        }
        next = page.NextToken;
      } while (next);
      items.forEach((item, i) => item.resolve(toSeries(results.get(`q${i}x`) ?? [], item.query, batch.periodSeconds)));
    } catch (error) {
      const failure = awsFailure(error);
      const wrapped =
        failure.status === 400 && !/Throttl/.test(failure.code ?? '')
          ? new CloudWatchQueryError(`CloudWatch refused the query: ${failure.message}`)
          : Object.assign(new Error(`CloudWatch: ${failure.code ?? failure.status}: ${failure.message}`), { unreachable: true });
      for (const item of items) item.reject(wrapped);
    }
  }

  private async withThrottlingRetry<T>(send: () => Promise<T>): Promise<T> {
    const { baseMs = 500, maxMs = 20_000, attempts = 6 } = this.options.retry ?? {};
    for (let attempt = 0; ; attempt++) {
      this.stats.calls += 1;
      try {
        return await send();
      } catch (error) {
        const code = awsFailure(error).code ?? '';
        if (!/Throttl|TooManyRequests|RequestLimitExceeded/.test(code) || attempt + 1 >= attempts || this.destroyed) throw error;
        this.stats.throttled += 1;
        const ceiling = Math.min(maxMs, baseMs * 2 ** attempt);
        await new Promise((r) => setTimeout(r, Math.round(this.random() * ceiling)));
      }
    }
  }
}

/**
 * Splits a batch into calls within GetMetricData's limits: ≤ 500 queries, and ≤ 100,800
 * datapoints (each query returns up to range / period of them).
 */
export function splitForLimits<T>(batch: { start: number; end: number; periodSeconds: number; items: T[] }): T[][] {
  const perQuery = Math.max(1, Math.ceil((batch.end - batch.start) / (batch.periodSeconds * 1000)));
  const byPoints = Math.max(1, Math.floor(CLOUDWATCH_MAX_DATAPOINTS / perQuery));
  const size = Math.min(CLOUDWATCH_MAX_QUERIES, byPoints);
  const out: T[][] = [];
  for (let i = 0; i < batch.items.length; i += size) out.push(batch.items.slice(i, i + size));
  return out;
}

function toMetricDataQuery(query: CloudWatchQuery, id: string, periodSeconds: number): MetricDataQuery {
  if (query.kind === 'cloudwatch-expression') return { Id: id, Expression: query.expression, Period: periodSeconds, ReturnData: true };
  return {
    Id: id,
    ReturnData: true,
    MetricStat: {
      Metric: {
        Namespace: query.namespace,
        MetricName: query.metricName,
        Dimensions: Object.entries(query.dimensions).map(([Name, Value]) => ({ Name, Value })),
      },
      Period: periodSeconds,
      Stat: query.stat,
    },
  };
}

function toSeries(results: MetricDataResult[], query: CloudWatchQuery, periodSeconds: number): RawSeries[] {
  const divide = query.kind === 'cloudwatch-metric' && query.perSecond ? periodSeconds : 1;
  const byLabel = new Map<string, { t: number[]; v: number[] }>();
  for (const r of results) {
    const label = r.Label ?? (query.kind === 'cloudwatch-metric' ? query.metricName : 'expression');
    const entry = byLabel.get(label) ?? { t: [], v: [] };
    byLabel.set(label, entry);
    const times = r.Timestamps ?? [];
    const values = r.Values ?? [];
    for (let i = 0; i < times.length; i++) {
      entry.t.push((times[i] as Date).getTime());
      entry.v.push((values[i] ?? NaN) / divide);
    }
  }
  return [...byLabel].map(([label, { t, v }]) => {
    const order = t.map((_, i) => i).sort((a, b) => (t[a] as number) - (t[b] as number));
    return { labels: { label }, t: Float64Array.from(order, (i) => t[i] as number), v: Float64Array.from(order, (i) => v[i] as number) };
  });
}
