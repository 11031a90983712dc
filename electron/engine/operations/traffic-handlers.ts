import type { MethodName } from '../../../shared/api/contract.js';
import type { Handler } from '../api/router.js';
import type { EstateReader } from '../state/estate-reader.js';
import type { OperationsService } from './service.js';
import { trafficRoutesOf } from './traffic-routes.js';

type TrafficMethod = Extract<MethodName, `traffic.${string}`>;

/** traffic.*: the routes in front of a service, and the one-key "all to stable" plan. */
export function trafficHandlers(service: OperationsService, estate: EstateReader): { [M in TrafficMethod]: Handler<M> } {
  return {
    'traffic.routes': ({ entityIds }) => ({ routes: trafficRoutesOf(estate, entityIds) }),
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
