import type { KubeContext } from '../connections/kubeconfig.js';
import type { SourceRegistry } from '../connections/source-registry.js';
import type { ClusterAccess } from './cluster-access.js';
import { kubeSourceId } from '../../../shared/estate/ids.js';

/**
 * ClusterAccess over the engine's connections: credentials from the loaded kubeconfig
 * contexts, liveness from the source registry (source id `k8s:<context>`). Only a live source
 * counts: connecting, degraded, offline or unauthorized all mean "not trustworthy right now".
 */
export function clusterAccessFromConnections(contexts: readonly KubeContext[], registry: SourceRegistry): ClusterAccess {
  const byName = new Map(contexts.map((context) => [context.name, context]));
  return {
    kubeConfigFor: (context) => byName.get(context)?.config,
    isLive: (context) => registry.get(kubeSourceId(context))?.state === 'live',
    notLiveReason: (context) => {
      const source = registry.get(kubeSourceId(context));
      if (!source) return byName.has(context) ? 'its source is not running' : 'no such context is configured';
      const since = source.lastSyncAt ? ` (last live ${new Date(source.lastSyncAt).toISOString()})` : '';
      return `it is ${source.state}: ${source.reason}${since}`;
    },
  };
}
