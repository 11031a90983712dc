import { describe, expect, it } from 'vitest';
import { buildRows, nearestRow } from '../../../renderer/features/metrics/chart-rows.js';
import type { Point } from '../../../renderer/features/metrics/chart-rows.js';
import { panelData, seriesName } from '../../../renderer/features/metrics/panel-data.js';
import { formatValue, niceStep, valueAxis } from '../../../renderer/features/metrics/units.js';
import { customRangeProblem, windowFor } from '../../../renderer/features/metrics/time-range.js';
import { eventMarks, markKind } from '../../../renderer/features/metrics/event-marks.js';
import { filterAlerts } from '../../../renderer/features/alerts/alerts-order.js';
import type { Alert, MetricQueryResult, Panel } from '../../../shared/api/metrics.js';

const start = 1_700_000_000_000;
const minute = 60_000;

function series(from: number, stepMs: number, values: Array<number | null>): Point[] {
  return values.map((v, i) => [from + i * stepMs, v]);
}

describe('units read as an operator reads them', () => {
  it('formats durations, bytes, cores, ratios and rates', () => {
    expect(formatValue(0.412, 'seconds')).toBe('412 ms');
    expect(formatValue(1.234, 'seconds')).toBe('1.23 s');
    expect(formatValue(1.5 * 1024 ** 3, 'bytes')).toBe('1.5 GiB');
    expect(formatValue(0.25, 'cores')).toBe('250m');
    expect(formatValue(1.5, 'cores')).toBe('1.5 cores');
    expect(formatValue(0.0012, 'ratio')).toBe('0.12%');
    expect(formatValue(1234, 'rate', 'req')).toBe('1.23k req/s');
    expect(formatValue(null, 'seconds')).toBe('no data');
  });

  it('puts axis ticks on round numbers of the unit shown', () => {
    const axis = valueAxis(0, 0.43, 'seconds');
    expect(axis.ticks.map(axis.format)).toEqual(['0', '100 ms', '200 ms', '300 ms', '400 ms', '500 ms']);
    const memory = valueAxis(0, 1400 * 1024 ** 2, 'bytes');
    expect(memory.ticks.map(memory.format)).toEqual(['0', '0.25 GiB', '0.5 GiB', '0.75 GiB', '1 GiB', '1.25 GiB', '1.5 GiB']);
    const small = valueAxis(0, 700 * 1024 ** 2, 'bytes');
    expect(small.ticks.map(small.format)).toEqual(['0', '256 MiB', '512 MiB', '768 MiB']);
    expect(niceStep(0.18)).toBe(0.2);
  });
});

describe('chart rows', () => {
  it('never holds more rows than the plot has pixels, however many series', () => {
    const many = Array.from({ length: 6 }, (_, k) => ({
      key: `s${k}`,
      // Each series on its own clock, 2,000 points over 15 minutes.
      points: series(start + k * 137, 450, Array.from({ length: 2000 }, (_, i) => Math.sin(i / 50) + k)),
    }));
    const { rows } = buildRows(many, { start, end: start + 15 * minute, width: 300 });
    expect(rows.length).toBeLessThanOrEqual(301);
  });

  it('keeps a one-pixel spike a min/max downsampler kept', () => {
    const points: Point[] = [
      [start, 1],
      [start + 1000, 1],
      [start + 1001, 50],
      [start + 2000, 1],
    ];
    const { rows, max } = buildRows([{ key: 's0', points }], { start, end: start + 4000, width: 4 });
    expect(max).toBe(50);
    expect(rows.some((r) => r['s0'] === 50)).toBe(true);
  });

  it('shows a silence as a gap, and a missing range as a gap', () => {
    const points = [...series(start, minute, [1, 2, 3]), ...series(start + 10 * minute, minute, [4, 5])];
    const { rows } = buildRows([{ key: 's0', points }], { start, end: start + 15 * minute, width: 900 });
    const between = rows.filter((r) => r.t > start + 2 * minute && r.t < start + 10 * minute);
    expect(between.length).toBeGreaterThan(0);
    expect(between.every((r) => r['s0'] === null)).toBe(true);

    const steady = series(start, minute, Array.from({ length: 16 }, () => 1));
    const cached = buildRows([{ key: 's0', points: steady }], {
      start,
      end: start + 15 * minute,
      width: 900,
      missing: [[start + 5 * minute, start + 8 * minute]],
    });
    expect(cached.rows.filter((r) => r.t >= start + 5 * minute && r.t <= start + 8 * minute).every((r) => r['s0'] === null)).toBe(true);
  });

  it('fills a series between its own points where another series has a row, so lines stay whole', () => {
    const a = { key: 's0', points: series(start, minute, [0, 10]) };
    const b = { key: 's1', points: series(start, 30_000, [5, 5, 5]) };
    const { rows } = buildRows([a, b], { start, end: start + 2 * minute, width: 120 });
    const middle = rows[nearestRow(rows, start + 30_000)]!;
    expect(middle['s0']).toBeCloseTo(5);
  });
});

describe('panel data', () => {
  const panel: Panel = {
    id: 'derived:latency:0',
    title: 'Latency',
    unit: 'seconds',
    signal: 'latency',
    origin: 'derived',
    queries: [
      { source: 'prometheus:a', query: { kind: 'promql', expr: 'x' }, label: 'p99' },
      { source: 'aws:sandbox', query: { kind: 'promql', expr: 'y' } },
    ],
  };
  const live = (points: Point[], over: Partial<MetricQueryResult> = {}): MetricQueryResult => ({
    series: [{ labels: {}, points }],
    unit: 'seconds',
    stale: false,
    asOf: start,
    missing: [],
    stepMs: 15_000,
    refreshMs: 15_000,
    ...over,
  });

  it('says when any answer is cached, since when, and keeps going when one query fails', () => {
    const data = panelData(
      panel,
      [{ result: live(series(start, minute, [0.1, 0.4]), { stale: true, asOf: start - 5 * minute, missing: [[start, start + minute]], note: 'Prometheus offline' }) }, { error: 'throttled' }],
      { start, end: start + 2 * minute },
      200,
    );
    expect(data.stale).toBe(true);
    expect(data.staleAsOf).toBe(start - 5 * minute);
    expect(data.errors).toEqual(['Query 2: throttled']);
    expect(data.failed).toBe(false);
    expect(data.notes).toEqual(['Prometheus offline']);
    expect(data.series[0]!.name).toBe('p99');
  });

  it('names series by what tells them apart, never with an empty label', () => {
    expect(seriesName({ labels: { pod: 'api-1', code: '500' }, points: [] }, undefined, ['pod'], 'Errors')).toBe('pod=api-1');
    expect(seriesName({ labels: {}, points: [] }, 'p99 · prod', ['label'], 'Latency')).toBe('p99 · prod');
  });
});

describe('time range, events and alerts', () => {
  it('a paused preset holds still; a custom range is checked before use', () => {
    expect(windowFor({ kind: 'preset', id: '1h' }, start, null)).toEqual({ start: start - 60 * minute, end: start });
    expect(windowFor({ kind: 'preset', id: '15m' }, start + minute, start)).toEqual({ start: start - 15 * minute, end: start });
    expect(customRangeProblem(start, start - 1, start)).toMatch(/after the start/);
    expect(customRangeProblem(start - minute * 5, start, start)).toBeNull();
  });

  it('marks rollouts, operations and alarm changes, not routine events', () => {
    const base = { sourceId: 's', kind: 'kubernetes' as const, entityId: 'e', count: 1, firstAt: start, message: '' };
    expect(markKind({ ...base, reason: 'ScalingReplicaSet', type: 'normal' })).toBe('rollout');
    expect(markKind({ ...base, reason: 'DaytwoScale', type: 'normal' })).toBe('operation');
    expect(markKind({ ...base, reason: 'ALARM', type: 'warning' })).toBe('alarm');
    expect(markKind({ ...base, reason: 'Pulled', type: 'normal' })).toBeNull();
    const marks = eventMarks([{ ...base, id: '1', reason: 'ScalingReplicaSet', type: 'normal', lastAt: start + 1 }], start, start + minute);
    expect(marks).toHaveLength(1);
  });

  it('lists alerts worst first', () => {
    const alert = (name: string, state: Alert['state'], severity: Alert['severity']): Alert => ({
      id: name,
      sourceId: 'aws',
      origin: 'cloudwatch-alarm',
      name,
      state,
      severity,
      summary: '',
      entityIds: [],
      since: start,
      labels: {},
    });
    const sorted = filterAlerts([alert('a', 'ok', 'critical'), alert('b', 'firing', 'warning'), alert('c', 'firing', 'critical'), alert('d', 'pending', 'critical')], {
      text: '',
      states: new Set(),
    });
    expect(sorted.map((a) => a.name)).toEqual(['c', 'b', 'd', 'a']);
  });
});
