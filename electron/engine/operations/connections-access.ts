import type { KubeContext } from '../connections/kubeconfig.js';
import type { KubeClient } from '../providers/kubernetes/kube-client.js';
import type { SourceRegistry } from '../sources/source-registry.js';
import type { ClusterGroup } from '../sources/kubernetes/cluster-identity.js';
import { kubeSourceId } from '../../../shared/estate/ids.js';
import type { ClusterAccess } from '../sources/kubernetes/cluster-access.js';

/** What operations read of the running sources: the kubeconfig as last reloaded, grouped by cluster, and each context's one client. */
export interface KubeConnections {
  kubeContexts(): readonly KubeContext[];
  clusterGroups(): ClusterGroup<KubeContext>[];
  kubeClient(context: string): KubeClient | undefined;
}

/**
 * ClusterAccess over the engine's running sources: each context's client as sources/ hands it
 * out, over the kubeconfig as last loaded (so a rotated token or an added context is used by
 * the next plan, log or object read, without a restart), liveness from the source registry (source id `k8s:<context>`). Only a
 * live source counts: connecting, degraded, offline or unauthorized all mean "not trustworthy
 * right now".
 */
export function clusterAccessFromConnections(connections: KubeConnections, registry: SourceRegistry): ClusterAccess {
  const find = (context: string) => connections.kubeContexts().find((c) => c.name === context);
  return {
    contextsOf: (cluster) => connections.clusterGroups().find((g) => g.key === cluster)?.contexts.map((c) => c.name) ?? [],
    client: (context) => connections.kubeClient(context),
    kubeConfigFor: (context) => find(context)?.config,
    isLive: (context) => registry.get(kubeSourceId(context))?.state === 'live',
    notLiveReason: (context) => {
      const source = registry.get(kubeSourceId(context));
      if (!source) return find(context) ? 'its source is not running' : 'no such context is configured';
      const since = source.lastSyncAt ? ` (last live ${new Date(source.lastSyncAt).toISOString()})` : '';
      return `it is ${source.state}: ${source.reason}${since}`;
    },
  };
}
