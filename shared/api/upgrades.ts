import { z } from 'zod';
import { query } from './define.js';

/**
 * Upgrade readiness (issue 18, part 3): what stands between a cluster and its next Kubernetes
 * minor version, read live from the cluster's own API (discovery, /version, nodes, workloads
 * and PodDisruptionBudgets), each finding naming the objects and what to do about them.
 */

/** "1.31" or "v1.31" (a patch part is accepted and ignored). */
export const MinorVersion = z
  .string()
  .trim()
  .regex(/^v?1\.\d{1,3}(\.\d{1,4})?$/, 'a Kubernetes version like "1.31"')
  .transform((v) => v.replace(/^v/, '').split('.').slice(0, 2).join('.'));

export const FindingCategory = z.enum(['removed-api', 'version-skew', 'drain-downtime', 'drain-blocked']);
export type FindingCategory = z.infer<typeof FindingCategory>;

export const FindingSeverity = z.enum(['blocker', 'warning', 'info']);
export type FindingSeverity = z.infer<typeof FindingSeverity>;

export const ObjectRef = z.object({
  kind: z.string(),
  namespace: z.string().nullable(),
  name: z.string(),
  /** The estate entity id, for a link; null for kinds the estate does not model. */
  entityId: z.string().nullable(),
});
export type ObjectRef = z.infer<typeof ObjectRef>;

export const Finding = z.object({
  category: FindingCategory,
  severity: FindingSeverity,
  title: z.string(),
  detail: z.string(),
  /** What to do about it. */
  action: z.string(),
  objects: z.array(ObjectRef),
});
export type Finding = z.infer<typeof Finding>;

export const NodeVersion = z.object({
  name: z.string(),
  kubeletVersion: z.string(),
  minor: z.string().nullable(),
  ready: z.boolean(),
  unschedulable: z.boolean(),
  /** A control-plane node: upgraded with the control plane, not replaced by the guided upgrade. */
  controlPlane: z.boolean(),
  /** Below the target version: to be replaced (cordoned, drained, removed) by the upgrade. */
  old: z.boolean(),
});
export type NodeVersion = z.infer<typeof NodeVersion>;

export const ReadinessReport = z.object({
  cluster: z.string(),
  context: z.string(),
  controlPlaneVersion: z.string(),
  currentMinor: z.string(),
  targetMinor: z.string(),
  nodes: z.array(NodeVersion),
  /** API group/versions the cluster serves that the removal table says go away. */
  deprecatedServed: z.array(z.object({ groupVersion: z.string(), removedIn: z.string() })),
  findings: z.array(Finding),
  /** The bundled runbook that upgrades the old nodes one at a time, and its parameters. */
  guidedUpgrade: z.object({ runbookId: z.string(), parameters: z.record(z.string(), z.union([z.string(), z.number()])) }),
  at: z.number().int(),
});
export type ReadinessReport = z.infer<typeof ReadinessReport>;

export const upgradeMethods = {
  'upgrades.readiness': query(
    "A cluster's upgrade-readiness report for a target minor version (default: the next one), read live from its API.",
    z
      .object({
        /** The cluster key, as in the entity id k8s:<cluster>. */
        cluster: z.string().min(1).max(300),
        targetVersion: MinorVersion.optional(),
      })
      .strict(),
    z.object({ report: ReadinessReport }),
  ),
};
