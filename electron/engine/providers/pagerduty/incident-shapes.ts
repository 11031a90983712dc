import { z } from 'zod';
import type { PagerDutyClient } from './pagerduty-client.js';

/**
 * The parts of PagerDuty's incident, log entry, user and note objects Daytwo reads, parsed at
 * arrival (https://developer.pagerduty.com/api-reference/). Unknown fields pass through unread.
 */

const Reference = z.object({ id: z.string(), type: z.string(), summary: z.string().optional().default(''), html_url: z.string().nullable().optional() });

export const RawIncident = z.object({
  id: z.string(),
  incident_number: z.number(),
  title: z.string(),
  status: z.enum(['triggered', 'acknowledged', 'resolved']),
  urgency: z.string().optional().default('high'),
  created_at: z.string(),
  last_status_change_at: z.string().optional(),
  html_url: z.string().nullable().optional(),
  service: Reference,
  assignments: z.array(z.object({ at: z.string().optional(), assignee: Reference })).default([]),
  acknowledgements: z.array(z.object({ at: z.string(), acknowledger: Reference })).default([]),
});
export type RawIncident = z.infer<typeof RawIncident>;

export const RawLogEntry = z.object({
  id: z.string(),
  type: z.string(),
  summary: z.string().optional().default(''),
  created_at: z.string(),
  html_url: z.string().nullable().optional(),
  agent: Reference.nullable().optional(),
  channel: z.object({ type: z.string(), summary: z.string().optional() }).passthrough().optional(),
});
export type RawLogEntry = z.infer<typeof RawLogEntry>;

export const RawUser = z.object({ id: z.string(), name: z.string(), email: z.string(), teams: z.array(Reference).default([]) });
export type RawUser = z.infer<typeof RawUser>;

export const RawService = z.object({ id: z.string(), name: z.string(), teams: z.array(Reference).default([]) });
export type RawService = z.infer<typeof RawService>;

export const RawNote = z.object({ id: z.string(), content: z.string(), created_at: z.string() });
export type RawNote = z.infer<typeof RawNote>;

export function incidentPath(id: string): string {
  return `/incidents/${encodeURIComponent(id)}`;
}

/** Reads one incident live. */
export async function readIncident(client: PagerDutyClient, id: string): Promise<RawIncident> {
  const body = await client.get<{ incident?: unknown }>(incidentPath(id));
  return RawIncident.parse(body.incident);
}

export function assigneesOf(incident: RawIncident): string {
  return incident.assignments.map((a) => a.assignee.summary || a.assignee.id).join(', ') || 'nobody';
}

/** What a plan depends on: the status and who holds it. */
export function incidentFingerprint(incident: RawIncident): string {
  return `status=${incident.status};assignees=${incident.assignments.map((a) => a.assignee.id).sort().join(',')}`;
}
