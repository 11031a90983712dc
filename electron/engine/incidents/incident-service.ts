import { randomUUID } from 'node:crypto';
import { ApiError } from '../../../shared/api/errors.js';
import { Milestone, Role } from '../../../shared/api/incidents.js';
import type { DeclareParams, Incident, ListParams, Note, NoteParams, TimelineItem, TimelineParams, UpdateParams } from '../../../shared/api/incidents.js';
import type { AuditEntry, AuditFilter } from '../../../shared/api/audit.js';
import type { RecordedEvent } from '../../../shared/estate/event.js';
import type { EventStore } from '../store/event-store.js';
import type { z } from 'zod';
import type { StoreDatabase } from '../store/database.js';
import { IncidentStore } from './incident-store.js';
import type { IncidentChangeRecord } from './incident-store.js';
import { incidentNeighbourhood } from './neighbourhood.js';
import type { NeighbourhoodReader } from './neighbourhood.js';
import { assembleTimeline, incidentWindow } from './timeline.js';
import type { TimelineWindow } from './timeline.js';

export interface IncidentServiceOptions {
  /** The durable (synchronous FULL) connection: store/database.ts openDurableConnection. */
  db: StoreDatabase;
  estate: NeighbourhoodReader;
  /** The event store (store/event-store.ts): a window's events of these entities, newest first. */
  events: Pick<EventStore, 'every'>;
  audit: { list(filter: AuditFilter): AuditEntry[] };
  /** Who is acting: the operating-system account, as the audit log names it. */
  user(): string;
  /**
   * Timeline items other systems hold about this incident (PagerDuty's log entries of linked
   * incidents); a failure there leaves them out rather than failing the timeline.
   */
  linked?(incidentId: string): Promise<TimelineItem[]>;
  now?: () => number;
}

/** Most events one timeline reads; a 50,000-item timeline is the budget the view is built for. */
const maxEvents = 100_000;

export type IncidentListener = (incident: Incident) => void;
/** `added`: a new note (mirror it); `edited`: its text or time changed (the mirror keeps the first). */
export type NoteListener = (note: Note, incident: Incident, change: 'added' | 'edited') => void;

/**
 * Declares, changes and annotates incidents. Every change is written durably with a line saying
 * what changed and who changed it, then announced to subscribers; a note is announced to
 * `onNote` listeners (PagerDuty mirroring) only after it is stored.
 */
export class IncidentService {
  private readonly store: IncidentStore;
  private readonly listeners = new Set<IncidentListener>();
  private readonly noteListeners = new Set<NoteListener>();
  private readonly now: () => number;

  constructor(private readonly options: IncidentServiceOptions) {
    this.store = new IncidentStore(options.db);
    this.now = options.now ?? Date.now;
  }

  declare(params: z.output<typeof DeclareParams>): Incident {
    const now = this.now();
    const by = this.options.user();
    const roles = Object.fromEntries(Role.options.map((role) => [role, params.roles[role] ?? []])) as Incident['roles'];
    // Whoever declares commands until someone else is named: an incident always has a commander.
    if (roles.commander.length === 0) roles.commander = [by];
    const incident: Incident = {
      id: this.store.nextId(now),
      title: params.title,
      severity: params.severity,
      status: 'investigating',
      kind: params.kind,
      summary: params.summary,
      roles,
      impacted: unique(params.impacted),
      milestones: {
        detected: { at: Math.min(params.detectedAt ?? now, now), by },
        declared: { at: now, by },
      },
      links: params.links,
      alertIds: unique(params.alertIds),
      createdBy: by,
      updatedAt: now,
    };
    const kindWord = incident.kind === 'drill' ? 'Drill' : 'Incident';
    this.store.save(incident, [{ incidentId: incident.id, at: now, by, what: `${kindWord} declared by ${by}: ${incident.severity} "${incident.title}"` }]);
    this.announce(incident);
    return incident;
  }

  get(id: string): Incident {
    const incident = this.store.get(id);
    if (!incident) throw new ApiError('not_found', `There is no incident "${id}".`, 'id');
    return incident;
  }

  list(params: z.output<typeof ListParams>): Incident[] {
    return this.store.list(params);
  }

  update(params: z.output<typeof UpdateParams>): Incident {
    const before = this.get(params.id);
    const now = this.now();
    const by = this.options.user();
    const next: Incident = structuredClone(before);
    const changes: IncidentChangeRecord[] = [];
    const say = (what: string) => changes.push({ incidentId: before.id, at: now, by, what });

    if (params.title !== undefined && params.title !== before.title) {
      next.title = params.title;
      say(`Title set to "${params.title}"`);
    }
    if (params.summary !== undefined && params.summary !== before.summary) {
      next.summary = params.summary;
      say('Summary edited');
    }
    if (params.severity && params.severity !== before.severity) {
      next.severity = params.severity;
      say(`Severity ${before.severity} → ${params.severity}`);
    }
    if (params.status && params.status !== before.status) {
      next.status = params.status;
      say(`Status ${before.status} → ${params.status}`);
      // Reaching mitigated or resolved is the milestone, unless someone already set it.
      if (params.status === 'mitigated' && !next.milestones.mitigated) next.milestones.mitigated = { at: now, by };
      if (params.status === 'resolved') {
        next.milestones.mitigated ??= { at: now, by };
        next.milestones.resolved ??= { at: now, by };
      }
      // Back from resolved: it was not, after all. The change line keeps when it was thought so.
      if (before.status === 'resolved') delete next.milestones.resolved;
    }
    for (const role of Role.options) {
      const holders = params.roles?.[role];
      if (!holders) continue;
      const cleaned = unique(holders);
      if (cleaned.join('\n') === before.roles[role].join('\n')) continue;
      next.roles[role] = cleaned;
      say(`${capital(role)}: ${cleaned.length > 0 ? cleaned.join(', ') : 'nobody'}`);
    }
    for (const milestone of Milestone.options) {
      const at = params.milestones?.[milestone];
      if (at === undefined) continue;
      if (at === null) {
        if (!next.milestones[milestone]) continue;
        delete next.milestones[milestone];
        say(`Milestone ${milestone} cleared`);
      } else {
        if (at > now) throw new ApiError('bad_request', `The ${milestone} time is in the future.`, `milestones.${milestone}`);
        next.milestones[milestone] = { at, by };
        say(`Milestone ${milestone} set to ${new Date(at).toISOString()}`);
      }
    }
    if (params.impacted) {
      const impacted = unique(params.impacted);
      const added = impacted.filter((id) => !before.impacted.includes(id));
      const removed = before.impacted.filter((id) => !impacted.includes(id));
      next.impacted = impacted;
      if (added.length > 0) say(`Impacted: added ${added.join(', ')}`);
      if (removed.length > 0) say(`Impacted: removed ${removed.join(', ')}`);
    }
    if (params.links) {
      next.links = params.links;
      say(`Links: ${params.links.map((l) => `${l.system} ${l.id}`).join(', ') || 'none'}`);
    }
    if (changes.length === 0) return before;
    next.updatedAt = now;
    this.store.save(next, changes);
    this.announce(next);
    return next;
  }

  /**
   * Stores a note and returns it only once SQLite has synced it: the caller's "saved" is true.
   * Editing a note's time keeps the first time given in `originalOccurredAt`.
   */
  note(params: z.output<typeof NoteParams>): Note {
    const incident = this.get(params.incidentId);
    const now = this.now();
    let note: Note;
    if (params.noteId) {
      const existing = this.store.note(params.noteId);
      if (!existing || existing.incidentId !== incident.id) throw new ApiError('not_found', `Incident ${incident.id} has no note "${params.noteId}".`, 'noteId');
      note = {
        ...existing,
        text: params.text,
        mentions: params.mentions ? unique(params.mentions) : existing.mentions,
        secret: params.secret ?? existing.secret,
        occurredAt: params.occurredAt ?? existing.occurredAt,
        originalOccurredAt: existing.originalOccurredAt ?? (params.occurredAt !== undefined && params.occurredAt !== existing.occurredAt ? existing.occurredAt : null),
      };
    } else {
      note = {
        id: randomUUID(),
        incidentId: incident.id,
        author: this.options.user(),
        text: params.text,
        mentions: unique(params.mentions ?? []),
        occurredAt: params.occurredAt ?? now,
        recordedAt: now,
        originalOccurredAt: null,
        secret: params.secret ?? false,
      };
    }
    this.store.putNote(note);
    for (const listener of this.noteListeners) {
      try {
        listener(note, incident, params.noteId ? 'edited' : 'added');
      } catch {
        // A mirror that fails (PagerDuty offline) queues on its own side; the note is already safe.
      }
    }
    this.announce(incident);
    return note;
  }

  mark(id: string, itemId: string, patch: { starred?: boolean; hidden?: boolean }): { itemId: string; starred: boolean; hidden: boolean } {
    this.get(id);
    const current = this.store.marks(id).get(itemId) ?? { starred: false, hidden: false };
    const next = { starred: patch.starred ?? current.starred, hidden: patch.hidden ?? current.hidden };
    this.store.setMark(id, itemId, next);
    return { itemId, ...next };
  }

  /** The entities the timeline covers: the impacted ones and what is under and around them. */
  coverage(incident: Incident): string[] {
    return incidentNeighbourhood(incident.impacted, this.options.estate);
  }

  window(incident: Incident): TimelineWindow {
    return incidentWindow(incident, this.now());
  }

  async timeline(params: z.output<typeof TimelineParams>): Promise<{ items: TimelineItem[]; total: number; start: number; end: number; anchor: number }> {
    const incident = this.get(params.id);
    const window = this.window(incident);
    const start = params.start ?? window.start;
    const end = params.end ?? window.end;
    const all = (await this.items(incident, start, end)).filter(
      (item) =>
        (params.includeHidden || !item.hidden) &&
        (!params.starredOnly || item.starred) &&
        (!params.kinds || params.kinds.includes(item.kind)),
    );
    return { items: all.slice(params.offset, params.offset + params.limit), total: all.length, start, end, anchor: window.anchor };
  }

  /** Every item of the window, hidden ones included, oldest first (export and the view both start here). */
  async items(incident: Incident, start: number, end: number): Promise<TimelineItem[]> {
    const covered = this.coverage(incident);
    const coveredSet = new Set(covered);
    const events = this.eventsOf(covered, start, end);
    const audit = this.auditOf(coveredSet, start, end);
    const inWindow = <T extends { occurredAt: number }>(x: T) => x.occurredAt >= start && x.occurredAt <= end;
    const marks = this.store.marks(incident.id);
    const own = assembleTimeline({
      events,
      audit,
      // Notes and the incident's own changes are always shown, whatever window is asked.
      notes: this.store.notes(incident.id),
      changes: this.store.changes(incident.id),
      marks,
    }).filter((item) => item.kind === 'note' || item.kind === 'incident' || inWindow(item));
    const linked = await (this.options.linked?.(incident.id) ?? Promise.resolve([])).catch(() => []);
    if (linked.length === 0) return own;
    const marked = linked.map((item) => ({ ...item, ...(marks.get(item.id) ?? {}) }));
    return [...own, ...marked].sort((a, b) => a.occurredAt - b.occurredAt);
  }

  /** The window's events from the event store, newest first, up to the timeline's budget. */
  private eventsOf(entityIds: string[], from: number, to: number): RecordedEvent[] {
    return this.options.events.every({ entityIds, from, to }, maxEvents);
  }

  auditOf(covered: ReadonlySet<string>, start: number, end: number): AuditEntry[] {
    return this.options.audit
      .list({ since: start, until: end, limit: 10_000 })
      // Silences are about alerts, not one entity: every one made in the window belongs on the timeline.
      .filter((entry) => covered.has(entry.target) || entry.what.kind === 'silence' || entry.what.kind === 'expire-silence')
      .reverse();
  }

  notes(incidentId: string): Note[] {
    return this.store.notes(incidentId);
  }

  subscribe(listener: IncidentListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Called after each note is durably stored; the PagerDuty module mirrors notes through this. */
  onNote(listener: NoteListener): () => void {
    this.noteListeners.add(listener);
    return () => this.noteListeners.delete(listener);
  }

  private announce(incident: Incident): void {
    for (const listener of this.listeners) {
      try {
        listener(incident);
      } catch {
        // One broken subscriber must not stop the others or fail the change, which is stored.
      }
    }
  }
}

function unique(values: readonly string[]): string[] {
  return [...new Set(values.map((v) => v.trim()).filter((v) => v.length > 0))];
}

function capital(word: string): string {
  return word.charAt(0).toUpperCase() + word.slice(1);
}
