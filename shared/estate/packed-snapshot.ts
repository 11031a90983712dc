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
  const strings: string[] = [];
  const stringIndex = new Map<string, number>();
  const intern = (text: string): number => {
    let at = stringIndex.get(text);
    if (at === undefined) {
      at = strings.length;
      strings.push(text);
      stringIndex.set(text, at);
    }
    return at;
  };
  // Records are looked up by their JSON first: most entities repeat one another's (the pods of
  // a ReplicaSet), and one native stringify is cheaper than interning every key and value again.
  const textRecords: number[][] = [];
  const textIndex = new Map<string, number>();
  const textRecord = (record: Record<string, string>): number => {
    // Most annotations are empty: no need to stringify those.
    const shape = isEmpty(record) ? '{}' : JSON.stringify(record);
    let at = textIndex.get(shape);
    if (at === undefined) {
      const flat: number[] = [];
      for (const key of Object.keys(record)) if (key !== '__proto__') flat.push(intern(key), intern(record[key]!));
      at = textRecords.length;
      textRecords.push(flat);
      textIndex.set(shape, at);
    }
    return at;
  };
  const statusRecords: (number | boolean | null)[][] = [];
  const statusIndex = new Map<string, number>();
  const statusRecord = (record: Record<string, StatusValue>): number => {
    const shape = isEmpty(record) ? '{}' : JSON.stringify(record);
    let at = statusIndex.get(shape);
    if (at === undefined) {
      const flat: (number | boolean | null)[] = [];
      for (const key of Object.keys(record)) {
        // Dropped on arrival whatever its value (as zod drops it), so not sent: it may not even be a status value.
        if (key === '__proto__') continue;
        const value = record[key]!;
        if (typeof value === 'string') flat.push(-1 - intern(key), intern(value));
        else flat.push(intern(key), value);
      }
      at = statusRecords.length;
      statusRecords.push(flat);
      statusIndex.set(shape, at);
    }
    return at;
  };

  const n = snapshot.entities.length;
  const entities = {
    id: new Array<number>(n),
    kind: new Array<number>(n),
    name: new Array<number>(n),
    parentId: new Array<number>(n),
    sourceId: new Array<number>(n),
    labels: new Array<number>(n),
    annotations: new Array<number>(n),
    health: new Array<number>(n),
    healthReason: new Array<number>(n),
    status: new Array<number>(n),
    observedAt: new Array<number>(n),
  };
  for (let i = 0; i < n; i++) {
    const e = snapshot.entities[i]!;
    entities.id[i] = intern(e.id);
    entities.kind[i] = intern(e.kind);
    entities.name[i] = intern(e.name);
    entities.parentId[i] = e.parentId === null ? -1 : intern(e.parentId);
    entities.sourceId[i] = intern(e.sourceId);
    entities.labels[i] = textRecord(e.labels);
    entities.annotations[i] = textRecord(e.annotations);
    entities.health[i] = intern(e.health);
    entities.healthReason[i] = intern(e.healthReason);
    entities.status[i] = statusRecord(e.status);
    entities.observedAt[i] = e.observedAt;
  }
  const m = snapshot.relations.length;
  const relations = { id: new Array<number>(m), kind: new Array<number>(m), from: new Array<number>(m), to: new Array<number>(m), sourceId: new Array<number>(m) };
  for (let i = 0; i < m; i++) {
    const r = snapshot.relations[i]!;
    relations.id[i] = isDerivedRelationId(r) ? -1 : intern(r.id);
    relations.kind[i] = intern(r.kind);
    relations.from[i] = intern(r.from);
    relations.to[i] = intern(r.to);
    relations.sourceId[i] = intern(r.sourceId);
  }
  return { strings, textRecords, statusRecords, entities, relations, sources: snapshot.sources, asOf: snapshot.asOf, frame: snapshot.frame };
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
