import type { MetricCatalog } from './catalog.js';
import { decodeCursor, encodeCursor } from './pagination.js';
import type { ListMetricsInput } from './requests.js';

/** ListMetrics answers at most 500 metrics a call. */
const PAGE = 500;

export function listMetrics(catalog: MetricCatalog, input: ListMetricsInput, now: number, account: string): object {
  const cursor = decodeCursor(input, input.NextToken, now);
  const matching = catalog.series.filter((s) => {
    if (input.Namespace !== undefined && s.namespace !== input.Namespace) return false;
    if (input.MetricName !== undefined && s.metricName !== input.MetricName) return false;
    for (const filter of input.Dimensions ?? []) {
      const dim = s.dimensions.find((d) => d.Name === filter.Name);
      if (!dim || (filter.Value !== undefined && dim.Value !== filter.Value)) return false;
    }
    return true;
  });
  const page = matching.slice(cursor.offset, cursor.offset + PAGE);
  const next = cursor.offset + PAGE;
  return {
    Metrics: page.map((s) => ({ Namespace: s.namespace, MetricName: s.metricName, Dimensions: s.dimensions.map((d) => ({ ...d })) })),
    ...(input.IncludeLinkedAccounts ? { OwningAccounts: page.map(() => account) } : {}),
    ...(next < matching.length ? { NextToken: encodeCursor(input, { offset: next, asOf: cursor.asOf }) } : {}),
  };
}
