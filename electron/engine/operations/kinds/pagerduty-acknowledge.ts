import type { ExternalOperationModule } from '../external-operation.js';
import { watchUntil } from '../operation.js';
import type { PagerDutyClient } from '../../providers/pagerduty/pagerduty-client.js';
import { assigneesOf, incidentFingerprint, incidentPath, readIncident } from '../../providers/pagerduty/incident-shapes.js';
import { ApiError } from '../../../../shared/api/errors.js';

interface AcknowledgeAction {
  incidentId: string;
  /** The request body, literally: PUT /incidents/{id} with the From header. */
  body: { incident: { type: 'incident_reference'; status: 'acknowledged' } };
}

/**
 * Acknowledge a PagerDuty incident: PUT /incidents/{id} with status "acknowledged", as the
 * user named in `From` (https://developer.pagerduty.com/api-reference/8a0e1aa2ec666-update-an-incident).
 * PagerDuty stops escalating an acknowledged incident. Execute reads first and does nothing
 * when the incident is already acknowledged, so a retry never adds a second acknowledgement.
 */
export const pagerdutyAcknowledge: ExternalOperationModule<'pagerduty-acknowledge', PagerDutyClient, AcknowledgeAction> = {
  system: 'pagerduty',
  kind: 'pagerduty-acknowledge',
  async plan(client, target) {
    const incident = await readIncident(client, target.name);
    if (incident.status === 'resolved') throw new ApiError('conflict', `PagerDuty incident #${incident.incident_number} (${incident.id}) is already resolved; there is nothing to acknowledge.`);
    const risks =
      incident.status === 'acknowledged'
        ? [{ code: 'no-change' as const, severity: 'info' as const, message: `Incident #${incident.incident_number} is already acknowledged (by ${incident.acknowledgements.map((a) => a.acknowledger.summary).join(', ') || 'someone'}); nothing will change.` }]
        : [];
    return {
      summary: `Acknowledge PagerDuty incident #${incident.incident_number} "${incident.title}" on ${incident.service.summary} as ${client.connection.from} (assigned to ${assigneesOf(incident)}).`,
      changes: [{ field: 'status', before: incident.status, after: 'acknowledged' }],
      risks,
      action: { incidentId: incident.id, body: { incident: { type: 'incident_reference', status: 'acknowledged' } } },
      fingerprint: incidentFingerprint(incident),
      verb: `acknowledge incident #${incident.incident_number}`,
    };
  },
  async fingerprint(client, target) {
    return incidentFingerprint(await readIncident(client, target.name));
  },
  async execute(run, { incidentId, body }) {
    const live = await readIncident(run.client, incidentId);
    if (live.status === 'acknowledged') {
      run.report('Already acknowledged; nothing sent.');
      return;
    }
    await run.client.put(incidentPath(incidentId), body);
    run.report(`Acknowledged as ${run.client.connection.from}.`);
  },
  verify(run, { incidentId }) {
    return watchUntil(run, async () => {
      const live = await readIncident(run.client, incidentId);
      return { done: live.status === 'acknowledged', failed: live.status === 'resolved', message: `Incident #${live.incident_number} is ${live.status}.` };
    });
  },
};
