import { EntityKind, Health, RelationKind } from './model.js';
import type { Entity, Relation } from './model.js';

/**
 * The estate's zod schemas (model.ts, api/estate.ts) checked by hand, for the one place their
 * cost shows: a 50,000-pod snapshot took zod as long as JSON.parse of it (about 2 s on a loaded
 * two-core machine; the renderer's CSP forbids the eval that zod's fast path needs). These
 * functions accept exactly what the schemas accept and return what they return (known keys
 * only, in a fresh object); test/unit/api/estate-check.test.ts holds them to that, mutation by
 * mutation. The schemas stay the contract: the engine and the fuzzer use them.
 */

const entityKinds: ReadonlySet<string> = new Set(EntityKind.options);
const healths: ReadonlySet<string> = new Set(Health.options);
const relationKinds: ReadonlySet<string> = new Set(RelationKind.options);

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isFiniteNumber(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value);
}

/** z.record(z.string(), z.string()); the parsed object is kept (JSON.parse made it, nobody else holds it). */
function isStringRecord(value: unknown): value is Record<string, string> {
  if (!isObject(value) || Object.getPrototypeOf(value) !== Object.prototype) return false;
  for (const key in value) if (typeof value[key] !== 'string' && key !== '__proto__') return false;
  return true;
}

/** z.record(z.string(), StatusValue): string, finite number, boolean or null. */
function isStatusRecord(value: unknown): value is Entity['status'] {
  if (!isObject(value) || Object.getPrototypeOf(value) !== Object.prototype) return false;
  for (const key in value) {
    if (key === '__proto__') continue;
    const v = value[key];
    if (v !== null && typeof v !== 'string' && typeof v !== 'boolean' && !isFiniteNumber(v)) return false;
  }
  return true;
}

/**
 * A record as zod returns it: zod skips an own `__proto__` key (JSON.parse makes one from
 * `"__proto__":`) whatever its value, so it is neither checked nor kept.
 */
function withoutProto<T extends Json>(record: T): T {
  if (!Object.prototype.hasOwnProperty.call(record, '__proto__')) return record;
  const copy: Json = {};
  for (const key of Object.keys(record)) if (key !== '__proto__') copy[key] = record[key];
  return copy as T;
}

export function checkEntity(value: unknown): Entity | null {
  if (!isObject(value)) return null;
  const { id, kind, name, parentId, sourceId, labels, annotations, health, healthReason, status, observedAt } = value;
  if (typeof id !== 'string' || typeof kind !== 'string' || !entityKinds.has(kind) || typeof name !== 'string') return null;
  if (parentId !== null && typeof parentId !== 'string') return null;
  if (typeof sourceId !== 'string' || typeof health !== 'string' || !healths.has(health) || typeof healthReason !== 'string') return null;
  if (!isStringRecord(labels) || !isStringRecord(annotations) || !isStatusRecord(status) || !isFiniteNumber(observedAt)) return null;
  return {
    id,
    kind: kind as Entity['kind'],
    name,
    parentId,
    sourceId,
    labels: withoutProto(labels),
    annotations: withoutProto(annotations),
    health: health as Entity['health'],
    healthReason,
    status: withoutProto(status),
    observedAt,
  };
}

export function checkRelation(value: unknown): Relation | null {
  if (!isObject(value)) return null;
  const { id, kind, from, to, sourceId } = value;
  if (typeof id !== 'string' || typeof kind !== 'string' || !relationKinds.has(kind)) return null;
  if (typeof from !== 'string' || typeof to !== 'string' || typeof sourceId !== 'string') return null;
  return { id, kind: kind as Relation['kind'], from, to, sourceId };
}

/** Every item checked; null when any fails, as z.array rejects the whole array. */
export function checkAll<T>(value: unknown, check: (item: unknown) => T | null): T[] | null {
  if (!Array.isArray(value)) return null;
  const out: T[] = new Array<T>(value.length);
  for (let i = 0; i < value.length; i++) {
    const item = check(value[i]);
    if (item === null) return null;
    out[i] = item;
  }
  return out;
}
