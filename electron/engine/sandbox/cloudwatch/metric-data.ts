import type { MetricCatalog, MetricSeries } from './catalog.js';
import { evaluateExpression, type Series } from './metric-expression.js';
import { decodeCursor, encodeCursor } from './pagination.js';
import { errors } from './protocol.js';
import type { GetMetricDataInput, GetMetricStatisticsInput, MetricDataQuery } from './requests.js';
import { aggregate, parseStatistic, valueOf, type Statistic } from './statistics.js';

/**
 * GetMetricData and GetMetricStatistics, with the limits CloudWatch enforces:
 * https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_GetMetricData.html
 * https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_GetMetricStatistics.html
 */
export const MAX_QUERIES = 500;
/** GetMetricData returns at most this many datapoints a call and paginates the rest. */
export const MAX_DATAPOINTS = 100_800;
/** GetMetricStatistics refuses a request that would return more than this. */
export const MAX_STATISTICS_DATAPOINTS = 1_440;

const DAY = 86_400_000;
const ID_PATTERN = /^[a-z][a-zA-Z0-9_]*$/;

function checkPeriod(period: number, field: string): void {
  if (![1, 5, 10, 20, 30].includes(period) && period % 60 !== 0) {
    throw errors.invalidParameterValue(`The parameter ${field} must be 1, 5, 10, 20, 30, or a multiple of 60.`);
  }
}

function checkTimeRange(start: number, end: number): void {
  if (start >= end) throw errors.invalidParameterValue('The parameter StartTime must be less than the parameter EndTime.');
}

/**
 * CloudWatch keeps 1-minute data for 15 days, 5-minute for 63 and 1-hour for 455, and
 * sub-minute (high-resolution) data for 3 hours; older data is only there at coarser periods.
 */
function retained(periodSeconds: number, age: number): boolean {
  if (age > 455 * DAY) return false;
  if (age > 63 * DAY) return periodSeconds % 3600 === 0;
  if (age > 15 * DAY) return periodSeconds % 300 === 0;
  if (periodSeconds < 60) return age <= 3 * 3_600_000;
  return true;
}

/** Datapoints of one statistic over [start, end), ascending, as epoch ms → value. */
function datapoints(series: MetricSeries, statistic: Statistic, periodSeconds: number, start: number, end: number, now: number): Series {
  const periodMs = periodSeconds * 1000;
  const out: Series = new Map();
  for (let t = Math.floor(start / periodMs) * periodMs; t < end && t < now; t += periodMs) {
    if (!retained(periodSeconds, now - t)) continue;
    const stats = aggregate(series, t, periodMs, now);
    if (stats) out.set(t, valueOf(stats, statistic));
  }
  return out;
}

interface QueryResult {
  id: string;
  label: string;
  points: [number, number][];
}

export function getMetricData(catalog: MetricCatalog, input: GetMetricDataInput, now: number): object {
  const queries = input.MetricDataQueries;
  if (queries.length === 0) throw errors.missingParameter('The parameter MetricDataQueries is required and must not be empty.');
  if (queries.length > MAX_QUERIES) {
    throw errors.validation(
      `1 validation error detected: Value at 'metricDataQueries' failed to satisfy constraint: Member must have length less than or equal to ${MAX_QUERIES}`,
    );
  }
  checkTimeRange(input.StartTime, input.EndTime);
  const seen = new Set<string>();
  queries.forEach((q, i) => validateQuery(q, i + 1, seen));

  const cursor = decodeCursor(input, input.NextToken, now);
  const asOf = cursor.asOf;
  const computed = new Map<string, Series>();
  const seriesOf = (q: MetricDataQuery): Series => {
    const cached = computed.get(q.Id);
    if (cached) return cached;
    let result: Series;
    if (q.MetricStat) {
      const stat = q.MetricStat;
      const series = catalog.find(stat.Metric.Namespace ?? '', stat.Metric.MetricName ?? '', stat.Metric.Dimensions ?? []);
      // Asking for a unit the metric is not published in finds nothing, as on AWS.
      if (!series || (stat.Unit !== undefined && stat.Unit !== series.unit)) result = new Map();
      else result = datapoints(series, parseStatistic(stat.Stat) as Statistic, stat.Period, input.StartTime, input.EndTime, asOf);
    } else {
      const byId = new Map(queries.map((other) => [other.Id, other]));
      result = evaluateExpression(
        q.Expression ?? '',
        q.Id,
        (ref) => {
          const other = byId.get(ref);
          return other && other.Id !== q.Id ? seriesOf(other) : undefined;
        },
        () => queries.filter((other) => other.MetricStat).map(seriesOf),
      );
    }
    computed.set(q.Id, result);
    return result;
  };

  const descending = (input.ScanBy ?? 'TimestampDescending') === 'TimestampDescending';
  const results: QueryResult[] = queries
    .filter((q) => q.ReturnData !== false)
    .map((q) => {
      const points = [...seriesOf(q).entries()].filter(([, v]) => Number.isFinite(v)).sort((a, b) => (descending ? b[0] - a[0] : a[0] - b[0]));
      return { id: q.Id, label: q.Label ?? q.MetricStat?.Metric.MetricName ?? q.Id, points };
    });

  const pageSize = Math.min(input.MaxDatapoints ?? MAX_DATAPOINTS, MAX_DATAPOINTS);
  const pageStart = cursor.offset;
  const pageEnd = pageStart + pageSize;
  const page: object[] = [];
  let position = 0;
  let total = 0;
  for (const r of results) {
    const from = position;
    const to = position + r.points.length;
    position = to;
    total = to;
    const sliceFrom = Math.max(from, pageStart);
    const sliceTo = Math.min(to, pageEnd);
    const empty = r.points.length === 0 && pageStart === 0;
    if (sliceFrom >= sliceTo && !empty) continue;
    const slice = r.points.slice(sliceFrom - from, Math.max(sliceFrom, sliceTo) - from);
    page.push({
      Id: r.id,
      Label: r.label,
      Timestamps: slice.map(([t]) => t / 1000),
      Values: slice.map(([, v]) => v),
      StatusCode: to > pageEnd ? 'PartialData' : 'Complete',
      Messages: [],
    });
  }
  return {
    MetricDataResults: page,
    Messages: [],
    ...(total > pageEnd ? { NextToken: encodeCursor(input, { offset: pageEnd, asOf }) } : {}),
  };
}

function validateQuery(q: MetricDataQuery, n: number, seen: Set<string>): void {
  const field = `MetricDataQueries.member.${n}`;
  if (!ID_PATTERN.test(q.Id)) {
    throw errors.validation(`The value ${q.Id} for parameter ${field}.Id is not valid: it must start with a lowercase letter and contain only letters, numbers and underscores.`);
  }
  if (seen.has(q.Id)) throw errors.validation(`The value ${q.Id} for parameter ${field}.Id is not unique.`);
  seen.add(q.Id);
  if ((q.MetricStat === undefined) === (q.Expression === undefined)) {
    throw errors.validation(`Exactly one element of ${field} must be set: MetricStat or Expression.`);
  }
  if (q.MetricStat) {
    const { Metric, Stat, Period } = q.MetricStat;
    if (!Metric.Namespace) throw errors.missingParameter(`The parameter ${field}.MetricStat.Metric.Namespace is required.`);
    if (!Metric.MetricName) throw errors.missingParameter(`The parameter ${field}.MetricStat.Metric.MetricName is required.`);
    checkPeriod(Period, `${field}.MetricStat.Period`);
    if (!parseStatistic(Stat)) throw errors.invalidParameterValue(`The value ${Stat} for parameter ${field}.MetricStat.Stat is not valid.`);
  }
  if (q.Period !== undefined) checkPeriod(q.Period, `${field}.Period`);
}

export function getMetricStatistics(catalog: MetricCatalog, input: GetMetricStatisticsInput, now: number): object {
  const hasSimple = (input.Statistics?.length ?? 0) > 0;
  const hasExtended = (input.ExtendedStatistics?.length ?? 0) > 0;
  if (!hasSimple && !hasExtended) throw errors.missingParameter('Either Statistics or ExtendedStatistics must be specified.');
  if (hasSimple && hasExtended) {
    throw errors.invalidParameterCombination('The parameters Statistics and ExtendedStatistics are mutually exclusive; specify only one.');
  }
  checkTimeRange(input.StartTime, input.EndTime);
  checkPeriod(input.Period, 'Period');
  const extended = (input.ExtendedStatistics ?? []).map((name) => {
    const s = parseStatistic(name);
    if (!s || s.kind !== 'percentile') throw errors.invalidParameterValue(`The value ${name} for parameter ExtendedStatistics is not a valid percentile.`);
    return s;
  });
  const periodMs = input.Period * 1000;
  const first = Math.floor(input.StartTime / periodMs) * periodMs;
  const requested = Math.ceil((input.EndTime - first) / periodMs);
  if (requested > MAX_STATISTICS_DATAPOINTS) {
    throw errors.invalidParameterCombination(
      `You have requested up to ${requested} datapoints, which exceeds the limit of ${MAX_STATISTICS_DATAPOINTS}. You may reduce the datapoints requested by increasing Period, or decreasing the time range.`,
    );
  }
  const series = catalog.find(input.Namespace, input.MetricName, input.Dimensions ?? []);
  const points: object[] = [];
  if (series && (input.Unit === undefined || input.Unit === series.unit)) {
    for (let t = first; t < input.EndTime && t < now; t += periodMs) {
      if (!retained(input.Period, now - t)) continue;
      const stats = aggregate(series, t, periodMs, now);
      if (!stats) continue;
      const point: Record<string, unknown> = { Timestamp: t / 1000, Unit: series.unit };
      for (const name of input.Statistics ?? []) point[name] = valueOf(stats, parseStatistic(name) as Statistic);
      if (extended.length > 0) point.ExtendedStatistics = Object.fromEntries(extended.map((s) => [s.name, valueOf(stats, s)]));
      points.push(point);
    }
  }
  return { Label: input.MetricName, Datapoints: points };
}
