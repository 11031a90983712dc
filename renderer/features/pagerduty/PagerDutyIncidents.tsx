import { useEffect } from 'react';
import type { PagerDutyIncident, PagerDutyStatus } from '../../../shared/api/pagerduty.js';
import type { PagerDutyOperationKind } from '../../../shared/api/operations.js';
import { Icon, type IconName } from '../../app/icons.js';
import { useClockStore } from '../../app/clock.js';
import { formatAge } from '../../app/freshness.js';
import { Untrusted } from '../estate/parts.js';
import { startOperation } from '../operations/operations-store.js';
import { usePagerDutyStore, watchPagerDutyIncidents } from './pagerduty-store.js';
import './pagerduty.css';

const statusLook: Record<PagerDutyStatus, { icon: IconName; tone: string; label: string }> = {
  triggered: { icon: 'error', tone: 'tone-bad', label: 'Triggered' },
  acknowledged: { icon: 'degraded', tone: 'tone-warn', label: 'Acknowledged' },
  resolved: { icon: 'live', tone: 'tone-ok', label: 'Resolved' },
};

/** Open first (triggered, then acknowledged), newest first within each. */
const rank: Record<PagerDutyStatus, number> = { triggered: 0, acknowledged: 1, resolved: 2 };

function act(kind: PagerDutyOperationKind, incident: PagerDutyIncident): void {
  startOperation(kind, { id: incident.target, label: `#${incident.number}`, name: incident.id });
}

/**
 * PagerDuty incidents of the user's services, beside what Daytwo sees: status, service, who
 * holds it, age; acknowledge and resolve open the operation dialog (plan, confirm, audit).
 * Renders nothing when no PagerDuty source is configured.
 */
export function PagerDutyIncidents() {
  useEffect(() => watchPagerDutyIncidents(), []);
  const { incidents, asOf, stale, error } = usePagerDutyStore();
  const now = useClockStore((s) => s.now);
  if (incidents === null && !error) return null;
  const shown = [...(incidents ?? [])].sort((a, b) => rank[a.status] - rank[b.status] || b.createdAt - a.createdAt);
  return (
    <section className="pagerduty-incidents" aria-labelledby="pagerduty-heading">
      <header className="pagerduty-header">
        <h2 id="pagerduty-heading">PagerDuty incidents</h2>
        <span className="muted">
          {stale ? 'PagerDuty not live: ' : ''}
          {asOf ? `as of ${formatAge(now - asOf)}` : 'not read yet'}
        </span>
      </header>
      {error ? <p role="alert">{error}</p> : null}
      {shown.length === 0 ? (
        <p className="muted">No incidents on your PagerDuty services.</p>
      ) : (
        <div role="table" aria-label="PagerDuty incidents" className="pagerduty-table">
          <div role="row" className="pagerduty-row pagerduty-head">
            <span role="columnheader">Status</span>
            <span role="columnheader">Incident</span>
            <span role="columnheader">Service</span>
            <span role="columnheader">Assigned to</span>
            <span role="columnheader">Age</span>
            <span role="columnheader">Act</span>
          </div>
          {shown.map((incident) => {
            const look = statusLook[incident.status];
            return (
              <div role="row" key={incident.target} className={`pagerduty-row pagerduty-${incident.status}`} data-testid="pagerduty-row">
                <span role="cell" className={`pagerduty-status ${look.tone}`}>
                  <Icon name={look.icon} />
                  <span>{look.label}</span>
                </span>
                <span role="cell" className="pagerduty-title">
                  <span className="muted">#{incident.number}</span> <Untrusted text={incident.title} />
                </span>
                <span role="cell">
                  <Untrusted text={incident.service.name} />
                </span>
                <span role="cell">
                  <Untrusted text={incident.assignees.map((a) => a.name).join(', ') || '—'} />
                </span>
                <span role="cell" className="muted" title={new Date(incident.createdAt).toLocaleString()}>
                  {formatAge(now - incident.createdAt).replace(' ago', '')}
                </span>
                <span role="cell" className="pagerduty-actions">
                  {incident.status === 'triggered' ? (
                    <button type="button" className="button" onClick={() => act('pagerduty-acknowledge', incident)} aria-label={`Acknowledge PagerDuty incident #${incident.number}`}>
                      Acknowledge
                    </button>
                  ) : null}
                  {incident.status !== 'resolved' ? (
                    <button type="button" className="button" onClick={() => act('pagerduty-resolve', incident)} aria-label={`Resolve PagerDuty incident #${incident.number}`}>
                      Resolve
                    </button>
                  ) : null}
                </span>
              </div>
            );
          })}
        </div>
      )}
    </section>
  );
}
