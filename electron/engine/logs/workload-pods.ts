import type { KubeClient } from '../providers/kubernetes/kube-client.js';
import { collectionPath, objectPath } from '../objects/object-address.js';
import type { ObjectAddress } from '../objects/object-address.js';

/** The parts of a Pod the log view needs. */
export interface PodForLogs {
  metadata: { name: string; namespace: string; creationTimestamp?: string };
  spec: { containers: Array<{ name: string }>; initContainers?: Array<{ name: string }> };
}

interface LabelSelector {
  matchLabels?: Record<string, string>;
  matchExpressions?: Array<{ key: string; operator: string; values?: string[] }>;
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
  const selector = selectorQuery(workload.spec?.selector);
  if (!selector) throw new Error(`${address.kind} ${address.name} has no pod selector.`);
  const list = (await client.getJson(collectionPath('Pod', address.namespace), { labelSelector: selector }, signal)) as { items?: PodForLogs[] };
  return (list.items ?? []).sort((a, b) => a.metadata.name.localeCompare(b.metadata.name));
}

/** A LabelSelector object in the query syntax (`app=web,tier in (a,b),!legacy`). */
export function selectorQuery(selector: LabelSelector | undefined): string {
  if (!selector) return '';
  const parts = Object.entries(selector.matchLabels ?? {}).map(([key, value]) => `${key}=${value}`);
  for (const expression of selector.matchExpressions ?? []) {
    const values = (expression.values ?? []).join(',');
    if (expression.operator === 'In') parts.push(`${expression.key} in (${values})`);
    else if (expression.operator === 'NotIn') parts.push(`${expression.key} notin (${values})`);
    else if (expression.operator === 'Exists') parts.push(expression.key);
    else if (expression.operator === 'DoesNotExist') parts.push(`!${expression.key}`);
  }
  return parts.join(',');
}
