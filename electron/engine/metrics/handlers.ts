import type { SourcedQuery } from '../../../shared/metrics/query.js';
import type { Handlers } from '../api/router.js';
import type { MetricsService, QueryParams } from './metrics-service.js';

type MetricsHandlers = Pick<Handlers, 'metrics.panels' | 'metrics.query' | 'metrics.addPanel' | 'metrics.removePanel' | 'metrics.events' | 'alerts.list'>;

export function metricsHandlers(metrics: MetricsService): MetricsHandlers {
  return {
    'metrics.panels': ({ entityId }) => metrics.panels(entityId),
    // The router hands handlers the schema's parsed output (defaults applied), typed as its input.
    'metrics.query': (params) => metrics.query(params as QueryParams),
    'metrics.addPanel': async ({ entityId, title, unit, queries }) => ({
      panel: await metrics.addPanel(entityId, title, unit ?? '', queries as SourcedQuery[]),
    }),
    'metrics.removePanel': ({ entityId, panelId }) => ({ removed: metrics.removePanel(entityId, panelId) }),
    'metrics.events': ({ entityIds, start, end, limit }) => ({ events: metrics.events(entityIds, start, end, limit ?? 200) }),
    'alerts.list': () => ({ alerts: metrics.alertList(), asOf: Date.now() }),
  };
}
