/**
 * Which resources the sandbox's API server serves, and what discovery says about each. One
 * table drives discovery, routing, RBAC and OpenAPI, so they cannot disagree.
 */

export interface ResourceType {
  group: string;
  version: string;
  kind: string;
  plural: string;
  singular: string;
  namespaced: boolean;
  verbs: readonly string[];
  shortNames?: readonly string[];
  categories?: readonly string[];
  subresources?: readonly Subresource[];
  /** Virtual resources (reviews, metrics) are computed per request and never stored. */
  stored: boolean;
}

export interface Subresource {
  name: string;
  kind: string;
  group?: string;
  version?: string;
  verbs: readonly string[];
}

const crud = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'] as const;
const readOnly = ['get', 'list'] as const;
const statusSub: Subresource = { name: 'status', kind: '', verbs: ['get', 'patch', 'update'] };
const scaleSub: Subresource = { name: 'scale', kind: 'Scale', group: 'autoscaling', version: 'v1', verbs: ['get', 'patch', 'update'] };

export const RESOURCES: readonly ResourceType[] = [
  { group: '', version: 'v1', kind: 'Namespace', plural: 'namespaces', singular: 'namespace', namespaced: false, verbs: ['create', 'delete', 'get', 'list', 'patch', 'update', 'watch'], shortNames: ['ns'], subresources: [statusSub], stored: true },
  { group: '', version: 'v1', kind: 'Node', plural: 'nodes', singular: 'node', namespaced: false, verbs: crud, shortNames: ['no'], subresources: [statusSub], stored: true },
  {
    group: '', version: 'v1', kind: 'Pod', plural: 'pods', singular: 'pod', namespaced: true, verbs: crud, shortNames: ['po'], categories: ['all'], stored: true,
    subresources: [statusSub, { name: 'eviction', kind: 'Eviction', group: 'policy', version: 'v1', verbs: ['create'] }, { name: 'log', kind: 'Pod', verbs: ['get'] }],
  },
  { group: '', version: 'v1', kind: 'Service', plural: 'services', singular: 'service', namespaced: true, verbs: crud.filter((v) => v !== 'deletecollection'), shortNames: ['svc'], categories: ['all'], subresources: [statusSub], stored: true },
  { group: '', version: 'v1', kind: 'Endpoints', plural: 'endpoints', singular: 'endpoints', namespaced: true, verbs: crud, shortNames: ['ep'], stored: true },
  { group: '', version: 'v1', kind: 'Event', plural: 'events', singular: 'event', namespaced: true, verbs: crud, shortNames: ['ev'], stored: true },
  { group: '', version: 'v1', kind: 'ConfigMap', plural: 'configmaps', singular: 'configmap', namespaced: true, verbs: crud, shortNames: ['cm'], stored: true },
  { group: '', version: 'v1', kind: 'ServiceAccount', plural: 'serviceaccounts', singular: 'serviceaccount', namespaced: true, verbs: crud, shortNames: ['sa'], stored: true },
  { group: 'apps', version: 'v1', kind: 'Deployment', plural: 'deployments', singular: 'deployment', namespaced: true, verbs: crud, shortNames: ['deploy'], categories: ['all'], subresources: [statusSub, scaleSub], stored: true },
  { group: 'apps', version: 'v1', kind: 'ReplicaSet', plural: 'replicasets', singular: 'replicaset', namespaced: true, verbs: crud, shortNames: ['rs'], categories: ['all'], subresources: [statusSub, scaleSub], stored: true },
  { group: 'apps', version: 'v1', kind: 'StatefulSet', plural: 'statefulsets', singular: 'statefulset', namespaced: true, verbs: crud, shortNames: ['sts'], categories: ['all'], subresources: [statusSub, scaleSub], stored: true },
  { group: 'apps', version: 'v1', kind: 'DaemonSet', plural: 'daemonsets', singular: 'daemonset', namespaced: true, verbs: crud, shortNames: ['ds'], categories: ['all'], subresources: [statusSub], stored: true },
  { group: 'apps', version: 'v1', kind: 'ControllerRevision', plural: 'controllerrevisions', singular: 'controllerrevision', namespaced: true, verbs: crud, stored: true },
  { group: 'networking.k8s.io', version: 'v1', kind: 'Ingress', plural: 'ingresses', singular: 'ingress', namespaced: true, verbs: crud, shortNames: ['ing'], subresources: [statusSub], stored: true },
  { group: 'networking.k8s.io', version: 'v1', kind: 'IngressClass', plural: 'ingressclasses', singular: 'ingressclass', namespaced: false, verbs: crud, stored: true },
  { group: 'autoscaling', version: 'v2', kind: 'HorizontalPodAutoscaler', plural: 'horizontalpodautoscalers', singular: 'horizontalpodautoscaler', namespaced: true, verbs: crud, shortNames: ['hpa'], categories: ['all'], subresources: [statusSub], stored: true },
  { group: 'policy', version: 'v1', kind: 'PodDisruptionBudget', plural: 'poddisruptionbudgets', singular: 'poddisruptionbudget', namespaced: true, verbs: crud, shortNames: ['pdb'], subresources: [statusSub], stored: true },
  { group: 'authorization.k8s.io', version: 'v1', kind: 'SelfSubjectAccessReview', plural: 'selfsubjectaccessreviews', singular: 'selfsubjectaccessreview', namespaced: false, verbs: ['create'], stored: false },
  { group: 'authorization.k8s.io', version: 'v1', kind: 'SelfSubjectRulesReview', plural: 'selfsubjectrulesreviews', singular: 'selfsubjectrulesreview', namespaced: false, verbs: ['create'], stored: false },
  { group: 'authentication.k8s.io', version: 'v1', kind: 'SelfSubjectReview', plural: 'selfsubjectreviews', singular: 'selfsubjectreview', namespaced: false, verbs: ['create'], stored: false },
  { group: 'metrics.k8s.io', version: 'v1beta1', kind: 'PodMetrics', plural: 'pods', singular: '', namespaced: true, verbs: readOnly, stored: false },
  { group: 'metrics.k8s.io', version: 'v1beta1', kind: 'NodeMetrics', plural: 'nodes', singular: '', namespaced: false, verbs: readOnly, stored: false },
];

export function groupVersion(r: { group: string; version: string }): string {
  return r.group === '' ? r.version : `${r.group}/${r.version}`;
}

/** Store key for a resource: "pods", "deployments.apps". */
export function resourceKey(r: { group: string; plural: string }): string {
  return r.group === '' ? r.plural : `${r.plural}.${r.group}`;
}

const byPath = new Map<string, ResourceType>();
const byKind = new Map<string, ResourceType>();
for (const r of RESOURCES) {
  byPath.set(`${groupVersion(r)}/${r.plural}`, r);
  if (r.stored) byKind.set(r.kind, r);
}

export function findResource(groupVersionText: string, plural: string): ResourceType | undefined {
  return byPath.get(`${groupVersionText}/${plural}`);
}

export function resourceForKind(kind: string): ResourceType {
  const r = byKind.get(kind);
  if (!r) throw new Error(`The sandbox does not store ${kind} objects.`);
  return r;
}

export const API_GROUPS: readonly { name: string; versions: string[] }[] = (() => {
  const groups = new Map<string, string[]>();
  for (const r of RESOURCES) {
    if (r.group === '') continue;
    const versions = groups.get(r.group) ?? [];
    if (!versions.includes(r.version)) versions.push(r.version);
    groups.set(r.group, versions);
  }
  return [...groups].map(([name, versions]) => ({ name, versions }));
})();
