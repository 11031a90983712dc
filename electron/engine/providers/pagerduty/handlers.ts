import type { Handler } from '../../api/router.js';
import type { PagerDutySources } from './pagerduty-sources.js';

type PagerDutyMethod =
  | 'pagerduty.incidents'
  | 'pagerduty.logEntries'
  | 'pagerduty.users'
  | 'pagerduty.outbox'
  | 'pagerduty.link'
  | 'pagerduty.unlink'
  | 'pagerduty.links'
  | 'pagerduty.timeline';

/** The API handlers for PagerDuty; the engine spreads them into its router. */
export function pagerdutyHandlers(pagerduty: PagerDutySources): { [M in PagerDutyMethod]: Handler<M> } {
  return {
    'pagerduty.incidents': (params) => pagerduty.incidents(params?.statuses),
    'pagerduty.logEntries': async ({ incident }) => ({ items: await pagerduty.logEntries(incident) }),
    'pagerduty.users': async ({ sourceId }) => ({ users: await pagerduty.users(sourceId) }),
    'pagerduty.outbox': () => ({ notes: pagerduty.outbox.list() }),
    'pagerduty.link': ({ incidentId, pagerduty: incident }) => ({ link: pagerduty.link(incidentId, incident) }),
    'pagerduty.unlink': ({ incidentId, pagerduty: incident }) => ({ removed: pagerduty.links.unlink(incidentId, incident) }),
    'pagerduty.links': ({ incidentId }) => ({ links: pagerduty.links.of(incidentId) }),
    'pagerduty.timeline': async ({ incidentId }) => ({ items: await pagerduty.timelineOf(incidentId) }),
  };
}
