// ClusterAccess lives with the clients it hands out, in sources/ (sources/kubernetes/cluster-access.ts).
export type { ClusterAccess } from '../sources/kubernetes/cluster-access.js';
export { clusterAccessFromKubeConfig, clusterClient, kubeConfigForContext } from '../sources/kubernetes/cluster-access.js';
