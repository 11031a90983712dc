import { useEffect, useMemo } from 'react';
import type { ReactNode } from 'react';
import type { Incident, TimelineItem } from '../../../shared/api/incidents.js';
import { summarise } from '../../../shared/estate/health.js';
import type { HealthGroup } from '../../../shared/estate/health.js';
import { healthSeverity } from '../../../shared/estate/model.js';
import { useEngineStore } from '../../app/engine-store.js';
import { useTickingNow } from '../../app/use-ticking-now.js';
import { estateIndex, useEstateStore } from '../estate/store.js';
import { cadence, startWallboard, timelineShown, useWallboardStore } from './wallboard-store.js';
import type { SignalChart } from './wallboard-store.js';
import { currentStep, detectedAt, panelAge, sinceClock, utcClock, wallItems } from './wallboard-words.js';
import './wallboard.css';

/**
 * The war-room wallboard (#/wallboard, #/wallboard/<incident>, #/wallboard/rotate/<seconds>).
 * Made to be read from across a room and left running for days: nothing on it can be clicked,
 * nothing needs a hover, every panel says how old its data is, and a lost engine fills the
 * screen rather than leaving yesterday's numbers looking current.
 */
export function WallboardView({ rest }: { rest: string[] }) {
  const follow = rest[0] && rest[0] !== 'rotate' ? rest[0] : null;
  const rotateMs = rest[0] === 'rotate' ? Math.max(5, Number(rest[1]) || 30) * 1000 : 0;
  useEffect(() => startWallboard({ follow, rotateMs }), [follow, rotateMs]);
  const now = useTickingNow(true);
  const incidents = useWallboardStore((s) => s.incidents);
  const focusId = useWallboardStore((s) => s.focusId);
  const incident = incidents.find((i) => i.id === focusId) ?? null;

  return (
    <div className="wallboard" data-testid="wallboard">
      {incident ? <IncidentBoard incident={incident} now={now} others={incidents.filter((i) => i !== incident)} /> : <QuietBoard now={now} />}
      <ConnectionCurtain now={now} />
    </div>
  );
}

function IncidentBoard({ incident, now, others }: { incident: Incident; now: number; others: Incident[] }) {
  const incidentsAt = useWallboardStore((s) => s.incidentsAt);
  const age = panelAge(incidentsAt, now, cadence.incidents);
  return (
    <>
      <header className={`wb-head sev-${incident.severity.toLowerCase()}${age.aged ? ' wb-aged' : ''}`} data-testid="wb-head">
        <span className="wb-sev">{incident.severity}</span>
        <span className="wb-status">{incident.status}</span>
        {incident.kind === 'drill' ? <span className="wb-status">drill</span> : null}
        <h1 className="wb-title">{incident.title}</h1>
        <div className="wb-clocks">
          <span className="wb-clock" data-testid="wb-utc">
            {utcClock(now)} <small>UTC</small>
          </span>
          <span className="wb-clock wb-since" data-testid="wb-since">
            {sinceClock(detectedAt(incident), now)}
          </span>
          <span className="wb-age">{age.words}</span>
        </div>
      </header>
      <div className="wb-grid">
        <div className="wb-column">
          <Panel title="Roles" at={incidentsAt} cadenceMs={cadence.incidents} now={now} testId="wb-roles">
            <dl className="wb-roles">
              <Role label="Commander" people={incident.roles.commander} />
              <Role label="Scribe" people={incident.roles.scribe} />
              <Role label="Comms" people={incident.roles.communications} />
            </dl>
          </Panel>
          <RunPanel incidentId={incident.id} now={now} />
          <SignalsPanel now={now} detected={detectedAt(incident)} />
        </div>
        <div className="wb-column">
          <TimelinePanel now={now} />
          {others.length > 0 ? (
            <Panel title="Also open" at={incidentsAt} cadenceMs={cadence.incidents} now={now} testId="wb-others">
              <ul className="wb-list">
                {others.slice(0, 4).map((other) => (
                  <li key={other.id}>
                    <span className={`wb-chip sev-${other.severity.toLowerCase()}`}>{other.severity}</span> {other.title}{' '}
                    <span className="wb-muted">{sinceClock(detectedAt(other), now)}</span>
                  </li>
                ))}
              </ul>
            </Panel>
          ) : null}
        </div>
      </div>
      <EstateTiles now={now} />
    </>
  );
}

function QuietBoard({ now }: { now: number }) {
  const alerts = useWallboardStore((s) => s.alerts);
  const alertsAt = useWallboardStore((s) => s.alertsAt);
  return (
    <>
      <header className="wb-head wb-quiet" data-testid="wb-head">
        <h1 className="wb-title">No open incident</h1>
        <div className="wb-clocks">
          <span className="wb-clock" data-testid="wb-utc">
            {utcClock(now)} <small>UTC</small>
          </span>
        </div>
      </header>
      <div className="wb-grid">
        <Panel title={`Firing alerts (${alerts.length})`} at={alertsAt} cadenceMs={cadence.alerts} now={now} testId="wb-alerts">
          {alerts.length === 0 ? (
            <p className="wb-muted">Nothing is firing.</p>
          ) : (
            <ul className="wb-list">
              {alerts.slice(0, 8).map((alert) => (
                <li key={alert.id}>
                  <span className={`wb-chip alert-${alert.severity}`}>{alert.severity}</span> {alert.name}{' '}
                  <span className="wb-muted">{alert.summary}</span>
                </li>
              ))}
            </ul>
          )}
        </Panel>
      </div>
      <EstateTiles now={now} />
    </>
  );
}

function Role({ label, people }: { label: string; people: string[] | undefined }) {
  return (
    <>
      <dt>{label}</dt>
      <dd>{people && people.length > 0 ? people.join(', ') : <span className="wb-muted">unassigned</span>}</dd>
    </>
  );
}

function RunPanel({ incidentId, now }: { incidentId: string; now: number }) {
  const runs = useWallboardStore((s) => s.runs);
  const runsAt = useWallboardStore((s) => s.runsAt);
  const run = runs.find((r) => r.incidentId === incidentId);
  const step = run ? currentStep(run) : null;
  return (
    <Panel title="Runbook" at={runsAt} cadenceMs={cadence.runs} now={now} testId="wb-run">
      {run && step ? (
        <div className="wb-run">
          <div className="wb-muted">{run.runbookTitle}</div>
          <div className="wb-step" data-testid="wb-step">
            Step {step.index} of {step.of}: {step.title}
          </div>
          <div>
            <span className={`wb-chip step-${step.state}`}>{step.state}</span> on it: <strong>{step.who}</strong>
          </div>
        </div>
      ) : (
        <p className="wb-muted">No runbook run in progress.</p>
      )}
    </Panel>
  );
}

function TimelinePanel({ now }: { now: number }) {
  const timeline = useWallboardStore((s) => s.timeline);
  const timelineAt = useWallboardStore((s) => s.timelineAt);
  const items = useMemo(() => wallItems(timeline, timelineShown), [timeline]);
  return (
    <Panel title="Latest" at={timelineAt} cadenceMs={cadence.timeline} now={now} testId="wb-timeline" grow>
      {items.length === 0 ? (
        <p className="wb-muted">Nothing on the timeline yet.</p>
      ) : (
        <ol className="wb-timeline">
          {items.map((item) => (
            <TimelineRow key={item.id} item={item} />
          ))}
        </ol>
      )}
    </Panel>
  );
}

function TimelineRow({ item }: { item: TimelineItem }) {
  return (
    <li className={`wb-item item-${item.severity}`} data-testid="wb-item">
      <time className="wb-item-time">{utcClock(item.occurredAt).slice(0, 5)}</time>
      <span className="wb-item-kind">{item.kind}</span>
      <span className="wb-item-what">{item.what}</span>
    </li>
  );
}

function SignalsPanel({ now, detected }: { now: number; detected: number }) {
  const signals = useWallboardStore((s) => s.signals);
  const signalsAt = useWallboardStore((s) => s.signalsAt);
  return (
    <Panel title="Golden signals" at={signalsAt} cadenceMs={cadence.signals} now={now} testId="wb-signals" grow>
      {signals.length === 0 ? (
        <p className="wb-muted">No signals for the impacted services.</p>
      ) : (
        <div className="wb-signals">
          {signals.map((chart) => (
            <Spark key={chart.id} chart={chart} detected={detected} />
          ))}
        </div>
      )}
    </Panel>
  );
}

/** A line over the window with the incident's span shaded; the last value in words beside it. */
function Spark({ chart, detected }: { chart: SignalChart; detected: number }) {
  const width = 400;
  const height = 90;
  const values = chart.points.map((p) => p[1]).filter((v): v is number => v !== null);
  const max = Math.max(...values, 0);
  const min = Math.min(...values, 0);
  const x = (t: number) => ((t - chart.start) / Math.max(1, chart.end - chart.start)) * width;
  const y = (v: number) => height - ((v - min) / Math.max(1e-9, max - min)) * (height - 6) - 3;
  const path = chart.points
    .map((p, i) => (p[1] === null ? null : `${i === 0 || chart.points[i - 1]?.[1] === null ? 'M' : 'L'}${x(p[0]).toFixed(1)},${y(p[1]).toFixed(1)}`))
    .filter(Boolean)
    .join(' ');
  const last = values.at(-1);
  const windowStart = Math.max(0, x(detected));
  return (
    <figure className="wb-spark">
      <figcaption>
        {chart.title} <span className="wb-muted">{last === undefined ? 'no data' : formatValue(last, chart.unit)}</span>
        {chart.stale ? <span className="wb-chip step-waiting">cached</span> : null}
      </figcaption>
      <svg viewBox={`0 0 ${width} ${height}`} preserveAspectRatio="none" role="img" aria-label={`${chart.title}, incident window shaded`}>
        <rect className="wb-window" x={windowStart} y={0} width={Math.max(0, width - windowStart)} height={height} />
        <path className="wb-line" d={path} vectorEffect="non-scaling-stroke" />
      </svg>
    </figure>
  );
}

function formatValue(value: number, unit: string): string {
  const n = Math.abs(value) >= 100 ? value.toFixed(0) : Math.abs(value) >= 1 ? value.toFixed(2) : value.toPrecision(2);
  if (unit === 'percent') return `${n} %`;
  if (unit === 'ratio') return `${(value * 100).toFixed(1)} %`;
  if (unit === 'seconds') return `${(value * 1000).toFixed(0)} ms`;
  if (unit === 'rate') return `${n}/s`;
  return unit ? `${n} ${unit}` : n;
}

/** Clusters and namespaces, worst first: where else the trouble shows. */
function EstateTiles({ now }: { now: number }) {
  const version = useEstateStore((s) => s.version);
  const asOf = useEstateStore((s) => s.asOf);
  const tiles = useMemo(() => {
    void version; // the index is mutable; the published version says when to recount
    const summary = summarise(estateIndex.entities.values(), { problemsPerGroup: 1, problems: 1 });
    return [...summary.clusters, ...summary.namespaces]
      .sort((a, b) => healthSeverity[b.health] - healthSeverity[a.health] || b.problemCount - a.problemCount)
      .slice(0, 12);
  }, [version]);
  return (
    <Panel title="Estate" at={asOf} cadenceMs={5000} now={now} testId="wb-estate">
      {tiles.length === 0 ? <p className="wb-muted">No estate yet.</p> : <div className="wb-tiles">{tiles.map((group) => <Tile key={`${group.kind}|${group.id}`} group={group} />)}</div>}
    </Panel>
  );
}

function Tile({ group }: { group: HealthGroup }) {
  return (
    <div className={`wb-tile health-${group.health}`} data-testid="wb-tile">
      <div className="wb-tile-name">{group.name}</div>
      <div className="wb-tile-sub">
        {group.kind}
        {group.within ? ` · ${group.within}` : ''}
      </div>
      <div className="wb-tile-health">
        {group.health}
        {group.problemCount > 0 ? ` · ${group.problemCount} problem${group.problemCount === 1 ? '' : 's'}` : ''}
      </div>
    </div>
  );
}

function Panel({ title, at, cadenceMs, now, testId, grow, children }: { title: string; at: number | null; cadenceMs: number; now: number; testId: string; grow?: boolean; children: ReactNode }) {
  const age = panelAge(at, now, cadenceMs);
  return (
    <section className={`wb-panel${age.aged ? ' wb-aged' : ''}${grow ? ' wb-grow' : ''}`} data-testid={testId} data-aged={age.aged}>
      <header className="wb-panel-head">
        <h2>{title}</h2>
        <span className="wb-age">{age.words}</span>
      </header>
      {children}
    </section>
  );
}

/** The whole board says so, large, the moment the engine is out of reach; it lifts by itself when the link is back. */
function ConnectionCurtain({ now }: { now: number }) {
  const link = useEngineStore((s) => s.link);
  if (link.status === 'open' || link.status === 'connecting') return null;
  const lost = link.status === 'reconnecting';
  return (
    <div className="wb-curtain" role="alert" data-testid="wb-disconnected">
      <div className="wb-curtain-big">{lost ? 'Connection to Daytwo lost' : 'This screen is disconnected'}</div>
      <div className="wb-curtain-small">
        {lost ? `What is shown was current ${Math.max(0, Math.round((now - link.lostAt) / 1000))} s ago. Reconnecting by itself…` : link.reason}
      </div>
    </div>
  );
}
