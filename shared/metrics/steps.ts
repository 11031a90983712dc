/**
 * How finely to ask each backend for a range. The engine asks for more points than the chart
 * shows (up to `oversample` per pixel) so min/max downsampling has spikes to keep, within
 * each backend's own limits.
 */

export const PROMETHEUS_MAX_POINTS = 11_000;
/** GetMetricData: https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_GetMetricData.html */
export const CLOUDWATCH_MAX_QUERIES = 500;
export const CLOUDWATCH_MAX_DATAPOINTS = 100_800;

const OVERSAMPLE = 4;
const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

const NICE_STEPS = [1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 10800, 21600, 43200, 86400].map((s) => s * SECOND);

function niceAtLeast(ms: number, choices: readonly number[]): number {
  for (const c of choices) if (c >= ms) return c;
  const top = choices[choices.length - 1] as number;
  return Math.ceil(ms / top) * top;
}

/**
 * query_range step: Prometheus refuses a query whose range / step exceeds 11,000 points per
 * series (https://prometheus.io/docs/prometheus/latest/querying/api/#range-queries, enforced in
 * web/api/v1/api.go), so the step never goes below range / 10,999.
 */
export function prometheusStepMs(rangeMs: number, maxPoints: number, minStepMs = SECOND): number {
  const target = Math.min(PROMETHEUS_MAX_POINTS - 1, maxPoints * OVERSAMPLE);
  return niceAtLeast(Math.max(minStepMs, Math.ceil(rangeMs / target)), NICE_STEPS);
}

/**
 * GetMetricData period: a multiple of 60 s (sub-minute periods exist only for high-resolution
 * metrics, kept 3 hours), and coarser for old data because CloudWatch keeps 1-minute
 * datapoints for 15 days, 5-minute for 63 days and 1-hour for 455 days:
 * https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_GetMetricData.html
 */
export function cloudWatchPeriodSeconds(startMs: number, endMs: number, maxPoints: number, nowMs: number): number {
  const target = Math.max(1, maxPoints * OVERSAMPLE);
  let period = Math.max(60, Math.ceil((endMs - startMs) / target / SECOND / 60) * 60);
  const age = nowMs - startMs;
  if (age > 63 * DAY) period = Math.ceil(period / 3600) * 3600;
  else if (age > 15 * DAY) period = Math.ceil(period / 300) * 300;
  // Periods people read (1, 2, 5, 10, 15, 30 min, 1 h …): each at or above 5 min is a multiple
  // of 300 s, and each at or above 1 h a multiple of 3600 s, so retention still holds.
  return niceAtLeast(period * SECOND, NICE_STEPS.filter((s) => s % MINUTE === 0)) / SECOND;
}

/** Aligns a range outward to whole steps, so repeated asks hit the same instants (and the cache). */
export function alignRange(start: number, end: number, stepMs: number): [number, number] {
  return [Math.floor(start / stepMs) * stepMs, Math.ceil(end / stepMs) * stepMs];
}

/** How often a live tail should re-ask: never faster than 5 s, and no faster than the data changes. */
export function refreshIntervalMs(stepMs: number): number {
  return Math.max(5 * SECOND, Math.min(stepMs, 5 * MINUTE));
}
