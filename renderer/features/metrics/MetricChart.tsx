import { memo, useMemo } from 'react';
import { Area, CartesianGrid, ComposedChart, Line, ReferenceArea, ReferenceLine, Tooltip, XAxis, YAxis } from 'recharts';
import type { TooltipContentProps, TooltipValueType } from 'recharts';
import type { PanelThreshold } from '../../../shared/api/metrics.js';
import type { ChartRow } from './chart-rows.js';
import { nearestRow } from './chart-rows.js';
import type { EventMark } from './event-marks.js';
import { markLook } from './event-marks.js';
import type { DrawnSeries, PanelData } from './panel-data.js';
import { instantLabel, timeAxis, valueAxis, withScale } from './units.js';

/**
 * One panel's chart. Everything it draws arrives precomputed (rows on the pixel grid, series,
 * marks), and the component is memoised, so a live tail costs one render per answer.
 * Animation is off: a chart that eases into place misleads about when a value changed.
 */

export const CHART_HEIGHT = 188;
export const Y_AXIS_WIDTH = 62;
export const CHART_MARGIN = { top: 14, right: 14, bottom: 0, left: 0 } as const;

/** The plot area's width: what maxPoints and the pixel grid are measured against. */
export function plotWidth(containerWidth: number): number {
  return Math.max(2, Math.floor(containerWidth - Y_AXIS_WIDTH - CHART_MARGIN.left - CHART_MARGIN.right));
}

export const SYNC_ID = 'daytwo-metrics';

/**
 * Panels' rows are not on one grid (each has its own series), so the hover of another chart is
 * matched by time, to this chart's nearest row, rather than by index or exact value.
 */
function syncByTime(ticks: ReadonlyArray<{ value: unknown; index: number }>, data: { activeLabel?: string | number }): number {
  const t = Number(data.activeLabel);
  if (!Number.isFinite(t) || ticks.length === 0) return 0;
  const values = ticks.map((tick) => ({ t: Number(tick.value) }));
  return Math.max(0, nearestRow(values, t));
}

interface Props {
  data: PanelData;
  width: number;
  noun: string;
  thresholds: readonly PanelThreshold[];
  marks: readonly EventMark[];
  /** Keyboard cursor: the row the operator stepped to with the arrow keys. */
  cursorT: number | null;
}

export const MetricChart = memo(function MetricChart({ data, width, noun, thresholds, marks, cursorT }: Props) {
  const { window, rows, series, unit } = data;
  const span = window.end - window.start;

  const axis = useMemo(() => {
    let hi = data.max;
    // A threshold near the data is drawn in range, so "how close are we" reads at a glance;
    // one far above would flatten the series to a line at the bottom.
    for (const th of thresholds) if (th.value > hi && (data.max <= 0 || th.value <= data.max * 3)) hi = th.value * 1.05;
    return valueAxis(Math.min(0, data.min), hi, unit, noun);
  }, [data.min, data.max, thresholds, unit, noun]);
  const time = useMemo(() => timeAxis(window.start, window.end, plotWidth(width)), [window.start, window.end, width]);
  const single = series.length === 1;
  // Ticks round to what the axis needs; a value read off the chart keeps three digits.
  const precise = useMemo(() => (v: number) => withScale(v, axis.scale, 3), [axis]);
  const content = useMemo(
    () =>
      function Content(props: TooltipContentProps<TooltipValueType, string | number>) {
        return <ChartTooltip {...props} series={series} format={precise} span={span} />;
      },
    [series, precise, span],
  );

  return (
    <ComposedChart
      width={width}
      height={CHART_HEIGHT}
      data={rows}
      margin={CHART_MARGIN}
      syncId={SYNC_ID}
      syncMethod={syncByTime}
      className="metric-chart"
      accessibilityLayer={false}
    >
      <defs>
        <pattern id="metrics-missing-hatch" width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)">
          <rect width="6" height="6" className="missing-hatch-bg" />
          <line x1="0" y1="0" x2="0" y2="6" className="missing-hatch-line" strokeWidth="2" />
        </pattern>
        {series.map((s) => (
          <linearGradient key={s.key} id={`fill-${s.key}-${s.color.slice(1)}`} x1="0" y1="0" x2="0" y2="1">
            <stop offset="0%" stopColor={s.color} stopOpacity={0.28} />
            <stop offset="100%" stopColor={s.color} stopOpacity={0.03} />
          </linearGradient>
        ))}
      </defs>
      <CartesianGrid vertical={false} className="metric-grid" />
      <XAxis
        dataKey="t"
        type="number"
        scale="time"
        domain={[window.start, window.end]}
        ticks={time.ticks}
        tickFormatter={time.format}
        allowDataOverflow
        tickLine={false}
        className="metric-axis"
        height={22}
        minTickGap={24}
      />
      <YAxis
        width={Y_AXIS_WIDTH}
        type="number"
        domain={axis.domain}
        ticks={axis.ticks}
        tickFormatter={axis.format}
        allowDataOverflow
        tickLine={false}
        axisLine={false}
        className="metric-axis"
      />
      {data.missing.map(([from, to]) => (
        <ReferenceArea
          key={`missing-${from}`}
          x1={Math.max(from, window.start)}
          x2={Math.min(to, window.end)}
          ifOverflow="hidden"
          fill="url(#metrics-missing-hatch)"
          fillOpacity={1}
          className="missing-range"
          label={{ value: 'no data cached', position: 'insideTop', className: 'missing-label' }}
        />
      ))}
      {series.map((s) =>
        single ? (
          <Area
            key={s.key}
            dataKey={s.key}
            name={s.name}
            type="linear"
            stroke={s.color}
            strokeWidth={1.6}
            fill={`url(#fill-${s.key}-${s.color.slice(1)})`}
            connectNulls={false}
            isAnimationActive={false}
            dot={false}
            activeDot={{ r: 3, strokeWidth: 0 }}
            baseValue={axis.domain[0]}
          />
        ) : (
          <Line
            key={s.key}
            dataKey={s.key}
            name={s.name}
            type="linear"
            stroke={s.color}
            strokeWidth={1.4}
            connectNulls={false}
            isAnimationActive={false}
            dot={false}
            activeDot={{ r: 3, strokeWidth: 0 }}
          />
        ),
      )}
      {thresholds.map((th, i) => (
        <ReferenceLine
          key={`th-${i}`}
          y={th.value}
          ifOverflow="hidden"
          stroke={th.severity === 'critical' ? '#d23a3a' : '#c07a00'}
          strokeDasharray="5 3"
          strokeWidth={1.2}
          label={{
            value: `${th.label} ${th.comparison} ${precise(th.value)}`,
            position: 'insideTopRight',
            className: `threshold-label threshold-${th.severity}`,
          }}
        />
      ))}
      {marks.map((m) => (
        <ReferenceLine key={m.id} x={m.t} ifOverflow="hidden" shape={(props: LineShape) => <EventLine {...props} mark={m} span={span} />} />
      ))}
      {cursorT !== null ? <ReferenceLine x={cursorT} stroke="var(--text-muted)" strokeWidth={1} className="keyboard-cursor" /> : null}
      <Tooltip
        content={content}
        isAnimationActive={false}
        cursor={{ stroke: 'currentColor', strokeWidth: 1, strokeOpacity: 0.45 }}
        allowEscapeViewBox={{ x: false, y: true }}
        wrapperStyle={{ zIndex: 5, pointerEvents: 'none' }}
      />
    </ComposedChart>
  );
});

interface LineShape {
  x1?: number;
  y1?: number;
  x2?: number;
  y2?: number;
}

const glyphs: Record<EventMark['kind'], string> = {
  // Diamond, square, triangle, check-ish circle, circle: a shape per kind, not colour alone.
  rollout: 'M0 -5 L5 0 L0 5 L-5 0 Z',
  operation: 'M-4 -4 H4 V4 H-4 Z',
  alarm: 'M0 -5 L5 4 H-5 Z',
  recovery: 'M-4.5 0 A4.5 4.5 0 1 0 4.5 0 A4.5 4.5 0 1 0 -4.5 0 Z',
  warning: 'M-3 0 A3 3 0 1 0 3 0 A3 3 0 1 0 -3 0 Z',
};

function EventLine({ x1, y1, y2, mark, span }: LineShape & { mark: EventMark; span: number }) {
  if (x1 === undefined || y1 === undefined || y2 === undefined || !Number.isFinite(x1)) return <g />;
  const top = Math.min(y1, y2);
  const bottom = Math.max(y1, y2);
  const look = markLook[mark.kind];
  return (
    <g className={`event-mark event-${mark.kind}`}>
      <title>{`${look.label} · ${instantLabel(mark.t, span)} · ${mark.title}: ${mark.detail}`}</title>
      <line x1={x1} x2={x1} y1={top} y2={bottom} stroke={look.color} strokeWidth={1} strokeDasharray="2 3" strokeOpacity={0.8} />
      <path d={glyphs[mark.kind]} transform={`translate(${x1} ${top - 6})`} fill={look.color} />
    </g>
  );
}

function ChartTooltip({
  active,
  payload,
  series,
  format,
  span,
}: TooltipContentProps<TooltipValueType, string | number> & { series: DrawnSeries[]; format: (v: number) => string; span: number }) {
  const row = payload?.[0]?.payload as ChartRow | undefined;
  if (!active || !row) return null;
  const values = series
    .map((s) => ({ s, v: row[s.key] }))
    .sort((a, b) => (b.v ?? -Infinity) - (a.v ?? -Infinity));
  return (
    <div className="chart-tooltip">
      <div className="chart-tooltip-time">{instantLabel(row.t, span)}</div>
      <ul>
        {values.map(({ s, v }) => (
          <li key={s.key}>
            <span className="swatch" style={{ background: s.color }} aria-hidden="true" />
            <span className="chart-tooltip-name untrusted" dir="auto">
              {s.name}
            </span>
            <span className="chart-tooltip-value">{v === null || v === undefined ? 'no data' : format(v)}</span>
          </li>
        ))}
      </ul>
    </div>
  );
}
