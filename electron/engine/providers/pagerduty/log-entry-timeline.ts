import type { PagerDutyTimelineItem } from '../../../../shared/api/pagerduty.js';
import type { PagerDutyClient } from './pagerduty-client.js';
import { RawLogEntry, incidentPath } from './incident-shapes.js';

const titles: Record<string, string> = {
  trigger_log_entry: 'Triggered in PagerDuty',
  acknowledge_log_entry: 'Acknowledged in PagerDuty',
  resolve_log_entry: 'Resolved in PagerDuty',
  assign_log_entry: 'Assigned in PagerDuty',
  escalate_log_entry: 'Escalated in PagerDuty',
  notify_log_entry: 'PagerDuty notified someone',
  annotate_log_entry: 'Note in PagerDuty',
  snooze_log_entry: 'Snoozed in PagerDuty',
  unacknowledge_log_entry: 'Acknowledgement timed out in PagerDuty',
};

/** The time a note from Daytwo's outbox was written, from the stamp its text starts with. */
const writtenAt = /^\[(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ), written/;

/**
 * A PagerDuty incident's log entries as timeline items, oldest first. An item happened when
 * PagerDuty recorded it, except a note Daytwo mirrored late: it happened when it was written
 * (its stamp) and is flagged late.
 */
export async function logEntryTimeline(client: PagerDutyClient, incidentId: string): Promise<PagerDutyTimelineItem[]> {
  const sourceId = client.connection.sourceId;
  const entries = (await client.all<unknown>(`${incidentPath(incidentId)}/log_entries`, 'log_entries')).map((e) => RawLogEntry.parse(e));
  const items = entries.map((entry): PagerDutyTimelineItem => {
    const recordedAt = Date.parse(entry.created_at);
    const note = entry.type === 'annotate_log_entry' ? (entry.channel?.summary ?? null) : null;
    const stamp = note ? writtenAt.exec(note)?.[1] : undefined;
    const occurredAt = stamp ? Date.parse(stamp) : recordedAt;
    return {
      id: `pagerduty:${entry.id}`,
      kind: 'pagerduty',
      occurredAt,
      recordedAt,
      late: occurredAt !== recordedAt,
      title: titles[entry.type] ?? entry.type.replace(/_log_entry$/, '').replace(/_/g, ' '),
      entryType: entry.type,
      agent: entry.agent?.summary || null,
      detail: note ?? (entry.summary || null),
      url: entry.html_url ?? null,
      sourceId,
      incident: `${sourceId}/incidents/${incidentId}`,
    };
  });
  // PagerDuty lists newest first and stamps to the second: reverse, then a stable sort keeps
  // entries of the same second (a trigger and its assignment) in the order they were made.
  return items.reverse().sort((a, b) => a.occurredAt - b.occurredAt || a.recordedAt - b.recordedAt);
}
