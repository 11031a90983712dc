import type { Entity, EstateDelta, Relation } from '../../../shared/estate/model.js';

/**
 * The renderer's copy of the estate, kept outside React. Deltas arrive many times a second on a
 * busy estate (pods restarting, rollouts); applying them here costs a few map writes, and the
 * store publishes a version number at a steady cadence so views re-derive at most that often
 * (STYLE.md: fast data stays out of React).
 *
 * Two counters tell views what kind of change happened: `structureVersion` moves only when
 * containment changes (an entity appears, disappears, is renamed or re-parented), which is
 * what forces the topology to lay out again; `dataVersion` moves on every change, which is
 * enough for a repaint or a rollup.
 */
/** Told of containment changes as they are applied, for views that re-derive only what moved. */
export interface StructureWatcher {
  /** An entity appeared, disappeared, was renamed or moved: its parent before and after (null: none). */
  changed(id: string, before: string | null, after: string | null): void;
  /** Everything was replaced (a snapshot): nothing derived before can be kept. */
  reset(): void;
  /** Any entity written, whether or not its place changed (health, status): for counts kept by id. */
  updated?(id: string): void;
}

export class EstateIndex {
  readonly entities = new Map<string, Entity>();
  private readonly relationMap = new Map<string, Relation>();
  /**
   * The last snapshot's relations, until something reads them: keying 125,000 relations by id
   * (a 50,000-pod estate's) cost the overview's first paint a third of a second, and the
   * overview reads none of them. The first read (the topology's lines, a detail panel, a frame
   * that changes relations) puts them in place; no version moves then, since nothing changed.
   */
  private pendingRelations: readonly Relation[] | null = null;
  /** parentId → child ids. Children whose parent is not (yet) known are still indexed under it. */
  private readonly childIds = new Map<string, Set<string>>();
  /**
   * entity id → ids of relations touching it (either end); null until relationsOf is first
   * asked. A 50,000-pod snapshot has 125,000 relations, and indexing both ends of each was a
   * fifth of the overview's first paint, which reads none of them.
   */
  private relationIds: Map<string, Set<string>> | null = null;
  /**
   * Ids of the entities without a parent in the index (none named, or not reported); null until
   * roots() is first asked. The topology lays out from them after every burst, and finding them
   * walked all 72,000 entities of a 50,000-pod estate each time; the overview never asks.
   */
  private rootIds: Set<string> | null = null;
  structureVersion = 0;
  dataVersion = 0;
  private readonly watchers = new Set<StructureWatcher>();

  watchStructure(watcher: StructureWatcher): () => void {
    this.watchers.add(watcher);
    return () => this.watchers.delete(watcher);
  }

  get relations(): Map<string, Relation> {
    const pending = this.pendingRelations;
    if (pending) {
      this.pendingRelations = null;
      for (const rel of pending) this.relationMap.set(rel.id, rel);
    }
    return this.relationMap;
  }

  clear(): void {
    for (const watcher of this.watchers) watcher.reset();
    this.entities.clear();
    this.relationMap.clear();
    this.pendingRelations = null;
    this.childIds.clear();
    this.relationIds = null;
    this.rootIds = null;
    this.structureVersion++;
    this.dataVersion++;
  }

  /** Replaces everything with a snapshot. */
  load(entities: readonly Entity[], relations: readonly Relation[]): void {
    this.clear();
    for (const entity of entities) this.upsertEntity(entity);
    this.pendingRelations = relations;
    this.dataVersion++;
  }

  apply(delta: EstateDelta): void {
    for (const id of delta.removed) this.removeEntity(id);
    for (const entity of delta.upserted) this.upsertEntity(entity);
    for (const id of delta.relationsRemoved) this.removeRelation(id);
    for (const rel of delta.relationsUpserted) this.upsertRelation(rel);
    this.dataVersion++;
  }

  get(id: string): Entity | undefined {
    return this.entities.get(id);
  }

  children(id: string): Entity[] {
    const ids = this.childIds.get(id);
    if (!ids) return [];
    const out: Entity[] = [];
    for (const childId of ids) {
      const child = this.entities.get(childId);
      if (child) out.push(child);
    }
    return out;
  }

  relationsOf(id: string): Relation[] {
    const ids = this.relationEnds().get(id);
    if (!ids) return [];
    const out: Relation[] = [];
    for (const relId of ids) {
      const rel = this.relations.get(relId);
      if (rel) out.push(rel);
    }
    return out;
  }

  /** The entities without a parent in the index, in no particular order. */
  *roots(): IterableIterator<Entity> {
    let ids = this.rootIds;
    if (ids === null) {
      ids = this.rootIds = new Set();
      for (const entity of this.entities.values()) if (!this.hasParent(entity)) ids.add(entity.id);
    }
    for (const id of ids) {
      const entity = this.entities.get(id);
      if (entity) yield entity;
    }
  }

  private hasParent(entity: Entity): boolean {
    return entity.parentId !== null && this.entities.has(entity.parentId);
  }

  /** Ancestors from the parent up to the root. Guards against cycles a broken source could send. */
  ancestors(id: string): Entity[] {
    const out: Entity[] = [];
    const seen = new Set<string>([id]);
    let parentId = this.entities.get(id)?.parentId ?? null;
    while (parentId !== null && !seen.has(parentId)) {
      seen.add(parentId);
      const parent = this.entities.get(parentId);
      if (!parent) break;
      out.push(parent);
      parentId = parent.parentId;
    }
    return out;
  }

  private upsertEntity(entity: Entity): void {
    const previous = this.entities.get(entity.id);
    this.entities.set(entity.id, entity);
    if (!previous || previous.parentId !== entity.parentId || previous.name !== entity.name) {
      if (previous?.parentId != null) this.childIds.get(previous.parentId)?.delete(entity.id);
      if (entity.parentId !== null) {
        let set = this.childIds.get(entity.parentId);
        if (!set) this.childIds.set(entity.parentId, (set = new Set()));
        set.add(entity.id);
      }
      this.structureVersion++;
      const roots = this.rootIds;
      if (roots !== null) {
        if (this.hasParent(entity)) roots.delete(entity.id);
        else roots.add(entity.id);
        // Children that arrived before their parent have one now.
        if (!previous) for (const childId of this.childIds.get(entity.id) ?? []) roots.delete(childId);
      }
      for (const watcher of this.watchers) watcher.changed(entity.id, previous?.parentId ?? null, entity.parentId);
    }
    for (const watcher of this.watchers) watcher.updated?.(entity.id);
    this.dataVersion++;
  }

  private removeEntity(id: string): void {
    const previous = this.entities.get(id);
    if (!previous) return;
    this.entities.delete(id);
    if (previous.parentId !== null) this.childIds.get(previous.parentId)?.delete(id);
    const roots = this.rootIds;
    if (roots !== null) {
      roots.delete(id);
      for (const childId of this.childIds.get(id) ?? []) if (this.entities.has(childId)) roots.add(childId);
    }
    this.structureVersion++;
    for (const watcher of this.watchers) watcher.changed(id, previous.parentId, null);
    this.dataVersion++;
  }

  private relationEnds(): Map<string, Set<string>> {
    if (this.relationIds === null) {
      this.relationIds = new Map();
      for (const rel of this.relations.values()) this.linkRelation(rel);
    }
    return this.relationIds;
  }

  private upsertRelation(rel: Relation): void {
    const previous = this.relations.get(rel.id);
    if (previous) this.unlinkRelation(previous);
    this.relations.set(rel.id, rel);
    this.linkRelation(rel);
    this.dataVersion++;
  }

  private linkRelation(rel: Relation): void {
    if (this.relationIds === null) return;
    for (const end of [rel.from, rel.to]) {
      let set = this.relationIds.get(end);
      if (!set) this.relationIds.set(end, (set = new Set()));
      set.add(rel.id);
    }
  }

  private removeRelation(id: string): void {
    const previous = this.relations.get(id);
    if (!previous) return;
    this.relations.delete(id);
    this.unlinkRelation(previous);
    this.dataVersion++;
  }

  private unlinkRelation(rel: Relation): void {
    this.relationIds?.get(rel.from)?.delete(rel.id);
    this.relationIds?.get(rel.to)?.delete(rel.id);
  }
}
