import type { EstateSnapshot, PackedEstateSnapshot } from '../api/estate.js';
import { relationId } from './model.js';
import type { Entity, Relation } from './model.js';
import { CodeRows, PackedRows } from './packed-rows.js';
import { RecordTable } from './record-table.js';
import type { RecordCode } from './record-table.js';

/**
 * An EstateSnapshot to and from its packed wire form (PackedEstateSnapshot in shared/api/
 * estate.ts says what each field means). The engine packs; the renderer checks the packed value
 * on arrival (shared/api/estate-results.ts) and unpacks it here. unpack(pack(s)) equals s, as the
 * renderer's checks would have returned it: an own `__proto__` key in a record is dropped, as zod
 * drops it.
 */

type StatusValue = Entity['status'][string];

export function packEstateSnapshot(snapshot: EstateSnapshot): PackedEstateSnapshot {
  const packer = new EstatePacker({ entities: snapshot.entities.length, relations: snapshot.relations.length });
  for (const e of snapshot.entities) packer.putEntity(e);
  for (const r of snapshot.relations) packer.putRelation(r);
  return packer.pack({ sources: snapshot.sources, asOf: snapshot.asOf, frame: snapshot.frame });
}

type EntityColumn = keyof PackedEstateSnapshot['entities'];
type RelationColumn = keyof PackedEstateSnapshot['relations'];
const entityColumns: EntityColumn[] = ['id', 'kind', 'name', 'parentId', 'sourceId', 'labels', 'annotations', 'health', 'healthReason', 'status', 'observedAt'];
const relationColumns: RelationColumn[] = ['id', 'kind', 'from', 'to', 'sourceId'];

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
  private readonly textRecords = new RecordTable<number>();
  private readonly statusRecords = new RecordTable<RecordCode>();
  // A record's codes are gathered here, and copied only when the record is new.
  private readonly scratch: RecordCode[] = [];
  // Keyed by the code of the entity's id, which its row holds anyway.
  private readonly entities: PackedRows<EntityColumn, number>;
  // A relation whose id is derived has -1 in `id`, so a dead row is marked in `kind`.
  private readonly relations: PackedRows<RelationColumn>;

  /** `expect` sizes the columns at once, for a packer filled from a snapshot of known size. */
  constructor(expect: { entities?: number; relations?: number } = {}) {
    this.entities = new PackedRows(new CodeRows(), entityColumns, ['observedAt'], 'id', room(expect.entities));
    this.relations = new PackedRows(new Map<string, number>(), relationColumns, [], 'kind', room(expect.relations));
  }

  /** Rows held for entities and relations that are gone or were replaced since this packer began. */
  get waste(): number {
    return this.entities.waste + this.relations.waste;
  }

  /** Entities and relations held. */
  get size(): number {
    return this.entities.size + this.relations.size;
  }

  putEntity(e: Entity): void {
    const rows = this.entities;
    const id = this.intern(e.id);
    const row = rows.put(id);
    rows.column('id')[row] = id;
    rows.column('kind')[row] = this.intern(e.kind);
    rows.column('name')[row] = this.intern(e.name);
    rows.column('parentId')[row] = e.parentId === null ? -1 : this.intern(e.parentId);
    rows.column('sourceId')[row] = this.intern(e.sourceId);
    rows.column('labels')[row] = this.textRecord(e.labels);
    rows.column('annotations')[row] = this.textRecord(e.annotations);
    rows.column('health')[row] = this.intern(e.health);
    rows.column('healthReason')[row] = this.intern(e.healthReason);
    rows.column('status')[row] = this.statusRecord(e.status);
    rows.column('observedAt')[row] = e.observedAt;
  }

  removeEntity(id: string): void {
    const code = this.stringIndex.get(id);
    if (code !== undefined) this.entities.free(code);
  }

  putRelation(r: Relation): void {
    const rows = this.relations;
    const row = rows.put(r.id);
    rows.column('id')[row] = isDerivedRelationId(r) ? -1 : this.intern(r.id);
    rows.column('kind')[row] = this.intern(r.kind);
    rows.column('from')[row] = this.intern(r.from);
    rows.column('to')[row] = this.intern(r.to);
    rows.column('sourceId')[row] = this.intern(r.sourceId);
  }

  removeRelation(id: string): void {
    this.relations.free(id);
  }

  /** The packed snapshot of what is held now: fresh arrays, so later changes leave it alone. */
  pack(rest: Pick<PackedEstateSnapshot, 'sources' | 'asOf' | 'frame'>): PackedEstateSnapshot {
    return {
      strings: this.strings.slice(),
      textRecords: this.textRecords.records.slice(),
      statusRecords: this.statusRecords.records.slice(),
      entities: this.entities.live(),
      relations: this.relations.live(),
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
    const codes = this.scratch as number[];
    codes.length = 0;
    for (const key of Object.keys(record)) if (key !== '__proto__') codes.push(this.intern(key), this.intern(record[key]!));
    return this.textRecords.numberOf(codes);
  }

  private statusRecord(record: Record<string, StatusValue>): number {
    const codes = this.scratch;
    codes.length = 0;
    for (const key of Object.keys(record)) {
      // Dropped on arrival whatever its value (as zod drops it), so not sent: it may not even be a status value.
      if (key === '__proto__') continue;
      const value = record[key]!;
      if (typeof value === 'string') codes.push(-1 - this.intern(key), this.intern(value));
      else codes.push(this.intern(key), value);
    }
    return this.statusRecords.numberOf(codes);
  }
}

/** Room for `n` rows and some growth, so a packer filled from a snapshot does not double at once. */
function room(n: number | undefined): number {
  return n === undefined ? 1024 : Math.max(16, Math.ceil(n * 1.125));
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
