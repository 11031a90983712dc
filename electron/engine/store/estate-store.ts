import { Entity, RelationKind } from '../../../shared/estate/model.js';
import type { EstateEvent } from '../../../shared/estate/event.js';
import type { EventStore } from './event-store.js';
import type { Relation } from '../../../shared/estate/model.js';
import { Source } from '../../../shared/api/sources.js';
import type { StoreDatabase } from './database.js';

/** One entity as stored: the fact, the scope it was listed under, and the relations it states. */
export interface StoredFact {
  entity: Entity;
  scope: string;
  relations: Relation[];
}

/** What a source was doing when Daytwo last saw it. */
export interface StoredSource {
  source: Source;
  lastSyncAt: number | null;
}

export interface EstateWrite {
  /** Entities to insert or update; `relations` null means the stated relations did not change. */
  upserts: Array<{ entity: Entity; scope: string; relations: readonly Relation[] | null }>;
  removes: string[];
  sources: StoredSource[];
  forgetSources: string[];
  events: EstateEvent[];
}

/**
 * The estate's SQLite tables (migration 2). The in-memory state is the truth while running;
 * this is its cache across restarts, written once per frame in one transaction, so a burst of
 * 10,000 watch events costs one commit, not 10,000. Events go to the EventStore in the same
 * transaction; this class writes no SQL against their table.
 */
export class EstateStore {
  private readonly upsertEntity;
  private readonly updateBody;
  private readonly deleteEntity;
  private readonly deleteStated;
  private readonly insertRelation;
  private readonly upsertSource;
  private readonly deleteSource;
  private readonly deleteSourceEntities;
  private readonly writeTransaction;

  constructor(
    private readonly db: StoreDatabase,
    /** Events are written in the same frame transaction, through their own store. */
    private readonly events: EventStore,
    private readonly log: (message: string, error?: unknown) => void = () => {},
  ) {
    this.upsertEntity = db.prepare(
      `INSERT INTO estate_entities (id, source_id, scope, body) VALUES (?, ?, ?, ?)
       ON CONFLICT (id) DO UPDATE SET source_id = excluded.source_id, scope = excluded.scope, body = excluded.body`,
    );
    // Most rows written restate an entity under the source and scope it had: then only the body
    // is set, which leaves the (source_id, scope) index alone, where an upsert setting those
    // columns rewrites its entry even when they are unchanged: a sixth more a row
    // (`test/bench/estate-cache-rows.js`).
    this.updateBody = db.prepare('UPDATE estate_entities SET body = ? WHERE id = ? AND source_id = ? AND scope = ?');
    this.deleteEntity = db.prepare('DELETE FROM estate_entities WHERE id = ?');
    this.deleteStated = db.prepare('DELETE FROM estate_relations WHERE stated_by = ?');
    this.insertRelation = db.prepare(
      `INSERT OR IGNORE INTO estate_relations (stated_by, id, kind, from_id, to_id, source_id) VALUES (?, ?, ?, ?, ?, ?)`,
    );
    this.upsertSource = db.prepare(
      `INSERT INTO estate_sources (id, body, last_state, last_sync_at, updated_at) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT (id) DO UPDATE SET body = excluded.body, last_state = excluded.last_state,
         last_sync_at = excluded.last_sync_at, updated_at = excluded.updated_at`,
    );
    this.deleteSource = db.prepare('DELETE FROM estate_sources WHERE id = ?');
    this.deleteSourceEntities = db.prepare('DELETE FROM estate_entities WHERE source_id = ?');
    this.writeTransaction = db.transaction((write: EstateWrite) => this.writeNow(write));
  }

  /**
   * Everything cached. Rows are parsed like any input from disk: one that no longer fits the
   * model (written by a build with a bug, hand-edited) is skipped and reported, not trusted.
   */
  load(): { facts: StoredFact[]; sources: StoredSource[] } {
    const stated = new Map<string, Relation[]>();
    const relationRows = this.db
      .prepare('SELECT stated_by, id, kind, from_id, to_id, source_id FROM estate_relations')
      .raw()
      .iterate() as IterableIterator<[string, string, string, string, string, string]>;
    for (const [statedBy, id, kind, from, to, sourceId] of relationRows) {
      const parsedKind = RelationKind.safeParse(kind);
      if (!parsedKind.success) continue;
      let list = stated.get(statedBy);
      if (!list) stated.set(statedBy, (list = []));
      list.push({ id, kind: parsedKind.data, from, to, sourceId });
    }

    const facts: StoredFact[] = [];
    let skipped = 0;
    const entityRows = this.db.prepare('SELECT scope, body FROM estate_entities').raw().iterate() as IterableIterator<
      [string, string]
    >;
    for (const [scope, body] of entityRows) {
      const parsed = Entity.safeParse(parseJson(body));
      if (!parsed.success) {
        skipped++;
        continue;
      }
      facts.push({ entity: parsed.data, scope, relations: stated.get(parsed.data.id) ?? [] });
    }
    if (skipped > 0) this.log(`estate cache: skipped ${skipped} entities that no longer match the model`);

    const sources: StoredSource[] = [];
    const sourceRows = this.db.prepare('SELECT body, last_sync_at FROM estate_sources').all() as Array<{
      body: string;
      last_sync_at: number | null;
    }>;
    for (const row of sourceRows) {
      const parsed = Source.safeParse(parseJson(row.body));
      if (parsed.success) sources.push({ source: parsed.data, lastSyncAt: row.last_sync_at });
    }
    return { facts, sources };
  }

  /** One frame's changes in one transaction. */
  write(write: EstateWrite): void {
    this.writeTransaction(write);
  }

  private writeNow(write: EstateWrite): void {
    const now = Date.now();
    for (const sourceId of write.forgetSources) {
      // Relations go by ON DELETE CASCADE.
      this.deleteSourceEntities.run(sourceId);
      this.events.forgetSource(sourceId);
      this.deleteSource.run(sourceId);
    }
    for (const id of write.removes) this.deleteEntity.run(id);
    for (const { entity, scope, relations } of write.upserts) {
      const body = JSON.stringify(entity);
      if (this.updateBody.run(body, entity.id, entity.sourceId, scope).changes === 0) this.upsertEntity.run(entity.id, entity.sourceId, scope, body);
      if (relations === null) continue;
      this.deleteStated.run(entity.id);
      for (const r of relations) this.insertRelation.run(entity.id, r.id, r.kind, r.from, r.to, r.sourceId);
    }
    for (const { source, lastSyncAt } of write.sources) {
      this.upsertSource.run(source.id, JSON.stringify(source), source.state, lastSyncAt, now);
    }
    this.events.append(write.events);
  }
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}
