import { z } from 'zod';

/**
 * Something that happened to an entity, as its source reported it: a Kubernetes Event, an
 * alarm transition, a deploy. Events are history, not state, so the engine keeps them in the
 * store (bounded) rather than in memory, and serves the recent ones with an entity's detail.
 */
export const EstateEventType = z.enum(['normal', 'warning']);
export type EstateEventType = z.infer<typeof EstateEventType>;

export const EstateEvent = z.object({
  /** Stable per occurrence, so a repeated Kubernetes event (count 1 → 7) updates one row. */
  id: z.string(),
  sourceId: z.string(),
  /** The entity it is about (Kubernetes involvedObject mapped to an entity id), if known. */
  entityId: z.string().nullable(),
  type: EstateEventType,
  /** Short machine-ish cause as the source spells it: BackOff, FailedScheduling, ALARM … */
  reason: z.string(),
  message: z.string(),
  count: z.number().int().nonnegative(),
  /** Epoch ms of the first and latest occurrence. */
  firstAt: z.number(),
  lastAt: z.number(),
});
export type EstateEvent = z.infer<typeof EstateEvent>;
