import { z } from 'zod';
import { NoParams, mutation, query } from './define.js';
import { PagerDutyIncidentTarget } from './operations.js';

/**
 * PagerDuty incidents beside Daytwo's: read from the PagerDuty sources (REST API v2 through
 * @pagerduty/pdjs), never carrying the API token. Changes go through operations.plan with the
 * pagerduty-* kinds; notes are mirrored through the engine's outbox.
 */

export const PagerDutyStatus = z.enum(['triggered', 'acknowledged', 'resolved']);
export type PagerDutyStatus = z.infer<typeof PagerDutyStatus>;

const Person = z.object({ id: z.string(), name: z.string() });

export const PagerDutyIncident = z.object({
  /** The operation target: pagerduty:<server>/incidents/<id>. */
  target: z.string(),
  id: z.string(),
  sourceId: z.string(),
  number: z.number(),
  title: z.string(),
  status: PagerDutyStatus,
  urgency: z.string(),
  service: Person,
  assignees: z.array(Person),
  createdAt: z.number(),
  lastStatusChangeAt: z.number().nullable(),
  /** Where a person opens it in PagerDuty. */
  url: z.string().nullable(),
});
export type PagerDutyIncident = z.infer<typeof PagerDutyIncident>;

/** A PagerDuty log entry, ready to merge into an incident timeline. */
export const PagerDutyTimelineItem = z.object({
  id: z.string(),
  kind: z.literal('pagerduty'),
  /** When it happened: for a note written offline, the time it was written. */
  occurredAt: z.number(),
  /** When PagerDuty recorded it. */
  recordedAt: z.number(),
  /** True when occurredAt and recordedAt differ because the note waited in the outbox. */
  late: z.boolean(),
  title: z.string(),
  /** PagerDuty's log entry type: trigger_log_entry, acknowledge_log_entry … */
  entryType: z.string(),
  agent: z.string().nullable(),
  detail: z.string().nullable(),
  url: z.string().nullable(),
  sourceId: z.string(),
  incident: z.string(),
});
export type PagerDutyTimelineItem = z.infer<typeof PagerDutyTimelineItem>;

export const OutboxNote = z.object({
  id: z.number(),
  incident: z.string(),
  text: z.string(),
  author: z.string(),
  occurredAt: z.number(),
  enqueuedAt: z.number(),
  state: z.enum(['queued', 'sent', 'failed']),
  attempts: z.number(),
  lastError: z.string().nullable(),
  sentAt: z.number().nullable(),
});
export type OutboxNote = z.infer<typeof OutboxNote>;

export const IncidentLink = z.object({
  /** The Daytwo incident. */
  incidentId: z.string(),
  /** The PagerDuty incident it follows. */
  pagerduty: z.string(),
  linkedAt: z.number(),
});
export type IncidentLink = z.infer<typeof IncidentLink>;

const DaytwoIncidentId = z.string().min(1).max(200);

export const pagerdutyMethods = {
  'pagerduty.link': mutation(
    "Link a Daytwo incident to a PagerDuty incident: the Daytwo incident's notes are mirrored to it and its log entries join the timeline.",
    z.object({ incidentId: DaytwoIncidentId, pagerduty: PagerDutyIncidentTarget }).strict(),
    z.object({ link: IncidentLink }),
  ),
  'pagerduty.unlink': mutation(
    'Stop following a PagerDuty incident from a Daytwo incident; notes already queued are still sent.',
    z.object({ incidentId: DaytwoIncidentId, pagerduty: PagerDutyIncidentTarget }).strict(),
    z.object({ removed: z.boolean() }),
  ),
  'pagerduty.links': query(
    'The PagerDuty incidents a Daytwo incident follows.',
    z.object({ incidentId: DaytwoIncidentId }).strict(),
    z.object({ links: z.array(IncidentLink) }),
  ),
  'pagerduty.timeline': query(
    'The log entries of every PagerDuty incident linked to a Daytwo incident, read live, as timeline items in time order.',
    z.object({ incidentId: DaytwoIncidentId }).strict(),
    z.object({ items: z.array(PagerDutyTimelineItem) }),
  ),
  'pagerduty.incidents': query(
    "Incidents of the user's PagerDuty services (open, and resolved in the last week), as last read; stale when a source is not live.",
    z.object({ statuses: z.array(PagerDutyStatus).max(3).optional() }).strict().optional().transform((p) => p ?? {}),
    z.object({ incidents: z.array(PagerDutyIncident), asOf: z.number().nullable(), stale: z.boolean() }),
  ),
  'pagerduty.logEntries': query(
    "A PagerDuty incident's log entries, read live, as timeline items (oldest first).",
    z.object({ incident: PagerDutyIncidentTarget }).strict(),
    z.object({ items: z.array(PagerDutyTimelineItem) }),
  ),
  'pagerduty.users': query(
    'The users of a PagerDuty source, for choosing whom to reassign an incident to.',
    z.object({ sourceId: z.string().min(1).max(500) }).strict(),
    z.object({ users: z.array(z.object({ id: z.string(), name: z.string(), email: z.string() })) }),
  ),
  'pagerduty.outbox': query('Notes waiting to be mirrored to PagerDuty, and the last ones sent.', NoParams, z.object({ notes: z.array(OutboxNote) })),
};
