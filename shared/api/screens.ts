import { z } from 'zod';
import { mutation, query } from './define.js';
import type { MethodName, TopicName } from './contract.js';

/**
 * Screen links: a token for a wall display, separate from the operator's, that may only read
 * (docs/architecture.md, "Screen links"). Method names are fixed by issue 14.
 */

const EpochMs = z.number().int().min(0);

/** What a screen token may do. Only the wallboard exists; the name leaves room for others. */
export const ScreenScope = z.enum(['wallboard']);
export type ScreenScope = z.infer<typeof ScreenScope>;

export const Screen = z.object({
  id: z.string(),
  label: z.string(),
  scope: ScreenScope,
  /** Pinned: the screen sees this incident only, and no other. */
  incidentId: z.string().nullable(),
  createdAt: EpochMs,
  expiresAt: EpochMs,
  revokedAt: EpochMs.nullable(),
  /** Last time the token was presented: the operator sees which displays are alive. */
  lastSeenAt: EpochMs.nullable(),
});
export type Screen = z.infer<typeof Screen>;

/** Longest a screen link may live: a war room lasts days, not months. */
export const maxScreenLifetimeMs = 30 * 24 * 3600_000;

export const CreateScreenParams = z
  .object({
    label: z.string().trim().min(1).max(100),
    scope: ScreenScope.default('wallboard'),
    incidentId: z.string().min(1).max(100).nullable().default(null),
    /** From now; a day by default. */
    expiresInMs: z.number().int().min(1000).max(maxScreenLifetimeMs).default(24 * 3600_000),
  })
  .strict();

export const screenMethods = {
  'screens.create': mutation(
    'Create a screen link: a read-only token for a wall display, optionally pinned to one incident, with an expiry. The token is shown once.',
    CreateScreenParams,
    z.object({ screen: Screen, token: z.string() }),
  ),
  'screens.list': query('Screen links, newest first, with expired and revoked ones marked.', z.object({}).strict(), z.object({ screens: z.array(Screen) })),
  'screens.revoke': mutation(
    'Revoke a screen link now: its token stops working and its open connection is closed.',
    z.object({ id: z.string().min(1).max(100) }).strict(),
    z.object({ screen: Screen }),
  ),
};

/**
 * Everything a screen token may call: the queries the wallboard reads. Anything else (every
 * mutation, the screens' own methods, audit, operations) is refused whatever mode the host runs
 * in. An allowlist, so a method added later is closed to screens until someone opens it.
 */
export const screenQueries: ReadonlySet<MethodName> = new Set<MethodName>([
  'app.info',
  'settings.get',
  'sources.list',
  'estate.snapshot',
  'estate.packedSnapshot',
  'estate.entity',
  'metrics.panels',
  'metrics.query',
  'alerts.list',
  'incidents.list',
  'incidents.get',
  'incidents.timeline',
  'runs.list',
  'runs.get',
]);

export const screenTopics: ReadonlySet<TopicName> = new Set<TopicName>(['sources.subscribe', 'estate.subscribe', 'incidents.subscribe', 'runs.subscribe']);
