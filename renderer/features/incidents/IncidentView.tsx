import { useEffect, useMemo, useRef, useState } from 'react';
import { useVirtualizer } from '@tanstack/react-virtual';
import { IncidentStatus, Role, TimelineItemKind, severityWords } from '../../../shared/api/incidents.js';
import type { Incident, TimelineItem } from '../../../shared/api/incidents.js';
import { routeHash } from '../../app/route.js';
import { useTickingNow } from '../../app/use-ticking-now.js';
import { Untrusted } from '../estate/parts.js';
import { estateIndex } from '../estate/store.js';
import { NotesComposer } from './NotesComposer.js';
import { openMetricsOver } from '../metrics/register.js';
import { RunbooksForIncident } from '../runbooks/register.js';
import { exportIncident, loadTimeline, markItem, setStatus, setTimelineFlags, toggleKind, updateIncident, useIncidentsStore } from './incidents-store.js';
import { kindWords, statusTone, tPlus, utcDateTime, utcTime } from './incident-words.js';

const ROW_HEIGHT = 44;

/**
 * One incident: severity, status, roles and both clocks (UTC and T+ from detection) ticking;
 * the timeline, virtualised so 50,000 items scroll; the notes composer one key away ("n").
 */
export function IncidentView({ id }: { id: string }) {
  const incident = useIncidentsStore((s) => s.incidents?.find((i) => i.id === id));
  const loaded = useIncidentsStore((s) => s.incidents !== null);
  useEffect(() => {
    void loadTimeline(id);
  }, [id]);

  if (!incident) {
    return (
      <section className="view incident-view">
        <h1 tabIndex={-1}>Incident {id}</h1>
        <p className="help">{loaded ? 'No such incident on this machine.' : 'Loading…'}</p>
        <a href={routeHash('incidents')}>All incidents</a>
      </section>
    );
  }
  return <IncidentBody incident={incident} />;
}

function IncidentBody({ incident }: { incident: Incident }) {
  const now = useTickingNow(true);
  const timeline = useIncidentsStore((s) => (s.timeline?.id === incident.id ? s.timeline : null));
  const anchor = incident.milestones.detected?.at ?? incident.milestones.declared?.at ?? incident.updatedAt;
  const composerRef = useRef<HTMLTextAreaElement>(null);

  useEffect(() => {
    // "n" from anywhere in the incident view puts the cursor in the notes composer.
    const onKey = (event: KeyboardEvent) => {
      const target = event.target as HTMLElement | null;
      const typing = target && (target.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(target.tagName));
      if (typing || event.ctrlKey || event.metaKey || event.altKey || event.defaultPrevented) return;
      if (event.key === 'n') {
        event.preventDefault();
        composerRef.current?.focus();
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);

  return (
    <section className="view incident-view" data-testid="incident-view">
      <header className="incident-header panel">
        <div className="incident-title-row">
          <span className={`badge severity-badge ${incident.severity === 'SEV1' || incident.severity === 'SEV2' ? 'tone-bad' : 'tone-warn'}`} title={severityWords[incident.severity]}>
            {incident.severity}
          </span>
          <h1 tabIndex={-1}>
            <Untrusted text={incident.title} />
          </h1>
          {incident.kind === 'drill' ? <span className="badge tone-info">drill</span> : null}
          <span className={`incident-status ${statusTone[incident.status]}`} data-testid="incident-status">
            <strong className="strong-tone">{incident.status}</strong>
          </span>
        </div>
        <div className="incident-clocks" aria-label="Clocks">
          <span className="clock">
            <span className="muted">UTC</span> <span className="mono" data-testid="clock-utc">{utcTime(now)}</span>
          </span>
          <span className="clock">
            <span className="muted">since detection</span> <span className="mono" data-testid="clock-tplus">{tPlus(now - anchor)}</span>
          </span>
          <span className="muted mono">{incident.id}</span>
        </div>
        <div className="incident-controls">
          <div role="group" aria-label="Status" className="status-buttons">
            {IncidentStatus.options.map((status) => (
              <button
                key={status}
                type="button"
                className={`button ${incident.status === status ? 'primary' : ''}`}
                aria-pressed={incident.status === status}
                onClick={() => void setStatus(incident.id, status)}
              >
                {status}
              </button>
            ))}
          </div>
          <button type="button" className="button" onClick={() => void exportIncident(incident.id)} data-testid="export-incident">
            Export postmortem
          </button>
        </div>
        <Roles incident={incident} />
        <Milestones incident={incident} anchor={anchor} />
        <RunbooksForIncident incidentId={incident.id} alertIds={incident.alertIds} impacted={incident.impacted} />
        {incident.impacted.length > 0 ? (
          <div className="incident-impacted">
            <span className="muted">Impacted:</span>
            {incident.impacted.map((entityId) => (
              <span key={entityId} className="impacted-entity">
                <a href={routeHash('overview', entityId)}>
                  <Untrusted text={estateIndex.get(entityId)?.name ?? entityId} />
                </a>{' '}
                <button
                  type="button"
                  className="link-button"
                  title="Golden signals over the incident's window, with its events marked"
                  onClick={() => openMetricsOver(entityId, anchor - 30 * 60_000, incident.milestones.resolved ? incident.milestones.resolved.at + 15 * 60_000 : Date.now())}
                >
                  golden signals
                </button>
              </span>
            ))}
          </div>
        ) : null}
      </header>

      <NotesComposer incident={incident} textareaRef={composerRef} />
      <Timeline incident={incident} anchor={anchor} items={timeline?.items ?? null} total={timeline?.total ?? 0} />
    </section>
  );
}

function Roles({ incident }: { incident: Incident }) {
  return (
    <div className="incident-roles">
      {Role.options.map((role) => (
        <label key={role} className="role-field">
          <span className="muted">{role}</span>
          <input
            className="text-input"
            defaultValue={incident.roles[role].join(', ')}
            key={incident.roles[role].join(',')}
            aria-label={`${role} (comma-separated names)`}
            onBlur={(e) => {
              const names = e.target.value.split(',').map((n) => n.trim()).filter(Boolean);
              if (names.join(',') !== incident.roles[role].join(',')) void updateIncident({ id: incident.id, roles: { [role]: names } });
            }}
          />
        </label>
      ))}
    </div>
  );
}

function Milestones({ incident, anchor }: { incident: Incident; anchor: number }) {
  const order = ['detected', 'declared', 'acknowledged', 'mitigated', 'resolved'] as const;
  return (
    <ol className="incident-milestones" aria-label="Milestones">
      {order.map((m) => {
        const mark = incident.milestones[m];
        return (
          <li key={m} className={mark ? 'is-set' : undefined}>
            <span className="muted">{m}</span>{' '}
            {mark ? (
              <span className="mono" title={`by ${mark.by}`}>
                {utcTime(mark.at)} · {tPlus(mark.at - anchor)}
              </span>
            ) : m === 'acknowledged' ? (
              <button type="button" className="link-button" onClick={() => void updateIncident({ id: incident.id, milestones: { acknowledged: Date.now() } })}>
                set now
              </button>
            ) : (
              <span className="muted">—</span>
            )}
          </li>
        );
      })}
    </ol>
  );
}

function Timeline({ incident, anchor, items, total }: { incident: Incident; anchor: number; items: TimelineItem[] | null; total: number }) {
  const { kinds, showHidden, starredOnly, timelineError } = useIncidentsStore();
  const scrollRef = useRef<HTMLDivElement>(null);
  const list = useMemo(() => items ?? [], [items]);
  // eslint-disable-next-line react-hooks/incompatible-library -- the virtualizer is read during render by design
  const virtualizer = useVirtualizer({ count: list.length, getScrollElement: () => scrollRef.current, estimateSize: () => ROW_HEIGHT, overscan: 16 });
  const [stuckToEnd, setStuckToEnd] = useState(true);
  useEffect(() => {
    // Follow new items as they arrive, unless the reader scrolled back to look at something.
    if (stuckToEnd && list.length > 0) virtualizer.scrollToIndex(list.length - 1, { align: 'end' });
  }, [list.length, stuckToEnd, virtualizer]);

  return (
    <section className="panel incident-timeline" aria-label="Timeline">
      <div className="timeline-tools">
        <h2>Timeline</h2>
        <span className="muted">
          {total} item{total === 1 ? '' : 's'} · UTC and T+ from detection · ⚑ recorded late
        </span>
        <div className="timeline-kinds" role="group" aria-label="Show only">
          {TimelineItemKind.options.map((kind) => (
            <button key={kind} type="button" className="button chip" aria-pressed={kinds.has(kind)} onClick={() => toggleKind(incident.id, kind)}>
              {kindWords[kind]}
            </button>
          ))}
          <button type="button" className="button chip" aria-pressed={starredOnly} onClick={() => setTimelineFlags(incident.id, { starredOnly: !starredOnly })}>
            ★ starred
          </button>
          <button type="button" className="button chip" aria-pressed={showHidden} onClick={() => setTimelineFlags(incident.id, { showHidden: !showHidden })}>
            show hidden
          </button>
        </div>
      </div>
      {timelineError ? <p className="field-error">{timelineError}</p> : null}
      {items === null ? <p className="help">Assembling the timeline…</p> : null}
      {items && items.length === 0 ? <p className="help">Nothing in this window yet.</p> : null}
      <div
        ref={scrollRef}
        className="timeline-scroll"
        role="table"
        aria-label="Timeline items, oldest first"
        aria-rowcount={list.length}
        onScroll={(e) => {
          const el = e.currentTarget;
          setStuckToEnd(el.scrollHeight - el.scrollTop - el.clientHeight < ROW_HEIGHT * 2);
        }}
      >
        <div style={{ height: virtualizer.getTotalSize(), position: 'relative' }}>
          {virtualizer.getVirtualItems().map((row) => {
            const item = list[row.index]!;
            return (
              <div
                key={item.id}
                role="row"
                aria-rowindex={row.index + 1}
                className={`timeline-row kind-${item.kind} severity-${item.severity}${item.hidden ? ' is-hidden' : ''}`}
                style={{ position: 'absolute', top: 0, left: 0, right: 0, height: ROW_HEIGHT, transform: `translateY(${row.start}px)` }}
                data-testid="timeline-item"
                data-kind={item.kind}
              >
                <span role="cell" className="mono timeline-utc" title={utcDateTime(item.occurredAt)}>
                  {utcTime(item.occurredAt)}
                </span>
                <span role="cell" className="mono timeline-tplus">
                  {tPlus(item.occurredAt - anchor)}
                </span>
                <span role="cell">
                  <span className="badge kind-badge">{kindWords[item.kind]}</span>
                </span>
                <span role="cell" className="timeline-what">
                  {item.late ? (
                    <span className="late-flag" title={`Recorded ${utcDateTime(item.recordedAt)} UTC, after it happened`}>
                      ⚑{' '}
                    </span>
                  ) : null}
                  {item.secret ? <span className="muted">[secret: not on the wall] </span> : null}
                  <Untrusted text={item.what} />
                  {item.kind === 'runbook' && item.detail ? <Untrusted text={` · ${item.detail}`} className="muted timeline-run-detail" /> : null}
                  {item.originalOccurredAt !== null ? <span className="muted"> (time edited; first given {utcTime(item.originalOccurredAt)})</span> : null}
                </span>
                <span role="cell" className="timeline-where">
                  {item.kind === 'runbook' ? (
                    <a href={`#/runbooks/run/${encodeURIComponent(item.id.split(':')[1] ?? '')}`} title="Open the run">
                      <Untrusted text={item.source} />
                    </a>
                  ) : item.entityId ? (
                    <a href={routeHash('overview', item.entityId)}>
                      <Untrusted text={estateIndex.get(item.entityId)?.name ?? item.entityId.split('/').pop() ?? item.entityId} />
                    </a>
                  ) : (
                    <Untrusted text={item.source} className="muted" />
                  )}
                </span>
                <span role="cell" className="timeline-marks">
                  <button
                    type="button"
                    className="icon-button"
                    aria-pressed={item.starred}
                    aria-label={item.starred ? 'Unstar' : 'Star'}
                    onClick={() => void markItem(incident.id, item.id, { starred: !item.starred })}
                  >
                    {item.starred ? '★' : '☆'}
                  </button>
                  <button
                    type="button"
                    className="icon-button"
                    aria-label={item.hidden ? 'Show again' : 'Hide as noise'}
                    onClick={() => void markItem(incident.id, item.id, { hidden: !item.hidden })}
                  >
                    {item.hidden ? '◉' : '⊘'}
                  </button>
                </span>
              </div>
            );
          })}
        </div>
      </div>
    </section>
  );
}
