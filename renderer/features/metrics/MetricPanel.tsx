import { useEffect, useId, useMemo, useState, useSyncExternalStore } from 'react';
import type { KeyboardEvent } from 'react';
import type { Panel } from '../../../shared/api/metrics.js';
import type { Source } from '../../../shared/api/sources.js';
import { Icon } from '../../app/icons.js';
import { stateLabels } from '../../app/freshness.js';
import { errorMessage } from '../../api/api-client.js';
import { pushNotice } from '../../app/notices-store.js';
import { Untrusted } from '../estate/parts.js';
import { useSourcesStore } from '../sources/sources-store.js';
import { nearestRow } from './chart-rows.js';
import type { EventMark } from './event-marks.js';
import { CHART_HEIGHT, MetricChart, plotWidth } from './MetricChart.js';
import { feedFor, removePanel } from './metrics-store.js';
import { leadingSeries } from './panel-data.js';
import type { PanelData } from './panel-data.js';
import { clockTime, dayLabel, formatValue, instantLabel, rateNoun, spanWords } from './units.js';
import { useElementWidth } from './use-element-width.js';

const signalWords: Record<Panel['signal'], string> = {
  traffic: 'Traffic',
  errors: 'Errors',
  latency: 'Latency',
  saturation: 'Saturation',
  custom: 'Your panel',
};

/**
 * One panel: title, the value now and how it compares with the start of the window, the
 * chart, and, when the answer came from the cache, how old it is and why. The summary line is
 * also what a screen reader hears and what the end-to-end test reads.
 */
export function MetricPanel({ panel, marks, readOnly }: { panel: Panel; marks: readonly EventMark[]; readOnly: boolean }) {
  const feed = useMemo(() => feedFor(panel), [panel]);
  const { data, loading } = useSyncExternalStore(feed.subscribe, feed.getSnapshot);
  const [boxRef, width] = useElementWidth<HTMLDivElement>();
  const titleId = useId();
  const summaryId = useId();
  const noun = rateNoun(panel.title);

  useEffect(() => {
    if (width > 0) feed.setWidth(plotWidth(width));
  }, [feed, width]);

  const sources = useSourcesStore((s) => s.sources);
  const panelSources = useMemo(() => {
    const ids = [...new Set(panel.queries.map((q) => q.source))];
    return ids.map((id) => sources?.find((s) => s.id === id) ?? null);
  }, [panel.queries, sources]);

  const summary = data ? summarize(data, noun) : null;
  const [cursor, setCursor] = useState<number | null>(null);
  const cursorRow = data && cursor !== null ? (data.rows[Math.min(cursor, data.rows.length - 1)] ?? null) : null;

  const onKeyDown = (e: KeyboardEvent<HTMLElement>) => {
    if (!data || data.rows.length === 0) return;
    const last = data.rows.length - 1;
    const step = e.shiftKey ? Math.max(1, Math.round(data.rows.length / 10)) : 1;
    let next: number | null = cursor;
    if (e.key === 'ArrowLeft') next = cursor === null ? last : Math.max(0, cursor - step);
    else if (e.key === 'ArrowRight') next = cursor === null ? last : Math.min(last, cursor + step);
    else if (e.key === 'Home') next = 0;
    else if (e.key === 'End') next = last;
    else if (e.key === 'Escape' && cursor !== null) next = null;
    else return;
    e.preventDefault();
    e.stopPropagation();
    setCursor(next);
  };

  const userPanel = panel.origin === 'user';
  return (
    <article
      className={`metric-panel ${data?.stale ? 'is-stale' : ''}`}
      aria-labelledby={titleId}
      data-testid="metric-panel"
      data-panel-id={panel.id}
      data-signal={panel.signal}
    >
      <header className="metric-panel-header">
        <div className="metric-panel-title">
          <span className="metric-signal">{signalWords[panel.signal]}</span>
          <h2 id={titleId} title={panel.basis}>
            <Untrusted text={panel.title} />
          </h2>
        </div>
        <div className="metric-panel-now" aria-hidden="true">
          {summary?.now ? <span className="metric-now">{summary.now}</span> : null}
          {summary?.then ? <span className="metric-then">{summary.then}</span> : null}
        </div>
        {userPanel && !readOnly ? <RemovePanel panel={panel} /> : null}
      </header>

      <SourceLine sources={panelSources} data={data} loading={loading} />

      {data && data.errors.length > 0 ? (
        <div className="callout tone-bad metric-errors" role="alert">
          <Icon name="error" />
          <ul>
            {data.errors.map((error, i) => (
              <li key={i}>
                <Untrusted text={error} block />
              </li>
            ))}
          </ul>
        </div>
      ) : null}

      <div
        ref={boxRef}
        className="metric-chart-box"
        style={{ height: CHART_HEIGHT }}
        tabIndex={0}
        role="img"
        aria-labelledby={titleId}
        aria-describedby={summaryId}
        onKeyDown={onKeyDown}
        onBlur={() => setCursor(null)}
        data-testid="metric-chart"
        data-points={data ? data.rows.length : 0}
        data-width={data ? data.width : 0}
      >
        {data && width > 0 && data.series.length > 0 ? (
          <MetricChart
            data={data}
            width={width}
            noun={noun}
            thresholds={panel.thresholds ?? []}
            marks={marks}
            cursorT={cursorRow?.t ?? null}
          />
        ) : (
          <div className="metric-empty">
            {!data ? 'Loading…' : data.failed ? 'No data: every query failed (see above).' : emptyWords(data)}
          </div>
        )}
        {cursorRow && data ? <CursorReadout data={data} row={cursorRow} noun={noun} /> : null}
      </div>

      {data && data.series.length > 1 ? <Legend data={data} noun={noun} /> : null}

      <p id={summaryId} className="visually-hidden" data-testid="panel-summary" data-first={summary?.firstValue ?? ''} data-last={summary?.lastValue ?? ''} data-peak={summary?.peak?.[1] ?? ''} data-peak-at={summary?.peak?.[0] ?? ''}>
        {summary?.sentence ?? 'Loading.'}
      </p>
    </article>
  );
}

function emptyWords(data: PanelData): string {
  if (data.stale) return 'Nothing cached for this range, and the source is not live.';
  return 'No data for this range.';
}

interface Summary {
  now: string | null;
  then: string | null;
  sentence: string;
  firstValue: number | null;
  lastValue: number | null;
  /** The leading series' highest point in the window, and when. */
  peak: [number, number] | null;
}

/** "now 412 ms", "15 min ago 120 ms · peak 530 ms", and the sentence both make. */
export function summarize(data: PanelData, noun: string): Summary {
  const lead = leadingSeries(data);
  if (!lead?.last || !lead.first) {
    return { now: null, then: null, sentence: data.failed ? 'Every query failed.' : 'No data in this range.', firstValue: null, lastValue: null, peak: null };
  }
  const last = lead.last[1] as number;
  const first = lead.first[1] as number;
  const atEnd = data.window.end - lead.last[0] < Math.max(60_000, (data.window.end - data.window.start) / 20);
  const now = `${atEnd ? 'now' : `at ${instantLabel(lead.last[0], data.window.end - data.window.start)}`} ${formatValue(last, data.unit, noun)}`;
  const ago = `${spanWords(data.window.end - lead.first[0])} ago ${formatValue(first, data.unit, noun)}`;
  const peak = lead.peak && lead.peak[1] !== last && lead.peak[1] !== first ? ` · peak ${formatValue(lead.peak[1], data.unit, noun)}` : '';
  const who = data.series.length > 1 ? ` (${lead.name}, the highest now)` : '';
  return {
    now,
    then: `${ago}${peak}`,
    sentence: `${now}, ${ago}${peak}${who}.${data.stale ? ' From the cache: the source is not live.' : ''}`,
    firstValue: first,
    lastValue: last,
    peak: lead.peak ? [lead.peak[0], lead.peak[1] as number] : null,
  };
}

function asOfWords(t: number): string {
  const today = new Date().toDateString() === new Date(t).toDateString();
  return today ? clockTime(t) : `${dayLabel(t)} ${clockTime(t)}`;
}

/** Where the numbers come from and, when they are cached, since when and why. */
function SourceLine({ sources, data, loading }: { sources: Array<Source | null>; data: PanelData | null; loading: boolean }) {
  const notLive = sources.filter((s): s is Source => s !== null && s.state !== 'live' && s.state !== 'degraded');
  const names = sources.map((s) => s?.name ?? 'unknown source');
  if (data?.stale) {
    const why = notLive.length > 0 ? `${notLive[0]!.name} ${stateLabels[notLive[0]!.state]}` : 'source not answering';
    return (
      <p className="metric-source tone-warn is-stale" role="status" data-testid="panel-stale" title={data.notes.join('\n') || undefined}>
        <Icon name="offline" />
        <span>
          cached · {data.staleAsOf !== null ? `as of ${asOfWords(data.staleAsOf)}` : 'never fetched'}, {why}
          {data.missing.length > 0 ? ' · hatched: not cached' : ''}
        </span>
      </p>
    );
  }
  return (
    <p className="metric-source muted">
      <Untrusted text={names.join(' + ')} />
      {data?.notes.length ? <span title={data.notes.join('\n')}> · partial</span> : null}
      {loading ? <span className="metric-loading" aria-hidden="true" /> : null}
    </p>
  );
}

function Legend({ data, noun }: { data: PanelData; noun: string }) {
  return (
    <ul className="metric-legend" aria-label="Series">
      {data.series.map((s) => (
        <li key={s.key}>
          <span className="swatch" style={{ background: s.color }} aria-hidden="true" />
          <Untrusted text={s.name} className="metric-legend-name" />
          <span className="metric-legend-value">{s.last ? formatValue(s.last[1], data.unit, noun) : 'no data'}</span>
        </li>
      ))}
      {data.hidden > 0 ? (
        <li className="muted" title="Only the series with the highest peaks are drawn.">
          +{data.hidden} more not drawn
        </li>
      ) : null}
    </ul>
  );
}

/** What the keyboard cursor is on, read aloud as it moves. */
function CursorReadout({ data, row, noun }: { data: PanelData; row: { t: number; [k: string]: number | null }; noun: string }) {
  const span = data.window.end - data.window.start;
  const index = nearestRow(data.rows, row.t);
  return (
    <div className="cursor-readout" role="status" aria-live="polite">
      <strong>{instantLabel(row.t, span)}</strong>
      {data.series.slice(0, 4).map((s) => (
        <span key={s.key}>
          <span className="swatch" style={{ background: s.color }} aria-hidden="true" />
          {data.series.length > 1 ? <Untrusted text={s.name} className="cursor-name" /> : null}{' '}
          {formatValue(data.rows[index]?.[s.key] ?? null, data.unit, noun)}
        </span>
      ))}
    </div>
  );
}

/** Two presses, not a modal: the first arms, the second removes; leaving the button disarms. */
function RemovePanel({ panel }: { panel: Panel }) {
  const [armed, setArmed] = useState(false);
  const [busy, setBusy] = useState(false);
  return (
    <button
      type="button"
      className={armed ? 'button danger small' : 'icon-button'}
      aria-label={armed ? `Confirm: remove panel ${panel.title}` : `Remove panel ${panel.title}`}
      title={armed ? 'Press again to remove' : 'Remove this panel'}
      disabled={busy}
      onBlur={() => setArmed(false)}
      onMouseLeave={() => setArmed(false)}
      onClick={() => {
        if (!armed) {
          setArmed(true);
          return;
        }
        setBusy(true);
        removePanel(panel.id)
          .catch((error: unknown) => pushNotice('error', 'Removing the panel', errorMessage(error)))
          .finally(() => setBusy(false));
      }}
    >
      {armed ? 'Remove?' : <Icon name="close" />}
    </button>
  );
}
