import { z } from 'zod';

/**
 * Something that happened to an entity, as its source reported it: a Kubernetes Event, an
 * alarm transition, a deploy. Events are history, not state, so the engine keeps them in the
 * store (bounded) rather than in memory, and serves the recent ones with an entity's detail.
 */
export const EstateEventType = z.enum(['normal', 'warning']);
export type EstateEventType = z.infer<typeof EstateEventType>;

/**
 * Where an event comes from, for filtering a timeline: a Kubernetes Event, a CloudWatch alarm
 * transition, a Prometheus/Alertmanager alert, or an operation Daytwo ran.
 */
export const EstateEventKind = z.enum(['kubernetes', 'alarm', 'alert', 'operation']);
export type EstateEventKind = z.infer<typeof EstateEventKind>;

export const EstateEvent = z.object({
  /** Stable per occurrence, so a repeated Kubernetes event (count 1 → 7) updates one row. */
  id: z.string(),
  sourceId: z.string(),
  /** The entity it is about (Kubernetes involvedObject mapped to an entity id), if known. */
  entityId: z.string().nullable(),
  kind: EstateEventKind,
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

/**
 * An event as the event store keeps it (electron/engine/store/event-store.ts), with its two
 * clocks: when it happened (`occurredAt`, the latest occurrence as the source reports it) and
 * when Daytwo learned of that occurrence (`recordedAt`). They differ after an outage: events
 * listed on reconnect happened long before they were recorded.
 */
export const RecordedEvent = EstateEvent.extend({
  occurredAt: z.number(),
  recordedAt: z.number(),
});
export type RecordedEvent = z.infer<typeof RecordedEvent>;
