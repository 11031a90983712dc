import { randomBytes } from 'node:crypto';
import type { OutboxNote } from '../../../../shared/api/pagerduty.js';
import type { StoreDatabase } from '../../store/database.js';
import { PagerDutyError, type PagerDutyClient } from './pagerduty-client.js';
import { RawNote, incidentPath } from './incident-shapes.js';

/**
 * Notes to mirror to PagerDuty incidents, kept in SQLite until PagerDuty has them. PagerDuty
 * stamps a note with the time it receives it and has no field for another, so the text carries
 * the time the note was written: "[2026-11-30T04:01:00Z, written offline by Sam] …".
 *
 * Exactly once, in order, across restarts:
 *  - notes of one source go out one at a time, oldest first; a failure stops the queue there;
 *  - before a send, its attempt is counted in the store; after a 2xx, the row is marked sent in
 *    a transaction;
 *  - a note with an attempt counted but not marked sent may have landed (the answer was lost,
 *    or Daytwo stopped mid-send), so the incident's notes are read first and a note already
 *    there is marked sent instead of sent again. Each note ends with its own key to be found by.
 *  - a 4xx that is not a rate limit (incident gone, input refused) cannot succeed by retrying:
 *    the note is marked failed with the reason and the queue moves on.
 */

interface Row {
  id: number;
  source_id: string;
  incident_id: string;
  content: string;
  occurred_at: number;
  author: string;
  enqueued_at: number;
  state: 'queued' | 'sent' | 'failed';
  attempts: number;
  last_error: string | null;
  sent_at: number | null;
}

export interface NoteInput {
  text: string;
  /** When the note was written (epoch ms). */
  occurredAt: number;
  author: string;
}

export class NoteOutbox {
  private readonly flushing = new Map<string, Promise<void>>();

  constructor(
    private readonly db: StoreDatabase,
    private readonly now: () => number = Date.now,
  ) {}

  /** Stores the note durably and returns its row; sending is the flusher's job. */
  enqueue(sourceId: string, incidentId: string, note: NoteInput, writtenOffline: boolean): OutboxNote {
    const key = `daytwo-note-${randomBytes(6).toString('hex')}`;
    const stamp = new Date(note.occurredAt).toISOString().replace(/\.\d{3}Z$/, 'Z');
    const content = `[${stamp}, ${writtenOffline ? 'written offline' : 'written'} by ${note.author}] ${note.text}\n(${key})`;
    const result = this.db
      .prepare(
        `INSERT INTO pagerduty_note_outbox (source_id, incident_id, content, occurred_at, author, enqueued_at, state)
         VALUES (?, ?, ?, ?, ?, ?, 'queued')`,
      )
      .run(sourceId, incidentId, content, note.occurredAt, note.author, this.now());
    return describe(this.row(Number(result.lastInsertRowid)) as Row);
  }

  list(limit = 200): OutboxNote[] {
    const rows = this.db.prepare('SELECT * FROM pagerduty_note_outbox ORDER BY id DESC LIMIT ?').all(limit) as Row[];
    return rows.map(describe);
  }

  pending(sourceId: string): number {
    return (this.db.prepare("SELECT COUNT(*) AS n FROM pagerduty_note_outbox WHERE source_id = ? AND state = 'queued'").get(sourceId) as { n: number }).n;
  }

  /** Sends the source's queued notes in order; concurrent calls share one run. */
  flush(sourceId: string, client: PagerDutyClient): Promise<void> {
    let running = this.flushing.get(sourceId);
    if (!running) {
      running = this.drain(sourceId, client).finally(() => this.flushing.delete(sourceId));
      this.flushing.set(sourceId, running);
    }
    return running;
  }

  /** Resolves when no flush is running (the engine waits for this before closing the store). */
  async idle(): Promise<void> {
    await Promise.allSettled([...this.flushing.values()]);
  }

  private async drain(sourceId: string, client: PagerDutyClient): Promise<void> {
    for (;;) {
      const row = this.db.prepare("SELECT * FROM pagerduty_note_outbox WHERE source_id = ? AND state = 'queued' ORDER BY id LIMIT 1").get(sourceId) as Row | undefined;
      if (!row) return;
      try {
        if (row.attempts > 0 && (await this.alreadyThere(client, row))) continue;
        this.db.prepare('UPDATE pagerduty_note_outbox SET attempts = attempts + 1 WHERE id = ?').run(row.id);
        const body = await client.post<{ note?: unknown }>(`${incidentPath(row.incident_id)}/notes`, { note: { content: row.content } });
        this.markSent(row.id, RawNote.safeParse(body.note).data?.id ?? null);
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        if (error instanceof PagerDutyError && error.status >= 400 && error.status < 500 && error.status !== 429 && error.status !== 401) {
          this.db.prepare("UPDATE pagerduty_note_outbox SET state = 'failed', last_error = ? WHERE id = ?").run(message, row.id);
          continue;
        }
        // Unreachable, a server error, rate limited or unauthorized: keep it, and the order, for the next flush.
        this.db.prepare('UPDATE pagerduty_note_outbox SET last_error = ? WHERE id = ?').run(message, row.id);
        return;
      }
    }
  }

  /** Whether an earlier attempt landed: the incident already holds a note with this content. */
  private async alreadyThere(client: PagerDutyClient, row: Row): Promise<boolean> {
    const body = await client.get<{ notes?: unknown[] }>(`${incidentPath(row.incident_id)}/notes`);
    const found = (body.notes ?? []).map((n) => RawNote.safeParse(n).data).find((n) => n?.content === row.content);
    if (found) this.markSent(row.id, found.id);
    return found !== undefined;
  }

  private markSent(id: number, noteId: string | null): void {
    this.db.transaction(() => {
      this.db.prepare("UPDATE pagerduty_note_outbox SET state = 'sent', sent_at = ?, note_id = ?, last_error = NULL WHERE id = ? AND state = 'queued'").run(this.now(), noteId, id);
    })();
  }

  private row(id: number): Row | undefined {
    return this.db.prepare('SELECT * FROM pagerduty_note_outbox WHERE id = ?').get(id) as Row | undefined;
  }
}

function describe(row: Row): OutboxNote {
  return {
    id: row.id,
    incident: `${row.source_id}/incidents/${row.incident_id}`,
    text: row.content,
    author: row.author,
    occurredAt: row.occurred_at,
    enqueuedAt: row.enqueued_at,
    state: row.state,
    attempts: row.attempts,
    lastError: row.last_error,
    sentAt: row.sent_at,
  };
}
