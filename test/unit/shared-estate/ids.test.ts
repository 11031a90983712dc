import { describe, expect, it } from 'vitest';
import {
  appId,
  cloudResourceId,
  clusterId,
  clusterIdOf,
  clusterKey,
  clusterNameOf,
  containmentLevel,
  kubeObjectId,
  kubeSourceId,
  contextOfSource,
  namespaceId,
  parseKubeId,
} from '../../../shared/estate/ids.js';

describe('entity ids', () => {
  it('spell Kubernetes objects under a cluster key, and read back what they were built from', () => {
    const key = clusterKey('shop-prod-eks');
    expect(clusterId(key)).toBe('k8s:shop-prod-eks');
    expect(namespaceId(key, 'shop')).toBe('k8s:shop-prod-eks/shop');
    expect(kubeObjectId(key, 'Deployment', 'shop', 'web')).toBe('k8s:shop-prod-eks/shop/Deployment/web');
    expect(kubeObjectId(key, 'Node', null, 'n1')).toBe('k8s:shop-prod-eks/Node/n1');
    expect(kubeObjectId(key, 'Namespace', null, 'shop')).toBe(namespaceId(key, 'shop'));

    expect(parseKubeId('k8s:shop-prod-eks')).toEqual({ shape: 'cluster', clusterKey: 'shop-prod-eks' });
    expect(parseKubeId('k8s:shop-prod-eks/shop')).toEqual({ shape: 'namespace', clusterKey: 'shop-prod-eks', namespace: 'shop' });
    expect(parseKubeId('k8s:shop-prod-eks/Node/n1')).toEqual({ shape: 'object', clusterKey: 'shop-prod-eks', namespace: null, kind: 'Node', name: 'n1' });
    expect(parseKubeId('k8s:shop-prod-eks/shop/Pod/web-1')).toEqual({
      shape: 'object',
      clusterKey: 'shop-prod-eks',
      namespace: 'shop',
      kind: 'Pod',
      name: 'web-1',
    });
  });

  it('keeps an EKS ARN one segment, readable, and reversible', () => {
    const arn = 'arn:aws:eks:eu-west-1:123456789012:cluster/shop';
    const key = clusterKey(arn);
    expect(key).toBe('arn:aws:eks:eu-west-1:123456789012:cluster%2Fshop');
    expect(clusterNameOf(key)).toBe(arn);
    expect(clusterNameOf(clusterKey('100%/x'))).toBe('100%/x');
    const id = kubeObjectId(key, 'Deployment', 'shop', 'web');
    expect(parseKubeId(id)).toMatchObject({ clusterKey: key, namespace: 'shop', kind: 'Deployment', name: 'web' });
    expect(clusterIdOf(id)).toBe(clusterId(key));
  });

  it('answer null for what is not a Kubernetes id or is malformed', () => {
    expect(parseKubeId('aws:1/eu-west-1/alb/web')).toBeNull();
    expect(parseKubeId('k8s:')).toBeNull();
    expect(parseKubeId('k8s:a//b')).toBeNull();
    expect(parseKubeId('k8s:a/b/c/d/e')).toBeNull();
    expect(clusterIdOf('app:shop')).toBeNull();
  });

  it('spell cloud resources under their region, which containment reads back', () => {
    const id = cloudResourceId('aws', '123456789012', 'eu-west-1', 'alb', 'shop');
    expect(id).toBe('aws:123456789012/eu-west-1/alb/shop');
    expect(containmentLevel('aws:123456789012/eu-west-1')).toMatchObject({ kind: 'region', parentId: 'aws:123456789012' });
    expect(appId('shop')).toBe('app:shop');
  });

  it('name a kubeconfig context as a source, apart from the cluster it reaches', () => {
    expect(kubeSourceId('shop-prod-eks-viewer')).toBe('k8s:shop-prod-eks-viewer');
    expect(contextOfSource('k8s:shop-prod-eks-viewer')).toBe('shop-prod-eks-viewer');
    expect(contextOfSource('aws:prod/eu-west-1')).toBeNull();
  });
});
