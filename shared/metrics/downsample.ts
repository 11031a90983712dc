/**
 * Downsampling for charts: a chart gets at most as many points as it has pixels, and a spike
 * one sample wide must still show. Min/max buckets do both: the range is cut into
 * maxPoints / 2 equal time buckets, and each bucket keeps its lowest and highest sample, in
 * time order. Unlike averaging, the extreme of every pixel column survives; unlike LTTB, the
 * cost is one pass with no area arithmetic, and the result does not depend on neighbours.
 *
 * Gaps: a value that is NaN is "no data". In the output, a gap is one `[t, null]` point.
 *   - Not downsampled (few points): a null goes between two samples further apart than
 *     `gapMs` (twice the data's step), and where the input itself held NaN.
 *   - Downsampled: a bucket with no sample between buckets that have samples gets one null,
 *     so a gap wider than a pixel column shows; narrower gaps are below what a chart can draw.
 * Either way the output never exceeds maxPoints.
 */

export type Point = [number, number | null];

/** A series as the engine holds it: parallel arrays, times ascending, NaN for no value. */
export interface RawSeries {
  labels: Record<string, string>;
  t: Float64Array;
  v: Float64Array;
}

export function downsample(t: ArrayLike<number>, v: ArrayLike<number>, start: number, end: number, maxPoints: number, gapMs: number): Point[] {
  const limit = Math.max(2, Math.floor(maxPoints));
  const raw = withGaps(t, v, start, end, gapMs, limit);
  if (raw) return raw;
  return minMaxBuckets(t, v, start, end, limit);
}

/** The samples in [start, end] with nulls at gaps, or null when that would exceed `limit`. */
function withGaps(t: ArrayLike<number>, v: ArrayLike<number>, start: number, end: number, gapMs: number, limit: number): Point[] | null {
  const out: Point[] = [];
  let lastT = NaN;
  let lastWasGap = true;
  for (let i = 0; i < t.length; i++) {
    const ti = t[i] as number;
    if (ti < start || ti > end) continue;
    const vi = v[i] as number;
    if (Number.isNaN(vi)) {
      if (!lastWasGap && out.length > 0) {
        out.push([ti, null]);
        lastWasGap = true;
      }
    } else {
      if (!lastWasGap && ti - lastT > gapMs) out.push([Math.round((lastT + ti) / 2), null]);
      out.push([ti, Number.isFinite(vi) ? vi : null]);
      lastT = ti;
      lastWasGap = false;
    }
    if (out.length > limit) return null;
  }
  // A trailing null says nothing a chart would draw.
  if (out.length > 0 && out[out.length - 1]![1] === null) out.pop();
  return out;
}

function minMaxBuckets(t: ArrayLike<number>, v: ArrayLike<number>, start: number, end: number, limit: number): Point[] {
  const buckets = Math.max(1, Math.floor(limit / 2));
  const width = (end - start) / buckets;
  const out: Point[] = [];
  let bucket = -1;
  let minI = -1;
  let maxI = -1;
  let pendingGap = false;
  let seenAny = false;
  const flush = () => {
    if (minI < 0) return;
    if (pendingGap && seenAny) out.push([Math.round(start + (bucket - 0.5) * width), null]);
    pendingGap = false;
    seenAny = true;
    if (minI === maxI) out.push([t[minI] as number, v[minI] as number]);
    else if (minI < maxI) out.push([t[minI] as number, v[minI] as number], [t[maxI] as number, v[maxI] as number]);
    else out.push([t[maxI] as number, v[maxI] as number], [t[minI] as number, v[minI] as number]);
    minI = -1;
    maxI = -1;
  };
  for (let i = 0; i < t.length; i++) {
    const ti = t[i] as number;
    if (ti < start || ti > end) continue;
    const vi = v[i] as number;
    if (!Number.isFinite(vi)) continue;
    let b = Math.floor((ti - start) / width);
    if (b >= buckets) b = buckets - 1;
    if (b !== bucket) {
      flush();
      // Skipped at least one whole bucket since the last sample: a gap wider than a column.
      if (seenAny && b > bucket + 1) pendingGap = true;
      bucket = b;
    }
    if (minI < 0 || vi < (v[minI] as number)) minI = i;
    if (maxI < 0 || vi > (v[maxI] as number)) maxI = i;
  }
  flush();
  return out;
}

/**
 * Merges series fetched at different times (the cache) into one, ascending, a later fetch
 * winning where two hold the same instant.
 */
export function mergeSeries(parts: readonly { t: ArrayLike<number>; v: ArrayLike<number> }[]): { t: Float64Array; v: Float64Array } {
  const byTime = new Map<number, number>();
  for (const part of parts) for (let i = 0; i < part.t.length; i++) byTime.set(part.t[i] as number, part.v[i] as number);
  const times = [...byTime.keys()].sort((a, b) => a - b);
  const t = new Float64Array(times.length);
  const v = new Float64Array(times.length);
  times.forEach((time, i) => {
    t[i] = time;
    v[i] = byTime.get(time) as number;
  });
  return { t, v };
}
