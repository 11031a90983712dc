import type { Entity } from '../../../shared/estate/model.js';
import { operationTitles } from '../../../shared/api/operations.js';
import { isReadOnly, useEngineStore } from '../../app/engine-store.js';
import { operationsFor, targetOf } from './entity-target.js';
import { startOperation } from './operations-store.js';
import './operations.css';

/**
 * The operations an entity offers, as buttons for its detail panel. Each opens the plan
 * dialog; nothing acts before the plan is shown and confirmed. On a read-only host the
 * buttons are shown disabled with the reason, so a war-room screen explains itself.
 */
export function EntityActions({ entity }: { entity: Entity }) {
  const readOnly = useEngineStore(isReadOnly);
  const kinds = operationsFor(entity);
  if (kinds.length === 0) return null;
  return (
    <div className="operation-actions" role="group" aria-label="Operations">
      {kinds.map((kind) => (
        <button
          key={kind}
          type="button"
          className="button"
          disabled={readOnly}
          title={readOnly ? 'This Daytwo was started read-only: operations are off.' : undefined}
          onClick={() => startOperation(kind, targetOf(entity))}
        >
          {operationTitles[kind]}…
        </button>
      ))}
    </div>
  );
}
