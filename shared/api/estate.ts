import { z } from 'zod';
import { NoParams, query, topic } from './define.js';
import { Source } from './sources.js';
import { Entity, EntityKind, EstateDelta, Health, Relation, RelationKind } from '../estate/model.js';
import { EstateEvent } from '../estate/event.js';

/**
 * The estate over the API. A view keeps its copy current this way:
 *   1. open `estate.subscribe`; its first message is an empty frame that says the
 *      subscription is live and which frame the engine is at;
 *   2. call `estate.snapshot`;
 *   3. apply every frame whose number is greater than the snapshot's `frame`, in order, and
 *      drop the ones buffered before it (the snapshot already contains them).
 * Frames are deltas of whole entities (never patches), so applying one is a set/delete by id.
 */

/** Frame counter: 0 before the first change; each pushed frame is one greater than the last. */
const FrameNumber = z.number().int().nonnegative();

export const EstateSnapshot = z.object({
  entities: z.array(Entity),
  relations: z.array(Relation),
  /** Every source with its status and lastSyncAt, including cached ones not reached yet. */
  sources: z.array(Source),
  /** Epoch ms when the engine took this snapshot. */
  asOf: z.number(),
  /** The last frame included. */
  frame: FrameNumber,
});
export type EstateSnapshot = z.infer<typeof EstateSnapshot>;

export const EstateFrame = EstateDelta.extend({
  frame: FrameNumber,
  /** Epoch ms when the frame was cut. */
  asOf: z.number(),
  /** Events recorded during the frame, for detail panels that show recent events live. */
  events: z.array(EstateEvent),
});
export type EstateFrame = z.infer<typeof EstateFrame>;

export const entityDetailLimits = { children: 200, relations: 500, events: 50 } as const;

export const EntityDetail = z.object({
  entity: Entity,
  /** Relations with this entity at either end (capped; relationCount is the full number). */
  relations: z.array(Relation),
  relationCount: z.number().int().nonnegative(),
  /** Direct children, worst health first (capped; childCount is the full number). */
  children: z.array(Entity),
  childCount: z.number().int().nonnegative(),
  /** Most recent first. */
  events: z.array(EstateEvent),
});
export type EntityDetail = z.infer<typeof EntityDetail>;

export const estateMethods = {
  'estate.snapshot': query(
    'The whole known estate (live or cached) with every source’s status; then follow estate.subscribe.',
    NoParams,
    EstateSnapshot,
  ),
  'estate.entity': query(
    'One entity with its relations, its direct children and its recent events.',
    z.object({ id: z.string().min(1).max(4096) }).strict(),
    EntityDetail,
  ),
};

export const estateTopics = {
  'estate.subscribe': topic('Changes to the estate, coalesced into frames of about 50 ms.', NoParams, EstateFrame),
};

const StringIndex = z.number().int().nonnegative();
/** A string index, or -1 for none (a root's parentId; a relation whose id is `${kind}:${from}->${to}`). */
const OptionalStringIndex = z.number().int().min(-1);

/**
 * `estate.snapshot` packed for the wire (shared/estate/packed-snapshot.ts packs and unpacks it):
 * every string once in `strings`, columns of indices instead of one object per entity, label and
 * status records shared by the entities that have the same ones (the pods of one ReplicaSet),
 * and relation ids left out where they are `${kind}:${from}->${to}`. A 50,000-pod estate is 84 MB
 * as estate.snapshot and a fraction of that packed; stringifying, sending and parsing it was most
 * of the console's first paint. What it unpacks to is exactly an EstateSnapshot.
 */
export const PackedEstateSnapshot = z
  .object({
    strings: z.array(z.string()),
    /** Labels and annotations: [key, value, key, value…], each a string index. */
    textRecords: z.array(z.array(StringIndex)),
    /**
     * Status: [key, value, key, value…]. A key k ≥ 0 is followed by the value itself (a finite
     * number, a boolean or null); a key written -1 - k is followed by the string index of its value.
     */
    statusRecords: z.array(z.array(z.union([z.number(), z.boolean(), z.null()]))),
    entities: z.object({
      id: z.array(StringIndex),
      kind: z.array(StringIndex),
      name: z.array(StringIndex),
      parentId: z.array(OptionalStringIndex),
      sourceId: z.array(StringIndex),
      /** textRecords indices. */
      labels: z.array(StringIndex),
      annotations: z.array(StringIndex),
      health: z.array(StringIndex),
      healthReason: z.array(StringIndex),
      /** statusRecords indices. */
      status: z.array(StringIndex),
      observedAt: z.array(z.number()),
    }),
    relations: z.object({
      id: z.array(OptionalStringIndex),
      kind: z.array(StringIndex),
      from: z.array(StringIndex),
      to: z.array(StringIndex),
      sourceId: z.array(StringIndex),
    }),
    sources: z.array(Source),
    asOf: z.number(),
    frame: FrameNumber,
  })
  .superRefine((packed, ctx) => {
    const problem = packedIndexProblem(packed);
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
  });
export type PackedEstateSnapshot = z.infer<typeof PackedEstateSnapshot>;

const entityKindNames: ReadonlySet<string> = new Set(EntityKind.options);
const healthNames: ReadonlySet<string> = new Set(Health.options);
const relationKindNames: ReadonlySet<string> = new Set(RelationKind.options);

/** What the column types alone cannot say: equal lengths, indices in range, enum values, record shapes. */
function packedIndexProblem(p: {
  strings: string[];
  textRecords: number[][];
  statusRecords: (number | boolean | null)[][];
  entities: Record<string, number[]>;
  relations: Record<string, number[]>;
}): string | null {
  const strings = p.strings.length;
  const inStrings = (i: number) => i < strings;
  const orNone = (i: number) => i === -1 || i < strings;
  for (const record of p.textRecords) if (record.length % 2 !== 0 || !record.every(inStrings)) return 'a text record is malformed';
  for (const record of p.statusRecords) {
    if (record.length % 2 !== 0) return 'a status record has a key without a value';
    for (let i = 0; i < record.length; i += 2) {
      const key = record[i];
      const value = record[i + 1];
      if (typeof key !== 'number' || !Number.isInteger(key)) return 'a status key is not an index';
      if (key >= 0 ? key >= strings : -1 - key >= strings) return 'a status key is out of range';
      if (key < 0 && (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value >= strings)) return 'a status string is out of range';
    }
  }
  const e = p.entities;
  const n = e.id!.length;
  if (Object.values(e).some((column) => column.length !== n)) return 'entity columns differ in length';
  const strictly = { id: inStrings, name: inStrings, sourceId: inStrings, healthReason: inStrings, parentId: orNone };
  for (const [column, ok] of Object.entries(strictly)) if (!e[column]!.every(ok)) return `an entity ${column} is out of range`;
  if (!e.kind!.every((i) => i < strings && entityKindNames.has(p.strings[i]!))) return 'an entity kind is unknown';
  if (!e.health!.every((i) => i < strings && healthNames.has(p.strings[i]!))) return 'an entity health is unknown';
  if (!e.labels!.every((i) => i < p.textRecords.length) || !e.annotations!.every((i) => i < p.textRecords.length)) return 'a text record index is out of range';
  if (!e.status!.every((i) => i < p.statusRecords.length)) return 'a status record index is out of range';
  const r = p.relations;
  const m = r.kind!.length;
  if (Object.values(r).some((column) => column.length !== m)) return 'relation columns differ in length';
  if (!r.id!.every(orNone) || !r.from!.every(inStrings) || !r.to!.every(inStrings) || !r.sourceId!.every(inStrings)) return 'a relation index is out of range';
  if (!r.kind!.every((i) => i < strings && relationKindNames.has(p.strings[i]!))) return 'a relation kind is unknown';
  return null;
}

/** Added beside estateMethods so the contract lists it; see PackedEstateSnapshot. */
export const packedEstateMethods = {
  'estate.packedSnapshot': query(
    'estate.snapshot packed for the wire: strings once, columns of indices, shared records. The console loads this one.',
    NoParams,
    PackedEstateSnapshot,
  ),
};

const Count = z.number().int().nonnegative();
const HealthCounts = z.object({ failing: Count, degraded: Count, unknown: Count, healthy: Count });
const HealthProblem = z.object({ id: z.string(), kind: EntityKind, name: z.string(), health: Health, reason: z.string(), observedAt: z.number() });
const HealthGroup = z.object({
  id: z.string(),
  kind: z.enum(['cloud', 'cluster', 'namespace']),
  name: z.string(),
  within: z.string().nullable(),
  health: Health,
  counts: HealthCounts,
  total: Count,
  /** Its worst problem (the one its row shows); problemCount says how many it has. */
  problems: z.array(HealthProblem).max(1),
  problemCount: Count,
});

/** How many of the overview's problem rows `estate.overview` lists: a screenful and then some. */
export const overviewRowsListed = 200;
/** How many namespaces (worst first) `estate.overview` lists: at 50,000 pods there are thousands, most of the answer. */
export const overviewNamespacesListed = 100;

/**
 * The estate overview as the engine keeps it (shared/estate/overview.ts and running-summary.ts,
 * the same code the console runs over its own copy), so the console can draw the overview while
 * the estate itself is still on its way. It is the estate at `frame`: the same numbers the
 * console works out once it has the snapshot of that frame. The problem list is the first
 * `overviewRowsListed` rows of `rowCount`, each with where it lives and its source (the console
 * cannot look those up before it holds the entities), the worst `overviewNamespacesListed`
 * namespaces of `namespaceCount`, and each group carries only its worst problem, the one its row
 * shows.
 */
export const EstateOverviewAnswer = z.object({
  health: Health,
  counts: HealthCounts,
  total: Count,
  clouds: z.array(HealthGroup),
  clusters: z.array(HealthGroup),
  /** The first `overviewNamespacesListed` of `namespaceCount`, worst first. */
  namespaces: z.array(HealthGroup).max(overviewNamespacesListed),
  namespaceCount: Count,
  problemCount: Count,
  rows: z
    .array(
      z.object({
        problem: HealthProblem,
        effective: Health,
        pods: HealthCounts.nullable(),
        location: z.string(),
        sourceId: z.string(),
      }),
    )
    .max(overviewRowsListed),
  rowCount: Count,
  /** Each listed group's sources and pods by health, keyed `${kind}|${id}` as the console keys them. */
  extras: z.array(z.object({ key: z.string(), sourceIds: z.array(z.string()), pods: HealthCounts })),
  sources: z.array(Source),
  asOf: z.number(),
  /** The last frame included. */
  frame: FrameNumber,
});
export type EstateOverviewAnswer = z.infer<typeof EstateOverviewAnswer>;

/** Added beside estateMethods so the contract lists it; see EstateOverviewAnswer. */
export const overviewEstateMethods = {
  'estate.overview': query(
    'The estate overview (health by cloud, cluster and namespace; what is wrong, worst first) as the engine keeps it, for drawing before the snapshot arrives.',
    NoParams,
    EstateOverviewAnswer,
  ),
};
