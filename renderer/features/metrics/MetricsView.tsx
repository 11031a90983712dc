import { useEffect, useMemo, useState } from 'react';
import { useShallow } from 'zustand/react/shallow';
import type { Panel } from '../../../shared/api/metrics.js';
import { Icon } from '../../app/icons.js';
import { navigate } from '../../app/route.js';
import { isReadOnly, useEngineStore } from '../../app/engine-store.js';
import { EntityFinder } from '../estate/EntityFinder.js';
import { HealthIcon, Untrusted } from '../estate/parts.js';
import { MissingSignals } from './MissingSignals.js';
import { kindLabel, locationOf } from '../estate/rollup.js';
import { estateIndex, useEstateStore } from '../estate/store.js';
import '../estate/estate.css';
import { AddPanelForm } from './AddPanelForm.js';
import { eventMarks, markLook } from './event-marks.js';
import type { EventMark } from './event-marks.js';
import { MetricPanel } from './MetricPanel.js';
import { openEntityMetrics, refreshAll, setPreset, setRange, toggleLive, useMetricsStore } from './metrics-store.js';
import { RangePicker } from './RangePicker.js';
import { describeWindow, isLive } from './time-range.js';
import { instantLabel } from './units.js';
import { useMetricsKeys } from './use-metrics-keys.js';
import './metrics.css';

const signalOrder: Record<Panel['signal'], number> = { latency: 0, errors: 1, traffic: 2, saturation: 3, custom: 4 };

/**
 * "Since when, and how badly?" for one entity: its golden signals from whatever sources the
 * estate has, on one shared time window with the events that might explain a change.
 * Route: #/metrics/<entity id>; #/metrics alone asks which entity.
 */
export function MetricsView({ rest }: { rest: string[] }) {
  const entityId = rest[0] ?? null;
  if (!entityId) return <ChooseEntity />;
  return <EntityMetrics key={entityId} entityId={entityId} />;
}

function ChooseEntity() {
  return (
    <section className="view metrics-view">
      <header className="view-header">
        <div>
          <h1 tabIndex={-1}>Metrics</h1>
          <p className="view-summary">Golden signals for any service, workload, node or load balancer. Which one?</p>
        </div>
      </header>
      <div className="metrics-choose">
        <EntityFinder onPick={(entity) => navigate('metrics', entity.id)} placeholder="Find a service, workload or node…" />
        <p className="muted">
          Or open an entity from the <a href="#/overview">overview</a> or the <a href="#/topology">topology</a> and choose <em>Metrics</em>.
        </p>
      </div>
    </section>
  );
}

function EntityMetrics({ entityId }: { entityId: string }) {
  useEffect(() => openEntityMetrics(entityId), [entityId]);
  useMetricsKeys();
  const { panels, missing, panelsError, range, pausedAt, window: timeWindow, events, eventsError } = useMetricsStore(
    useShallow((s) => ({
      panels: s.panels,
      missing: s.missing,
      panelsError: s.panelsError,
      range: s.range,
      pausedAt: s.pausedAt,
      window: s.window,
      events: s.events,
      eventsError: s.eventsError,
    })),
  );
  const version = useEstateStore((s) => s.version);
  const readOnly = useEngineStore(isReadOnly);
  const [adding, setAdding] = useState(false);
  const entity = estateIndex.get(entityId);
  const where = useMemo(() => {
    void version;
    return entity ? locationOf(estateIndex, entity) : '';
  }, [entity, version]);
  const live = isLive(range, pausedAt);
  const marks = useMemo(() => eventMarks(events, timeWindow.start, timeWindow.end), [events, timeWindow.start, timeWindow.end]);
  const sorted = useMemo(
    () => (panels ? [...panels].sort((a, b) => signalOrder[a.signal] - signalOrder[b.signal]) : null),
    [panels],
  );

  return (
    <section className="view metrics-view" aria-labelledby="metrics-title">
      <header className="view-header metrics-header">
        <div className="metrics-heading">
          <span className="entity-kind">
            {entity ? kindLabel[entity.kind] : 'Entity'}
            {where ? (
              <>
                {' · '}
                <Untrusted text={where} />
              </>
            ) : null}
          </span>
          <h1 id="metrics-title" tabIndex={-1}>
            {entity ? <HealthIcon health={entity.health} /> : null}
            <Untrusted text={entity?.name ?? entityId} />
          </h1>
        </div>
        <div className="view-tools metrics-tools">
          <RangePicker
            range={range}
            onPreset={setPreset}
            onCustom={(start, end) => setRange({ kind: 'custom', start, end })}
          />
          <button
            type="button"
            className={`button live-toggle ${live ? 'is-live' : ''}`}
            aria-pressed={live}
            onClick={toggleLive}
            title="Live tail follows the present (L)"
            data-testid="live-toggle"
          >
            <span className="live-dot" aria-hidden="true" />
            {live ? 'Live' : 'Paused'}
            <kbd aria-hidden="true">L</kbd>
          </button>
          <button type="button" className="icon-button" onClick={refreshAll} aria-label="Refresh now" title="Refresh now (R)">
            <Icon name="connecting" />
          </button>
          <button type="button" className="button" onClick={() => navigate('overview', entityId)} title="Open in the estate overview">
            Details
          </button>
          {!readOnly ? (
            <button type="button" className="button" aria-expanded={adding} onClick={() => setAdding((a) => !a)}>
              Add panel
            </button>
          ) : null}
        </div>
      </header>

      <p className="metrics-window muted" data-testid="metrics-window">
        {describeWindow(range, timeWindow, live)} · {instantLabel(timeWindow.start, timeWindow.end - timeWindow.start)} –{' '}
        {instantLabel(timeWindow.end, timeWindow.end - timeWindow.start)}
        {live ? ' · updating' : pausedAt !== null ? ' · paused: press L to follow again' : ''}
        {!entity ? ' · this entity is not in the estate now; showing what its sources still answer' : ''}
      </p>

      {adding ? <AddPanelForm entityId={entityId} onDone={() => setAdding(false)} /> : null}

      {panelsError ? (
        <div className="callout tone-bad" role="alert">
          <Icon name="error" />
          <span>
            Panels unavailable: <Untrusted text={panelsError} />
          </span>
        </div>
      ) : null}

      {sorted === null && !panelsError ? <p className="muted">Finding the signals this entity has…</p> : null}
      {sorted ? <MissingSignals missing={missing} /> : null}
      {sorted && sorted.length === 0 ? (
        <div className="first-run">
          <h2>No metrics for this entity</h2>
          <p>
            None of the configured sources reports metrics Daytwo can tie to it. Workloads and services get CPU and memory
            from the Kubernetes metrics API, request and latency panels from Prometheus, and load balancers their CloudWatch
            metrics.{readOnly ? '' : ' You can add your own PromQL or CloudWatch query with “Add panel”.'}
          </p>
        </div>
      ) : null}

      {sorted && sorted.length > 0 ? (
        <div className="metric-grid-panels" data-testid="metric-panels">
          {sorted.map((panel) => (
            <MetricPanel key={panel.id} panel={panel} marks={marks} readOnly={readOnly} />
          ))}
        </div>
      ) : null}

      <EventsInWindow marks={marks} error={eventsError} span={timeWindow.end - timeWindow.start} />
    </section>
  );
}

function EventsInWindow({ marks, error, span }: { marks: readonly EventMark[]; error: string | null; span: number }) {
  const shown = [...marks].reverse().slice(0, 30);
  return (
    <section className="panel metrics-events" aria-label="Events in this window">
      <h2>
        Events in this window <span className="count">{marks.length}</span>
      </h2>
      <ul className="mark-legend" aria-label="Marker shapes">
        {(Object.keys(markLook) as Array<keyof typeof markLook>).map((kind) => (
          <li key={kind}>
            <MarkGlyph kind={kind} /> {markLook[kind].label}
          </li>
        ))}
      </ul>
      {error ? <p className="muted">Events unavailable: {error}</p> : null}
      {shown.length === 0 && !error ? <p className="muted">No rollouts, operations or alarm changes in this window.</p> : null}
      {shown.length > 0 ? (
        <ol className="metrics-event-list">
          {shown.map((m) => (
            <li key={m.id}>
              <MarkGlyph kind={m.kind} />
              <span className="event-when mono">{instantLabel(m.t, span)}</span>
              <Untrusted text={m.title} className="event-reason" />
              <Untrusted text={m.detail} className="event-detail" />
              {m.entityId && estateIndex.get(m.entityId) ? (
                <button type="button" className="link-button" onClick={() => navigate('overview', m.entityId as string)}>
                  <Untrusted text={estateIndex.get(m.entityId)?.name ?? ''} />
                </button>
              ) : (
                <span />
              )}
            </li>
          ))}
        </ol>
      ) : null}
    </section>
  );
}

export function MarkGlyph({ kind }: { kind: EventMark['kind'] }) {
  const d: Record<EventMark['kind'], string> = {
    rollout: 'M6 1 L11 6 L6 11 L1 6 Z',
    operation: 'M2 2 H10 V10 H2 Z',
    alarm: 'M6 1 L11 10 H1 Z',
    recovery: 'M1.5 6 A4.5 4.5 0 1 0 10.5 6 A4.5 4.5 0 1 0 1.5 6 Z',
    warning: 'M3 6 A3 3 0 1 0 9 6 A3 3 0 1 0 3 6 Z',
  };
  return (
    <svg className="mark-glyph" width="12" height="12" viewBox="0 0 12 12" aria-hidden="true">
      <path d={d[kind]} fill={markLook[kind].color} />
    </svg>
  );
}
