import type { EstateSnapshot, PackedEstateSnapshot } from '../api/estate.js';
import { relationId } from './model.js';
import type { Entity, Relation } from './model.js';

/**
 * An EstateSnapshot to and from its packed wire form (PackedEstateSnapshot in shared/api/
 * estate.ts says what each field means). The engine packs; the renderer checks the packed value
 * on arrival (shared/api/estate-results.ts) and unpacks it here. unpack(pack(s)) equals s, as the
 * renderer's checks would have returned it: an own `__proto__` key in a record is dropped, as zod
 * drops it.
 */

type StatusValue = Entity['status'][string];

export function packEstateSnapshot(snapshot: EstateSnapshot): PackedEstateSnapshot {
  const packer = new EstatePacker();
  for (const e of snapshot.entities) packer.putEntity(e);
  for (const r of snapshot.relations) packer.putRelation(r);
  return packer.pack({ sources: snapshot.sources, asOf: snapshot.asOf, frame: snapshot.frame });
}

type EntityColumns = PackedEstateSnapshot['entities'];
type RelationColumns = PackedEstateSnapshot['relations'];
/** A row's id (entities) or kind (relations) once the row is gone; pack() leaves such rows out. */
const DEAD = -2;

/**
 * A packed estate built entity by entity and kept current as entities change, so a snapshot
 * need not intern the whole estate again (a million strings at 50,000 pods). An entity changed
 * in place keeps its row; one removed leaves a dead row and, if it comes back, takes a new row
 * at the end, as a Map would order them.
 * Strings and records a changed or removed entity no longer uses stay in the tables: `waste`
 * counts them, for the owner to start afresh once it outweighs what is live.
 */
export class EstatePacker {
  private readonly strings: string[] = [];
  private readonly stringIndex = new Map<string, number>();
  // Records are looked up by their JSON first: most entities repeat one another's (the pods of
  // a ReplicaSet), and one native stringify is cheaper than interning every key and value again.
  private readonly textRecords: number[][] = [];
  private readonly textIndex = new Map<string, number>();
  private readonly statusRecords: (number | boolean | null)[][] = [];
  private readonly statusIndex = new Map<string, number>();
  private readonly entityRows = new Map<string, number>();
  private readonly entities: EntityColumns = {
    id: [], kind: [], name: [], parentId: [], sourceId: [], labels: [], annotations: [], health: [], healthReason: [], status: [], observedAt: [],
  };
  private readonly relationRows = new Map<string, number>();
  private readonly relations: RelationColumns = { id: [], kind: [], from: [], to: [], sourceId: [] };
  private deadRows = 0;
  private replaced = 0;

  /** Rows held for entities and relations that are gone or were replaced since this packer began. */
  get waste(): number {
    return this.deadRows + this.replaced;
  }

  /** Entities and relations held. */
  get size(): number {
    return this.entityRows.size + this.relationRows.size;
  }

  putEntity(e: Entity): void {
    const columns = this.entities;
    let row = this.entityRows.get(e.id);
    if (row === undefined) {
      row = columns.id.length;
      this.entityRows.set(e.id, row);
    } else {
      this.replaced++;
    }
    columns.id[row] = this.intern(e.id);
    columns.kind[row] = this.intern(e.kind);
    columns.name[row] = this.intern(e.name);
    columns.parentId[row] = e.parentId === null ? -1 : this.intern(e.parentId);
    columns.sourceId[row] = this.intern(e.sourceId);
    columns.labels[row] = this.textRecord(e.labels);
    columns.annotations[row] = this.textRecord(e.annotations);
    columns.health[row] = this.intern(e.health);
    columns.healthReason[row] = this.intern(e.healthReason);
    columns.status[row] = this.statusRecord(e.status);
    columns.observedAt[row] = e.observedAt;
  }

  removeEntity(id: string): void {
    const row = this.entityRows.get(id);
    if (row === undefined) return;
    this.entityRows.delete(id);
    this.entities.id[row] = DEAD;
    this.deadRows++;
  }

  putRelation(r: Relation): void {
    const columns = this.relations;
    let row = this.relationRows.get(r.id);
    if (row === undefined) {
      row = columns.kind.length;
      this.relationRows.set(r.id, row);
    } else {
      this.replaced++;
    }
    columns.id[row] = isDerivedRelationId(r) ? -1 : this.intern(r.id);
    columns.kind[row] = this.intern(r.kind);
    columns.from[row] = this.intern(r.from);
    columns.to[row] = this.intern(r.to);
    columns.sourceId[row] = this.intern(r.sourceId);
  }

  removeRelation(id: string): void {
    const row = this.relationRows.get(id);
    if (row === undefined) return;
    this.relationRows.delete(id);
    this.relations.kind[row] = DEAD;
    this.deadRows++;
  }

  /** The packed snapshot of what is held now: fresh arrays, so later changes leave it alone. */
  pack(rest: Pick<PackedEstateSnapshot, 'sources' | 'asOf' | 'frame'>): PackedEstateSnapshot {
    return {
      strings: this.strings.slice(),
      textRecords: this.textRecords.slice(),
      statusRecords: this.statusRecords.slice(),
      entities: liveRows(this.entities, this.entities.id, this.entityRows.size),
      relations: liveRows(this.relations, this.relations.kind, this.relationRows.size),
      ...rest,
    };
  }

  private intern(text: string): number {
    let at = this.stringIndex.get(text);
    if (at === undefined) {
      at = this.strings.length;
      this.strings.push(text);
      this.stringIndex.set(text, at);
    }
    return at;
  }

  private textRecord(record: Record<string, string>): number {
    // Most annotations are empty: no need to stringify those.
    const shape = isEmpty(record) ? '{}' : JSON.stringify(record);
    let at = this.textIndex.get(shape);
    if (at === undefined) {
      const flat: number[] = [];
      for (const key of Object.keys(record)) if (key !== '__proto__') flat.push(this.intern(key), this.intern(record[key]!));
      at = this.textRecords.length;
      this.textRecords.push(flat);
      this.textIndex.set(shape, at);
    }
    return at;
  }

  private statusRecord(record: Record<string, StatusValue>): number {
    const shape = isEmpty(record) ? '{}' : JSON.stringify(record);
    let at = this.statusIndex.get(shape);
    if (at === undefined) {
      const flat: (number | boolean | null)[] = [];
      for (const key of Object.keys(record)) {
        // Dropped on arrival whatever its value (as zod drops it), so not sent: it may not even be a status value.
        if (key === '__proto__') continue;
        const value = record[key]!;
        if (typeof value === 'string') flat.push(-1 - this.intern(key), this.intern(value));
        else flat.push(this.intern(key), value);
      }
      at = this.statusRecords.length;
      this.statusRecords.push(flat);
      this.statusIndex.set(shape, at);
    }
    return at;
  }
}

/** Copies of the columns without the dead rows (`marks` is the column a dead row is marked in). */
function liveRows<C extends Record<string, number[]>>(columns: C, marks: number[], live: number): C {
  const out = {} as Record<string, number[]>;
  if (live === marks.length) {
    for (const [name, column] of Object.entries(columns)) out[name] = column.slice();
    return out as C;
  }
  for (const [name, column] of Object.entries(columns)) {
    // Pushed rather than preallocated: a packed array, which JSON.stringify writes faster than a holey one.
    const copy: number[] = [];
    for (let row = 0; row < marks.length; row++) if (marks[row] !== DEAD) copy.push(column[row]!);
    out[name] = copy;
  }
  return out as C;
}

function isEmpty(record: object): boolean {
  for (const key in record) if (Object.prototype.hasOwnProperty.call(record, key)) return false;
  return true;
}

/** r.id === relationId(r.kind, r.from, r.to), without building that string for every relation. */
function isDerivedRelationId(r: Relation): boolean {
  const { id, kind, from, to } = r;
  return (
    id.length === kind.length + from.length + to.length + 3 &&
    id.startsWith(kind) &&
    id.charCodeAt(kind.length) === 58 /* : */ &&
    id.startsWith(from, kind.length + 1) &&
    id.startsWith('->', kind.length + 1 + from.length) &&
    id.endsWith(to)
  );
}

/**
 * The snapshot a checked packed value stands for. Entities with equal label (or status) records
 * share one record object, as nothing in the renderer changes an entity in place (frames replace
 * entities whole); the 50,000 pods of a big estate hold a few thousand label objects, not 50,000.
 */
export function unpackEstateSnapshot(packed: PackedEstateSnapshot): EstateSnapshot {
  const { strings } = packed;
  const textRecords = packed.textRecords.map((flat) => {
    const record: Record<string, string> = {};
    for (let i = 0; i < flat.length; i += 2) {
      const key = strings[flat[i]!]!;
      if (key !== '__proto__') record[key] = strings[flat[i + 1]!]!;
    }
    return record;
  });
  const statusRecords = packed.statusRecords.map((flat) => {
    const record: Record<string, StatusValue> = {};
    for (let i = 0; i < flat.length; i += 2) {
      const code = flat[i] as number;
      const key = strings[code < 0 ? -1 - code : code]!;
      if (key !== '__proto__') record[key] = code < 0 ? strings[flat[i + 1] as number]! : (flat[i + 1] as StatusValue);
    }
    return record;
  });
  const e = packed.entities;
  const n = e.id.length;
  const entities = new Array<Entity>(n);
  for (let i = 0; i < n; i++) {
    const parent = e.parentId[i]!;
    entities[i] = {
      id: strings[e.id[i]!]!,
      kind: strings[e.kind[i]!] as Entity['kind'],
      name: strings[e.name[i]!]!,
      parentId: parent === -1 ? null : strings[parent]!,
      sourceId: strings[e.sourceId[i]!]!,
      labels: textRecords[e.labels[i]!]!,
      annotations: textRecords[e.annotations[i]!]!,
      health: strings[e.health[i]!] as Entity['health'],
      healthReason: strings[e.healthReason[i]!]!,
      status: statusRecords[e.status[i]!]!,
      observedAt: e.observedAt[i]!,
    };
  }
  const r = packed.relations;
  const m = r.kind.length;
  const relations = new Array<Relation>(m);
  for (let i = 0; i < m; i++) {
    const kind = strings[r.kind[i]!] as Relation['kind'];
    const from = strings[r.from[i]!]!;
    const to = strings[r.to[i]!]!;
    const id = r.id[i]!;
    relations[i] = { id: id === -1 ? relationId(kind, from, to) : strings[id]!, kind, from, to, sourceId: strings[r.sourceId[i]!]! };
  }
  return { entities, relations, sources: packed.sources, asOf: packed.asOf, frame: packed.frame };
}
