import { z } from 'zod';
import { mutation, query, topic } from './define.js';

/**
 * Incidents: a local record (SQLite, synchronous FULL) with a timeline that writes itself from
 * the event store and the audit log, people's notes, and an offline postmortem export
 * (docs/architecture.md, "Incidents"). Method names are fixed by issue 11 so scripts can rely on them.
 */

const EpochMs = z.number().int().min(0);
const EntityId = z.string().min(1).max(4096);
const Person = z.string().trim().min(1).max(200);

export const Severity = z.enum(['SEV1', 'SEV2', 'SEV3', 'SEV4']);
export type Severity = z.infer<typeof Severity>;

/** What each severity means, in the words an on-call page would use. */
export const severityWords: Record<Severity, string> = {
  SEV1: 'Critical: customers broadly affected',
  SEV2: 'Major: a significant feature or many customers degraded',
  SEV3: 'Minor: limited impact, workaround exists',
  SEV4: 'Low: no customer impact yet',
};

/** investigating → identified → mitigated → resolved, and back (a fix that did not hold reopens). */
export const IncidentStatus = z.enum(['investigating', 'identified', 'mitigated', 'resolved']);
export type IncidentStatus = z.infer<typeof IncidentStatus>;

/** A drill never counts in real figures. */
export const IncidentKind = z.enum(['real', 'drill']);
export type IncidentKind = z.infer<typeof IncidentKind>;

export const Role = z.enum(['commander', 'scribe', 'communications', 'operations']);
export type Role = z.infer<typeof Role>;

export const Milestone = z.enum(['detected', 'declared', 'acknowledged', 'mitigated', 'resolved']);
export type Milestone = z.infer<typeof Milestone>;

export const MilestoneMark = z.object({ at: EpochMs, by: z.string() });
export type MilestoneMark = z.infer<typeof MilestoneMark>;

/**
 * A link to the same incident in another system (PagerDuty, a ticket, a chat channel). The
 * other system stays the record of what it owns; Daytwo only points at it.
 */
export const IncidentLink = z.object({
  system: z.string().min(1).max(40),
  id: z.string().min(1).max(400),
  url: z.string().max(2000).nullable(),
});
export type IncidentLink = z.infer<typeof IncidentLink>;

export const Incident = z.object({
  /** `inc-<yyyymmdd>-<n>`, readable in a chat message. */
  id: z.string(),
  title: z.string(),
  severity: Severity,
  status: IncidentStatus,
  kind: IncidentKind,
  summary: z.string(),
  roles: z.record(Role, z.array(z.string())),
  impacted: z.array(EntityId),
  milestones: z.partialRecord(Milestone, MilestoneMark),
  links: z.array(IncidentLink),
  /** Alert ids it was declared from, so a suggestion is not offered twice. */
  alertIds: z.array(z.string()),
  createdBy: z.string(),
  updatedAt: EpochMs,
});
export type Incident = z.infer<typeof Incident>;

export const TimelineItemKind = z.enum([
  'k8s-event', // anything the cluster said that is not one of the kinds below
  'rollout', // ScalingReplicaSet, revision changes, a deployment's progress
  'pod', // crashing, evicted, killed, failed scheduling
  'node', // node conditions
  'alarm', // CloudWatch alarm transitions
  'alert', // Prometheus / Alertmanager alert transitions and notifications
  'operation', // planned, executed, verified or refused, from the audit log
  'note', // what people wrote
  'incident', // status, severity, roles, milestones changed
  'pagerduty', // log entries of linked PagerDuty incidents (providers/pagerduty)
  'runbook', // steps of runbook runs on this incident (runbooks/run-timeline.ts)
]);
export type TimelineItemKind = z.infer<typeof TimelineItemKind>;

export const TimelineItem = z.object({
  /** Stable for the item's life, so stars and hides stick: `event:<source>:<id>`, `audit:<seq>`, `note:<id>`, `change:<id>`. */
  id: z.string(),
  kind: TimelineItemKind,
  /** What happened, in one line. */
  what: z.string(),
  detail: z.string(),
  /** The entity it is about, when there is one. */
  entityId: z.string().nullable(),
  /** Who or what reported it: a source id, `audit`, or a person. */
  source: z.string(),
  severity: z.enum(['info', 'warning', 'critical']),
  occurredAt: EpochMs,
  /** When Daytwo learned of it; later than occurredAt when captured late or offline. */
  recordedAt: EpochMs,
  /** recordedAt is well after occurredAt: shown flagged. */
  late: z.boolean(),
  starred: z.boolean(),
  hidden: z.boolean(),
  /** For a note whose time was edited: the time it was first given. */
  originalOccurredAt: EpochMs.nullable(),
  /** A note marked secret: shown to the operator, never to a screen token (the wallboard). */
  secret: z.boolean().optional(),
});
export type TimelineItem = z.infer<typeof TimelineItem>;

export const Note = z.object({
  id: z.string(),
  incidentId: z.string(),
  author: z.string(),
  text: z.string(),
  /** Entities the note mentions (chosen with the picker). */
  mentions: z.array(EntityId),
  occurredAt: EpochMs,
  recordedAt: EpochMs,
  originalOccurredAt: EpochMs.nullable(),
  /**
   * Not for the wall: a credential pasted while debugging, a customer's name. Screen tokens never
   * receive it. Notes stored before the mark existed are not secret.
   */
  secret: z.boolean().default(false),
});
export type Note = z.infer<typeof Note>;

const IncidentId = z.string().min(1).max(100);
const Title = z.string().trim().min(1).max(300);
const Roles = z.partialRecord(Role, z.array(Person).max(20));

export const DeclareParams = z
  .object({
    title: Title,
    severity: Severity,
    kind: IncidentKind.default('real'),
    summary: z.string().max(20_000).default(''),
    impacted: z.array(EntityId).max(200).default([]),
    /** When the trouble was first detected; defaults to now. An alert's start when declared from it. */
    detectedAt: EpochMs.optional(),
    alertIds: z.array(z.string().max(4096)).max(200).default([]),
    roles: Roles.default({}),
    links: z.array(IncidentLink).max(20).default([]),
  })
  .strict();

export const UpdateParams = z
  .object({
    id: IncidentId,
    title: Title.optional(),
    summary: z.string().max(20_000).optional(),
    status: IncidentStatus.optional(),
    severity: Severity.optional(),
    /** Replaces the holders of each role given; roles left out are unchanged. */
    roles: Roles.optional(),
    impacted: z.array(EntityId).max(200).optional(),
    /** Sets (a mark) or clears (null) a milestone; `by` is the acting user. */
    milestones: z.partialRecord(Milestone, EpochMs.nullable()).optional(),
    links: z.array(IncidentLink).max(20).optional(),
  })
  .strict();

export const NoteParams = z
  .object({
    incidentId: IncidentId,
    text: z.string().trim().min(1).max(20_000),
    /** Entities mentioned; on an edit, left out means unchanged. */
    mentions: z.array(EntityId).max(50).optional(),
    /** When it happened, if not now (typed in late, or written offline). */
    occurredAt: EpochMs.optional(),
    /** Editing an existing note's time: its id. The first time given is kept. */
    noteId: z.string().max(100).optional(),
    /** Mark (or, on an edit, unmark) the note secret: kept off wall screens. */
    secret: z.boolean().optional(),
  })
  .strict();

export const TimelineParams = z
  .object({
    id: IncidentId,
    /** Window; defaults to the incident's: detection (or declaration) minus a margin, to resolution or now. */
    start: EpochMs.optional(),
    end: EpochMs.optional(),
    kinds: z.array(TimelineItemKind).max(20).optional(),
    includeHidden: z.boolean().default(false),
    starredOnly: z.boolean().default(false),
    /** Oldest first; offset/limit page through it. */
    offset: z.number().int().min(0).default(0),
    limit: z.number().int().min(1).max(100_000).default(5000),
  })
  .strict();

export const ListParams = z
  .object({
    status: z.array(IncidentStatus).max(4).optional(),
    severity: z.array(Severity).max(4).optional(),
    kind: IncidentKind.optional(),
    limit: z.number().int().min(1).max(1000).default(200),
  })
  .strict();

export const ExportResult = z.object({
  /** Folder written, with report.md, timeline.json, audit.jsonl, VERIFY.txt and charts/. */
  folder: z.string(),
  zip: z.string(),
  files: z.array(z.string()),
  /** The zip, base64, so a browser client can download it too. */
  zipBase64: z.string(),
  zipName: z.string(),
});
export type ExportResult = z.infer<typeof ExportResult>;

/** A group of firing alerts about the same service, offered as one incident. */
export const SuggestedIncident = z.object({
  key: z.string(),
  title: z.string(),
  severity: Severity,
  alertIds: z.array(z.string()),
  impacted: z.array(EntityId),
  since: EpochMs.nullable(),
});
export type SuggestedIncident = z.infer<typeof SuggestedIncident>;

export const IncidentChange = z.object({ incident: Incident });

export const incidentMethods = {
  'incidents.declare': mutation('Declare an incident: title, severity, kind, impacted entities, detection time, roles.', DeclareParams, z.object({ incident: Incident })),
  'incidents.list': query('Incidents, open first, then recently changed; filter by status, severity, kind.', ListParams.default({ limit: 200 }), z.object({ incidents: z.array(Incident) })),
  'incidents.get': query('One incident.', z.object({ id: IncidentId }).strict(), z.object({ incident: Incident })),
  'incidents.update': mutation('Change status, severity, roles, milestones, impacted entities, title or summary; each change lands on the timeline.', UpdateParams, z.object({ incident: Incident })),
  'incidents.note': mutation(
    'Add a note (or move an existing note in time, keeping its first time). Answered only once the note is durably stored.',
    NoteParams,
    z.object({ note: Note }),
  ),
  'incidents.mark': mutation(
    'Star or hide a timeline item.',
    z.object({ id: IncidentId, itemId: z.string().min(1).max(4096), starred: z.boolean().optional(), hidden: z.boolean().optional() }).strict(),
    z.object({ itemId: z.string(), starred: z.boolean(), hidden: z.boolean() }),
  ),
  'incidents.timeline': query(
    'The incident timeline: events of the impacted entities and those around them, operations from the audit log, changes and notes; oldest first.',
    TimelineParams,
    z.object({ items: z.array(TimelineItem), total: z.number().int(), start: EpochMs, end: EpochMs, anchor: EpochMs }),
  ),
  'incidents.export': mutation(
    'Write the postmortem folder and zip: report.md, timeline.json, the audit excerpt with hashes and a verify command, golden-signal SVG charts.',
    z.object({ id: IncidentId }).strict(),
    ExportResult,
  ),
  'incidents.suggestions': query('Firing alerts grouped by service, each group offered as one incident.', z.object({}).strict(), z.object({ suggestions: z.array(SuggestedIncident) })),
};

export const incidentTopics = {
  'incidents.subscribe': topic('Every incident as it changes (declared, updated, noted).', z.object({}).strict(), IncidentChange),
};
