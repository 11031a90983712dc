import { CRD_STORE_KEY, type CustomResourceDefinition } from './custom-resources.js';
import { establishedStatus } from './custom-resources.js';
import type { ObjectStore } from './store.js';
import { rfc3339 } from './time.js';

/**
 * CustomResourceDefinitions every sandbox cluster is born with, as a cluster where their
 * operators are installed would have them. Each is the upstream definition, unchanged in
 * what it accepts, so a manifest written for the real operator applies here too.
 */

/**
 * OpenFeature's FeatureFlag (core.openfeature.dev/v1beta1), as the OpenFeature operator installs
 * it and flagd's Kubernetes sync reads it
 * (open-feature/open-feature-operator, config/crd/bases/core.openfeature.dev_featureflags.yaml).
 */
export const featureFlagCrd: CustomResourceDefinition = {
  apiVersion: 'apiextensions.k8s.io/v1',
  kind: 'CustomResourceDefinition',
  metadata: { name: 'featureflags.core.openfeature.dev', annotations: { 'controller-gen.kubebuilder.io/version': 'v0.10.0' }, uid: '', resourceVersion: '', creationTimestamp: '' },
  spec: {
    group: 'core.openfeature.dev',
    names: { kind: 'FeatureFlag', listKind: 'FeatureFlagList', plural: 'featureflags', shortNames: ['ff'], singular: 'featureflag' },
    scope: 'Namespaced',
    versions: [
      {
        name: 'v1beta1',
        served: true,
        storage: true,
        subresources: { status: {} },
        schema: {
          openAPIV3Schema: {
            description: 'FeatureFlag is the Schema for the featureflags API',
            type: 'object',
            properties: {
              apiVersion: { type: 'string' },
              kind: { type: 'string' },
              metadata: { type: 'object' },
              spec: {
                description: 'FeatureFlagSpec defines the desired state of FeatureFlag',
                type: 'object',
                properties: {
                  flagSpec: {
                    description: 'FlagSpec is the structured representation of the feature flag specification',
                    type: 'object',
                    required: ['flags'],
                    properties: {
                      $evaluators: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true },
                      flags: {
                        type: 'object',
                        additionalProperties: {
                          type: 'object',
                          required: ['defaultVariant', 'state', 'variants'],
                          properties: {
                            defaultVariant: { type: 'string' },
                            state: { type: 'string', enum: ['ENABLED', 'DISABLED'] },
                            targeting: { description: 'Targeting is the json targeting rule', type: 'object', 'x-kubernetes-preserve-unknown-fields': true },
                            variants: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true },
                          },
                        },
                      },
                    },
                  },
                },
              },
              status: { description: 'FeatureFlagStatus defines the observed state of FeatureFlag', type: 'object' },
            },
          },
        },
      },
    ],
  },
};

export const bundledCrds: readonly CustomResourceDefinition[] = [featureFlagCrd];

/** Puts the bundled definitions into a new cluster's store, established. */
export function installBundledCrds(store: ObjectStore, now: number): void {
  for (const definition of bundledCrds) {
    const crd = structuredClone(definition);
    crd.status = establishedStatus(crd, rfc3339(now));
    store.create(CRD_STORE_KEY, crd);
  }
}
