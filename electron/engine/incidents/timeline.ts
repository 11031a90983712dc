import type { AuditEntry } from '../../../shared/api/audit.js';
import type { Incident, Note, TimelineItem, TimelineItemKind } from '../../../shared/api/incidents.js';
import type { EstateEvent, RecordedEvent } from '../../../shared/estate/event.js';
import type { IncidentChangeRecord, ItemMark } from './incident-store.js';

/** Before detection: what led up to it (the rollout that started it) belongs on the timeline. */
export const leadInMs = 30 * 60_000;
/** After resolution: the recovery settling. */
export const tailMs = 15 * 60_000;
/** Captured this much after it happened: flagged as late (written offline, or an event seen on relist). */
export const lateAfterMs = 2 * 60_000;

export interface TimelineWindow {
  start: number;
  end: number;
  /** T+0: detection, or declaration when detection was not given. */
  anchor: number;
}

export function incidentWindow(incident: Incident, now: number): TimelineWindow {
  const m = incident.milestones;
  const anchor = m.detected?.at ?? m.declared?.at ?? incident.updatedAt;
  const end = incident.status === 'resolved' && m.resolved ? m.resolved.at + tailMs : now;
  return { start: anchor - leadInMs, end: Math.max(end, anchor), anchor };
}

export interface TimelineInputs {
  events: readonly RecordedEvent[];
  audit: readonly AuditEntry[];
  notes: readonly Note[];
  changes: ReadonlyArray<IncidentChangeRecord & { id: number }>;
  marks: ReadonlyMap<string, ItemMark>;
}

/**
 * Assembles the timeline at read time from what others own (the event store, the audit log) and
 * what the incident owns (its changes and notes), oldest first. Nothing here is stored, so a
 * timeline opened two hours late still holds everything the event store kept.
 */
export function assembleTimeline(inputs: TimelineInputs): TimelineItem[] {
  const items: TimelineItem[] = [];
  const mark = (id: string) => inputs.marks.get(id) ?? { starred: false, hidden: false };
  for (const event of inputs.events) {
    // Operations land in the event store too (operations/timeline.ts); the audit entry is the record.
    if (event.kind === 'operation') continue;
    const id = `event:${event.sourceId}:${event.id}`;
    const kind = eventKind(event);
    const recordedAt = event.recordedAt;
    items.push({
      id,
      kind,
      what: `${event.reason}: ${event.message}`,
      detail: event.count > 1 ? `${event.count} times, last at ${new Date(event.lastAt).toISOString()}` : '',
      entityId: event.entityId,
      source: event.sourceId,
      severity: kind === 'alarm' || kind === 'alert' ? (/firing|alarm$/i.test(event.reason) ? 'critical' : 'info') : event.type === 'warning' ? 'warning' : 'info',
      occurredAt: event.firstAt,
      recordedAt,
      late: recordedAt - event.occurredAt > lateAfterMs,
      ...mark(id),
      originalOccurredAt: null,
    });
  }
  for (const entry of inputs.audit) {
    const id = `audit:${entry.seq}`;
    const result = entry.outcome.result;
    items.push({
      id,
      kind: 'operation',
      what: `${entry.what.summary} ${result === 'succeeded' ? 'succeeded' : result}: ${entry.outcome.message}`,
      detail: `audit #${entry.seq} by ${entry.who.osUser} as ${entry.who.kubeUser ?? '?'} on ${entry.who.context}; planned ${new Date(entry.timings.plannedAt).toISOString()}`,
      entityId: entry.target,
      source: 'audit',
      severity: result === 'succeeded' ? 'info' : 'warning',
      occurredAt: entry.timings.executedAt ?? entry.at,
      recordedAt: entry.at,
      late: false,
      ...mark(id),
      originalOccurredAt: null,
    });
  }
  for (const change of inputs.changes) {
    const id = `change:${change.id}`;
    items.push({
      id,
      kind: 'incident',
      what: change.what,
      detail: '',
      entityId: null,
      source: change.by,
      severity: 'info',
      occurredAt: change.at,
      recordedAt: change.at,
      late: false,
      ...mark(id),
      originalOccurredAt: null,
    });
  }
  for (const note of inputs.notes) {
    const id = `note:${note.id}`;
    items.push({
      id,
      kind: 'note',
      what: note.text,
      detail: note.mentions.length > 0 ? `mentions ${note.mentions.join(', ')}` : '',
      entityId: note.mentions[0] ?? null,
      source: note.author,
      severity: 'info',
      occurredAt: note.occurredAt,
      recordedAt: note.recordedAt,
      late: note.recordedAt - note.occurredAt > lateAfterMs,
      ...mark(id),
      originalOccurredAt: note.originalOccurredAt,
      ...(note.secret ? { secret: true } : {}),
    });
  }
  // Stable: equal times keep the order above (cause before the audit record of the response).
  return items.sort((a, b) => a.occurredAt - b.occurredAt);
}

const rolloutReasons = new Set(['ScalingReplicaSet', 'DeploymentRollback', 'DeploymentRollout', 'SuccessfulCreate', 'SuccessfulDelete', 'ProgressDeadlineExceeded']);
const podReasons = new Set(['BackOff', 'Killing', 'Evicted', 'Failed', 'FailedScheduling', 'Unhealthy', 'Started', 'Pulled', 'Pulling', 'Created', 'Scheduled', 'OOMKilling', 'Preempting']);

/** Which filter an event falls under, from its reason and what it is about. */
export function eventKind(event: EstateEvent): TimelineItemKind {
  if (event.kind === 'alarm') return 'alarm';
  if (event.kind === 'alert') return 'alert';
  const entity = event.entityId ?? '';
  if (/\/Node\//.test(entity) || entity.includes('/node/')) return 'node';
  if (rolloutReasons.has(event.reason)) return 'rollout';
  if (podReasons.has(event.reason) || /\/Pod\//.test(entity)) return 'pod';
  return 'k8s-event';
}
