import { useEffect, useMemo, useState } from 'react';
import { IncidentStatus, Severity, severityWords } from '../../../shared/api/incidents.js';
import type { IncidentKind } from '../../../shared/api/incidents.js';
import type { Incident } from '../../../shared/api/incidents.js';
import { routeHash } from '../../app/route.js';
import { Untrusted } from '../estate/parts.js';
import { IncidentView } from './IncidentView.js';
import { openDeclare, useIncidentsStore, watchIncidents } from './incidents-store.js';
import { statusTone } from './incident-words.js';
import './incidents.css';

/**
 * Incidents: the list (open first, then recent; filter by status, severity, kind) with firing
 * alerts offered as suggested incidents, or one incident when the route names it.
 * Route: #/incidents | #/incidents/<id>
 */
export function IncidentsView({ rest }: { rest: string[] }) {
  useEffect(() => watchIncidents(), []);
  const id = rest[0];
  return id ? <IncidentView id={id} /> : <IncidentList />;
}

function IncidentList() {
  const { incidents, suggestions, error } = useIncidentsStore();
  const [status, setStatus] = useState<IncidentStatus | ''>('');
  const [severity, setSeverity] = useState<Severity | ''>('');
  const [kind, setKind] = useState<IncidentKind | ''>('');
  const shown = useMemo(
    () => (incidents ?? []).filter((i) => (!status || i.status === status) && (!severity || i.severity === severity) && (!kind || i.kind === kind)),
    [incidents, status, severity, kind],
  );

  return (
    <section className="view incidents-view">
      <header className="view-header">
        <div>
          <h1 tabIndex={-1}>Incidents</h1>
          <p className="view-summary">Open first, then recent. Kept on this machine; they work offline.</p>
        </div>
        <div className="view-tools">
          <button type="button" className="button primary" onClick={() => openDeclare()} data-testid="declare-incident">
            Declare incident…
          </button>
        </div>
      </header>

      {suggestions.length > 0 ? (
        <section className="panel incident-suggestions" aria-label="Suggested incidents">
          <h2>Suggested from firing alerts</h2>
          <ul className="plain-list">
            {suggestions.map((s) => (
              <li key={s.key} className="suggestion-row" data-testid="suggested-incident">
                <span className={`badge ${s.severity === 'SEV1' || s.severity === 'SEV2' ? 'tone-bad' : 'tone-warn'}`}>{s.severity}</span>
                <Untrusted text={s.title} />
                <span className="muted">{s.alertIds.length} alert{s.alertIds.length === 1 ? '' : 's'}</span>
                <button
                  type="button"
                  className="button"
                  onClick={() => openDeclare({ title: s.title, severity: s.severity, impacted: s.impacted, alertIds: s.alertIds, detectedAt: s.since ?? undefined })}
                >
                  Declare…
                </button>
              </li>
            ))}
          </ul>
        </section>
      ) : null}

      <div className="incident-filters" role="search">
        <select className="text-input" aria-label="Status" value={status} onChange={(e) => setStatus(e.target.value as IncidentStatus | '')}>
          <option value="">Every status</option>
          {IncidentStatus.options.map((s) => (
            <option key={s} value={s}>
              {s}
            </option>
          ))}
        </select>
        <select className="text-input" aria-label="Severity" value={severity} onChange={(e) => setSeverity(e.target.value as Severity | '')}>
          <option value="">Every severity</option>
          {Severity.options.map((s) => (
            <option key={s} value={s}>
              {s}: {severityWords[s]}
            </option>
          ))}
        </select>
        <select className="text-input" aria-label="Kind" value={kind} onChange={(e) => setKind(e.target.value as IncidentKind | '')}>
          <option value="">Real and drills</option>
          <option value="real">Real only</option>
          <option value="drill">Drills only</option>
        </select>
      </div>

      {error ? <p className="field-error">{error}</p> : null}
      {incidents === null ? <p className="help">Loading…</p> : null}
      {incidents && incidents.length === 0 ? <p className="help">No incident yet. Declare one from here, a firing alert, an entity, or the palette (Ctrl+K).</p> : null}
      {shown.length > 0 ? (
        <table className="incident-table">
          <thead>
            <tr>
              <th scope="col">Severity</th>
              <th scope="col">Incident</th>
              <th scope="col">Status</th>
              <th scope="col">Commander</th>
              <th scope="col">Declared (UTC)</th>
            </tr>
          </thead>
          <tbody>
            {shown.map((incident) => (
              <IncidentRow key={incident.id} incident={incident} />
            ))}
          </tbody>
        </table>
      ) : null}
    </section>
  );
}

function IncidentRow({ incident }: { incident: Incident }) {
  return (
    <tr data-testid="incident-row" className={incident.status === 'resolved' ? 'is-resolved' : undefined}>
      <td>
        <span className={`badge ${incident.severity === 'SEV1' || incident.severity === 'SEV2' ? 'tone-bad' : 'tone-warn'}`}>{incident.severity}</span>
      </td>
      <td>
        <a href={routeHash('incidents', incident.id)}>
          <Untrusted text={incident.title} />
        </a>
        <div className="help mono">
          {incident.id}
          {incident.kind === 'drill' ? ' · drill' : ''}
        </div>
      </td>
      <td className={statusTone[incident.status]}>
        <strong className="strong-tone">{incident.status}</strong>
      </td>
      <td>
        <Untrusted text={incident.roles.commander.join(', ') || '—'} />
      </td>
      <td className="mono">{incident.milestones.declared ? new Date(incident.milestones.declared.at).toISOString().slice(0, 19).replace('T', ' ') : '—'}</td>
    </tr>
  );
}
