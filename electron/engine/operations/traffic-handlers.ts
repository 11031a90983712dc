import type { MethodName } from '../../../shared/api/contract.js';
import type { Handler } from '../api/router.js';
import { parseKubeId } from '../../../shared/estate/ids.js';
import type { EstateReader } from '../state/estate-reader.js';
import type { BackendSignals } from './backend-signals.js';
import type { OperationsService } from './service.js';
import { trafficRoutesOf } from './traffic-routes.js';

type TrafficMethod = Extract<MethodName, `traffic.${string}`>;

/** traffic.*: the routes in front of a service, and the one-key "all to stable" plan. */
export function trafficHandlers(service: OperationsService, estate: EstateReader, signals?: BackendSignals): { [M in TrafficMethod]: Handler<M> } {
  return {
    'traffic.routes': async ({ entityIds }) => {
      const routes = trafficRoutesOf(estate, entityIds);
      for (const route of routes) {
        const cluster = parseKubeId(route.target);
        if (!signals || cluster?.shape !== 'object') continue;
        // Charts are a view's garnish: a metrics source failing leaves the route without them.
        route.charts = await signals.charts(cluster.clusterKey, route.namespace, route.backends.map((b) => b.service)).catch(() => null);
      }
      return { routes };
    },
    'traffic.allToStable': async ({ target, rule, context }) => ({
      plan: await service.plan({
        kind: 'traffic-split',
        target,
        params: { allToStable: true, ...(rule !== undefined ? { rule } : {}) },
        ...(context ? { context } : {}),
      }),
    }),
  };
}
