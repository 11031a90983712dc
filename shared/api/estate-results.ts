import { z } from 'zod';
import { EstateEvent } from '../estate/event.js';
import { checkAll, checkEntity, checkRelation } from '../estate/estate-check.js';
import type { EstateFrame, EstateSnapshot, PackedEstateSnapshot } from './estate.js';
import { EntityKind, Health, RelationKind } from '../estate/model.js';
import { Source } from './sources.js';

/**
 * `estate.snapshot` results and `estate.subscribe` frames checked on arrival with the
 * hand-written entity and relation checks (shared/estate/estate-check.ts) instead of zod's
 * generic walk: the same acceptance, a fraction of the time on 50,000 entities. The small
 * parts (sources, events) still go through their zod schemas.
 */

const Sources = z.array(Source);
const Events = z.array(EstateEvent);

type Checked<T> = { success: true; data: T } | { success: false };

function isFrameNumber(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
}

function isFiniteNumber(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value);
}

function isStringArray(value: unknown): value is string[] {
  return Array.isArray(value) && value.every((v) => typeof v === 'string');
}

export function checkEstateSnapshot(value: unknown): Checked<EstateSnapshot> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return { success: false };
  const v = value as Record<string, unknown>;
  if (!isFiniteNumber(v.asOf) || !isFrameNumber(v.frame)) return { success: false };
  const sources = Sources.safeParse(v.sources);
  if (!sources.success) return { success: false };
  const entities = checkAll(v.entities, checkEntity);
  const relations = entities && checkAll(v.relations, checkRelation);
  if (!entities || !relations) return { success: false };
  return { success: true, data: { entities, relations, sources: sources.data, asOf: v.asOf, frame: v.frame } };
}

export function checkEstateFrame(value: unknown): Checked<EstateFrame> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return { success: false };
  const v = value as Record<string, unknown>;
  if (!isFiniteNumber(v.asOf) || !isFrameNumber(v.frame) || !isStringArray(v.removed) || !isStringArray(v.relationsRemoved)) return { success: false };
  const events = Events.safeParse(v.events);
  if (!events.success) return { success: false };
  const upserted = checkAll(v.upserted, checkEntity);
  const relationsUpserted = upserted && checkAll(v.relationsUpserted, checkRelation);
  if (!upserted || !relationsUpserted) return { success: false };
  return {
    success: true,
    data: { upserted, removed: [...v.removed], relationsUpserted, relationsRemoved: [...v.relationsRemoved], frame: v.frame, asOf: v.asOf, events: events.data },
  };
}

const entityKindNames: ReadonlySet<string> = new Set(EntityKind.options);
const healthNames: ReadonlySet<string> = new Set(Health.options);
const relationKindNames: ReadonlySet<string> = new Set(RelationKind.options);

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** An array of integers in [min, below): z.array(z.number().int().min(min)) with the range refinement. */
function isIndexColumn(value: unknown, below: number, min = 0): value is number[] {
  if (!Array.isArray(value)) return false;
  for (let i = 0; i < value.length; i++) {
    const v: unknown = value[i];
    if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < min || v >= below) return false;
  }
  return true;
}

/** Every index names one of `names` (an enum's values) in strings. */
function namesOneOf(column: number[], strings: string[], names: ReadonlySet<string>): boolean {
  for (let i = 0; i < column.length; i++) if (!names.has(strings[column[i]!]!)) return false;
  return true;
}

function isStatusRecord(value: unknown, strings: number): value is (number | boolean | null)[] {
  if (!Array.isArray(value) || value.length % 2 !== 0) return false;
  for (let i = 0; i < value.length; i += 2) {
    const key: unknown = value[i];
    const v: unknown = value[i + 1];
    if (typeof key !== 'number' || !Number.isSafeInteger(key)) return false;
    if (key >= 0) {
      if (key >= strings || (v !== null && typeof v !== 'boolean' && !isFiniteNumber(v))) return false;
    } else if (-1 - key >= strings || typeof v !== 'number' || !Number.isSafeInteger(v) || v < 0 || v >= strings) return false;
  }
  return true;
}

/** Array.prototype.every skips holes, which z.array does not: look at every index. */
function everyItem<T>(value: unknown[], test: (item: unknown) => item is T): value is T[] {
  for (let i = 0; i < value.length; i++) if (!test(value[i])) return false;
  return true;
}

function isTextRecord(value: unknown): value is number[] {
  return Array.isArray(value) && value.length % 2 === 0;
}

const entityColumns = ['id', 'kind', 'name', 'parentId', 'sourceId', 'labels', 'annotations', 'health', 'healthReason', 'status', 'observedAt'] as const;
const relationColumns = ['id', 'kind', 'from', 'to', 'sourceId'] as const;

/**
 * PackedEstateSnapshot checked by hand, accepting exactly what its schema (with the refinement)
 * accepts, so unpackEstateSnapshot can index without a second look: equal column lengths, every
 * index in range, kinds and healths that name their enums' values.
 */
export function checkPackedEstateSnapshot(value: unknown): Checked<PackedEstateSnapshot> {
  if (!isObject(value)) return { success: false };
  const v = value;
  const e = v.entities;
  const r = v.relations;
  if (!isObject(e) || !isObject(r)) return { success: false };
  if (!isFiniteNumber(v.asOf) || !isFrameNumber(v.frame) || !Array.isArray(v.strings) || !everyItem(v.strings, (s): s is string => typeof s === 'string')) return { success: false };
  const strings: string[] = v.strings;
  const n = strings.length;
  const { textRecords, statusRecords } = v;
  if (!Array.isArray(textRecords) || !everyItem(textRecords, (r): r is number[] => isTextRecord(r) && isIndexColumn(r, n))) return { success: false };
  if (!Array.isArray(statusRecords) || !everyItem(statusRecords, (r): r is (number | boolean | null)[] => isStatusRecord(r, n))) return { success: false };
  const { id, kind, name, parentId, sourceId, labels, annotations, health, healthReason, status, observedAt } = e;
  if (!isIndexColumn(id, n) || !isIndexColumn(kind, n) || !isIndexColumn(name, n) || !isIndexColumn(parentId, n, -1) || !isIndexColumn(sourceId, n)) return { success: false };
  if (!isIndexColumn(labels, textRecords.length) || !isIndexColumn(annotations, textRecords.length) || !isIndexColumn(health, n)) return { success: false };
  if (!isIndexColumn(healthReason, n) || !isIndexColumn(status, statusRecords.length) || !Array.isArray(observedAt) || !everyItem(observedAt, isFiniteNumber)) return { success: false };
  if (entityColumns.some((column) => (e[column] as unknown[]).length !== id.length)) return { success: false };
  if (!namesOneOf(kind, strings, entityKindNames) || !namesOneOf(health, strings, healthNames)) return { success: false };
  if (!isIndexColumn(r.id, n, -1) || !isIndexColumn(r.kind, n) || !isIndexColumn(r.from, n) || !isIndexColumn(r.to, n) || !isIndexColumn(r.sourceId, n)) return { success: false };
  if (relationColumns.some((column) => (r[column] as unknown[]).length !== (r.kind as unknown[]).length)) return { success: false };
  if (!namesOneOf(r.kind, strings, relationKindNames)) return { success: false };
  const sources = Sources.safeParse(v.sources);
  if (!sources.success) return { success: false };
  return {
    success: true,
    data: {
      strings,
      textRecords,
      statusRecords,
      entities: { id, kind, name, parentId, sourceId, labels, annotations, health, healthReason, status, observedAt },
      relations: { id: r.id, kind: r.kind, from: r.from, to: r.to, sourceId: r.sourceId },
      sources: sources.data,
      asOf: v.asOf,
      frame: v.frame,
    },
  };
}
