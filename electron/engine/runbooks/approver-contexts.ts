import fs from 'node:fs';
import { KubeConfig } from '../connections/client-node.js';
import { kubeConfigForContext, type ClusterAccess } from '../operations/cluster-access.js';
import { clusterClient } from '../sources/kubernetes/cluster-access.js';

/**
 * The contexts a second person may approve with: the estate's own kubeconfig contexts, then
 * those of kubeconfig files kept for approvals only (the sandbox's `approver.kubeconfig`), which
 * are read when an approval asks, so a file written after start is found. A file that is missing
 * or does not parse adds nothing; the approval then says the context is unknown.
 */
export function withApproverContexts(clusters: ClusterAccess, approverFiles: readonly string[]): ClusterAccess {
  if (approverFiles.length === 0) return clusters;
  const fromFiles = (context: string): KubeConfig | undefined => {
    for (const file of approverFiles) {
      if (!fs.existsSync(file)) continue;
      const config = new KubeConfig();
      try {
        config.loadFromFile(file);
      } catch {
        continue;
      }
      const narrowed = kubeConfigForContext(config, context);
      if (narrowed) return narrowed;
    }
    return undefined;
  };
  // Approvals ask for a client, and the estate's clients know only the estate's contexts: an
  // approver-only context gets one built from its own file.
  return {
    ...clusters,
    kubeConfigFor: (context) => clusters.kubeConfigFor(context) ?? fromFiles(context),
    client: (context) => (clusters.client ? clusters.client(context) : undefined) ?? clusterClient({ kubeConfigFor: fromFiles }, context),
  };
}
