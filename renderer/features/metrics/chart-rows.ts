/**
 * Turns series as the engine answers them (each its own timestamps, already downsampled to the
 * chart's width) into the one array of rows recharts draws, built once per answer and memoised.
 *
 * Rows sit on a grid of one bucket per plot pixel, so however many series a panel has, the
 * chart never gets more rows than it has pixels (ARCHITECTURE.md, performance budgets). When
 * two points of a series fall in one pixel (a min/max downsampler emits both), the one further
 * from the series' previous value is kept: that is the spike the downsampler kept it for.
 *
 * A series with no point in a row another series has gets the value its line passes through
 * there (linear between its neighbours), so its line looks exactly as it would on its own and
 * the tooltip reads what the line shows. Across a gap (an explicit null, a range the cache is
 * missing, or a silence much longer than the series' own step) it gets null, and recharts,
 * with connectNulls off, leaves the gap visible.
 */

export type Point = [number, number | null];

export interface SeriesInput {
  /** Stable key for the row field: "s0", "s1", … */
  key: string;
  points: readonly Point[];
}

export interface ChartRow {
  t: number;
  [seriesKey: string]: number | null;
}

export interface Rows {
  rows: ChartRow[];
  /** Smallest and largest value drawn, for the y axis. */
  min: number;
  max: number;
}

export interface RowOptions {
  start: number;
  end: number;
  /** Plot width in pixels: the number of buckets. */
  width: number;
  /** Ranges the engine said it has no data for (offline, never cached). */
  missing?: ReadonlyArray<readonly [number, number]>;
}

function inMissing(t: number, missing: ReadonlyArray<readonly [number, number]> | undefined): boolean {
  if (!missing) return false;
  for (const [from, to] of missing) if (t >= from && t <= to) return true;
  return false;
}

/** The median spacing of a series' points: what "a silence much longer than usual" is measured by. */
export function typicalStep(points: readonly Point[]): number {
  if (points.length < 2) return Infinity;
  const steps: number[] = [];
  for (let i = 1; i < points.length; i++) steps.push((points[i] as Point)[0] - (points[i - 1] as Point)[0]);
  steps.sort((a, b) => a - b);
  return steps[steps.length >> 1] as number;
}

/** Snaps one series to the pixel grid: at most one point per bucket, spikes kept. */
function snap(points: readonly Point[], start: number, bucketMs: number, buckets: number): Map<number, number | null> {
  const byBucket = new Map<number, number | null>();
  let bucket = Number.NaN;
  /** The value of the last bucket before the one being filled. */
  let previous: number | null = null;
  for (const [t, v] of points) {
    const b = Math.round((t - start) / bucketMs);
    if (b < 0 || b > buckets) continue;
    const value = v === null || !Number.isFinite(v) ? null : v;
    if (b !== bucket) {
      if (!Number.isNaN(bucket)) previous = byBucket.get(bucket) ?? previous;
      bucket = b;
      byBucket.set(b, value);
      continue;
    }
    const kept = byBucket.get(b) ?? null;
    // A null next to a value in the same pixel is a sub-pixel gap: the value wins.
    if (value === null) continue;
    if (kept === null || (previous !== null && Math.abs(value - previous) > Math.abs(kept - previous))) byBucket.set(b, value);
  }
  return byBucket;
}

export function buildRows(series: readonly SeriesInput[], options: RowOptions): Rows {
  const { start, end, missing } = options;
  const buckets = Math.max(1, Math.floor(options.width));
  const bucketMs = Math.max(1, (end - start) / buckets);

  const snapped = series.map((s) => snap(s.points, start, bucketMs, buckets));
  const bucketSet = new Set<number>();
  for (const m of snapped) for (const b of m.keys()) bucketSet.add(b);
  const order = [...bucketSet].sort((a, b) => a - b);

  const rows: ChartRow[] = order.map((b) => ({ t: Math.round(start + b * bucketMs) }));
  let min = Infinity;
  let max = -Infinity;

  snapped.forEach((m, i) => {
    const key = (series[i] as SeriesInput).key;
    const own = [...m.entries()].sort((a, b) => a[0] - b[0]);
    // Longer than this between two points is a silence, not a slope.
    const gapBuckets = Math.max(3, (3 * typicalStep(series[i]!.points)) / bucketMs);
    let j = 0;
    for (let r = 0; r < order.length; r++) {
      const b = order[r] as number;
      const row = rows[r] as ChartRow;
      while (j < own.length && (own[j] as [number, number | null])[0] < b) j++;
      const here = own[j];
      let value: number | null = null;
      if (here && here[0] === b) {
        value = here[1];
      } else {
        const before = own[j - 1];
        const after = here;
        if (before && after && before[1] !== null && after[1] !== null && after[0] - before[0] <= gapBuckets) {
          const f = (b - before[0]) / (after[0] - before[0]);
          value = before[1] + (after[1] - before[1]) * f;
        }
      }
      if (value !== null && inMissing(row.t, missing)) value = null;
      row[key] = value;
      if (value !== null) {
        if (value < min) min = value;
        if (value > max) max = value;
      }
    }
  });

  // A silence inside one series must still break its line where no other series has a row:
  // add a null row in the middle of each such gap.
  const extra: ChartRow[] = [];
  snapped.forEach((m, i) => {
    const own = [...m.entries()].filter(([, v]) => v !== null).sort((a, b) => a[0] - b[0]);
    const gapBuckets = Math.max(3, (3 * typicalStep(series[i]!.points)) / bucketMs);
    for (let k = 1; k < own.length; k++) {
      const a = (own[k - 1] as [number, number | null])[0];
      const b = (own[k] as [number, number | null])[0];
      if (b - a <= gapBuckets) continue;
      const mid = Math.round((a + b) / 2);
      if (!bucketSet.has(mid)) {
        bucketSet.add(mid);
        const row: ChartRow = { t: Math.round(start + mid * bucketMs) };
        for (const s of series) row[s.key] = null;
        extra.push(row);
      }
    }
  });
  // Ranges the cache is missing get a null row too, so no line is drawn across them.
  for (const [from, to] of missing ?? []) {
    const mid = Math.round(((Math.max(from, start) + Math.min(to, end)) / 2 - start) / bucketMs);
    if (mid >= 0 && mid <= buckets && !bucketSet.has(mid)) {
      bucketSet.add(mid);
      const row: ChartRow = { t: Math.round(start + mid * bucketMs) };
      for (const s of series) row[s.key] = null;
      extra.push(row);
    }
  }
  if (extra.length > 0) {
    rows.push(...extra);
    rows.sort((a, b) => a.t - b.t);
  }

  return { rows, min: Number.isFinite(min) ? min : 0, max: Number.isFinite(max) ? max : 0 };
}

/** The row nearest to `t` (binary search), for keyboard cursors and synced hover. */
export function nearestRow(rows: readonly { t: number }[], t: number): number {
  if (rows.length === 0) return -1;
  let lo = 0;
  let hi = rows.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if ((rows[mid] as { t: number }).t < t) lo = mid + 1;
    else hi = mid;
  }
  if (lo > 0 && Math.abs((rows[lo - 1] as { t: number }).t - t) <= Math.abs((rows[lo] as { t: number }).t - t)) return lo - 1;
  return lo;
}

/** First and last real (non-null) values of a series, for the panel's "now / then" summary. */
export function endpoints(points: readonly Point[]): { first: Point | null; last: Point | null; peak: Point | null } {
  let first: Point | null = null;
  let last: Point | null = null;
  let peak: Point | null = null;
  for (const p of points) {
    if (p[1] === null || !Number.isFinite(p[1])) continue;
    if (!first) first = p;
    last = p;
    if (!peak || p[1] > (peak[1] as number)) peak = p;
  }
  return { first, last, peak };
}
