/** Time ranges as [start, end] in epoch ms: what the cache holds, and what it lacks. */
export type Range = [number, number];

/** Sorts and joins overlapping or touching ranges. */
export function unionRanges(ranges: readonly Range[]): Range[] {
  const sorted = [...ranges].filter(([s, e]) => e > s).sort((a, b) => a[0] - b[0]);
  const out: Range[] = [];
  for (const [s, e] of sorted) {
    const last = out[out.length - 1];
    if (last && s <= last[1]) last[1] = Math.max(last[1], e);
    else out.push([s, e]);
  }
  return out;
}

/**
 * The parts of [start, end] no covered range reaches. Slivers shorter than `toleranceMs`
 * (a step's alignment) are not worth telling anyone about.
 */
export function missingRanges(start: number, end: number, covered: readonly Range[], toleranceMs = 0): Range[] {
  const out: Range[] = [];
  let cursor = start;
  for (const [s, e] of unionRanges(covered)) {
    if (e <= cursor) continue;
    if (s >= end) break;
    if (s > cursor) out.push([cursor, Math.min(s, end)]);
    cursor = Math.max(cursor, e);
    if (cursor >= end) break;
  }
  if (cursor < end) out.push([cursor, end]);
  return out.filter(([s, e]) => e - s > toleranceMs);
}
