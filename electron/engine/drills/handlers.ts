import type { drillMethods, drillTopics } from '../../../shared/api/drills.js';
import type { Handler, TopicHandler } from '../api/router.js';
import type { DrillService } from './drill-service.js';

type DrillMethod = keyof typeof drillMethods;
type DrillTopic = keyof typeof drillTopics;

/** The API handlers for drills; the engine spreads them into its router. */
export function drillHandlers(drills: DrillService): { [M in DrillMethod]: Handler<M> } {
  return {
    'drills.scenarios': async () => ({ scenarios: await drills.scenarios() }),
    'drills.start': async (params) => ({ drill: await drills.start({ ...params, deal: params.deal ?? false }) }),
    'drills.get': ({ id }) => drills.get(id),
    'drills.list': () => ({ drills: drills.list() }),
    'drills.control': async (params) => ({ drill: await drills.control(params) }),
    'drills.report': ({ id }) => drills.report(id),
    'drills.fromIncident': async (params) => ({ drill: await drills.fromIncident(params) }),
  };
}

export function drillTopicHandlers(drills: DrillService): { [T in DrillTopic]: TopicHandler<T> } {
  return {
    'drills.subscribe': (_params, push) => drills.subscribe((drill) => push({ drill })),
  };
}
