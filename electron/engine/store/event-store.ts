import { RecordedEvent } from '../../../shared/estate/event.js';
import type { EstateEvent, EstateEventKind } from '../../../shared/estate/event.js';
import { ApiError } from '../../../shared/api/errors.js';
import type { StoreDatabase } from './database.js';

/** What a timeline asks: events of these entities between two instants, newest first. */
export interface EventQuery {
  /**
   * The entities whose events to return. The store does not follow relations: the caller
   * (or the estate's read seam, `EstateReader.withRelated`) expands an entity to its children.
   */
  entityIds: readonly string[];
  /** Epoch ms, inclusive; on `occurredAt`. Default: everything kept. */
  from?: number;
  to?: number;
  /** Only these kinds; all when absent. */
  kinds?: readonly EstateEventKind[];
  /** At most this many (1–1000, default 200). */
  limit?: number;
  /** `nextCursor` of the previous page, to continue where it stopped. */
  cursor?: string | null;
}

export interface EventPage {
  events: RecordedEvent[];
  /** Null when this page reached the end. */
  nextCursor: string | null;
}

export interface EventStoreOptions {
  /** Events whose latest occurrence is older than this many days are dropped. Default 30. */
  retentionDays?: number;
  now?: () => number;
  log?: (message: string, error?: unknown) => void;
}

const defaultLimit = 200;
const maxLimit = 1000;
/** How often appends may trigger a retention sweep; the sweep is one indexed range delete. */
const pruneEveryMs = 60_000;
/**
 * A query has four shapes (kinds or not, cursor or not); the bound only guards against a
 * future caller that builds SQL from its input, which would otherwise grow the cache forever.
 */
const maxCachedStatements = 16;

/** A row as the reads select it: rowid, kind, last_at, recorded_at, body. */
type EventRow = [number, string, number, number, string];

/**
 * The estate's event history in SQLite: the only code that writes SQL against `estate_events`.
 *
 * An event is keyed by (source, id), so a repeated Kubernetes event (count 1 → 7) updates one
 * row and moves it to its latest occurrence. Each row keeps both clocks (see RecordedEvent).
 *
 * Reads are keyset-paged on (occurred_at, rowid) descending, through the index
 * (entity_id, last_at): for each asked entity SQLite seeks straight to the time window, so a
 * page costs the same at a thousand events as at a million (test/bench/event-store.js).
 * The id list travels as one JSON parameter (json_each), so a timeline of a namespace with
 * thousands of pods is one statement, not thousands, and never hits SQLite's parameter limit.
 *
 * Retention is by age: history is kept for `retentionDays`, so the file follows how long the
 * user wants to look back, not how chatty the estate is.
 */
export class EventStore {
  readonly retentionMs: number;
  private readonly now: () => number;
  private readonly log: (message: string, error?: unknown) => void;
  private readonly upsert;
  private readonly deleteSource;
  private readonly deleteOlder;
  private readonly appendTransaction;
  /**
   * Statements by SQL text. Preparing costs more than running one of these indexed reads, and
   * the scorecards read every workload's events after each estate frame (issue 17's profile).
   */
  private readonly statements = new Map<string, ReturnType<StoreDatabase['prepare']>>();
  private lastPrune = 0;

  constructor(
    private readonly db: StoreDatabase,
    options: EventStoreOptions = {},
  ) {
    this.retentionMs = Math.max(1, options.retentionDays ?? 30) * 86_400_000;
    this.now = options.now ?? Date.now;
    this.log = options.log ?? (() => {});
    // recorded_at moves only when the source reports a newer occurrence: re-listing the same
    // event after a reconnect must not make it look freshly learned.
    this.upsert = db.prepare(
      `INSERT INTO estate_events (source_id, id, entity_id, last_at, kind, recorded_at, body) VALUES (?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (source_id, id) DO UPDATE SET entity_id = excluded.entity_id, kind = excluded.kind, body = excluded.body,
         recorded_at = CASE WHEN excluded.last_at > estate_events.last_at THEN excluded.recorded_at ELSE estate_events.recorded_at END,
         last_at = excluded.last_at`,
    );
    this.deleteSource = db.prepare('DELETE FROM estate_events WHERE source_id = ?');
    this.deleteOlder = db.prepare('DELETE FROM estate_events WHERE last_at < ?');
    this.appendTransaction = db.transaction((events: readonly EstateEvent[], recordedAt: number) => {
      for (const e of events) {
        this.upsert.run(e.sourceId, e.id, e.entityId, e.lastAt, e.kind, recordedAt, JSON.stringify(e));
      }
    });
  }

  /**
   * Upserts events by (sourceId, id). Runs inside the caller's transaction when there is one
   * (better-sqlite3 nests it as a savepoint), so the estate's frame stays one commit.
   */
  append(events: readonly EstateEvent[]): void {
    if (events.length === 0) return;
    const now = this.now();
    this.appendTransaction(events, now);
    if (now - this.lastPrune >= pruneEveryMs) this.prune(now);
  }

  /** Drops what is older than the retention; returns how many rows went. */
  prune(now = this.now()): number {
    this.lastPrune = now;
    return this.deleteOlder.run(now - this.retentionMs).changes;
  }

  /** The source was removed from the configuration: its history goes with it. */
  forgetSource(sourceId: string): void {
    this.deleteSource.run(sourceId);
  }

  /**
   * Events of `entityIds` between `from` and `to`, newest first, one page at a time. Rows
   * that no longer parse (written by a build with a bug, hand-edited) are skipped, not trusted.
   */
  query(query: EventQuery): EventPage {
    const limit = Math.min(maxLimit, Math.max(1, Math.floor(query.limit ?? defaultLimit)));
    if (query.entityIds.length === 0) return { events: [], nextCursor: null };
    const after = query.cursor ? decodeCursor(query.cursor) : null;
    // One more than asked, to know whether a next page exists without a count.
    const rows = this.rows(query, after, limit + 1);
    const events = this.recorded(rows.slice(0, limit));
    const last = rows[limit - 1];
    const nextCursor = rows.length > limit && last ? encodeCursor(last[2], last[0]) : null;
    return { events, nextCursor };
  }

  /**
   * Every event of `entityIds` in the window, newest first, up to `max`, in one statement: what
   * `query`'s pages would give one after another. For the engine's own readers of a whole
   * window (an incident's timeline); paging it a thousand at a time sorted what was left of the
   * window again for each page, 50 sorts for 50,000 events (test/bench/incident-timeline.js).
   */
  every(query: Omit<EventQuery, 'limit' | 'cursor'>, max: number): RecordedEvent[] {
    if (query.entityIds.length === 0 || max <= 0) return [];
    return this.recorded(this.rows(query, null, Math.floor(max)));
  }

  /** The rows of `query`'s window, newest first, after `after` if given, at most `limit`. */
  private rows(query: EventQuery, after: { occurredAt: number; rowid: number } | null, limit: number): EventRow[] {
    const where = ['entity_id IN (SELECT value FROM json_each(?))', 'last_at >= ?', 'last_at <= ?'];
    const params: unknown[] = [JSON.stringify([...new Set(query.entityIds)]), query.from ?? 0, query.to ?? Number.MAX_SAFE_INTEGER];
    if (query.kinds) {
      where.push('kind IN (SELECT value FROM json_each(?))');
      params.push(JSON.stringify(query.kinds));
    }
    if (after) {
      where.push('(last_at < ? OR (last_at = ? AND rowid < ?))');
      params.push(after.occurredAt, after.occurredAt, after.rowid);
    }
    params.push(limit);
    return this.statement(
      `SELECT rowid, kind, last_at, recorded_at, body FROM estate_events
       WHERE ${where.join(' AND ')}
       ORDER BY last_at DESC, rowid DESC LIMIT ?`,
    )
      .raw()
      .all(...params) as EventRow[];
  }

  /** Rows as events; rows that no longer parse (a build with a bug, hand-edited) are skipped, not trusted. */
  private recorded(rows: readonly EventRow[]): RecordedEvent[] {
    const events: RecordedEvent[] = [];
    let skipped = 0;
    for (const [, kind, occurredAt, recordedAt, body] of rows) {
      // The columns are the truth for kind and clocks: bodies written before migration 5 lack them.
      const parsed = RecordedEvent.safeParse({ ...asObject(body), kind, occurredAt, recordedAt });
      if (parsed.success) events.push(parsed.data);
      else skipped++;
    }
    if (skipped > 0) this.log(`event store: skipped ${skipped} events that no longer match the model`);
    return events;
  }

  /**
   * How many times each entity's events of `kind` and `reason` occurred since `from` (their
   * counts summed), for every entity at once. A scorecard pass asks this of every workload's
   * pods; one grouped read replaces a page of events per workload, each body parsed and checked
   * (issue 17's profile of a 50,000-pod engine: 0.8 s of a 2 s pass, a pass every 8 s). Only
   * `reason` and `count` are read, from bodies that are JSON with a numeric count.
   */
  reasonCounts(kind: EstateEventKind, reason: string, from: number): Map<string, number> {
    const rows = this.statement(
      `SELECT entity_id, SUM(CASE WHEN json_valid(body) AND json_type(body, '$.count') IN ('integer', 'real') THEN json_extract(body, '$.count') END)
       FROM estate_events
       WHERE kind = ? AND last_at >= ? AND entity_id IS NOT NULL
         AND (CASE WHEN json_valid(body) THEN json_extract(body, '$.reason') END) = ?
       GROUP BY entity_id`,
    )
      .raw()
      .all(kind, from, reason) as Array<[string, number | null]>;
    const counts = new Map<string, number>();
    for (const [entityId, count] of rows) if (count !== null) counts.set(entityId, count);
    return counts;
  }

  /** How many events are kept; for tests and the bench. */
  count(): number {
    return this.statement('SELECT count(*) FROM estate_events').pluck().get() as number;
  }

  private statement(sql: string): ReturnType<StoreDatabase['prepare']> {
    let statement = this.statements.get(sql);
    if (!statement) {
      // Oldest first out: a Map iterates in insertion order.
      if (this.statements.size >= maxCachedStatements) this.statements.delete(this.statements.keys().next().value as string);
      statement = this.db.prepare(sql);
      this.statements.set(sql, statement);
    }
    return statement;
  }
}

function encodeCursor(occurredAt: number, rowid: number): string {
  return `${occurredAt}.${rowid}`;
}

/** A cursor is ours, but it came back through the API: parse it like any input. */
function decodeCursor(cursor: string): { occurredAt: number; rowid: number } {
  const match = /^(-?\d{1,16})\.(\d{1,19})$/.exec(cursor);
  if (!match) throw new ApiError('bad_request', `Not an event cursor: "${cursor.slice(0, 40)}". Pass back the nextCursor of the previous page.`, 'cursor');
  return { occurredAt: Number(match[1]), rowid: Number(match[2]) };
}

function asObject(text: string): Record<string, unknown> {
  try {
    const value = JSON.parse(text) as unknown;
    return value !== null && typeof value === 'object' ? (value as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}
