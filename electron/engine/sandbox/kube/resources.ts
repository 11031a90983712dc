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
  /** Served for a CustomResourceDefinition: stored as it is written, schema from the CRD. */
  custom?: boolean;
}

export interface Subresource {
  name: string;
  kind: string;
  group?: string;
  version?: string;
  verbs: readonly string[];
}

export const crud = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'] as const;
const readOnly = ['get', 'list'] as const;
export const statusSub: Subresource = { name: 'status', kind: '', verbs: ['get', 'patch', 'update'] };
export const scaleSub: Subresource = { name: 'scale', kind: 'Scale', group: 'autoscaling', version: 'v1', verbs: ['get', 'patch', 'update'] };

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
  { group: '', version: 'v1', kind: 'Secret', plural: 'secrets', singular: 'secret', namespaced: true, verbs: crud, stored: true },
  { group: '', version: 'v1', kind: 'PersistentVolumeClaim', plural: 'persistentvolumeclaims', singular: 'persistentvolumeclaim', namespaced: true, verbs: crud, shortNames: ['pvc'], subresources: [statusSub], stored: true },
  { group: '', version: 'v1', kind: 'PersistentVolume', plural: 'persistentvolumes', singular: 'persistentvolume', namespaced: false, verbs: crud, shortNames: ['pv'], subresources: [statusSub], stored: true },
  { group: 'apps', version: 'v1', kind: 'Deployment', plural: 'deployments', singular: 'deployment', namespaced: true, verbs: crud, shortNames: ['deploy'], categories: ['all'], subresources: [statusSub, scaleSub], stored: true },
  { group: 'apps', version: 'v1', kind: 'ReplicaSet', plural: 'replicasets', singular: 'replicaset', namespaced: true, verbs: crud, shortNames: ['rs'], categories: ['all'], subresources: [statusSub, scaleSub], stored: true },
  { group: 'apps', version: 'v1', kind: 'StatefulSet', plural: 'statefulsets', singular: 'statefulset', namespaced: true, verbs: crud, shortNames: ['sts'], categories: ['all'], subresources: [statusSub, scaleSub], stored: true },
  { group: 'apps', version: 'v1', kind: 'DaemonSet', plural: 'daemonsets', singular: 'daemonset', namespaced: true, verbs: crud, shortNames: ['ds'], categories: ['all'], subresources: [statusSub], stored: true },
  { group: 'apps', version: 'v1', kind: 'ControllerRevision', plural: 'controllerrevisions', singular: 'controllerrevision', namespaced: true, verbs: crud, stored: true },
  { group: 'networking.k8s.io', version: 'v1', kind: 'Ingress', plural: 'ingresses', singular: 'ingress', namespaced: true, verbs: crud, shortNames: ['ing'], subresources: [statusSub], stored: true },
  { group: 'networking.k8s.io', version: 'v1', kind: 'NetworkPolicy', plural: 'networkpolicies', singular: 'networkpolicy', namespaced: true, verbs: crud, shortNames: ['netpol'], stored: true },
  { group: 'networking.k8s.io', version: 'v1', kind: 'IngressClass', plural: 'ingressclasses', singular: 'ingressclass', namespaced: false, verbs: crud, stored: true },
  { group: 'batch', version: 'v1', kind: 'Job', plural: 'jobs', singular: 'job', namespaced: true, verbs: crud, categories: ['all'], subresources: [statusSub], stored: true },
  { group: 'batch', version: 'v1', kind: 'CronJob', plural: 'cronjobs', singular: 'cronjob', namespaced: true, verbs: crud, shortNames: ['cj'], categories: ['all'], subresources: [statusSub], stored: true },
  { group: 'discovery.k8s.io', version: 'v1', kind: 'EndpointSlice', plural: 'endpointslices', singular: 'endpointslice', namespaced: true, verbs: crud, stored: true },
  { group: 'rbac.authorization.k8s.io', version: 'v1', kind: 'Role', plural: 'roles', singular: 'role', namespaced: true, verbs: crud, stored: true },
  { group: 'rbac.authorization.k8s.io', version: 'v1', kind: 'RoleBinding', plural: 'rolebindings', singular: 'rolebinding', namespaced: true, verbs: crud, stored: true },
  { group: 'rbac.authorization.k8s.io', version: 'v1', kind: 'ClusterRole', plural: 'clusterroles', singular: 'clusterrole', namespaced: false, verbs: crud, stored: true },
  { group: 'rbac.authorization.k8s.io', version: 'v1', kind: 'ClusterRoleBinding', plural: 'clusterrolebindings', singular: 'clusterrolebinding', namespaced: false, verbs: crud, stored: true },
  { group: 'storage.k8s.io', version: 'v1', kind: 'StorageClass', plural: 'storageclasses', singular: 'storageclass', namespaced: false, verbs: crud, shortNames: ['sc'], stored: true },
  {
    group: 'apiextensions.k8s.io', version: 'v1', kind: 'CustomResourceDefinition', plural: 'customresourcedefinitions', singular: 'customresourcedefinition', namespaced: false, verbs: crud,
    shortNames: ['crd', 'crds'], categories: ['api-extensions'], subresources: [statusSub], stored: true,
  },
  { group: 'autoscaling', version: 'v2', kind: 'HorizontalPodAutoscaler', plural: 'horizontalpodautoscalers', singular: 'horizontalpodautoscaler', namespaced: true, verbs: crud, shortNames: ['hpa'], categories: ['all'], subresources: [statusSub], stored: true },
  { group: 'policy', version: 'v1', kind: 'PodDisruptionBudget', plural: 'poddisruptionbudgets', singular: 'poddisruptionbudget', namespaced: true, verbs: crud, shortNames: ['pdb'], subresources: [statusSub], stored: true },
  // API Priority and Fairness: v1 since 1.29, with v1beta3 still served until 1.32, as a 1.29–1.31
  // control plane does (https://kubernetes.io/docs/reference/using-api/deprecation-guide/#v1-32).
  // One stored object, reachable at either version; v1 first, so it is the group's preferred version.
  { group: 'flowcontrol.apiserver.k8s.io', version: 'v1', kind: 'FlowSchema', plural: 'flowschemas', singular: 'flowschema', namespaced: false, verbs: crud, subresources: [statusSub], stored: true },
  { group: 'flowcontrol.apiserver.k8s.io', version: 'v1', kind: 'PriorityLevelConfiguration', plural: 'prioritylevelconfigurations', singular: 'prioritylevelconfiguration', namespaced: false, verbs: crud, subresources: [statusSub], stored: true },
  { group: 'flowcontrol.apiserver.k8s.io', version: 'v1beta3', kind: 'FlowSchema', plural: 'flowschemas', singular: 'flowschema', namespaced: false, verbs: crud, subresources: [statusSub], stored: true },
  { group: 'flowcontrol.apiserver.k8s.io', version: 'v1beta3', kind: 'PriorityLevelConfiguration', plural: 'prioritylevelconfigurations', singular: 'prioritylevelconfiguration', namespaced: false, verbs: crud, subresources: [statusSub], stored: true },
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

const byKind = new Map<string, ResourceType>();
// A kind served at two versions is stored once, under its first (preferred) version.
for (const r of RESOURCES) if (r.stored && !byKind.has(r.kind)) byKind.set(r.kind, r);

export function resourceForKind(kind: string): ResourceType {
  const r = byKind.get(kind);
  if (!r) throw new Error(`The sandbox does not store ${kind} objects.`);
  return r;
}
