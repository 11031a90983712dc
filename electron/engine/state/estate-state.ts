import type { Entity, EntityKind, Health, Relation, RelationKind } from '../../../shared/estate/model.js';
import { healthSeverity, relation } from '../../../shared/estate/model.js';
import type { EstateEvent, RecordedEvent } from '../../../shared/estate/event.js';
import { parseLabelSelector, requirementsMatch, requirementsOf } from '../../../shared/estate/label-selector.js';
import type { LabelSelector, Requirement } from '../../../shared/estate/label-selector.js';
import { EventStore } from '../store/event-store.js';
import type { EntityFilter, EstateReader, RelationDirection } from './estate-reader.js';
import { appIdFor, appNameOf } from '../../../shared/estate/apps.js';
import { containmentLevel } from '../../../shared/estate/ids.js';
import type { Source } from '../../../shared/api/sources.js';
import type { EntityDetail, EstateFrame, EstateSnapshot } from '../../../shared/api/estate.js';
import { entityDetailLimits } from '../../../shared/api/estate.js';
import type { SourceRegistry } from '../sources/source-registry.js';
import { EstateStore } from '../store/estate-store.js';
import type { EstateWrite, StoredSource } from '../store/estate-store.js';
import type { StoreDatabase } from '../store/database.js';
import type { EntityFact, EstateChange, EstateSink } from './estate-sink.js';
import { derivedSourceId } from './estate-sink.js';
import { appEntity, containmentEntity, sameDerived } from './derived-entities.js';
import { IdSets } from './id-sets.js';

export interface EstateStateOptions {
  db: StoreDatabase;
  sources: SourceRegistry;
  /** How long changes gather before they are pushed and persisted as one frame. */
  frameMs?: number;
  /**
   * Most entities written per frame. A 20,000-pod first list would otherwise hold the event
   * loop for most of a second in one transaction; the rest follows in the next frames, while
   * memory and subscribers already have it all.
   */
  persistLimit?: number;
  /**
   * Entity rows are written in passes, each writing what was unsaved when it began (at most
   * persistLimit a frame), and a pass begins at most this often (default 1 s): a pod changes
   * several times in a few seconds (scheduled, started, ready; a rollout), and a row that
   * changes again meanwhile is written once. Events and sources are still written with every
   * frame; close() writes everything.
   */
  persistEveryMs?: number;
  log?: (message: string, error?: unknown) => void;
  now?: () => number;
  /** How many days of events the event store keeps (default 30). */
  eventRetentionDays?: number;
  /**
   * The longest a source's first list holds back the cache writes of its entities, and of the
   * sources that settled while it listed (default 120 s); see `cacheHeldFor`.
   */
  holdCacheWhileListingMs?: number;
}

export type FrameListener = (frame: EstateFrame) => void;

/** One entity as held: the fact and who stated it, with the ids of the relations it states. */
interface Held {
  entity: Entity;
  sourceId: string;
  scope: string;
  stated: readonly string[];
}

interface HeldRelation {
  relation: Relation;
  /** How many entities state it; it lives while any does. */
  refs: number;
}

const derivedScope = { containment: 'containment', app: 'app' } as const;
/** A pass of cache rows waits at least this many times its own cost after the last began (see passGapMs). */
const PASS_COST_SHARE = 20;

/**
 * The single in-memory model of the estate. Providers write through EstateSink; reads are
 * always current. Changes are marked, not sent: once per frame the state derives what
 * changed above them (regions, apps), persists the frame in one transaction, and pushes one
 * delta to subscribers. Memory holds the current estate and indexes over it, never history:
 * an entity updated a thousand times in a frame costs one slot and one delta entry.
 */
export class EstateState implements EstateSink, EstateReader {
  private readonly entities = new Map<string, Held>();
  private readonly relations = new Map<string, HeldRelation>();
  private readonly childrenOf = new IdSets();
  private readonly byKind = new Map<EntityKind, Set<string>>();
  private readonly relationsAt = new IdSets();
  /** `${sourceId}\0${scope}` → entity ids stated under that pair. */
  private readonly byScope = new Map<string, Set<string>>();
  private readonly scopesOf = new Map<string, Set<string>>();
  /** Member (workload or service) id → app id; app id → member ids. */
  private readonly appOfMember = new Map<string, string>();
  private readonly membersOf = new Map<string, Set<string>>();

  // The frame being gathered.
  private readonly changed = new Set<string>();
  private readonly relationsChanged = new Set<string>();
  /** Provider entities to write, and those whose stated relations must be rewritten. */
  private readonly unsaved = new Set<string>();
  private readonly statedUnsaved = new Set<string>();
  private readonly containmentDirty = new Set<string>();
  private readonly appsDirty = new Set<string>();
  private readonly pendingEvents = new Map<string, EstateEvent>();
  private readonly forgotten = new Set<string>();
  private readonly sourcesUnsaved = new Map<string, StoredSource>();
  /** Sources on a first list since they (re)connected ('connecting') → when they started it. */
  private readonly listingSince = new Map<string, number>();
  private readonly holdCacheWhileListingMs: number;
  /** A frame asked for later (a first list's hold running out, cache rows coming due), and when. */
  private wakeTimer: NodeJS.Timeout | null = null;
  private wakeAt = Infinity;
  /** Rows a first list holds back, by source, kept out of `unsaved` so frames do not scan them again. */
  private readonly heldUnsaved = new Map<string, Set<string>>();

  private readonly store: EstateStore;
  /** The event history: timelines read it through `query`; only the frame writes it. */
  readonly events: EventStore;
  private readonly registry: SourceRegistry;
  private readonly listeners = new Set<FrameListener>();
  private readonly frameMs: number;
  private readonly persistLimit: number;
  private readonly persistEveryMs: number;
  /**
   * The pass of entity rows under way: when it began, and how many of the rows at the front of
   * `unsaved` (a Set keeps the order ids were added; a row changed again after it was written
   * is added at the back) it has still to write. Under steady churn the cache never catches up,
   * and pacing by catching up, as before, wrote every change, up to persistLimit rows a frame.
   */
  private passStartedAt = -Infinity;
  private passLeft = 0;
  /**
   * How long after the last pass began the next may: persistEveryMs, or PASS_COST_SHARE times
   * what the last pass took to write, whichever is longer. A pass of 5,000 changed pods takes
   * 150-250 ms of the engine's thread, which under churn that never stops, at one a second,
   * was a fifth of it; this way the cache, which a restart lists afresh over anyway, takes at
   * most a twentieth.
   */
  private passGapMs: number;
  private passCostMs = 0;
  private readonly log: (message: string, error?: unknown) => void;
  private readonly now: () => number;
  private timer: NodeJS.Timeout | null = null;
  private frame = 0;
  private closed = false;
  /** Source id → what was last persisted, to write a source row only when it changes. */
  private readonly sourceMemory = new Map<string, { json: string; lastSyncAt: number | null }>();
  /** Cached sources put into the registry at start, until their provider reports them. */
  private readonly placeholders = new Map<string, Source>();
  private readonly stopWatchingSources: () => void;

  constructor(options: EstateStateOptions) {
    this.registry = options.sources;
    this.frameMs = options.frameMs ?? 50;
    this.persistLimit = options.persistLimit ?? 2500;
    this.persistEveryMs = options.persistEveryMs ?? 1_000;
    this.passGapMs = this.persistEveryMs;
    this.holdCacheWhileListingMs = options.holdCacheWhileListingMs ?? 120_000;
    this.log = options.log ?? (() => {});
    this.now = options.now ?? Date.now;
    this.events = new EventStore(options.db, { retentionDays: options.eventRetentionDays, now: this.now, log: this.log });
    this.store = new EstateStore(options.db, this.events, this.log);
    this.loadCache();
    this.stopWatchingSources = this.registry.subscribe((list) => this.noteSources(list));
  }

  // ── EstateSink ────────────────────────────────────────────────────────────

  replace(sourceId: string, scope: string, facts: readonly EntityFact[]): void {
    this.assertOpen();
    const key = scopeKey(sourceId, scope);
    const before = this.byScope.get(key);
    const incoming = new Set<string>();
    for (const fact of facts) {
      incoming.add(fact.entity.id);
      this.put(sourceId, scope, fact);
    }
    if (!before) return;
    // What the pair held and the new list lacks was deleted while we were not watching.
    for (const id of [...before]) {
      if (!incoming.has(id)) this.drop(id);
    }
  }

  apply(sourceId: string, scope: string, change: EstateChange): void {
    this.assertOpen();
    for (const fact of change.upsert ?? []) this.put(sourceId, scope, fact);
    for (const id of change.remove ?? []) {
      // A source removes only what it stated; another source's entity with the same id is not its to delete.
      if (this.entities.get(id)?.sourceId === sourceId) this.drop(id);
    }
  }

  recordEvents(sourceId: string, events: readonly EstateEvent[]): void {
    this.assertOpen();
    for (const event of events) {
      const owned = event.sourceId === sourceId ? event : { ...event, sourceId };
      this.pendingEvents.set(scopeKey(sourceId, event.id), owned);
    }
    if (events.length > 0) this.schedule();
  }

  forgetSource(sourceId: string): void {
    this.assertOpen();
    for (const scope of [...(this.scopesOf.get(sourceId) ?? [])]) {
      for (const id of [...(this.byScope.get(scopeKey(sourceId, scope)) ?? [])]) this.drop(id);
    }
    this.forgotten.add(sourceId);
    this.listingSince.delete(sourceId);
    // What it held back is dropped above, and each drop is already marked for removal.
    this.heldUnsaved.delete(sourceId);
    this.sourcesUnsaved.delete(sourceId);
    this.sourceMemory.delete(sourceId);
    for (const [key, event] of this.pendingEvents) if (event.sourceId === sourceId) this.pendingEvents.delete(key);
    const placeholder = this.placeholders.get(sourceId);
    if (placeholder && this.registry.get(sourceId) === placeholder) this.registry.remove(sourceId);
    this.placeholders.delete(sourceId);
    this.schedule();
  }

  // ── Reads ─────────────────────────────────────────────────────────────────

  get(id: string): Entity | undefined {
    return this.entities.get(id)?.entity;
  }

  get size(): number {
    return this.entities.size;
  }

  /** The relation held under this id, if any (the packed snapshot catches up on frames through it). */
  relation(id: string): Relation | undefined {
    return this.relations.get(id)?.relation;
  }

  // ── EstateReader ──────────────────────────────────────────────────────────

  find(filter: EntityFilter): Entity[] {
    const requirements = filter.labels === undefined ? null : requirementsFor(filter.labels);
    if (requirements === undefined) return [];
    const within = filter.within;
    let candidates: Iterable<string>;
    if (within !== undefined) candidates = this.withDescendants([within], Number.MAX_SAFE_INTEGER);
    else if (filter.kinds) candidates = filter.kinds.flatMap((kind) => [...(this.byKind.get(kind) ?? [])]);
    else candidates = this.entities.keys();
    const kinds = filter.kinds ? new Set(filter.kinds) : null;
    const out: Entity[] = [];
    for (const id of candidates) {
      const entity = this.entities.get(id)?.entity;
      if (!entity) continue;
      if (kinds && !kinds.has(entity.kind)) continue;
      if (filter.sourceId !== undefined && entity.sourceId !== filter.sourceId) continue;
      if (requirements && !requirementsMatch(entity.labels, requirements)) continue;
      out.push(entity);
    }
    return out;
  }

  children(id: string): Entity[] {
    const out: Entity[] = [];
    for (const childId of this.childrenOf.get(id) ?? []) {
      const child = this.entities.get(childId);
      if (child) out.push(child.entity);
    }
    return out;
  }

  parent(id: string): Entity | undefined {
    const parentId = this.entities.get(id)?.entity.parentId;
    return parentId ? this.entities.get(parentId)?.entity : undefined;
  }

  relationsOf(id: string, kind?: RelationKind, direction: RelationDirection = 'both'): Relation[] {
    const out: Relation[] = [];
    for (const relationId of this.relationsAt.get(id) ?? []) {
      const r = this.relations.get(relationId)?.relation;
      if (!r || (kind && r.kind !== kind)) continue;
      if (direction === 'out' && r.from !== id) continue;
      if (direction === 'in' && r.to !== id) continue;
      out.push(r);
    }
    return out;
  }

  related(id: string, kind: RelationKind, direction: RelationDirection): Entity[] {
    const out: Entity[] = [];
    for (const r of this.relationsOf(id, kind, direction)) {
      const other = this.entities.get(r.from === id ? r.to : r.from)?.entity;
      if (other) out.push(other);
    }
    return out;
  }

  withDescendants(ids: readonly string[], limit = 10_000): string[] {
    const seen = new Set<string>();
    const queue: string[] = [];
    for (const id of ids) {
      if (seen.size >= limit) break;
      if (!seen.has(id)) {
        seen.add(id);
        queue.push(id);
      }
    }
    // Breadth first, so a limit keeps the nearest: a deployment's replicasets before their pods.
    // Children, then what it owns, in that order; walked in place (the scorecards walk every
    // workload's pods on each pass, so no arrays per visited entity).
    const visit = (child: string) => {
      if (seen.has(child)) return;
      seen.add(child);
      queue.push(child);
    };
    for (let i = 0; i < queue.length && seen.size < limit; i++) {
      const id = queue[i] as string;
      for (const child of this.childrenOf.get(id) ?? []) {
        if (seen.size >= limit) break;
        visit(child);
      }
      for (const relationId of this.relationsAt.get(id) ?? []) {
        if (seen.size >= limit) break;
        const r = this.relations.get(relationId)?.relation;
        if (r && r.kind === 'owns' && r.from === id) visit(r.to);
      }
    }
    return [...seen];
  }

  /** Every source's status, with the last sync time the cache knows when the registry's is older. */
  sources(): Source[] {
    return this.registry.list().map((source) => {
      const cached = this.sourceMemory.get(source.id)?.lastSyncAt ?? null;
      return cached !== null && (source.lastSyncAt === null || source.lastSyncAt < cached)
        ? { ...source, lastSyncAt: cached }
        : source;
    });
  }

  snapshot(): EstateSnapshot {
    const entities: Entity[] = [];
    for (const held of this.entities.values()) entities.push(held.entity);
    const relations: Relation[] = [];
    for (const held of this.relations.values()) relations.push(held.relation);
    // Changes not yet cut into a frame are included here and will come again in the next
    // frame; deltas carry whole entities, so applying them twice is harmless.
    return { entities, relations, sources: this.sources(), asOf: this.now(), frame: this.frame };
  }

  detail(id: string): EntityDetail | null {
    const held = this.entities.get(id);
    if (!held) return null;
    const relationIds = [...(this.relationsAt.get(id) ?? [])];
    const relations: Relation[] = [];
    for (const relationId of relationIds.slice(0, entityDetailLimits.relations)) {
      const found = this.relations.get(relationId);
      if (found) relations.push(found.relation);
    }
    const children: Entity[] = [];
    for (const childId of this.childrenOf.get(id) ?? []) {
      const child = this.entities.get(childId);
      if (child) children.push(child.entity);
    }
    children.sort(worstFirst);
    return {
      entity: held.entity,
      relations,
      relationCount: relationIds.length,
      children: children.slice(0, entityDetailLimits.children),
      childCount: children.length,
      events: this.events.query({ entityIds: [id], limit: entityDetailLimits.events }).events.map(withoutClocks),
    };
  }

  /** Frames from now on; see shared/api/estate.ts for how a view combines them with a snapshot. */
  subscribe(listener: FrameListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  get currentFrame(): number {
    return this.frame;
  }

  // ── Frames ────────────────────────────────────────────────────────────────

  /**
   * Cuts the frame now: derives, persists in one transaction, pushes one delta. The timer
   * calls it; tests and close() call it directly.
   */
  flush(): void {
    this.deriveContainment();
    this.deriveApps();
    // Deriving marks changes and asks for a frame; this is that frame.
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = null;
    }
    this.persist();

    const upserted: Entity[] = [];
    const removed: string[] = [];
    for (const id of this.changed) {
      const held = this.entities.get(id);
      if (held) upserted.push(held.entity);
      else removed.push(id);
    }
    const relationsUpserted: Relation[] = [];
    const relationsRemoved: string[] = [];
    for (const id of this.relationsChanged) {
      const held = this.relations.get(id);
      if (held) relationsUpserted.push(held.relation);
      else relationsRemoved.push(id);
    }
    const events = [...this.pendingEvents.values()];
    this.changed.clear();
    this.relationsChanged.clear();
    this.pendingEvents.clear();
    if (upserted.length + removed.length + relationsUpserted.length + relationsRemoved.length + events.length === 0) {
      return;
    }
    this.frame++;
    const frame: EstateFrame = {
      frame: this.frame,
      asOf: this.now(),
      upserted,
      removed,
      relationsUpserted,
      relationsRemoved,
      events,
    };
    for (const listener of [...this.listeners]) {
      try {
        listener(frame);
      } catch (error) {
        this.log('an estate subscriber failed on a frame', error);
      }
    }
  }

  /** Flushes what is pending and stops; the store stays open for whoever owns it. */
  close(): void {
    if (this.closed) return;
    this.flush();
    while ((this.unsaved.size > 0 || this.heldUnsaved.size > 0) && this.persist(true)) {
      // Writes what the per-frame limit left for later frames; there will be none.
    }
    this.closed = true;
    if (this.wakeTimer) clearTimeout(this.wakeTimer);
    this.wakeTimer = null;
    this.stopWatchingSources();
    this.listeners.clear();
  }

  private schedule(): void {
    if (this.timer || this.closed) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      this.flush();
    }, this.frameMs);
    // A pending frame is not a reason to keep a finished process alive; close() flushes it.
    this.timer.unref();
  }

  private assertOpen(): void {
    if (this.closed) throw new Error('The estate state is closed.');
  }

  // ── Holding facts ─────────────────────────────────────────────────────────

  private put(sourceId: string, scope: string, fact: EntityFact, loading = false): void {
    const entity = fact.entity.sourceId === sourceId ? fact.entity : { ...fact.entity, sourceId };
    const id = entity.id;
    const previous = this.entities.get(id);
    const relations = fact.relations ?? [];

    // A watch update of a known entity mostly restates what it stated before, under the same
    // parent, kind and scope: then the indexes already hold it, and only the fact is replaced.
    let stated: readonly string[];
    let statedChanged = false;
    if (previous && statesSame(previous.stated, relations)) {
      stated = previous.stated;
    } else {
      // Hold the new relations before releasing the old, so one stated again is never removed and re-added.
      // map sizes the array exactly; one grown by push keeps room for 17 ids, per entity.
      const held = relations.map((r) => this.holdRelation(r));
      if (previous) for (const relationId of previous.stated) this.releaseRelation(relationId);
      stated = held;
      statedChanged = !previous || !sameIds(previous.stated, held);
    }

    const before = previous?.entity ?? null;
    if (!previous) {
      this.linkChild(entity.parentId, id);
      addTo(this.byKind, entity.kind, id);
      this.indexScope(sourceId, scope, id);
      this.entities.set(id, { entity, sourceId, scope, stated });
    } else {
      if (previous.entity.parentId !== entity.parentId) {
        this.unlinkChild(previous.entity.parentId, id);
        this.linkChild(entity.parentId, id);
      }
      if (previous.entity.kind !== entity.kind) {
        removeFrom(this.byKind, previous.entity.kind, id);
        addTo(this.byKind, entity.kind, id);
      }
      if (previous.sourceId !== sourceId || previous.scope !== scope) {
        this.unindexScope(previous.sourceId, previous.scope, id);
        this.indexScope(sourceId, scope, id);
      }
      // Updated in place: a watch restates thousands of entities a second, and each new holder
      // would be one more object for the young generation to copy and promote.
      previous.entity = entity;
      previous.sourceId = sourceId;
      previous.scope = scope;
      previous.stated = stated;
    }
    this.noteForDerivation(id, before, entity);

    if (loading) return;
    this.changed.add(id);
    this.unsaved.add(id);
    if (statedChanged) this.statedUnsaved.add(id);
    this.schedule();
  }

  private drop(id: string): void {
    const held = this.entities.get(id);
    if (!held) return;
    for (const relationId of held.stated) this.releaseRelation(relationId);
    this.unlinkChild(held.entity.parentId, id);
    removeFrom(this.byKind, held.entity.kind, id);
    this.unindexScope(held.sourceId, held.scope, id);
    this.entities.delete(id);
    this.noteForDerivation(id, held.entity, null);
    // A provider's account or region that goes may leave children that still need a derived one.
    if (held.sourceId !== derivedSourceId && containmentLevel(id)) this.containmentDirty.add(id);
    this.changed.add(id);
    if (held.sourceId !== derivedSourceId) this.unsaved.add(id);
    this.schedule();
  }

  /** Returns the id string the state keeps, so an entity's list shares it rather than copying. */
  private holdRelation(r: Relation): string {
    const held = this.relations.get(r.id);
    if (held) {
      held.refs++;
      return held.relation.id;
    }
    this.relations.set(r.id, { relation: r, refs: 1 });
    this.relationsAt.add(r.from, r.id);
    this.relationsAt.add(r.to, r.id);
    this.relationsChanged.add(r.id);
    return r.id;
  }

  private releaseRelation(id: string): void {
    const held = this.relations.get(id);
    if (!held) return;
    if (--held.refs > 0) return;
    this.relations.delete(id);
    this.relationsAt.delete(held.relation.from, id);
    this.relationsAt.delete(held.relation.to, id);
    this.relationsChanged.add(id);
  }

  private linkChild(parentId: string | null, id: string): void {
    if (parentId !== null) this.childrenOf.add(parentId, id);
  }

  private unlinkChild(parentId: string | null, id: string): void {
    if (parentId !== null) this.childrenOf.delete(parentId, id);
  }

  private indexScope(sourceId: string, scope: string, id: string): void {
    addTo(this.byScope, scopeKey(sourceId, scope), id);
    addTo(this.scopesOf, sourceId, scope);
  }

  private unindexScope(sourceId: string, scope: string, id: string): void {
    const key = scopeKey(sourceId, scope);
    removeFrom(this.byScope, key, id);
    if (!this.byScope.has(key)) removeFrom(this.scopesOf, sourceId, scope);
  }

  // ── Derivation ────────────────────────────────────────────────────────────

  /** Marks the groupings an entity's change may alter: its containment parents and its app. */
  private noteForDerivation(id: string, before: Entity | null, after: Entity | null): void {
    // A watch update mostly keeps its parent: asked once then, and without an array per call.
    const parentBefore = before?.parentId;
    const parentAfter = after?.parentId;
    if (parentBefore && parentBefore !== parentAfter && containmentLevel(parentBefore)) this.containmentDirty.add(parentBefore);
    if (parentAfter && containmentLevel(parentAfter)) this.containmentDirty.add(parentAfter);
    if (after?.sourceId === derivedSourceId || before?.sourceId === derivedSourceId) return;
    const previousApp = this.appOfMember.get(id) ?? null;
    const appName = after ? appNameOf(after) : null;
    const nextApp = appName ? appIdFor(appName) : null;
    if (previousApp !== nextApp) {
      if (previousApp) {
        removeFrom(this.membersOf, previousApp, id);
        this.appOfMember.delete(id);
        this.releaseRelation(relation('member-of', id, previousApp, derivedSourceId).id);
        this.appsDirty.add(previousApp);
      }
      if (nextApp) {
        addTo(this.membersOf, nextApp, id);
        this.appOfMember.set(id, nextApp);
        this.holdRelation(relation('member-of', id, nextApp, derivedSourceId));
      }
    }
    if (nextApp) this.appsDirty.add(nextApp);
  }

  /** Regions, then accounts, then clouds: each level changed marks the one above. */
  private deriveContainment(): void {
    while (this.containmentDirty.size > 0) {
      const id = this.containmentDirty.values().next().value as string;
      this.containmentDirty.delete(id);
      this.deriveOne(
        id,
        () => {
          const children: Entity[] = [];
          for (const childId of this.childrenOf.get(id) ?? []) {
            const child = this.entities.get(childId);
            if (child) children.push(child.entity);
          }
          return children.length > 0 ? containmentEntity(id, children) : null;
        },
        derivedScope.containment,
      );
    }
  }

  private deriveApps(): void {
    for (const appId of this.appsDirty) {
      this.deriveOne(appId, () => {
        const members: Entity[] = [];
        for (const memberId of this.membersOf.get(appId) ?? []) {
          const member = this.entities.get(memberId);
          if (member) members.push(member.entity);
        }
        if (members.length === 0) return null;
        return appEntity(appId, appId.slice('app:'.length), members, (e) => this.clusterOf(e));
      }, derivedScope.app);
    }
    this.appsDirty.clear();
  }

  /** Creates, updates or removes one derived entity; a provider's entity with the same id wins. */
  private deriveOne(id: string, build: () => Entity | null, scope: string): void {
    const held = this.entities.get(id);
    if (held && held.sourceId !== derivedSourceId) return;
    const next = build();
    if (!next) {
      if (held) this.drop(id);
      return;
    }
    if (held && sameDerived(held.entity, next)) return;
    // Marked unsaved like any change: persist() deletes the row of a provider's entity this
    // one replaces, and stores nothing for it, since derived entities are recomputed at start.
    this.put(derivedSourceId, scope, { entity: next });
  }

  private clusterOf(entity: Entity): string | null {
    let current: Entity | undefined = entity;
    for (let depth = 0; current && depth < 4; depth++) {
      if (current.kind === 'cluster') return current.id;
      current = current.parentId ? this.entities.get(current.parentId)?.entity : undefined;
    }
    return null;
  }

  // ── Persistence ───────────────────────────────────────────────────────────

  /**
   * How much longer the cache writes of a source's entities wait, in ms (0: write now). While a
   * source is on its first list ('connecting'), its workloads, services and namespaces are
   * restated as each later kind arrives (their rollups change), and every restatement written
   * is a row rewritten: at 50,000 pods that was 95,000 upserts for 60,000 entities, a third of
   * the engine's CPU before all pods were in. Held back, each entity is written once, when the
   * list settles. The cache meanwhile keeps what it had, which a restart shows as the last
   * known estate, as it would have before; the hold is bounded so a source stuck connecting
   * still reaches the disk.
   */
  private cacheHeldFor(sourceId: string, now: number): number {
    const since = this.listingSince.get(sourceId);
    if (since !== undefined) return Math.max(0, since + this.holdCacheWhileListingMs - now);
    // Settled while others still list (the engine starting, every cluster at once): its rows wait
    // for them, each within its own bound. Written as it settled, they took the event loop from
    // the lists still under way: 0.3–0.8 s of a 10,000-pod start on two cores. A source that was
    // not on a first list holds nothing back.
    if (!this.heldUnsaved.has(sourceId)) return 0;
    let held = 0;
    for (const other of this.listingSince.values()) held = Math.max(held, other + this.holdCacheWhileListingMs - now);
    return held;
  }

  /**
   * A frame in `inMs`: when a first list's hold runs out (a source that settles sooner asks for
   * one itself, noteSources), or when cache rows come due. The earliest asked for wins; the frame
   * asks again for whatever is still waiting.
   */
  private wakeIn(inMs: number): void {
    if (this.closed) return;
    const at = performance.now() + inMs;
    if (this.wakeTimer && this.wakeAt <= at) return;
    if (this.wakeTimer) clearTimeout(this.wakeTimer);
    this.wakeAt = at;
    this.wakeTimer = setTimeout(() => {
      this.wakeTimer = null;
      this.schedule();
    }, inMs);
    this.wakeTimer.unref();
  }

  /** Writes one frame's worth; false if the write failed. `all` writes what a first list holds back too (close). */
  private persist(all = false): boolean {
    const now = this.heldUnsaved.size > 0 || this.listingSince.size > 0 ? this.now() : 0;
    for (const [sourceId, ids] of this.heldUnsaved) {
      if (!all && this.cacheHeldFor(sourceId, now) > 0) continue;
      for (const id of ids) this.unsaved.add(id);
      this.heldUnsaved.delete(sourceId);
    }
    if (
      this.unsaved.size === 0 &&
      this.sourcesUnsaved.size === 0 &&
      this.pendingEvents.size === 0 &&
      this.forgotten.size === 0
    ) {
      return true;
    }
    const write: EstateWrite = {
      upserts: [],
      removes: [],
      sources: [...this.sourcesUnsaved.values()],
      forgetSources: [...this.forgotten],
      events: [...this.pendingEvents.values()],
    };
    const batch: string[] = [];
    const holding = this.listingSince.size > 0 && !all;
    // A new pass passGapMs after the last began (at most that long, should the clock go back).
    const rowsDueIn = all || this.passLeft > 0 ? 0 : Math.min(this.passGapMs, this.passStartedAt + this.passGapMs - this.now());
    if (rowsDueIn > 0 && this.unsaved.size > 0) this.wakeIn(rowsDueIn);
    if (rowsDueIn <= 0 && this.passLeft === 0 && this.unsaved.size > 0) {
      this.passStartedAt = this.now();
      this.passLeft = this.unsaved.size;
      this.passCostMs = 0;
    }
    // Rows taken from the front of `unsaved` this frame: written, or held back for a first list.
    let taken = 0;
    let heldBack = 0;
    for (const id of rowsDueIn > 0 ? [] : this.unsaved) {
      if (batch.length >= this.persistLimit || (!all && taken >= this.passLeft)) break;
      taken++;
      const held = this.entities.get(id);
      if (holding && held && this.cacheHeldFor(held.sourceId, now) > 0) {
        this.unsaved.delete(id);
        addTo(this.heldUnsaved, held.sourceId, id);
        heldBack++;
        continue;
      }
      batch.push(id);
      if (!held || held.sourceId === derivedSourceId) {
        write.removes.push(id);
        continue;
      }
      const relations = this.statedUnsaved.has(id)
        ? held.stated.map((relationId) => this.relations.get(relationId)!.relation)
        : null;
      write.upserts.push({ entity: held.entity, scope: held.scope, relations });
    }
    try {
      // On the estate's clock, as the gap it sets is.
      const writing = this.now();
      this.store.write(write);
      this.passCostMs += this.now() - writing;
      for (const id of batch) {
        this.unsaved.delete(id);
        this.statedUnsaved.delete(id);
      }
      this.sourcesUnsaved.clear();
      this.forgotten.clear();
      const passing = this.passLeft > 0;
      this.passLeft = all ? 0 : Math.max(0, this.passLeft - taken);
      if (passing && this.passLeft === 0) this.passGapMs = Math.max(this.persistEveryMs, PASS_COST_SHARE * this.passCostMs);
      // The pass goes on in the next frame; once it is done, what changed meanwhile waits for the next pass.
      if (this.passLeft > 0) this.schedule();
      else if (this.unsaved.size > 0) this.wakeIn(Math.max(0, this.passStartedAt + this.passGapMs - this.now()));
      if (this.heldUnsaved.size > 0) {
        let releaseInMs = Infinity;
        for (const sourceId of this.heldUnsaved.keys()) releaseInMs = Math.min(releaseInMs, this.cacheHeldFor(sourceId, now));
        this.wakeIn(releaseInMs);
      }
      return true;
    } catch (error) {
      // Memory stays the truth; what failed to write is retried with the next frame.
      this.log('could not persist an estate frame; will retry', error);
      this.passLeft = Math.max(0, this.passLeft - heldBack);
      this.schedule();
      return false;
    }
  }

  // ── Sources ───────────────────────────────────────────────────────────────

  /**
   * Loads the cached estate before any provider runs, and lists each cached source in the
   * registry as not reached yet, so views show the last known estate at once and say how old
   * it is. A provider reporting the source replaces the placeholder.
   */
  private loadCache(): void {
    const { facts, sources } = this.store.load();
    for (const fact of facts) this.put(fact.entity.sourceId, fact.scope, fact, true);
    this.deriveContainment();
    this.deriveApps();
    this.changed.clear();
    this.relationsChanged.clear();
    this.unsaved.clear();
    this.passLeft = 0;
    this.statedUnsaved.clear();
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = null;
    }

    for (const { source, lastSyncAt } of sources) {
      this.sourceMemory.set(source.id, { json: JSON.stringify(source), lastSyncAt });
      if (this.registry.get(source.id)) continue;
      const placeholder: Source = {
        ...source,
        state: source.enabled ? 'offline' : 'disabled',
        reason: source.enabled
          ? 'Not reached yet since Daytwo started; showing what was cached when it was last live.'
          : source.reason,
        lastSyncAt,
      };
      delete placeholder.remedy;
      this.placeholders.set(source.id, placeholder);
      this.registry.upsert(placeholder);
    }
  }

  private noteSources(list: Source[]): void {
    for (const source of list) {
      if (source.state === 'connecting' && this.placeholders.get(source.id) !== source) {
        if (!this.listingSince.has(source.id)) this.listingSince.set(source.id, this.now());
      } else if (this.listingSince.delete(source.id) && this.listingSince.size === 0 && this.heldUnsaved.size > 0) {
        // The last first list settled: what every source held back is written from the next frame on.
        this.schedule();
      }
      // Our own placeholder says nothing new about the source; its row keeps the last real state.
      if (this.placeholders.get(source.id) === source) continue;
      this.placeholders.delete(source.id);
      const memory = this.sourceMemory.get(source.id);
      const cachedSync = memory?.lastSyncAt ?? null;
      const lastSyncAt =
        source.lastSyncAt === null ? cachedSync : cachedSync === null ? source.lastSyncAt : Math.max(source.lastSyncAt, cachedSync);
      if (lastSyncAt !== source.lastSyncAt) {
        // A provider that registers a source afresh does not know when it was last live; the
        // cache does. Corrected after this notification so every listener sees the lists in order.
        queueMicrotask(() => {
          const current = this.registry.get(source.id);
          if (current && (current.lastSyncAt ?? 0) < (lastSyncAt ?? 0)) this.registry.update(source.id, { lastSyncAt });
        });
      }
      const stored: Source = { ...source, lastSyncAt };
      const json = JSON.stringify(stored);
      if (memory?.json === json) continue;
      this.sourceMemory.set(source.id, { json, lastSyncAt });
      this.sourcesUnsaved.set(source.id, { source: stored, lastSyncAt });
      this.forgotten.delete(source.id);
    }
    if (this.sourcesUnsaved.size > 0) this.schedule();
  }
}

/** Parsed requirements; undefined for a structured selector with an operator the API refuses (matches nothing). */
function requirementsFor(labels: string | LabelSelector | readonly Requirement[]): readonly Requirement[] | undefined {
  // Text that does not parse throws LabelSelectorSyntaxError: the caller's input, its error.
  if (typeof labels === 'string') return parseLabelSelector(labels);
  if (Array.isArray(labels)) return labels as readonly Requirement[];
  return requirementsOf(labels as LabelSelector) ?? undefined;
}

/** An entity's detail carries plain events; the clocks are for timelines. */
function withoutClocks(event: RecordedEvent): EstateEvent {
  const { occurredAt: _occurredAt, recordedAt: _recordedAt, ...plain } = event;
  return plain;
}

function scopeKey(sourceId: string, scope: string): string {
  return `${sourceId}\u0000${scope}`;
}

function addTo<K, V>(index: Map<K, Set<V>>, key: K, value: V): void {
  let set = index.get(key);
  if (!set) index.set(key, (set = new Set()));
  set.add(value);
}

function removeFrom<K, V>(index: Map<K, Set<V>>, key: K, value: V): void {
  const set = index.get(key);
  if (!set) return;
  set.delete(value);
  if (set.size === 0) index.delete(key);
}

/** Whether `relations` are, in order, the relations whose ids an entity holds. */
function statesSame(held: readonly string[], relations: readonly Relation[]): boolean {
  if (held.length !== relations.length) return false;
  for (let i = 0; i < held.length; i++) if (held[i] !== relations[i]?.id) return false;
  return true;
}

function sameIds(a: readonly string[], b: readonly string[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

function worstFirst(a: { health: Health; name: string }, b: { health: Health; name: string }): number {
  return healthSeverity[b.health] - healthSeverity[a.health] || a.name.localeCompare(b.name);
}
