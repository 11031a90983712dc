import type { ExternalOperationModule } from '../external-operation.js';
import { watchUntil } from '../operation.js';
import type { PagerDutyClient } from '../../providers/pagerduty/pagerduty-client.js';
import { incidentFingerprint, incidentPath, readIncident } from '../../providers/pagerduty/incident-shapes.js';
import { ApiError } from '../../../../shared/api/errors.js';

interface ResolveAction {
  incidentId: string;
  /** The request body, literally: PUT /incidents/{id} with the From header. */
  body: { incident: { type: 'incident_reference'; status: 'resolved' } };
}

/**
 * Resolve a PagerDuty incident: PUT /incidents/{id} with status "resolved"
 * (https://developer.pagerduty.com/api-reference/8a0e1aa2ec666-update-an-incident). PagerDuty
 * refuses to resolve a resolved incident, so execute reads first and treats "already
 * resolved" as done: a retry after a lost answer succeeds instead of failing.
 */
export const pagerdutyResolve: ExternalOperationModule<'pagerduty-resolve', PagerDutyClient, ResolveAction> = {
  system: 'pagerduty',
  kind: 'pagerduty-resolve',
  async plan(client, target) {
    const incident = await readIncident(client, target.name);
    if (incident.status === 'resolved') throw new ApiError('conflict', `PagerDuty incident #${incident.incident_number} (${incident.id}) is already resolved.`);
    return {
      summary: `Resolve PagerDuty incident #${incident.incident_number} "${incident.title}" on ${incident.service.summary} as ${client.connection.from}.`,
      changes: [{ field: 'status', before: incident.status, after: 'resolved' }],
      risks: [],
      action: { incidentId: incident.id, body: { incident: { type: 'incident_reference', status: 'resolved' } } },
      fingerprint: incidentFingerprint(incident),
      verb: `resolve incident #${incident.incident_number}`,
    };
  },
  async fingerprint(client, target) {
    return incidentFingerprint(await readIncident(client, target.name));
  },
  async execute(run, { incidentId, body }) {
    const live = await readIncident(run.client, incidentId);
    if (live.status === 'resolved') {
      run.report('Already resolved; nothing sent.');
      return;
    }
    await run.client.put(incidentPath(incidentId), body);
    run.report(`Resolved as ${run.client.connection.from}.`);
  },
  verify(run, { incidentId }) {
    return watchUntil(run, async () => {
      const live = await readIncident(run.client, incidentId);
      return { done: live.status === 'resolved', message: `Incident #${live.incident_number} is ${live.status}.` };
    });
  },
};
