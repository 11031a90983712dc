import { KubeConfig } from '../../connections/client-node.js';
import { clusterKey } from '../../../../shared/estate/ids.js';
import type { ClusterCalls } from '../../providers/kubernetes/cluster-calls.js';
import { KubeClients } from './kube-clients.js';

/**
 * What operations, logs, the object view and approvals need from the sources layer: the ways
 * into a cluster, the one client of each (handed out here, by `sources/`), and whether its
 * source is live right now. The engine wires this to its running sources
 * (operations/connections-access.ts); tests build it straight from a kubeconfig file.
 * Operations never act on a context that is not live. (operations/cluster-access.ts re-exports
 * all of this under its older path.)
 */
export interface ClusterAccess {
  /**
   * The contexts that reach a cluster (by cluster key), sorted by name: the ways an operation
   * may act through. Read at every plan, so a kubeconfig rewritten while Daytwo runs applies.
   */
  contextsOf(cluster: string): readonly string[];
  /**
   * The context's client, as the kubeconfig was last loaded: the one `sources/` hands out
   * (sources/kubernetes/kube-clients.ts), so a rotated token or a new CA is used by the next
   * request. Undefined when no such context is configured. Read it through `clusterClient()`.
   */
  client?(context: string): ClusterCalls | undefined;
  /** The context's kubeconfig, narrowed to it (its user names who acts). */
  kubeConfigFor(context: string): KubeConfig | undefined;
  isLive(context: string): boolean;
  /** Why the context's source is not live ("offline since 10:42: connection refused"), when known. */
  notLiveReason?(context: string): string | undefined;
}

/** For an access that hands out no clients itself (a test's stub): clients from a pool of the same kind sources/ keeps. */
const fallbackClients = new KubeClients();

/**
 * The client to reach a context through: the one its ClusterAccess hands out. Every feature
 * asks here rather than building a client from a KubeConfig.
 */
export function clusterClient(access: Pick<ClusterAccess, 'client' | 'kubeConfigFor'>, context: string): ClusterCalls | undefined {
  if (access.client) return access.client(context);
  const config = access.kubeConfigFor(context);
  return config ? fallbackClients.for({ name: context, config }) : undefined;
}

/** A KubeConfig narrowed to one context, so client-node authenticates as that context's user. */
export function kubeConfigForContext(source: KubeConfig, context: string): KubeConfig | undefined {
  const ctx = source.getContextObject(context);
  if (!ctx) return undefined;
  const narrowed = new KubeConfig();
  narrowed.loadFromOptions({
    clusters: source.clusters.filter((c) => c.name === ctx.cluster),
    users: source.users.filter((u) => u.name === ctx.user),
    contexts: [ctx],
    currentContext: context,
  });
  return narrowed;
}

/** Every context of one kubeconfig file, all treated as live (tests, scripts). */
export function clusterAccessFromKubeConfig(config: KubeConfig, isLive: (context: string) => boolean = () => true): ClusterAccess {
  const clients = new KubeClients();
  return {
    // Tests name clusters in their kubeconfig as the ids spell them: by the cluster entry's name.
    contextsOf: (cluster) =>
      config
        .getContexts()
        .filter((c) => clusterKey(c.cluster) === cluster)
        .map((c) => c.name)
        .sort(),
    client: (context) => {
      const narrowed = kubeConfigForContext(config, context);
      return narrowed ? clients.for({ name: context, config: narrowed }) : undefined;
    },
    kubeConfigFor: (context) => kubeConfigForContext(config, context),
    isLive,
  };
}
