import type { ExternalOperationModule } from '../external-operation.js';
import { watchUntil } from '../operation.js';
import { type PagerDutyClient, PagerDutyError } from '../../providers/pagerduty/pagerduty-client.js';
import { RawUser, assigneesOf, incidentFingerprint, incidentPath, readIncident } from '../../providers/pagerduty/incident-shapes.js';
import { ApiError } from '../../../../shared/api/errors.js';

interface ReassignAction {
  incidentId: string;
  assignees: string[];
  /** The request body, literally: PUT /incidents/{id} with the From header. */
  body: { incident: { type: 'incident_reference'; assignments: { assignee: { id: string; type: 'user_reference' } }[] } };
}

function sameSet(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && [...a].sort().join(',') === [...b].sort().join(',');
}

/**
 * Reassign a PagerDuty incident: PUT /incidents/{id} with `assignments`, which replaces who
 * holds it (https://developer.pagerduty.com/api-reference/8a0e1aa2ec666-update-an-incident).
 * PagerDuty pages the new assignees and puts an acknowledged incident back to triggered, so
 * the plan says so. Execute compares the live assignees first: a retry sends nothing twice.
 */
export const pagerdutyReassign: ExternalOperationModule<'pagerduty-reassign', PagerDutyClient, ReassignAction> = {
  system: 'pagerduty',
  kind: 'pagerduty-reassign',
  async plan(client, target, { assignees }) {
    const incident = await readIncident(client, target.name);
    if (incident.status === 'resolved') throw new ApiError('conflict', `PagerDuty incident #${incident.incident_number} (${incident.id}) is resolved; it cannot be reassigned.`);
    const users = await Promise.all(
      assignees.map(async (id) => {
        try {
          return RawUser.parse((await client.get<{ user?: unknown }>(`/users/${encodeURIComponent(id)}`)).user);
        } catch (error) {
          if (error instanceof PagerDutyError && error.status === 404) throw new ApiError('bad_request', `PagerDuty has no user ${id}.`, 'params.assignees');
          throw error;
        }
      }),
    );
    const current = incident.assignments.map((a) => a.assignee.id);
    const names = users.map((u) => `${u.name} <${u.email}>`).join(', ');
    const risks = sameSet(current, assignees)
      ? [{ code: 'no-change' as const, severity: 'info' as const, message: `Incident #${incident.incident_number} is already assigned to ${names}; nothing will change.` }]
      : [
          {
            code: 'pages-someone' as const,
            severity: 'warning' as const,
            message: `PagerDuty pages ${names} now${incident.status === 'acknowledged' ? ', and the incident goes back from acknowledged to triggered' : ''}.`,
          },
        ];
    return {
      summary: `Reassign PagerDuty incident #${incident.incident_number} "${incident.title}" from ${assigneesOf(incident)} to ${users.map((u) => u.name).join(', ')} as ${client.connection.from}.`,
      changes: [
        { field: 'assignees', before: assigneesOf(incident), after: users.map((u) => u.name).join(', ') },
        ...(incident.status === 'acknowledged' ? [{ field: 'status', before: 'acknowledged', after: 'triggered' }] : []),
      ],
      risks,
      action: {
        incidentId: incident.id,
        assignees,
        body: { incident: { type: 'incident_reference', assignments: assignees.map((id) => ({ assignee: { id, type: 'user_reference' as const } })) } },
      },
      fingerprint: incidentFingerprint(incident),
      verb: `reassign incident #${incident.incident_number}`,
    };
  },
  async fingerprint(client, target) {
    return incidentFingerprint(await readIncident(client, target.name));
  },
  async execute(run, { incidentId, assignees, body }) {
    const live = await readIncident(run.client, incidentId);
    if (sameSet(live.assignments.map((a) => a.assignee.id), assignees)) {
      run.report('Already assigned to them; nothing sent.');
      return;
    }
    await run.client.put(incidentPath(incidentId), body);
    run.report(`Reassigned as ${run.client.connection.from}.`);
  },
  verify(run, { incidentId, assignees }) {
    return watchUntil(run, async () => {
      const live = await readIncident(run.client, incidentId);
      return { done: sameSet(live.assignments.map((a) => a.assignee.id), assignees), message: `Incident #${live.incident_number} is assigned to ${assigneesOf(live)}.` };
    });
  },
};
