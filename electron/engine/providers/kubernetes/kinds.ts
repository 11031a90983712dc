/**
 * The Kubernetes resources Daytwo lists and watches, and where each lives in the API.
 * Paths follow https://kubernetes.io/docs/reference/using-api/api-concepts/#resource-uris.
 */
export type WatchedKind =
  | 'Namespace'
  | 'Node'
  | 'Pod'
  | 'Deployment'
  | 'StatefulSet'
  | 'DaemonSet'
  | 'ReplicaSet'
  | 'Service'
  | 'Endpoints'
  | 'Ingress'
  | 'HTTPRoute'
  | 'HorizontalPodAutoscaler'
  | 'PodDisruptionBudget'
  | 'Event';

export interface ResourceType {
  kind: WatchedKind;
  /** Cluster-wide collection path: lists every namespace at once. */
  path: string;
  namespaced: boolean;
}

export const resourceTypes: readonly ResourceType[] = [
  { kind: 'Namespace', path: '/api/v1/namespaces', namespaced: false },
  { kind: 'Node', path: '/api/v1/nodes', namespaced: false },
  { kind: 'Pod', path: '/api/v1/pods', namespaced: true },
  { kind: 'Deployment', path: '/apis/apps/v1/deployments', namespaced: true },
  { kind: 'StatefulSet', path: '/apis/apps/v1/statefulsets', namespaced: true },
  { kind: 'DaemonSet', path: '/apis/apps/v1/daemonsets', namespaced: true },
  { kind: 'ReplicaSet', path: '/apis/apps/v1/replicasets', namespaced: true },
  { kind: 'Service', path: '/api/v1/services', namespaced: true },
  // A Service's health is what its Endpoints say (ready addresses), as kube-proxy routes by them.
  // core/v1 Endpoints rather than EndpointSlices: every server up to 1.33 serves it, and one
  // object per Service is what health needs.
  { kind: 'Endpoints', path: '/api/v1/endpoints', namespaced: true },
  { kind: 'Ingress', path: '/apis/networking.k8s.io/v1/ingresses', namespaced: true },
  // Gateway API is a CRD: a cluster without it answers 404, and the kind is skipped there.
  { kind: 'HTTPRoute', path: '/apis/gateway.networking.k8s.io/v1/httproutes', namespaced: true },
  { kind: 'HorizontalPodAutoscaler', path: '/apis/autoscaling/v2/horizontalpodautoscalers', namespaced: true },
  { kind: 'PodDisruptionBudget', path: '/apis/policy/v1/poddisruptionbudgets', namespaced: true },
  // core/v1 events carry what `kubectl get events` shows; events.k8s.io/v1 is the same store.
  { kind: 'Event', path: '/api/v1/events', namespaced: true },
];
