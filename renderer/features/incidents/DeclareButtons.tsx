import type { Alert } from '../../../shared/api/metrics.js';
import type { Entity } from '../../../shared/estate/model.js';
import { useEngineStore } from '../../app/engine-store.js';
import { openDeclare } from './incidents-store.js';
import { startOperation } from '../operations/operations-store.js';

const alertSeverity = { critical: 'SEV2', warning: 'SEV3', info: 'SEV4' } as const;

/** On an entity's detail panel: declare an incident with this entity impacted. */
export function DeclareFromEntity({ entity }: { entity: Entity }) {
  const readOnly = useEngineStore((s) => s.info?.readOnly ?? true);
  if (readOnly) return null;
  return (
    <div className="operation-actions" role="group" aria-label="Incidents">
      <button type="button" className="button" onClick={() => openDeclare({ title: `${entity.name}: `, impacted: [entity.id] })} data-testid="declare-from-entity">
        Declare incident…
      </button>
    </div>
  );
}

/** On a firing alert: declare with its entities, its severity, and detection at its start. */
export function DeclareFromAlert({ alert }: { alert: Alert }) {
  const readOnly = useEngineStore((s) => s.info?.readOnly ?? true);
  if (readOnly || alert.state !== 'firing') return null;
  return (
    <button
      type="button"
      className="button small"
      onClick={() =>
        openDeclare({
          title: `${alert.name}${alert.summary ? `: ${alert.summary}` : ''}`.slice(0, 300),
          severity: alertSeverity[alert.severity],
          impacted: alert.entityIds.slice(0, 20),
          alertIds: [alert.id],
          detectedAt: alert.since ?? undefined,
        })
      }
      data-testid="declare-from-alert"
    >
      Declare
    </button>
  );
}

/**
 * On a firing Alertmanager alert: plan a one-hour silence of this alert (its alertname and
 * namespace, as on-call usually silences), through the operation dialog: plan, confirm, audit.
 */
export function SilenceAlert({ alert }: { alert: Alert }) {
  const readOnly = useEngineStore((s) => s.info?.readOnly ?? true);
  if (readOnly || alert.origin !== 'alertmanager-alert' || alert.silenced) return null;
  const matchers = ['alertname', 'namespace', 'cluster']
    .filter((name) => alert.labels[name])
    .map((name) => ({ name, value: alert.labels[name]!, isRegex: false, isEqual: true }));
  return (
    <button
      type="button"
      className="button small"
      onClick={() =>
        startOperation('silence', { id: alert.sourceId, label: `${alert.name} on ${alert.sourceId.replace(/^alertmanager:/, '')}`, name: alert.sourceId }, {
          matchers,
          durationMinutes: 60,
          comment: `Silenced from Daytwo while ${alert.name} is handled.`,
        })
      }
      data-testid="silence-alert"
    >
      Silence 1h…
    </button>
  );
}
