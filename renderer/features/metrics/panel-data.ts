import type { MetricQueryResult, MetricSeries, Panel } from '../../../shared/api/metrics.js';
import type { MetricUnit } from '../../../shared/metrics/query.js';
import { buildRows, endpoints } from './chart-rows.js';
import type { ChartRow, Point } from './chart-rows.js';
import type { TimeWindow } from './time-range.js';

/**
 * What one panel draws, derived once from the engine's answers to its queries: named, coloured
 * series, the pixel-grid rows for recharts, and whether any of it is cached rather than live.
 * Pure, so it is tested without a browser.
 */

/** More lines than this is a hairball nobody reads; the busiest are drawn and the rest counted. */
export const MAX_DRAWN_SERIES = 8;

/**
 * Mid-tone colours that read on both themes, blue first. Red and amber are left out on purpose:
 * they mean "alarm" on thresholds and markers and must not be a series' ordinary colour.
 */
export const seriesColors = ['#3f7fe0', '#12a39a', '#8a63d2', '#c2701a', '#d24f8f', '#5b8c2a', '#2aa3d6', '#7a7f8c'];

export interface DrawnSeries {
  key: string;
  /** Legend text, from the query's label or the series' labels: untrusted, text only. */
  name: string;
  color: string;
  points: Point[];
  first: Point | null;
  last: Point | null;
  peak: Point | null;
}

export interface QueryOutcome {
  result?: MetricQueryResult;
  error?: string;
}

export interface PanelData {
  window: TimeWindow;
  width: number;
  unit: MetricUnit;
  series: DrawnSeries[];
  /** Series the engine returned but the chart leaves out (MAX_DRAWN_SERIES). */
  hidden: number;
  rows: ChartRow[];
  min: number;
  max: number;
  stale: boolean;
  /** The oldest asOf among stale answers: what "cached · as of 14:02" reports. */
  staleAsOf: number | null;
  missing: Array<[number, number]>;
  notes: string[];
  /** Per-query failures in words ("Query 2: …"); the chart shows what the others returned. */
  errors: string[];
  /** Every query failed. */
  failed: boolean;
  refreshMs: number;
}

/** Labels whose values differ between series: the part of a name that tells them apart. */
function distinguishing(all: MetricSeries[]): string[] {
  if (all.length < 2) return [];
  const keys = new Set<string>();
  for (const s of all) for (const k of Object.keys(s.labels)) keys.add(k);
  return [...keys]
    .filter((k) => k !== '__name__' && new Set(all.map((s) => s.labels[k] ?? '')).size > 1)
    .sort((a, b) => labelRank(a) - labelRank(b) || a.localeCompare(b));
}

// The labels an operator tells series apart by, before any others.
const preferredLabels = ['label', 'pod', 'node', 'instance', 'le', 'quantile', 'status', 'code', 'method', 'route', 'handler'];
function labelRank(key: string): number {
  const i = preferredLabels.indexOf(key);
  return i === -1 ? preferredLabels.length : i;
}

export function seriesName(series: MetricSeries, queryLabel: string | undefined, differing: string[], fallback: string): string {
  // A series without the label others differ by says nothing about it: leave it out, not "pod=".
  const parts = differing
    .filter((k) => (series.labels[k] ?? '') !== '' && !(k === 'label' && queryLabel) && k !== 'id')
    .map((k) => (k === 'label' ? (series.labels[k] as string) : `${k}=${series.labels[k] as string}`));
  if (queryLabel) return parts.length > 0 ? `${queryLabel} · ${parts.join(', ')}` : queryLabel;
  if (parts.length > 0) return parts.join(', ');
  const own = series.labels['label'] ?? series.labels['__name__'];
  return own || fallback;
}

export function panelData(panel: Panel, outcomes: readonly QueryOutcome[], window: TimeWindow, width: number): PanelData {
  const collected: Array<{ series: MetricSeries; queryLabel?: string; query: number }> = [];
  const errors: string[] = [];
  const notes = new Set<string>();
  const missing: Array<[number, number]> = [];
  let stale = false;
  let staleAsOf: number | null = null;
  let unit: MetricUnit = panel.unit;
  let refreshMs = Infinity;
  outcomes.forEach((outcome, i) => {
    const query = panel.queries[i];
    if (outcome.error !== undefined) {
      errors.push(panel.queries.length > 1 ? `Query ${i + 1}${query?.label ? ` (${query.label})` : ''}: ${outcome.error}` : outcome.error);
      return;
    }
    const result = outcome.result;
    if (!result) return;
    if (!unit && result.unit) unit = result.unit;
    if (result.stale) {
      stale = true;
      if (result.asOf !== null && (staleAsOf === null || result.asOf < staleAsOf)) staleAsOf = result.asOf;
    }
    if (result.note) notes.add(result.note);
    for (const range of result.missing) missing.push([range[0], range[1]]);
    refreshMs = Math.min(refreshMs, result.refreshMs);
    for (const series of result.series) collected.push({ series, queryLabel: query?.label, query: i });
  });

  // Every query's series share one legend, so what differs is judged across all of them.
  const differing = distinguishing(collected.map((c) => c.series));
  const named = collected.map((c, i) => {
    const ends = endpoints(c.series.points);
    return {
      name: seriesName(c.series, c.queryLabel, differing, panel.queries.length > 1 ? `Query ${c.query + 1}` : panel.title),
      points: c.series.points,
      ...ends,
      order: i,
    };
  });
  // The busiest series are the ones worth drawing when there are too many.
  const drawnIndexes =
    named.length > MAX_DRAWN_SERIES
      ? new Set(
          [...named]
            .sort((a, b) => (b.peak?.[1] ?? -Infinity) - (a.peak?.[1] ?? -Infinity))
            .slice(0, MAX_DRAWN_SERIES)
            .map((s) => s.order),
        )
      : null;
  const series: DrawnSeries[] = named
    .filter((s) => !drawnIndexes || drawnIndexes.has(s.order))
    .map((s, i) => ({
      key: `s${i}`,
      name: s.name,
      color: seriesColors[i % seriesColors.length] as string,
      points: s.points,
      first: s.first,
      last: s.last,
      peak: s.peak,
    }));

  const merged = mergeRanges(missing);
  const { rows, min, max } = buildRows(series, { start: window.start, end: window.end, width, missing: merged });
  return {
    window,
    width,
    unit,
    series,
    hidden: named.length - series.length,
    rows,
    min,
    max,
    stale,
    staleAsOf,
    missing: merged,
    notes: [...notes],
    errors,
    failed: outcomes.length > 0 && errors.length === outcomes.length,
    refreshMs: Number.isFinite(refreshMs) ? refreshMs : 10_000,
  };
}

export function mergeRanges(ranges: ReadonlyArray<readonly [number, number]>): Array<[number, number]> {
  const sorted = [...ranges].map((r): [number, number] => [r[0], r[1]]).sort((a, b) => a[0] - b[0]);
  const out: Array<[number, number]> = [];
  for (const r of sorted) {
    const last = out[out.length - 1];
    if (last && r[0] <= last[1]) last[1] = Math.max(last[1], r[1]);
    else out.push(r);
  }
  return out;
}

/** The series a one-line summary speaks for: the one with the highest value now. */
export function leadingSeries(data: Pick<PanelData, 'series'>): DrawnSeries | null {
  let best: DrawnSeries | null = null;
  for (const s of data.series) {
    if (!s.last) continue;
    if (!best || (s.last[1] as number) > (best.last?.[1] as number)) best = s;
  }
  return best;
}
