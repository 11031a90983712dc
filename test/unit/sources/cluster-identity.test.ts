import { describe, expect, it } from 'vitest';
import { groupContexts } from '../../../electron/engine/sources/kubernetes/cluster-identity.js';

const ctx = (name: string, clusterName: string, clusterIdentity: string) => ({ name, clusterName, clusterIdentity });

describe('one cluster, however many contexts reach it', () => {
  it('groups contexts with the same server URL and CA, keyed by the kubeconfig’s cluster name', () => {
    const groups = groupContexts([
      ctx('shop-prod-eks-viewer', 'shop-prod-eks', 'A'),
      ctx('shop-prod-eks', 'shop-prod-eks', 'A'),
      ctx('break-glass', 'prod-admin-entry', 'A'),
      ctx('edge', 'edge', 'B'),
    ]);
    expect(groups.map((g) => [g.key, g.contexts.map((c) => c.name)])).toEqual([
      ['edge', ['edge']],
      ['prod-admin-entry', ['break-glass', 'shop-prod-eks', 'shop-prod-eks-viewer']],
    ]);
  });

  it('keeps two different clusters apart even when their kubeconfigs use one name, and encodes ARNs', () => {
    const groups = groupContexts([ctx('a', 'kind-kind', 'AAAAAAA1'), ctx('b', 'kind-kind', 'BBBBBBB2'), ctx('eks', 'arn:aws:eks:eu-west-1:1:cluster/shop', 'C')]);
    expect(groups.map((g) => g.key)).toEqual(['arn:aws:eks:eu-west-1:1:cluster%2Fshop', 'kind-kind~AAAAAA', 'kind-kind~BBBBBB']);
  });
});
