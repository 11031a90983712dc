import { Incident, Note } from '../../../shared/api/incidents.js';
import type { IncidentKind, IncidentStatus, Severity } from '../../../shared/api/incidents.js';
import type { StoreDatabase } from '../store/database.js';

/** One change to an incident, kept as its own timeline line: "status investigating → mitigated by ana". */
export interface IncidentChangeRecord {
  incidentId: string;
  at: number;
  by: string;
  what: string;
}

export interface ItemMark {
  starred: boolean;
  hidden: boolean;
}

export interface IncidentFilter {
  status?: readonly IncidentStatus[];
  severity?: readonly Severity[];
  kind?: IncidentKind;
  limit: number;
}

/**
 * The incident tables (migration 5), through the durable (synchronous FULL) connection: every
 * method returns only after SQLite has committed and synced, so whatever the API answers as
 * saved survives a `kill -9` or a power cut. A row that no longer parses is skipped, never fatal.
 */
export class IncidentStore {
  private readonly insertChange;
  private readonly upsertIncident;

  constructor(private readonly db: StoreDatabase) {
    this.insertChange = db.prepare('INSERT INTO incident_changes (incident_id, at, body) VALUES (?, ?, ?)');
    this.upsertIncident = db.prepare(
      `INSERT INTO incidents (id, status, updated_at, body) VALUES (?, ?, ?, ?)
       ON CONFLICT (id) DO UPDATE SET status = excluded.status, updated_at = excluded.updated_at, body = excluded.body`,
    );
  }

  /** The next readable id for the day: inc-20260130-3. */
  nextId(now: number): string {
    const day = new Date(now).toISOString().slice(0, 10).replaceAll('-', '');
    const prefix = `inc-${day}-`;
    const ids = this.db.prepare('SELECT id FROM incidents WHERE id LIKE ?').pluck().all(`${prefix}%`) as string[];
    const used = ids.map((id) => Number(id.slice(prefix.length))).filter(Number.isInteger);
    return `${prefix}${Math.max(0, ...used) + 1}`;
  }

  /** Writes the incident and the changes that made it so, in one durable transaction. */
  save(incident: Incident, changes: readonly IncidentChangeRecord[]): void {
    this.db.transaction(() => {
      this.upsertIncident.run(incident.id, incident.status, incident.updatedAt, JSON.stringify(incident));
      for (const change of changes) this.insertChange.run(change.incidentId, change.at, JSON.stringify(change));
    })();
  }

  get(id: string): Incident | undefined {
    const body = this.db.prepare('SELECT body FROM incidents WHERE id = ?').pluck().get(id) as string | undefined;
    return body === undefined ? undefined : parse(Incident, body);
  }

  /** Open incidents first, then the rest, each by last change, newest first. */
  list(filter: IncidentFilter): Incident[] {
    const rows = this.db
      .prepare(`SELECT body FROM incidents ORDER BY (status = 'resolved') ASC, updated_at DESC`)
      .pluck()
      .all() as string[];
    const out: Incident[] = [];
    for (const body of rows) {
      const incident = parse(Incident, body);
      if (!incident) continue;
      if (filter.status && !filter.status.includes(incident.status)) continue;
      if (filter.severity && !filter.severity.includes(incident.severity)) continue;
      if (filter.kind && incident.kind !== filter.kind) continue;
      out.push(incident);
      if (out.length >= filter.limit) break;
    }
    return out;
  }

  changes(incidentId: string): Array<IncidentChangeRecord & { id: number }> {
    const rows = this.db
      .prepare('SELECT id, body FROM incident_changes WHERE incident_id = ? ORDER BY at ASC, id ASC')
      .all(incidentId) as Array<{ id: number; body: string }>;
    const out: Array<IncidentChangeRecord & { id: number }> = [];
    for (const row of rows) {
      const change = parseJson(row.body) as IncidentChangeRecord | undefined;
      if (change && typeof change.what === 'string' && typeof change.at === 'number') out.push({ ...change, id: row.id });
    }
    return out;
  }

  /** Insert or replace a note; durable when this returns. */
  putNote(note: Note): void {
    this.db
      .prepare(
        `INSERT INTO incident_notes (id, incident_id, occurred_at, body) VALUES (?, ?, ?, ?)
         ON CONFLICT (id) DO UPDATE SET occurred_at = excluded.occurred_at, body = excluded.body`,
      )
      .run(note.id, note.incidentId, note.occurredAt, JSON.stringify(note));
  }

  note(id: string): Note | undefined {
    const body = this.db.prepare('SELECT body FROM incident_notes WHERE id = ?').pluck().get(id) as string | undefined;
    return body === undefined ? undefined : parse(Note, body);
  }

  notes(incidentId: string): Note[] {
    const rows = this.db
      .prepare('SELECT body FROM incident_notes WHERE incident_id = ? ORDER BY occurred_at ASC, rowid ASC')
      .pluck()
      .all(incidentId) as string[];
    return rows.map((body) => parse(Note, body)).filter((n): n is Note => n !== undefined);
  }

  marks(incidentId: string): Map<string, ItemMark> {
    const rows = this.db
      .prepare('SELECT item_id, starred, hidden FROM incident_marks WHERE incident_id = ?')
      .all(incidentId) as Array<{ item_id: string; starred: number; hidden: number }>;
    return new Map(rows.map((r) => [r.item_id, { starred: r.starred === 1, hidden: r.hidden === 1 }]));
  }

  setMark(incidentId: string, itemId: string, mark: ItemMark): void {
    this.db
      .prepare(
        `INSERT INTO incident_marks (incident_id, item_id, starred, hidden) VALUES (?, ?, ?, ?)
         ON CONFLICT (incident_id, item_id) DO UPDATE SET starred = excluded.starred, hidden = excluded.hidden`,
      )
      .run(incidentId, itemId, mark.starred ? 1 : 0, mark.hidden ? 1 : 0);
  }
}

function parse<T>(schema: { safeParse(v: unknown): { success: true; data: T } | { success: false } }, body: string): T | undefined {
  const parsed = schema.safeParse(parseJson(body));
  return parsed.success ? parsed.data : undefined;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}
