import { z } from 'zod';
import { NoParams, mutation, query } from './define.js';

/**
 * Feature flags on the services that use them (issue 18, "Switch off a feature"): OpenFeature
 * FeatureFlag resources read through each cluster's Kubernetes API, and Unleash features read
 * through its Admin API. Changes go through operations.plan with the `openfeature-flag` and
 * `unleash-flag` kinds. No result ever carries an Unleash token.
 */

export const FlagBackend = z.enum(['openfeature', 'unleash']);
export type FlagBackend = z.infer<typeof FlagBackend>;

/** A flag's state in one environment: a cluster for OpenFeature, an Unleash environment. */
export const FlagEnvironment = z.object({
  /** The cluster's name (OpenFeature) or the Unleash environment's name. */
  environment: z.string(),
  production: z.boolean(),
  enabled: z.boolean(),
  /** OpenFeature: the default variant; Unleash: the variant everybody gets, null for a split or none. */
  variant: z.string().nullable(),
  variants: z.array(z.string()),
  /** Unleash's flexibleRollout percentage; null without one (and for OpenFeature). */
  rollout: z.number().nullable(),
  /** The operation target that changes it, and the params that name this flag and environment. */
  target: z.string(),
  params: z.record(z.string(), z.string()),
});
export type FlagEnvironment = z.infer<typeof FlagEnvironment>;

export const ServiceFlag = z.object({
  backend: FlagBackend,
  /** The flag key (OpenFeature) or feature name (Unleash). */
  key: z.string(),
  /** Where it lives: "FeatureFlag shop/checkout-flags", "Unleash default/new-checkout at https://…". */
  source: z.string(),
  environments: z.array(FlagEnvironment),
  /** The workloads whose annotation names it. */
  usedBy: z.array(z.string()),
});
export type ServiceFlag = z.infer<typeof ServiceFlag>;

export const UnleashConnectionStatus = z.object({
  id: z.string(),
  url: z.string(),
  state: z.enum(['live', 'unauthorized', 'offline', 'unknown']),
  reason: z.string(),
  /** The token's user as Unleash names it. */
  actingAs: z.string().nullable(),
  checkedAt: z.number().nullable(),
});
export type UnleashConnectionStatus = z.infer<typeof UnleashConnectionStatus>;

const UnleashUrl = z.string().url().max(500);

export const flagMethods = {
  'flags.forService': query(
    "The feature flags a service's workloads name in their daytwo.io/feature-flags annotation, with their state per environment, read live.",
    z.object({ serviceId: z.string().min(1).max(300) }).strict(),
    z.object({ flags: z.array(ServiceFlag), problems: z.array(z.string()) }),
  ),
  'flags.unleashConnections': query('The Unleash servers configured, with what the last call to each said. Never the token.', NoParams, z.object({ connections: z.array(UnleashConnectionStatus) })),
  'flags.connectUnleash': mutation(
    "Check an Unleash server's base URL and admin API token against the server, then keep them (the token in the vault).",
    z.object({ url: UnleashUrl, token: z.string().trim().min(8).max(500) }).strict(),
    z.object({ connection: UnleashConnectionStatus, persisted: z.boolean() }),
  ),
  'flags.disconnectUnleash': mutation('Forget an Unleash server and its token.', z.object({ url: UnleashUrl }).strict(), z.object({ url: z.string() })),
};
