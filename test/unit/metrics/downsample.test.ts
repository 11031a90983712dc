import { describe, expect, it } from 'vitest';
import { downsample } from '../../../shared/metrics/downsample.js';
import { missingRanges, unionRanges } from '../../../shared/metrics/ranges.js';
import { alignRange, cloudWatchPeriodSeconds, prometheusStepMs } from '../../../shared/metrics/steps.js';
import { splitForLimits } from '../../../electron/engine/metrics/cloudwatch-data.js';

function series(n: number, step: number, value: (i: number) => number) {
  const t = new Float64Array(n);
  const v = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    t[i] = i * step;
    v[i] = value(i);
  }
  return { t, v };
}

describe('downsampling for a chart', () => {
  it('never gives a chart more points than it has pixels, and keeps a one-sample spike', () => {
    const { t, v } = series(100_000, 1000, (i) => (i === 54_321 ? 1000 : Math.sin(i / 500)));
    for (const max of [2, 3, 100, 999, 1000]) {
      const out = downsample(t, v, 0, 100_000_000, max, 2000);
      expect(out.length).toBeLessThanOrEqual(max);
      expect(out.map((p) => p[1])).toContain(1000);
    }
  });

  it('keeps the dip as well as the peak of every column', () => {
    const { t, v } = series(10_000, 1000, (i) => (i === 7777 ? -50 : i % 2));
    const out = downsample(t, v, 0, 10_000_000, 100, 2000);
    expect(Math.min(...out.map((p) => p[1] ?? 0))).toBe(-50);
  });

  it('passes few points through untouched, with a null where samples stop for more than two steps', () => {
    const t = [0, 1000, 2000, 10_000, 11_000];
    const v = [1, 2, 3, 4, 5];
    expect(downsample(t, v, 0, 11_000, 100, 2000)).toEqual([
      [0, 1],
      [1000, 2],
      [2000, 3],
      [6000, null],
      [10_000, 4],
      [11_000, 5],
    ]);
  });

  it('turns NaN (no value) into a gap, never into a number', () => {
    const out = downsample([0, 1000, 2000, 3000], [1, NaN, NaN, 4], 0, 3000, 100, 2000);
    expect(out).toEqual([
      [0, 1],
      [1000, null],
      [3000, 4],
    ]);
  });

  it('shows a gap wider than a pixel column after downsampling', () => {
    const { t, v } = series(100_000, 1000, (i) => (i >= 40_000 && i < 60_000 ? NaN : 1));
    const out = downsample(t, v, 0, 100_000_000, 200, 2000);
    expect(out.length).toBeLessThanOrEqual(200);
    const nulls = out.filter((p) => p[1] === null);
    expect(nulls).toHaveLength(1);
    expect(nulls[0]![0]).toBeGreaterThan(40_000_000);
    expect(nulls[0]![0]).toBeLessThan(60_000_000);
  });

  it('keeps points in time order', () => {
    const { t, v } = series(50_000, 1000, (i) => Math.cos(i));
    const out = downsample(t, v, 0, 50_000_000, 500, 2000);
    for (let i = 1; i < out.length; i++) expect(out[i]![0]).toBeGreaterThanOrEqual(out[i - 1]![0]);
  });
});

describe('what the cache lacks', () => {
  it('joins overlapping ranges and lists the holes', () => {
    expect(unionRanges([[5, 10], [0, 3], [2, 6]])).toEqual([[0, 10]]);
    expect(missingRanges(0, 100, [[10, 20], [15, 30], [50, 60]])).toEqual([[0, 10], [30, 50], [60, 100]]);
    expect(missingRanges(0, 100, [[0, 100]])).toEqual([]);
    expect(missingRanges(0, 100, [[1, 99]], 5)).toEqual([]);
  });
});

describe('steps within backend limits', () => {
  it('asks Prometheus for at most 11,000 points a series, whatever the range', () => {
    for (const range of [60_000, 3_600_000, 86_400_000, 7 * 86_400_000, 400 * 86_400_000]) {
      for (const maxPoints of [2, 800, 4000, 20_000]) {
        const step = prometheusStepMs(range, maxPoints);
        const [s, e] = alignRange(1_700_000_000_000, 1_700_000_000_000 + range, step);
        expect((e - s) / step + 1).toBeLessThanOrEqual(11_000);
      }
    }
  });

  it('asks CloudWatch for periods it accepts, coarser for old data', () => {
    const now = Date.UTC(2026, 0, 1);
    const day = 86_400_000;
    for (const [start, end] of [
      [now - 3_600_000, now],
      [now - 7 * day, now],
      [now - 30 * day, now - 29 * day],
      [now - 100 * day, now - 99 * day],
    ] as const) {
      const p = cloudWatchPeriodSeconds(start, end, 1000, now);
      expect(p % 60).toBe(0);
      if (now - start > 15 * day) expect(p % 300).toBe(0);
      if (now - start > 63 * day) expect(p % 3600).toBe(0);
    }
  });

  it('splits a batch at 500 queries and at 100,800 datapoints a call', () => {
    const items = Array.from({ length: 1200 }, (_, i) => i);
    expect(splitForLimits({ start: 0, end: 3_600_000, periodSeconds: 60, items }).map((g) => g.length)).toEqual([500, 500, 200]);
    // A week at 1 minute is 10,080 points a query: 10 queries a call.
    const week = splitForLimits({ start: 0, end: 7 * 86_400_000, periodSeconds: 60, items: items.slice(0, 25) });
    expect(week.map((g) => g.length)).toEqual([10, 10, 5]);
  });
});
