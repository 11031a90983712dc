import { z } from 'zod';
import { NoParams, query, topic } from './define.js';
import { Source } from './sources.js';
import { Entity, EstateDelta, Relation } from '../estate/model.js';
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
