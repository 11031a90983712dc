import { describe, expect, it } from 'vitest';
import { PlanRequest, operationParams } from '../../../shared/api/operations.js';
import { parseFlagRefs } from '../../../shared/flags/flag-refs.js';
import { rolloutOf, soleVariant } from '../../../electron/engine/providers/unleash/admin-api.js';
import type { UnleashStrategy } from '../../../electron/engine/providers/unleash/admin-api.js';
import { flagPatch } from '../../../electron/engine/providers/openfeature/feature-flag-resource.js';
import { parseUnleashTarget } from '../../../electron/engine/operations/kinds/unleash-flag.js';
import { normaliseUnleashUrl } from '../../../electron/engine/sources/unleash-connections.js';

describe('a workload names the flags it uses in daytwo.io/feature-flags', () => {
  it('reads FeatureFlag resources in its namespace or another, one flag of them, and Unleash features', () => {
    const { refs, problems } = parseFlagRefs('openfeature:checkout-flags, openfeature:platform/shared-flags#dark-mode unleash:new-checkout unleash:payments/3ds-v2', 'shop');
    expect(problems).toEqual([]);
    expect(refs).toEqual([
      { backend: 'openfeature', namespace: 'shop', name: 'checkout-flags', flag: null },
      { backend: 'openfeature', namespace: 'platform', name: 'shared-flags', flag: 'dark-mode' },
      { backend: 'unleash', project: 'default', feature: 'new-checkout' },
      { backend: 'unleash', project: 'payments', feature: '3ds-v2' },
    ]);
  });

  it('says which references it cannot read, keeps the rest, and counts a repeated one once', () => {
    const { refs, problems } = parseFlagRefs('launchdarkly:x, openfeature:Bad_Name, unleash:a/b/c, checkout-flags, checkout-flags', 'shop');
    expect(refs).toEqual([{ backend: 'openfeature', namespace: 'shop', name: 'checkout-flags', flag: null }]);
    expect(problems).toHaveLength(3);
    expect(problems[0]).toContain('names no flag system');
  });
});

describe('flag operations refuse what cannot be meant', () => {
  it('an OpenFeature change must say what to change, with a state flagd knows', () => {
    expect(operationParams['openfeature-flag'].safeParse({ flag: 'new-welcome-banner' }).success).toBe(false);
    expect(operationParams['openfeature-flag'].safeParse({ flag: 'new-welcome-banner', state: 'OFF' }).success).toBe(false);
    expect(operationParams['openfeature-flag'].safeParse({ flag: 'new-welcome-banner', state: 'DISABLED' }).success).toBe(true);
    expect(operationParams['openfeature-flag'].safeParse({ flag: 'a b', state: 'DISABLED' }).success).toBe(false);
  });

  it('an Unleash change names its environment and keeps a rollout within 0–100', () => {
    const params = operationParams['unleash-flag'];
    expect(params.safeParse({ enabled: false }).success).toBe(false);
    expect(params.safeParse({ environment: 'production' }).success).toBe(false);
    expect(params.safeParse({ environment: 'production', rolloutPercentage: 101 }).success).toBe(false);
    expect(params.safeParse({ environment: 'production', rolloutPercentage: 12.5 }).success).toBe(false);
    expect(params.safeParse({ environment: 'production', rolloutPercentage: 0 }).success).toBe(true);
    expect(params.safeParse({ environment: '../admin', enabled: true }).success).toBe(false);
  });

  it('targets are the kind each system addresses', () => {
    const unleash = 'unleash:https://unleash.example.com/projects/default/features/new-checkout';
    expect(PlanRequest.safeParse({ kind: 'unleash-flag', target: unleash, params: { environment: 'production', enabled: false } }).success).toBe(true);
    expect(PlanRequest.safeParse({ kind: 'unleash-flag', target: 'k8s:c/ns/FeatureFlag/x', params: { environment: 'production', enabled: false } }).success).toBe(false);
    expect(PlanRequest.safeParse({ kind: 'openfeature-flag', target: unleash, params: { flag: 'x', state: 'DISABLED' } }).success).toBe(false);
    expect(parseUnleashTarget(unleash)).toMatchObject({ url: 'https://unleash.example.com', project: 'default', feature: 'new-checkout', sourceId: 'unleash:https://unleash.example.com', name: 'new-checkout' });
  });
});

describe('what Daytwo sends and reads back', () => {
  it('patches one flag and nothing else, as a merge patch', () => {
    expect(flagPatch('new-welcome-banner', { state: 'DISABLED' })).toEqual({ spec: { flagSpec: { flags: { 'new-welcome-banner': { state: 'DISABLED' } } } } });
  });

  it("reads Unleash's rollout and the variant everybody gets", () => {
    const strategy = (variants: UnleashStrategy['variants'], rollout = '25'): UnleashStrategy => ({ id: 's', name: 'flexibleRollout', parameters: { rollout }, constraints: [], variants, segments: [] });
    expect(rolloutOf(strategy([]))).toBe(25);
    expect(rolloutOf(undefined)).toBeNull();
    const split = [
      { name: 'blue', weight: 500, weightType: 'variable' as const, stickiness: 'default' },
      { name: 'green', weight: 500, weightType: 'variable' as const, stickiness: 'default' },
    ];
    expect(soleVariant(strategy(split))).toBeNull();
    expect(soleVariant(strategy([{ ...split[0]!, weightType: 'fix', weight: 0 }, { ...split[1]!, weight: 1000 }]))).toBe('green');
  });

  it('keys an Unleash server by its base URL, and keeps tokens out of URLs', () => {
    expect(normaliseUnleashUrl('https://unleash.example.com/api/admin/')).toBe('https://unleash.example.com');
    expect(normaliseUnleashUrl('http://127.0.0.1:4242')).toBe('http://127.0.0.1:4242');
    expect(() => normaliseUnleashUrl('https://user:secret@unleash.example.com')).toThrow(/token field/);
    expect(() => normaliseUnleashUrl('ftp://unleash.example.com')).toThrow(/http/);
  });
});
