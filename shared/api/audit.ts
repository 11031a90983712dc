import { z } from 'zod';
import { NoParams, query } from './define.js';
import { Confirmation, Diff, OperationKind, Risk } from './operations.js';

/**
 * The audit log: one append-only entry per operation attempt, each hash-chained to the one
 * before (SHA-256 over the previous hash and the entry's canonical JSON), so an edited,
 * removed or reordered entry is found by `audit.verify`.
 */

/**
 * What an entry records: an operation, or a Secret's values shown on purpose (objects.revealSecret),
 * which changes nothing in the cluster but is an act someone must answer for.
 */
export const AuditKind = z.enum([...OperationKind.options, 'reveal-secret']);
export type AuditKind = z.infer<typeof AuditKind>;

/** 'unverified': applied, but not verified (Daytwo stopped, and could not verify on restart). */
export const AuditOutcome = z.enum(['succeeded', 'failed', 'timed-out', 'refused', 'unverified']);
export type AuditOutcome = z.infer<typeof AuditOutcome>;

/** What is hashed: everything about the attempt, nothing derived from the chain. */
export const AuditRecord = z.object({
  /** Position in the log, from 1; part of the hashed body so renumbering is detected. */
  seq: z.number().int().min(1),
  at: z.number(),
  who: z.object({
    /** The operating-system account that ran Daytwo. */
    osUser: z.string(),
    /** The Kubernetes identity used: the kubeconfig user of the context. */
    kubeUser: z.string().nullable(),
    context: z.string(),
  }),
  what: z.object({ kind: AuditKind, summary: z.string() }),
  target: z.string(),
  plan: z.object({
    id: z.string(),
    params: z.record(z.string(), z.unknown()),
    diff: Diff,
    risks: z.array(Risk),
    confirmation: Confirmation.shape.level,
  }),
  operationId: z.string().nullable(),
  outcome: z.object({ result: AuditOutcome, message: z.string() }),
  timings: z.object({
    plannedAt: z.number(),
    executedAt: z.number().nullable(),
    finishedAt: z.number(),
    durationMs: z.number().nullable(),
  }),
});
export type AuditRecord = z.infer<typeof AuditRecord>;

export const AuditEntry = AuditRecord.extend({
  prevHash: z.string(),
  hash: z.string(),
});
export type AuditEntry = z.infer<typeof AuditEntry>;

export const AuditFilter = z
  .object({
    target: z.string().max(600).optional(),
    kind: AuditKind.optional(),
    outcome: AuditOutcome.optional(),
    /** Free text matched against target, summary, users and message. */
    text: z.string().max(200).optional(),
    since: z.number().optional(),
    until: z.number().optional(),
    limit: z.number().int().min(1).max(10_000).optional(),
  })
  .strict();
export type AuditFilter = z.infer<typeof AuditFilter>;

export const AuditVerification = z.object({
  ok: z.boolean(),
  /** Sequence number of the first entry that does not verify, or null. */
  brokenAt: z.number().nullable(),
  /** How many entries were checked. */
  checked: z.number(),
  /** What was wrong, in words: every finding, in one paragraph. */
  reason: z.string().nullable(),
  /**
   * Each thing found, one sentence each: a broken link, an edited filter column, a head row or
   * checkpoint file (outside the database) that disagrees with the log, truncation, a wipe.
   */
  findings: z.array(z.string()),
});
export type AuditVerification = z.infer<typeof AuditVerification>;

export const auditMethods = {
  'audit.list': query('Audit entries, newest first, optionally filtered.', AuditFilter.default({}), z.object({ entries: z.array(AuditEntry) })),
  'audit.verify': query(
    'Recompute the hash chain, check the filter columns, the head row and the checkpoint file outside the database, and say what disagrees.',
    NoParams,
    AuditVerification,
  ),
  'audit.export': query(
    'Audit entries (oldest first) as JSON Lines, one entry per line, with their hashes.',
    AuditFilter.default({}),
    z.object({ fileName: z.string(), jsonl: z.string(), count: z.number() }),
  ),
};
