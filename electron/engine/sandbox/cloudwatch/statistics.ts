import { inverseNormal } from '../load/service-load.js';
import type { MetricSeries } from './catalog.js';

/**
 * Statistics of one metric over one period, as CloudWatch defines them:
 * https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/Statistics-definitions.html
 * The model is sampled a few times per period (more finely for short periods), which keeps a
 * 100,800-datapoint request cheap while short periods still show a fault within seconds.
 */

export type Statistic =
  | { kind: 'SampleCount' | 'Average' | 'Sum' | 'Minimum' | 'Maximum'; name: string }
  | { kind: 'percentile'; name: string; q: number };

const SIMPLE = new Set(['SampleCount', 'Average', 'Sum', 'Minimum', 'Maximum']);

/** The statistic a `Stat` string names, or null for one the sandbox does not compute. */
export function parseStatistic(stat: string): Statistic | null {
  if (SIMPLE.has(stat)) return { kind: stat as 'SampleCount', name: stat };
  const m = /^p(\d{1,2}(?:\.\d{1,10})?|100)$/.exec(stat);
  if (!m) return null;
  const q = Number(m[1]) / 100;
  if (!(q > 0) || q > 1) return null;
  return { kind: 'percentile', name: stat, q };
}

export interface PeriodStats {
  sampleCount: number;
  sum: number;
  average: number;
  minimum: number;
  maximum: number;
  percentile(q: number): number;
}

export function valueOf(stats: PeriodStats, statistic: Statistic): number {
  switch (statistic.kind) {
    case 'SampleCount':
      return stats.sampleCount;
    case 'Sum':
      return stats.sum;
    case 'Average':
      return stats.average;
    case 'Minimum':
      return stats.minimum;
    case 'Maximum':
      return stats.maximum;
    case 'percentile':
      return stats.percentile(statistic.q);
  }
}

const MINUTE = 60_000;

function stepFor(periodMs: number): number {
  const target = periodMs <= MINUTE ? Math.min(periodMs, 10_000) : Math.max(10_000, periodMs / 6);
  return periodMs / Math.max(1, Math.round(periodMs / target));
}

/**
 * Aggregates `series` over [start, start + period), seeing nothing after `now`: the current
 * period is partial, a future one has no datapoint.
 */
export function aggregate(series: MetricSeries, start: number, periodMs: number, now: number): PeriodStats | undefined {
  if (start >= now) return undefined;
  const step = stepFor(periodMs);
  const end = Math.min(start + periodMs, now);
  const values: number[] = [];
  const weights: number[] = [];
  const latencies: { w: number; median: number; sigma: number }[] = [];
  let covered = 0;
  for (let slice = start; slice < end; slice += step) {
    const width = Math.min(step, end - slice);
    const t = slice + width / 2;
    covered += width;
    if (series.kind === 'latency' && series.latency) {
      const s = series.latency(t);
      if (!s || s.requestsPerSecond <= 0) continue;
      latencies.push({ w: s.requestsPerSecond * (width / 1000), median: s.medianSeconds, sigma: s.sigma });
      continue;
    }
    const v = series.sample(t);
    if (v === undefined) continue;
    values.push(series.kind === 'count' ? v * (MINUTE / 1000) : v);
    weights.push(series.kind === 'count' ? v * (width / 1000) : width);
  }
  if (series.kind === 'latency') return latencyStats(latencies);
  if (values.length === 0) return undefined;
  const minutes = Math.max(1, Math.round(covered / MINUTE));
  const sorted = [...values].sort((a, b) => a - b);
  if (series.kind === 'count') {
    const sum = weights.reduce((a, b) => a + b, 0);
    return {
      sampleCount: minutes,
      sum,
      average: sum / minutes,
      minimum: sorted[0] as number,
      maximum: sorted[sorted.length - 1] as number,
      percentile: (q) => quantile(sorted, q),
    };
  }
  let weighted = 0;
  let total = 0;
  values.forEach((v, i) => {
    const w = weights[i] as number;
    weighted += v * w;
    total += w;
  });
  const average = weighted / total;
  return {
    sampleCount: minutes,
    sum: average * minutes,
    average,
    minimum: sorted[0] as number,
    maximum: sorted[sorted.length - 1] as number,
    percentile: (q) => quantile(sorted, q),
  };
}

function latencyStats(samples: { w: number; median: number; sigma: number }[]): PeriodStats | undefined {
  const requests = samples.reduce((a, s) => a + s.w, 0);
  if (requests <= 0) return undefined;
  const weightedQuantile = (q: number) => {
    const z = inverseNormal(q);
    return samples.reduce((a, s) => a + s.w * s.median * Math.exp(z * s.sigma), 0) / requests;
  };
  const average = samples.reduce((a, s) => a + s.w * s.median * Math.exp((s.sigma * s.sigma) / 2), 0) / requests;
  return {
    sampleCount: Math.round(requests),
    sum: average * Math.round(requests),
    average,
    minimum: Math.min(...samples.map((s) => s.median * Math.exp(inverseNormal(0.001) * s.sigma))),
    maximum: Math.max(...samples.map((s) => s.median * Math.exp(inverseNormal(0.9999) * s.sigma))),
    percentile: (q) => (q >= 1 ? Math.max(...samples.map((s) => s.median * Math.exp(inverseNormal(0.9999) * s.sigma))) : weightedQuantile(q)),
  };
}

function quantile(sorted: number[], q: number): number {
  if (sorted.length === 1) return sorted[0] as number;
  const pos = q * (sorted.length - 1);
  const lo = Math.floor(pos);
  const hi = Math.min(sorted.length - 1, lo + 1);
  const a = sorted[lo] as number;
  const b = sorted[hi] as number;
  return a + (b - a) * (pos - lo);
}
