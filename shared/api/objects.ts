import { z } from 'zod';
import { mutation, query } from './define.js';

/**
 * A Kubernetes object as the API server has it now: YAML (managedFields folded, Secret values
 * masked), a `describe`-like summary and the kubectl command that prints the same. Fetched live
 * on every call, never from the estate cache.
 */

/** Another object in the entity's namespace the summary refers to (a Secret a pod mounts …). */
export const ObjectRef = z
  .object({
    kind: z.enum(['Secret', 'ConfigMap']),
    name: z.string().min(1).max(253),
  })
  .strict();
export type ObjectRef = z.infer<typeof ObjectRef>;

export const ObjectRequest = z
  .object({
    /** An estate entity with a Kubernetes object behind it. */
    entityId: z.string().min(1).max(4096),
    /** Read this object in the entity's namespace instead of the entity itself. */
    ref: ObjectRef.optional(),
  })
  .strict();
export type ObjectRequest = z.infer<typeof ObjectRequest>;

export const ContainerSummary = z.object({
  name: z.string(),
  init: z.boolean(),
  image: z.string(),
  ports: z.array(z.string()),
  /** "liveness: http-get :8080/healthz delay=10s timeout=1s period=10s" */
  probes: z.array(z.string()),
  /** "requests cpu=100m memory=128Mi", "limits …" */
  resources: z.array(z.string()),
  /** Environment variables by name; values from Secrets and ConfigMaps say where from, never the value. */
  env: z.array(z.string()),
  mounts: z.array(z.string()),
  /** From the pod's status: "Running since …", "Waiting: CrashLoopBackOff", with restarts and last exit. */
  state: z.string().nullable(),
});
export type ContainerSummary = z.infer<typeof ContainerSummary>;

export const ObjectSummary = z.object({
  /** Top facts in describe's order: Namespace, Node, Status, Replicas, Selector … */
  facts: z.array(z.tuple([z.string(), z.string()])),
  containers: z.array(ContainerSummary),
  conditions: z.array(z.object({ type: z.string(), status: z.string(), reason: z.string(), message: z.string() })),
  volumes: z.array(z.string()),
  /** Secrets and ConfigMaps the object refers to, openable as objects of their own. */
  references: z.array(ObjectRef),
});
export type ObjectSummary = z.infer<typeof ObjectSummary>;

export const ObjectView = z.object({
  kind: z.string(),
  name: z.string(),
  namespace: z.string().nullable(),
  context: z.string(),
  /** The object as YAML, managedFields folded out, Secret values masked unless revealed. */
  yaml: z.string(),
  /** managedFields as YAML on its own, to unfold on demand; null when the object has none. */
  managedFieldsYaml: z.string().nullable(),
  managedFieldsCount: z.number().int().nonnegative(),
  /** Keys of a Secret's data/stringData whose values are masked in `yaml` (empty once revealed). */
  maskedKeys: z.array(z.string()),
  summary: ObjectSummary,
  /** `kubectl --context … -n … get deploy/x -o yaml`, shell-quoted. */
  kubectl: z.string(),
  /** Epoch ms the API server answered. */
  fetchedAt: z.number(),
});
export type ObjectView = z.infer<typeof ObjectView>;

export const objectMethods = {
  'objects.get': query(
    'A Kubernetes object live from its API server: YAML with Secret values masked, a describe-like summary and the kubectl command.',
    ObjectRequest,
    ObjectView,
  ),
  'objects.revealSecret': mutation(
    'A Secret with its values shown; every reveal is written to the audit log first.',
    ObjectRequest.extend({ ref: ObjectRef.extend({ kind: z.literal('Secret') }).strict().optional() }).strict(),
    ObjectView,
  ),
};
