import type { ClusterCalls } from '../kubernetes/cluster-calls.js';

/**
 * OpenFeature's FeatureFlag custom resource (core.openfeature.dev/v1beta1), as the OpenFeature
 * operator defines it and flagd's Kubernetes sync reads it: `spec.flagSpec.flags.<key>` holds
 * each flag's `state` (ENABLED | DISABLED), `variants`, `defaultVariant` and optional
 * `targeting` (https://flagd.dev/reference/flag-definitions/). flagd serves a DISABLED flag as
 * "not found", so the application falls back to the default in its own code.
 */

export const FEATURE_FLAG_GROUP = 'core.openfeature.dev';
export const FEATURE_FLAG_VERSION = 'v1beta1';
export const FEATURE_FLAG_RESOURCE = 'featureflags';

export type FlagState = 'ENABLED' | 'DISABLED';

export interface FlagDefinition {
  state: FlagState;
  defaultVariant: string;
  variants: Record<string, unknown>;
  targeting?: Record<string, unknown>;
}

export interface FeatureFlagObject {
  apiVersion?: string;
  kind?: string;
  metadata: { name: string; namespace?: string; uid?: string; resourceVersion?: string; generation?: number };
  spec?: { flagSpec?: { flags?: Record<string, Partial<FlagDefinition>> } };
}

export function featureFlagPath(namespace: string, name: string): string {
  return `/apis/${FEATURE_FLAG_GROUP}/${FEATURE_FLAG_VERSION}/namespaces/${encodeURIComponent(namespace)}/${FEATURE_FLAG_RESOURCE}/${encodeURIComponent(name)}`;
}

/** The resource, or undefined when it (or the CRD) does not exist on the cluster. */
export function findFeatureFlag(calls: ClusterCalls, namespace: string, name: string): Promise<FeatureFlagObject | undefined> {
  return calls.find<FeatureFlagObject>(featureFlagPath(namespace, name));
}

/** The flags of a resource, with the fields flagd requires filled as flagd reads them. */
export function flagsOf(resource: FeatureFlagObject): Map<string, FlagDefinition> {
  const out = new Map<string, FlagDefinition>();
  for (const [key, flag] of Object.entries(resource.spec?.flagSpec?.flags ?? {})) {
    if (!flag || typeof flag !== 'object') continue;
    out.set(key, {
      state: flag.state === 'DISABLED' ? 'DISABLED' : 'ENABLED',
      defaultVariant: typeof flag.defaultVariant === 'string' ? flag.defaultVariant : '',
      variants: flag.variants && typeof flag.variants === 'object' ? flag.variants : {},
      ...(flag.targeting && typeof flag.targeting === 'object' ? { targeting: flag.targeting } : {}),
    });
  }
  return out;
}

/**
 * The JSON merge patch (RFC 7386) that changes one flag's state or default variant and nothing
 * else: merge patches recurse into maps, so the other flags, the variants and the targeting
 * stay as they are. The resourceVersion makes the API server refuse it with 409 if the object
 * moved since it was read.
 */
export function flagPatch(flag: string, change: { state?: FlagState; defaultVariant?: string }, resourceVersion?: string): Record<string, unknown> {
  return {
    ...(resourceVersion ? { metadata: { resourceVersion } } : {}),
    spec: { flagSpec: { flags: { [flag]: { ...(change.state ? { state: change.state } : {}), ...(change.defaultVariant !== undefined ? { defaultVariant: change.defaultVariant } : {}) } } } },
  };
}
