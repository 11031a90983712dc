import { type ResourceType, RESOURCES, crud, scaleSub, statusSub } from './resources.js';
import type { ObjectStore } from './store.js';
import type { KubeObject } from './types.js';

/**
 * Custom resources: every served version of every established CustomResourceDefinition in a
 * cluster becomes a resource the API server routes, discovers and stores generically, as
 * kube-apiserver's apiextensions server does
 * (https://kubernetes.io/docs/tasks/extend-kubernetes/custom-resources/custom-resource-definitions/).
 */

export const CRD_STORE_KEY = 'customresourcedefinitions.apiextensions.k8s.io';

export interface CrdVersion {
  name: string;
  served?: boolean;
  storage?: boolean;
  schema?: { openAPIV3Schema?: Record<string, unknown> };
  subresources?: { status?: unknown; scale?: unknown };
  additionalPrinterColumns?: unknown[];
}

export interface CustomResourceDefinition extends KubeObject {
  spec: {
    group: string;
    scope: 'Namespaced' | 'Cluster';
    names: { plural: string; singular?: string; kind: string; listKind?: string; shortNames?: string[]; categories?: string[] };
    versions: CrdVersion[];
  };
  status?: Record<string, unknown>;
}

export function customResources(store: ObjectStore): ResourceType[] {
  const out: ResourceType[] = [];
  for (const crd of store.objects<CustomResourceDefinition>(CRD_STORE_KEY)) {
    if (crd.metadata.deletionTimestamp) continue;
    const { group, names, scope } = crd.spec;
    for (const v of crd.spec.versions ?? []) {
      if (v.served === false) continue;
      out.push({
        group,
        version: v.name,
        kind: names.kind,
        plural: names.plural,
        singular: names.singular ?? names.kind.toLowerCase(),
        namespaced: scope !== 'Cluster',
        verbs: crud,
        ...(names.shortNames ? { shortNames: names.shortNames } : {}),
        ...(names.categories ? { categories: names.categories } : {}),
        subresources: [...(v.subresources?.status ? [statusSub] : []), ...(v.subresources?.scale ? [scaleSub] : [])],
        stored: true,
        custom: true,
      });
    }
  }
  return out;
}

/** The schema a CRD declares for one version, for OpenAPI and explain. */
export function customSchema(store: ObjectStore, r: ResourceType): Record<string, unknown> | undefined {
  const crd = store.get<CustomResourceDefinition>(CRD_STORE_KEY, undefined, `${r.plural}.${r.group}`);
  return crd?.spec.versions.find((v) => v.name === r.version)?.schema?.openAPIV3Schema;
}

/** Everything a cluster serves: the built-in resources and its custom ones. */
export function servedResources(store: ObjectStore): readonly ResourceType[] {
  const custom = customResources(store);
  return custom.length ? [...RESOURCES, ...custom] : RESOURCES;
}


/** What the apiextensions controllers write once a CRD is accepted: its names, Established. */
export function establishedStatus(crd: CustomResourceDefinition, now: string): Record<string, unknown> {
  const condition = (type: string, reason: string, message: string) => ({ type, status: 'True', lastTransitionTime: now, reason, message });
  return {
    acceptedNames: { ...crd.spec.names, listKind: crd.spec.names.listKind ?? `${crd.spec.names.kind}List`, singular: crd.spec.names.singular ?? crd.spec.names.kind.toLowerCase() },
    conditions: [condition('NamesAccepted', 'NoConflicts', 'no conflicts found'), condition('Established', 'InitialNamesAccepted', 'the initial names have been accepted')],
    storedVersions: crd.spec.versions.filter((v) => v.storage).map((v) => v.name),
  };
}
