import { useEffect, useMemo, useRef, useState } from 'react';
import { useVirtualizer } from '@tanstack/react-virtual';
import type { Alert, AlertState } from '../../../shared/api/metrics.js';
import { Icon } from '../../app/icons.js';
import type { IconName } from '../../app/icons.js';
import { useClockStore } from '../../app/clock.js';
import { formatAge } from '../../app/freshness.js';
import { routeHash } from '../../app/route.js';
import { Untrusted } from '../estate/parts.js';
import { kindLabel } from '../estate/rollup.js';
import { estateIndex, useEstateStore } from '../estate/store.js';
import { useSourcesStore } from '../sources/sources-store.js';
import { countByState, filterAlerts, watchAlerts, useAlertsStore } from './alerts-store.js';
import { DeclareFromAlert, SilenceAlert } from '../incidents/register.js';
import { PagerDutyIncidents } from '../pagerduty/PagerDutyIncidents.js';
import { RunbookForAlert } from '../runbooks/register.js';
import '../estate/estate.css';
import './alerts.css';

const stateLook: Record<AlertState, { icon: IconName; tone: string; label: string }> = {
  firing: { icon: 'error', tone: 'tone-bad', label: 'Firing' },
  pending: { icon: 'degraded', tone: 'tone-warn', label: 'Pending' },
  'insufficient-data': { icon: 'connecting', tone: 'tone-muted', label: 'Insufficient data' },
  ok: { icon: 'live', tone: 'tone-ok', label: 'OK' },
};

const originWords: Record<Alert['origin'], string> = {
  'cloudwatch-alarm': 'CloudWatch alarm',
  'prometheus-alert': 'Prometheus alert',
  'alertmanager-alert': 'Alertmanager',
};

const ROW_HEIGHT = 46;
/** Lists over a hundred rows are virtualised (STYLE.md); shorter ones render whole. */
const VIRTUAL_FROM = 100;

/**
 * Every CloudWatch alarm and Prometheus alert, worst first (firing critical, firing, pending,
 * insufficient data, OK), each linked to the entities it concerns and to their metrics.
 * Route: #/alerts
 */
export function AlertsView() {
  useEffect(() => watchAlerts(), []);
  const { alerts, asOf, error } = useAlertsStore();
  const now = useClockStore((s) => s.now);
  useEstateStore((s) => s.version);
  const [text, setText] = useState('');
  const [states, setStates] = useState<ReadonlySet<AlertState>>(new Set());
  const shown = useMemo(() => filterAlerts(alerts ?? [], { text, states }), [alerts, text, states]);
  const counts = useMemo(() => countByState(alerts ?? []), [alerts]);
  const scrollRef = useRef<HTMLDivElement>(null);
  const virtual = shown.length > VIRTUAL_FROM;
  // eslint-disable-next-line react-hooks/incompatible-library -- the virtualizer is read during render by design
  const virtualizer = useVirtualizer({
    count: shown.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 12,
    enabled: virtual,
  });
  const sources = useSourcesStore((s) => s.sources);
  const sourceName = (id: string) => sources?.find((s) => s.id === id)?.name ?? id;
  const hasPagerDuty = sources?.some((s) => s.kind === 'pagerduty') ?? false;

  const toggle = (state: AlertState) =>
    setStates((old) => {
      const next = new Set(old);
      if (next.has(state)) next.delete(state);
      else next.add(state);
      return next;
    });

  const items = virtual ? virtualizer.getVirtualItems() : shown.map((_, index) => ({ index, start: index * ROW_HEIGHT, key: index }));

  return (
    <section className="view alerts-view">
      <header className="view-header">
        <div>
          <h1 tabIndex={-1}>Alerts</h1>
          <p className="view-summary">
            CloudWatch alarms and Prometheus alerts, worst first
            {asOf ? ` · as of ${new Date(asOf).toLocaleTimeString()}` : ''}
          </p>
        </div>
        <div className="view-tools" role="search">
          <input
            className="filter"
            type="search"
            placeholder="Filter alerts  /"
            aria-label="Filter alerts by name, summary or label"
            data-view-filter
            value={text}
            onChange={(e) => setText(e.target.value)}
            onKeyDown={(e) => {
              if (e.key === 'Escape' && text) {
                e.preventDefault();
                setText('');
              }
            }}
          />
        </div>
      </header>

      <div className="alert-states" role="group" aria-label="Show only">
        {(Object.keys(stateLook) as AlertState[]).map((state) => (
          <button
            key={state}
            type="button"
            className={`button state-chip ${stateLook[state].tone}`}
            aria-pressed={states.has(state)}
            onClick={() => toggle(state)}
          >
            <Icon name={stateLook[state].icon} />
            {stateLook[state].label}
            <span className="count">{counts[state]}</span>
          </button>
        ))}
      </div>

      {error ? (
        <div className="callout tone-bad" role="alert">
          <Icon name="error" />
          <span>
            Alerts unavailable: <Untrusted text={error} />
          </span>
        </div>
      ) : null}
      {alerts === null && !error ? <p className="muted">Reading alarms and alerts…</p> : null}
      {alerts && alerts.length === 0 ? (
        <p className="muted">No alarms or alerts: no CloudWatch alarms in the configured accounts and no Prometheus alerting rules firing or pending.</p>
      ) : null}
      {alerts && alerts.length > 0 && shown.length === 0 ? <p className="muted">No alert matches the filter.</p> : null}

      {shown.length > 0 ? (
        <div className="alerts-table" role="table" aria-label="Alerts, worst first" aria-rowcount={shown.length + 1}>
          <div className="alert-row alert-head" role="row">
            <span role="columnheader">State</span>
            <span role="columnheader">Alert</span>
            <span role="columnheader">Concerns</span>
            <span role="columnheader">Since</span>
            <span role="columnheader">From</span>
          </div>
          <div
            ref={scrollRef}
            className={virtual ? 'alerts-scroll' : undefined}
            role="rowgroup"
            style={virtual ? { maxHeight: 'calc(100vh - 260px)' } : undefined}
          >
            <div style={virtual ? { height: virtualizer.getTotalSize(), position: 'relative' } : undefined}>
              {items.map((item) => {
                const alert = shown[item.index]!;
                const look = stateLook[alert.state];
                return (
                  <div
                    key={alert.id}
                    role="row"
                    aria-rowindex={item.index + 2}
                    className={`alert-row alert-${alert.state} severity-${alert.severity}`}
                    style={virtual ? { position: 'absolute', top: 0, left: 0, right: 0, transform: `translateY(${item.start}px)`, height: ROW_HEIGHT } : undefined}
                    data-testid="alert-row"
                  >
                    <span role="cell" className={`alert-state ${look.tone}`}>
                      <Icon name={look.icon} />
                      <span>{look.label}</span>
                      {alert.severity !== 'info' ? <span className={`badge ${alert.severity === 'critical' ? 'tone-bad' : 'tone-warn'}`}>{alert.severity}</span> : null}
                    </span>
                    <span role="cell" className="alert-name">
                      <Untrusted text={alert.name} className="strong" />
                      {alert.summary && alert.summary.toLowerCase() !== look.label.toLowerCase() ? (
                        <Untrusted text={alert.summary} className="alert-summary" />
                      ) : null}
                    </span>
                    <span role="cell" className="alert-entities">
                      <EntityLinks ids={alert.entityIds} />
                    </span>
                    <span role="cell" className="muted" title={alert.since ? new Date(alert.since).toLocaleString() : undefined}>
                      {alert.since ? formatAge(now - alert.since).replace(' ago', '') : '—'}
                    </span>
                    <span role="cell" className="alert-origin">
                      <span>{originWords[alert.origin]}</span>
                      <Untrusted text={sourceName(alert.sourceId)} className="muted" />
                      <DeclareFromAlert alert={alert} />
                      <SilenceAlert alert={alert} />
                      <RunbookForAlert alert={alert} />
                    </span>
                  </div>
                );
              })}
            </div>
          </div>
        </div>
      ) : null}
      {hasPagerDuty ? <PagerDutyIncidents /> : null}
    </section>
  );
}

/** The entities an alert concerns, most specific first: each opens in the overview; the first one's metrics too. */
function EntityLinks({ ids }: { ids: string[] }) {
  if (ids.length === 0) return <span className="muted">—</span>;
  const known = ids.map((id) => ({ id, entity: estateIndex.get(id) }));
  // The alarm entity itself is where the list starts; what it alarms on is what people follow.
  const target = known.find((k) => k.entity && k.entity.kind !== 'alarm') ?? known[0]!;
  const rest = known.length - 1;
  return (
    <span className="alert-entity-links">
      <a href={routeHash('overview', target.id)} title={target.entity ? `${kindLabel[target.entity.kind]} ${target.entity.name}` : target.id}>
        {target.entity ? <span className="entity-link-kind">{kindLabel[target.entity.kind]}</span> : null}
        <Untrusted text={target.entity?.name ?? target.id} />
      </a>
      <a href={routeHash('metrics', target.id)} className="metrics-link" aria-label={`Metrics for ${target.entity?.name ?? target.id}`}>
        metrics
      </a>
      {rest > 0 ? <span className="muted" title={known.filter((k) => k !== target).map((k) => k.entity?.name ?? k.id).join(', ')}>+{rest}</span> : null}
    </span>
  );
}
