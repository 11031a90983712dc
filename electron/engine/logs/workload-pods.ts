import { formatLabelSelector } from '../../../shared/estate/label-selector.js';
import type { LabelSelector } from '../../../shared/estate/label-selector.js';
import type { KubeClient } from '../providers/kubernetes/kube-client.js';
import { collectionPath, objectPath } from '../objects/object-address.js';
import type { ObjectAddress } from '../objects/object-address.js';

/** The parts of a Pod the log view needs. */
export interface PodForLogs {
  metadata: { name: string; namespace: string; creationTimestamp?: string };
  spec: { containers: Array<{ name: string }>; initContainers?: Array<{ name: string }> };
}

/** Workload kinds whose pods are found through `spec.selector`. */
export const workloadKinds: ReadonlySet<string> = new Set(['Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet', 'Job']);

/**
 * The pods a log view covers, read live: the pod itself, or every pod a workload's selector
 * picks. The selector is sent to the API server as a labelSelector query, so the server does the
 * matching (https://kubernetes.io/docs/concepts/overview/working-with-objects/labels/#label-selectors).
 */
export async function podsForLogs(client: KubeClient, address: ObjectAddress, signal: AbortSignal): Promise<PodForLogs[]> {
  if (address.kind === 'Pod') return [(await client.getJson(objectPath(address), {}, signal)) as PodForLogs];
  if (!workloadKinds.has(address.kind) || !address.namespace) {
    throw new Error(`${address.kind} ${address.name} has no logs: logs belong to pods and the workloads that run them.`);
  }
  const workload = (await client.getJson(objectPath(address), {}, signal)) as { spec?: { selector?: LabelSelector } };
  const selector = formatLabelSelector(workload.spec?.selector);
  if (!selector) throw new Error(`${address.kind} ${address.name} has no pod selector.`);
  const list = (await client.getJson(collectionPath('Pod', address.namespace), { labelSelector: selector }, signal)) as { items?: PodForLogs[] };
  return (list.items ?? []).sort((a, b) => a.metadata.name.localeCompare(b.metadata.name));
}
