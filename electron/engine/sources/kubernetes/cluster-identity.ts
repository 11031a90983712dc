import { clusterKey } from '../../../../shared/estate/ids.js';

/** What grouping needs of a kubeconfig context (connections/kubeconfig.ts KubeContext has it). */
export interface ContextIdentity {
  name: string;
  clusterName: string;
  clusterIdentity: string;
}

/** One cluster and every context that reaches it. */
export interface ClusterGroup<C extends ContextIdentity = ContextIdentity> {
  /** The cluster key entity ids are spelled with (shared/estate/ids.ts). */
  key: string;
  identity: string;
  /** Sorted by name, so the choice of key and of a default context is stable across runs. */
  contexts: C[];
}

/**
 * Contexts whose cluster has the same server URL and CA are one cluster, however many
 * users reach it: one entity, one copy of its objects, one watch. The key is the kubeconfig's
 * name for the cluster (the smallest, when the contexts name it differently), so ids stay
 * readable and do not change when the sandbox or a cloud CLI issues a new CA or port. Two
 * different clusters the kubeconfigs happen to name alike get the identity's first characters
 * appended, so they never share ids.
 */
export function groupContexts<C extends ContextIdentity>(contexts: readonly C[]): ClusterGroup<C>[] {
  const byIdentity = new Map<string, C[]>();
  for (const context of contexts) {
    let list = byIdentity.get(context.clusterIdentity);
    if (!list) byIdentity.set(context.clusterIdentity, (list = []));
    list.push(context);
  }
  const groups: ClusterGroup<C>[] = [];
  for (const [identity, list] of byIdentity) {
    list.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    const name = list.map((c) => c.clusterName).sort()[0] as string;
    groups.push({ key: name, identity, contexts: list });
  }
  const taken = new Map<string, number>();
  for (const group of groups) taken.set(group.key, (taken.get(group.key) ?? 0) + 1);
  for (const group of groups) {
    const name = (taken.get(group.key) ?? 0) > 1 ? `${group.key}~${group.identity.slice(0, 6)}` : group.key;
    group.key = clusterKey(name);
  }
  return groups.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}
