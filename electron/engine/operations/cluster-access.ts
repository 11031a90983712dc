import { KubeConfig } from '@kubernetes/client-node';
import { clusterKey } from '../../../shared/estate/ids.js';

/**
 * What operations need from the connections layer: the credentials for a context and whether
 * its source is live right now. The engine wires this to its connections; tests build it
 * straight from a kubeconfig file. Operations never act on a context that is not live.
 */
export interface ClusterAccess {
  /**
   * The contexts that reach a cluster (by cluster key), sorted by name: the ways an operation
   * may act through. Read at every plan, so a kubeconfig rewritten while Daytwo runs applies.
   */
  contextsOf(cluster: string): readonly string[];
  kubeConfigFor(context: string): KubeConfig | undefined;
  isLive(context: string): boolean;
  /** Why the context's source is not live ("offline since 10:42: connection refused"), when known. */
  notLiveReason?(context: string): string | undefined;
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
  return {
    // Tests name clusters in their kubeconfig as the ids spell them: by the cluster entry's name.
    contextsOf: (cluster) =>
      config
        .getContexts()
        .filter((c) => clusterKey(c.cluster) === cluster)
        .map((c) => c.name)
        .sort(),
    kubeConfigFor: (context) => kubeConfigForContext(config, context),
    isLive,
  };
}
