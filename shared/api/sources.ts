import { z } from 'zod';
import { NoParams, mutation, query, topic } from './define.js';

export const SourceKind = z.enum(['kubernetes', 'aws', 'prometheus', 'alertmanager', 'pagerduty']);
export type SourceKind = z.infer<typeof SourceKind>;

export const SourceState = z.enum(['connecting', 'live', 'degraded', 'offline', 'unauthorized', 'error', 'disabled']);
export type SourceState = z.infer<typeof SourceState>;

/** A configured backend and how fresh what we know of it is. Never carries a credential. */
export const Source = z.object({
  id: z.string(),
  kind: SourceKind,
  name: z.string(),
  /** Where it points, for a person to recognise (server URL, profile/region). */
  location: z.string(),
  state: SourceState,
  /** Why it is in that state, in words. */
  reason: z.string(),
  /** What the user can do about it, when it is not live. */
  remedy: z.string().optional(),
  /** Epoch ms of the last successful sync, or null if never. */
  lastSyncAt: z.number().nullable(),
  enabled: z.boolean(),
  sandbox: z.boolean(),
});
export type Source = z.infer<typeof Source>;

export const sourceMethods = {
  'sources.list': query('Every configured source with its status.', NoParams, z.object({ sources: z.array(Source) })),
  'sources.setEnabled': mutation(
    'Switch a source on or off; the choice is kept in settings.disabledSources. Off stops its watches and drops its objects.',
    z.object({ id: z.string().min(1).max(500), enabled: z.boolean() }).strict(),
    z.object({ source: Source }),
  ),
};

export const sourceTopics = {
  'sources.subscribe': topic(
    'The full source list, pushed whenever any source changes state.',
    NoParams,
    z.object({ sources: z.array(Source) }),
  ),
};
