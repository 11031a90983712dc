import type { Entity } from '../../../shared/estate/model.js';
import { routeHash } from '../../app/route.js';
import { kindsWithMetrics } from './kinds.js';
import './metrics.css';

/**
 * The way from an entity's detail panel to its charts: a plain link (#/metrics/<id>), so it
 * opens with Enter, middle-clicks into a new tab in host mode, and survives a reload.
 */
export function EntityMetricsLink({ entity }: { entity: Entity }) {
  if (!kindsWithMetrics.has(entity.kind)) return null;
  return (
    <div className="entity-metrics">
      <a className="button metrics-entry" href={routeHash('metrics', entity.id)} data-testid="entity-metrics-link">
      <svg className="icon" viewBox="0 0 16 16" width="14" height="14" aria-hidden="true">
        <path d="M1.5 12.5 5.5 7.5 8.5 10 14.5 3" fill="none" stroke="currentColor" strokeWidth="1.6" strokeLinecap="round" strokeLinejoin="round" />
      </svg>
        Metrics
      </a>
    </div>
  );
}
