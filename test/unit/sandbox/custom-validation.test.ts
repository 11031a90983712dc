import { describe, expect, test } from 'vitest';
import { installBundledCrds } from '../../../electron/engine/sandbox/kube/bundled-crds.js';
import { customResources } from '../../../electron/engine/sandbox/kube/custom-resources.js';
import { validateCustomObject } from '../../../electron/engine/sandbox/kube/custom-validation.js';
import { StatusError } from '../../../electron/engine/sandbox/kube/status.js';
import { ObjectStore } from '../../../electron/engine/sandbox/kube/store.js';
import type { KubeObject } from '../../../electron/engine/sandbox/kube/types.js';
import { SeededRandom } from '../../../electron/engine/sandbox/world/random.js';

/** A sandbox cluster's store with the bundled CRDs, and the FeatureFlag resource they serve. */
function featureFlags() {
  const store = new ObjectStore('test', new SeededRandom(1), () => 0);
  installBundledCrds(store, 0);
  const resource = customResources(store).find((r) => r.kind === 'FeatureFlag');
  if (!resource) throw new Error('FeatureFlag is not served');
  return { store, resource };
}

function flag(spec: unknown): KubeObject {
  return { apiVersion: 'core.openfeature.dev/v1beta1', kind: 'FeatureFlag', metadata: { name: 'f', namespace: 'ns', uid: '', resourceVersion: '', creationTimestamp: '' }, spec } as KubeObject;
}

function refusal(run: () => void): string {
  try {
    run();
  } catch (error) {
    if (error instanceof StatusError) return error.message;
    throw error;
  }
  return 'accepted';
}

describe('custom objects are checked against their CRD schema, as kube-apiserver does', () => {
  test('every sandbox cluster serves the OpenFeature FeatureFlag, namespaced, with a status subresource', () => {
    const { resource } = featureFlags();
    expect(resource).toMatchObject({ group: 'core.openfeature.dev', version: 'v1beta1', plural: 'featureflags', namespaced: true, shortNames: ['ff'] });
    expect(resource.subresources?.map((s) => s.name)).toEqual(['status']);
  });

  test('a valid flag passes; variants and targeting keep whatever they hold', () => {
    const { store, resource } = featureFlags();
    const ok = flag({ flagSpec: { flags: { banner: { state: 'ENABLED', defaultVariant: 'on', variants: { on: { nested: [1, 'x'] }, off: false }, targeting: { if: [{ var: 'email' }, 'on', null] } } } } });
    expect(refusal(() => validateCustomObject(store, resource, ok))).toBe('accepted');
  });

  test('an unknown state, a missing field and a wrong type are refused with the field named', () => {
    const { store, resource } = featureFlags();
    expect(refusal(() => validateCustomObject(store, resource, flag({ flagSpec: { flags: { banner: { state: 'MAYBE', defaultVariant: 'on', variants: {} } } } })))).toBe(
      'FeatureFlag.core.openfeature.dev "f" is invalid: spec.flagSpec.flags.banner.state: Unsupported value: "MAYBE": supported values: "ENABLED", "DISABLED"',
    );
    expect(refusal(() => validateCustomObject(store, resource, flag({ flagSpec: { flags: { banner: { state: 'ENABLED', variants: {} } } } })))).toContain('spec.flagSpec.flags.banner.defaultVariant: Required value');
    expect(refusal(() => validateCustomObject(store, resource, flag({ flagSpec: {} })))).toContain('spec.flagSpec.flags: Required value');
    expect(refusal(() => validateCustomObject(store, resource, flag({ flagSpec: { flags: 'all' } })))).toContain('spec.flagSpec.flags in body must be of type object: "string"');
  });
});
