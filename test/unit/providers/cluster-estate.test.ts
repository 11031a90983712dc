import { describe, expect, it } from 'vitest';
import { ClusterEstate, clusterLocation } from '../../../electron/engine/providers/kubernetes/cluster-estate.js';
import { toRecord } from '../../../electron/engine/providers/kubernetes/records.js';
import type { KubeRecord, NodeRecord } from '../../../electron/engine/providers/kubernetes/records.js';
import type { WatchedKind } from '../../../electron/engine/providers/kubernetes/kinds.js';
import { RecordingSink } from './recording-sink.js';

const ctx = 'shop-prod';
const src = 'k8s:shop-prod';

function estate() {
  const sink = new RecordingSink();
  const lbs: unknown[] = [];
  const e = new ClusterEstate({
    context: ctx,
    sourceId: src,
    sink,
    hints: { clusterName: 'shop-prod', server: 'https://10.0.0.1' },
    now: () => 1_000,
    onLoadBalancers: (refs) => lbs.push(refs),
  });
  const list = (kind: WatchedKind, objects: unknown[]) =>
    e.sinkFor(kind).replace(objects.map((o) => toRecord(kind, o)).filter((r): r is KubeRecord => r !== null));
  const upsert = (kind: WatchedKind, o: unknown) => e.sinkFor(kind).upsert(toRecord(kind, o)!);
  const remove = (kind: WatchedKind, o: unknown) => e.sinkFor(kind).remove(toRecord(kind, o)!);
  return { e, sink, list, upsert, remove, lbs };
}

const meta = (name: string, extra: Record<string, unknown> = {}) => ({ name, namespace: 'shop', uid: `uid-${name}`, ...extra });

function deployment(name: string, replicas: number, ready: number) {
  return {
    metadata: meta(name, { labels: { 'app.kubernetes.io/name': name, team: 'payments' }, annotations: { 'deployment.kubernetes.io/revision': '3', 'kubectl.kubernetes.io/last-applied-configuration': 'x'.repeat(5000) } }),
    spec: { replicas, template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'c', image: `${name}:1.2` }] } } },
    status: { replicas, readyReplicas: ready, availableReplicas: ready, updatedReplicas: replicas, observedGeneration: 1 },
  };
}

function replicaSet(name: string, deploymentName: string) {
  return {
    metadata: meta(name, { ownerReferences: [{ kind: 'Deployment', name: deploymentName, uid: 'x', controller: true }] }),
    spec: { replicas: 3 },
    status: { replicas: 3, readyReplicas: 2 },
  };
}

function pod(name: string, rs: string, opts: { ready?: boolean; waiting?: string; restarts?: number; node?: string; unschedulable?: string } = {}) {
  const ready = opts.ready ?? true;
  return {
    metadata: meta(name, { labels: { app: 'cart' }, ownerReferences: [{ kind: 'ReplicaSet', name: rs, uid: 'y', controller: true }] }),
    spec: { nodeName: opts.node ?? 'node-a', containers: [{ name: 'c', image: 'cart:1.2' }] },
    status: {
      phase: opts.unschedulable ? 'Pending' : 'Running',
      conditions: [
        { type: 'Ready', status: ready ? 'True' : 'False' },
        ...(opts.unschedulable ? [{ type: 'PodScheduled', status: 'False', reason: 'Unschedulable', message: opts.unschedulable }] : []),
      ],
      containerStatuses: [
        {
          name: 'c',
          ready,
          restartCount: opts.restarts ?? 0,
          state: opts.waiting ? { waiting: { reason: opts.waiting, message: 'back-off 5m0s restarting failed container' } } : { running: {} },
        },
      ],
    },
  };
}

function node(name: string, ready: 'True' | 'False' | 'Unknown', labels: Record<string, string> = {}, providerID = '') {
  return {
    metadata: { name, uid: `uid-${name}`, labels },
    spec: { providerID },
    status: { conditions: [{ type: 'Ready', status: ready, reason: ready === 'True' ? 'KubeletReady' : 'KubeletNotReady' }] },
  };
}

describe('a cluster’s objects as entities and relations', () => {
  it('names a crash-looping pod in its deployment’s health, and clears it when the pod recovers', () => {
    const { list, upsert, sink } = estate();
    list('Deployment', [deployment('cart', 3, 2)]);
    list('ReplicaSet', [replicaSet('cart-7d9f', 'cart')]);
    list('Pod', [pod('cart-7d9f-a', 'cart-7d9f'), pod('cart-7d9f-b', 'cart-7d9f'), pod('cart-7d9f-c', 'cart-7d9f', { ready: false, waiting: 'CrashLoopBackOff', restarts: 7 })]);

    const crashing = sink.entity('k8s:shop-prod/shop/Pod/cart-7d9f-c')!;
    expect(crashing.health).toBe('failing');
    expect(crashing.healthReason).toBe('CrashLoopBackOff, 7 restarts');
    const d = sink.entity('k8s:shop-prod/shop/Deployment/cart')!;
    expect(d.health).toBe('degraded');
    expect(d.healthReason).toBe('2 of 3 ready; pod cart-7d9f-c CrashLoopBackOff, 7 restarts');
    // Only the annotations an operator reads are kept.
    expect(d.annotations).toEqual({ 'deployment.kubernetes.io/revision': '3' });
    expect(d.status.image).toBe('cart:1.2');

    upsert('Deployment', deployment('cart', 3, 3));
    upsert('Pod', pod('cart-7d9f-c', 'cart-7d9f', { restarts: 7 }));
    const after = sink.entity('k8s:shop-prod/shop/Deployment/cart')!;
    expect(after.healthReason).toBe('3 of 3 ready');
    expect(after.health).toBe('healthy');
    expect(sink.entity('k8s:shop-prod/shop/Pod/cart-7d9f-c')!.health).toBe('degraded');
  });

  it('keeps what a pod template promises for scorecards: the first container lacking each probe, request and limit, and every image', () => {
    const { list, sink } = estate();
    const base = deployment('web', 2, 2);
    const containers = [
      { name: 'app', image: 'web:1.2', readinessProbe: { httpGet: { path: '/healthz', port: 8080 } }, resources: { requests: { cpu: '100m', memory: '128Mi' }, limits: { memory: '128Mi' } } },
      { name: 'sidecar', image: 'envoy' },
    ];
    list('Deployment', [{ ...base, spec: { ...base.spec, template: { ...base.spec.template, spec: { containers } } } }]);
    const status = sink.entity('k8s:shop-prod/shop/Deployment/web')!.status;
    expect(status).toMatchObject({
      withoutReadiness: 'sidecar',
      withoutLiveness: 'app',
      withoutCpuRequest: 'sidecar',
      withoutMemoryRequest: 'sidecar',
      withoutMemoryLimit: 'sidecar',
      images: 'web:1.2,envoy',
    });
    list('Deployment', [deployment('web', 2, 2)]);
    expect(sink.entity('k8s:shop-prod/shop/Deployment/web')!.status).toMatchObject({ withoutReadiness: 'c', withoutMemoryLimit: 'c', images: 'web:1.2' });
  });

  it('relates pods to their owner and node, replica sets to deployments, services to what they select, ingresses to services', () => {
    const { list, sink } = estate();
    list('Deployment', [deployment('cart', 1, 1)]);
    list('ReplicaSet', [replicaSet('cart-7d9f', 'cart')]);
    list('Pod', [pod('cart-7d9f-a', 'cart-7d9f', { node: 'node-a' })]);
    list('Service', [{ metadata: meta('cart'), spec: { type: 'ClusterIP', selector: { app: 'cart' } } }]);
    list('Ingress', [
      {
        metadata: meta('web'),
        spec: { rules: [{ host: 'shop.example.com', http: { paths: [{ backend: { service: { name: 'cart', port: { number: 80 } } } }] } }] },
        status: { loadBalancer: { ingress: [{ hostname: 'k8s-shop-web-0123456789-1111.eu-west-1.elb.amazonaws.com' }] } },
      },
    ]);
    list('HorizontalPodAutoscaler', [{ metadata: meta('cart'), spec: { scaleTargetRef: { kind: 'Deployment', name: 'cart' }, minReplicas: 1, maxReplicas: 5 }, status: { currentReplicas: 1, desiredReplicas: 1 } }]);
    const ids = sink.relations().map((r) => r.id).sort();
    expect(ids).toEqual(
      [
        'owns:k8s:shop-prod/shop/ReplicaSet/cart-7d9f->k8s:shop-prod/shop/Pod/cart-7d9f-a',
        'owns:k8s:shop-prod/shop/Deployment/cart->k8s:shop-prod/shop/ReplicaSet/cart-7d9f',
        'runs-on:k8s:shop-prod/shop/Pod/cart-7d9f-a->k8s:shop-prod/Node/node-a',
        'selects:k8s:shop-prod/shop/Service/cart->k8s:shop-prod/shop/Deployment/cart',
        'routes-to:k8s:shop-prod/shop/Ingress/web->k8s:shop-prod/shop/Service/cart',
        'selects:k8s:shop-prod/shop/HorizontalPodAutoscaler/cart->k8s:shop-prod/shop/Deployment/cart',
      ].sort(),
    );
    expect(sink.entity('k8s:shop-prod/shop/Pod/cart-7d9f-a')!.parentId).toBe('k8s:shop-prod/shop/ReplicaSet/cart-7d9f');
    expect(sink.entity('k8s:shop-prod/shop/Service/cart')!.healthReason).toBe('no Endpoints seen for it yet');
    list('Endpoints', [{ metadata: meta('cart'), subsets: [{ addresses: [{ ip: '10.1.0.7' }], ports: [{ port: 80 }] }] }]);
    expect(sink.entity('k8s:shop-prod/shop/Service/cart')!.healthReason).toBe('1 ready endpoint');
  });

  it('takes a Service’s health from its Endpoints as they change, not from workload counts', () => {
    const { list, upsert, remove, sink } = estate();
    const service = () => sink.entity('k8s:shop-prod/shop/Service/cart')!;
    // The deployment claims 3 ready replicas; the Endpoints are what kube-proxy routes to.
    list('Deployment', [deployment('cart', 3, 3)]);
    list('Service', [{ metadata: meta('cart'), spec: { type: 'ClusterIP', selector: { app: 'cart' } } }]);
    list('Endpoints', [{ metadata: meta('cart'), subsets: [{ notReadyAddresses: [{ ip: '10.1.0.7' }, { ip: '10.1.0.8' }] }] }]);
    expect(service()).toMatchObject({ health: 'failing', healthReason: 'no ready endpoints behind it (2 not ready)' });
    upsert('Endpoints', { metadata: meta('cart'), subsets: [{ addresses: [{ ip: '10.1.0.7' }], notReadyAddresses: [{ ip: '10.1.0.8' }] }] });
    expect(service()).toMatchObject({ health: 'healthy', healthReason: '1 ready endpoint, 1 not ready' });
    // Scaled to 0: the endpoints controller empties the subsets.
    upsert('Endpoints', { metadata: meta('cart'), subsets: [] });
    expect(service()).toMatchObject({ health: 'failing', healthReason: 'no ready endpoints behind it' });
    remove('Endpoints', { metadata: meta('cart') });
    expect(service()).toMatchObject({ health: 'unknown', healthReason: 'no Endpoints seen for it yet' });
    // Endpoints make no entities of their own.
    expect(sink.entity('k8s:shop-prod/shop/Endpoints/cart')).toBeUndefined();
  });

  it('re-derives a service’s selects when a workload appears after it', () => {
    const { list, upsert, remove, sink } = estate();
    list('Service', [{ metadata: meta('cart'), spec: { selector: { app: 'cart' } } }]);
    list('Deployment', []);
    expect(sink.entity('k8s:shop-prod/shop/Service/cart')!.health).toBe('unknown');
    upsert('Deployment', deployment('cart', 2, 2));
    expect(sink.relations().filter((r) => r.kind === 'selects')).toHaveLength(1);
    remove('Deployment', deployment('cart', 2, 2));
    expect(sink.relations().filter((r) => r.kind === 'selects')).toHaveLength(0);
    expect(sink.entity('k8s:shop-prod/shop/Deployment/cart')).toBeUndefined();
  });

  it('says why a pod is Pending and why a node is NotReady', () => {
    const { list, sink } = estate();
    list('Pod', [pod('cart-x', 'cart-7d9f', { ready: false, unschedulable: '0/3 nodes are available: 3 Insufficient cpu.' })]);
    list('Node', [node('node-a', 'True'), node('node-b', 'Unknown')]);
    expect(sink.entity('k8s:shop-prod/shop/Pod/cart-x')!.healthReason).toBe('Pending: unschedulable (0/3 nodes are available: 3 Insufficient cpu.)');
    expect(sink.entity('k8s:shop-prod/Node/node-b')!.healthReason).toBe('NotReady (kubelet stopped reporting)');
    const cluster = sink.entity('k8s:shop-prod')!;
    expect(cluster.health).toBe('degraded');
    expect(cluster.healthReason).toBe('1 of 2 nodes ready');
  });

  it('turns Kubernetes events into estate events about the object involved', () => {
    const { list, sink } = estate();
    list('Event', [
      {
        metadata: meta('cart-x.17a'),
        type: 'Warning',
        reason: 'BackOff',
        message: 'Back-off restarting failed container',
        count: 7,
        involvedObject: { kind: 'Pod', namespace: 'shop', name: 'cart-x' },
        lastTimestamp: '2025-01-01T10:00:00Z',
      },
    ]);
    const event = sink.events.get('k8s:shop-prod/shop/Event/cart-x.17a')!;
    expect(event).toMatchObject({ entityId: 'k8s:shop-prod/shop/Pod/cart-x', type: 'warning', reason: 'BackOff', count: 7 });
    expect(sink.entities()).toHaveLength(0);
  });

  it('publishes the load balancers in front of ingresses for the AWS side', () => {
    const { list, lbs } = estate();
    list('Ingress', [{ metadata: meta('web', { annotations: { 'alb.ingress.kubernetes.io/group.name': 'shop' } }), spec: {}, status: { loadBalancer: { ingress: [{ hostname: 'a.elb.amazonaws.com' }] } } }]);
    expect(lbs.at(-1)).toEqual([
      { entityId: 'k8s:shop-prod/shop/Ingress/web', kind: 'ingress', namespace: 'shop', name: 'web', addresses: ['a.elb.amazonaws.com'], explicitName: null, groupName: 'shop' },
    ]);
  });
});

describe('where a cluster runs', () => {
  const n = (labels: Record<string, string>, providerID: string) => toRecord('Node', node('n', 'True', labels, providerID)) as NodeRecord;

  it('reads account and region from an EKS cluster ARN', () => {
    expect(clusterLocation({ clusterName: 'arn:aws:eks:eu-west-1:123456789012:cluster/shop', server: '' }, [])).toEqual({
      cloud: 'aws',
      account: '123456789012',
      region: 'eu-west-1',
      parentId: 'aws:123456789012/eu-west-1',
    });
  });

  it('reads the GCP project from a GKE node’s providerID', () => {
    const loc = clusterLocation({ clusterName: 'shop-gke', server: '' }, [n({ 'topology.kubernetes.io/region': 'europe-west1' }, 'gce://shop-prod-123/europe-west1-b/gke-node-1')]);
    expect(loc.parentId).toBe('gcp:shop-prod-123/europe-west1');
  });

  it('falls back to the cloud alone when the account is not known', () => {
    const loc = clusterLocation({ clusterName: 'eks-shop', server: '' }, [n({ 'topology.kubernetes.io/region': 'us-east-1' }, 'aws:///us-east-1a/i-0abc')]);
    expect(loc).toMatchObject({ cloud: 'aws', region: 'us-east-1', parentId: 'cloud:aws' });
  });

  it('treats clusters whose nodes name no cloud as on-premises, their region as the datacenter', () => {
    const loc = clusterLocation({ clusterName: 'dc1', server: '' }, [n({ 'topology.kubernetes.io/region': 'fra-dc1' }, '')]);
    expect(loc.parentId).toBe('onprem:fra-dc1');
  });
});
