import { describe, expect, it } from 'vitest';
import { ClusterEstate } from '../../../electron/engine/providers/kubernetes/cluster-estate.js';
import { namespaceVerdict } from '../../../electron/engine/providers/kubernetes/health.js';
import { toRecord } from '../../../electron/engine/providers/kubernetes/records.js';
import type { KubeRecord, NamespaceRecord } from '../../../electron/engine/providers/kubernetes/records.js';
import type { WatchedKind } from '../../../electron/engine/providers/kubernetes/kinds.js';
import { summarise } from '../../../shared/estate/health.js';
import { RecordingSink } from './recording-sink.js';

// "A namespace's health agrees with its contents", each case with the Kubernetes objects that
// trigger it, as the API server returns them, through the cluster's estate.

function cluster() {
  const sink = new RecordingSink();
  const estate = new ClusterEstate({ context: 'shop-prod', sourceId: 'k8s:shop-prod', sink, hints: { clusterName: 'shop-prod', server: 'https://10.0.0.1' }, now: () => 1_000 });
  const list = (kind: WatchedKind, objects: unknown[]) => estate.sinkFor(kind).replace(objects.map((o) => toRecord(kind, o)).filter((r): r is KubeRecord => r !== null));
  const upsert = (kind: WatchedKind, o: unknown) => estate.sinkFor(kind).upsert(toRecord(kind, o)!);
  const remove = (kind: WatchedKind, o: unknown) => estate.sinkFor(kind).remove(toRecord(kind, o)!);
  const ns = (name: string) => sink.entity(`k8s:shop-prod/${name}`)!;
  return { sink, list, upsert, remove, ns };
}

const namespace = (name: string, phase = 'Active', deleting = false) => ({
  metadata: { name, uid: `ns-${name}`, ...(deleting ? { deletionTimestamp: '2024-05-01T10:00:00Z' } : {}) },
  status: { phase },
});

function deployment(name: string, ns: string, replicas: number, ready: number) {
  return {
    metadata: { name, namespace: ns, uid: `d-${name}` },
    spec: { replicas, selector: { matchLabels: { app: name } }, template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'c', image: `${name}:1` }] } } },
    status: { replicas, readyReplicas: ready, availableReplicas: ready, updatedReplicas: replicas, observedGeneration: 1 },
  };
}

const service = (name: string, ns: string) => ({ metadata: { name, namespace: ns, uid: `s-${name}` }, spec: { type: 'ClusterIP', selector: { app: name }, ports: [{ port: 80 }] } });
const endpoints = (name: string, ns: string, ready: number) => ({
  metadata: { name, namespace: ns, uid: `e-${name}` },
  subsets: ready > 0 ? [{ addresses: Array.from({ length: ready }, (_, i) => ({ ip: `10.0.0.${i + 1}` })), ports: [{ port: 80 }] }] : [],
});
const pdb = (name: string, ns: string) => ({
  metadata: { name, namespace: ns, uid: `p-${name}` },
  spec: { maxUnavailable: 0, selector: { matchLabels: { app: name } } },
  status: { currentHealthy: 2, desiredHealthy: 2, disruptionsAllowed: 0, expectedPods: 2 },
});
const hpaAtMax = (name: string, ns: string) => ({
  metadata: { name, namespace: ns, uid: `h-${name}` },
  spec: { scaleTargetRef: { kind: 'Deployment', name }, minReplicas: 1, maxReplicas: 2 },
  status: { currentReplicas: 2, desiredReplicas: 4, conditions: [{ type: 'ScalingLimited', status: 'True', reason: 'TooManyReplicas' }] },
});
const barePod = (name: string, ns: string, ready: boolean) => ({
  metadata: { name, namespace: ns, uid: `pod-${name}` },
  spec: { containers: [{ name: 'c', image: 'debug:1' }] },
  status: { phase: 'Running', conditions: [{ type: 'Ready', status: ready ? 'True' : 'False' }], containerStatuses: [{ name: 'c', ready, restartCount: ready ? 0 : 9, state: ready ? { running: {} } : { waiting: { reason: 'CrashLoopBackOff' } } }] },
});

describe('a namespace’s health agrees with what runs in it', () => {
  it('is not healthy while a Deployment in it fails, and is again once it recovers', () => {
    const { list, upsert, ns } = cluster();
    list('Namespace', [namespace('shop')]);
    list('Deployment', [deployment('cart', 'shop', 3, 0), deployment('web', 'shop', 2, 2)]);
    expect(ns('shop')).toMatchObject({ health: 'failing', healthReason: expect.stringMatching(/^Active; 1 failing of 2 workloads and services: cart \(0 of 3 ready/) });
    expect(ns('shop').status).toMatchObject({ phase: 'Active', ownHealth: 'healthy' });

    upsert('Deployment', deployment('cart', 'shop', 3, 1));
    expect(ns('shop')).toMatchObject({ health: 'degraded', healthReason: expect.stringContaining('cart (1 of 3 ready') });
    upsert('Deployment', deployment('cart', 'shop', 3, 3));
    expect(ns('shop')).toMatchObject({ health: 'healthy', healthReason: 'Active; all 2 workloads and services healthy' });
  });

  it('is not healthy while a Service in it has no ready endpoints', () => {
    const { list, upsert, ns } = cluster();
    list('Namespace', [namespace('shop')]);
    list('Service', [service('web', 'shop')]);
    list('Endpoints', [endpoints('web', 'shop', 2)]);
    expect(ns('shop').health).toBe('healthy');
    upsert('Endpoints', endpoints('web', 'shop', 0));
    expect(ns('shop')).toMatchObject({ health: 'failing', healthReason: expect.stringContaining('web (no ready endpoints behind it)') });
  });

  it('counts a bare pod that crash-loops, and forgets it once it is deleted', () => {
    const { list, remove, ns } = cluster();
    list('Namespace', [namespace('tools')]);
    list('Pod', [barePod('debug', 'tools', false)]);
    expect(ns('tools').health).toBe('failing');
    remove('Pod', barePod('debug', 'tools', false));
    expect(ns('tools')).toMatchObject({ health: 'healthy', healthReason: 'Active; nothing runs in it' });
  });

  it('an empty namespace is healthy, not degraded or unknown', () => {
    const { list, ns } = cluster();
    list('Namespace', [namespace('empty')]);
    expect(ns('empty')).toMatchObject({ health: 'healthy', healthReason: 'Active; nothing runs in it' });
  });

  it('an all-healthy namespace is not degraded by advisories: a PDB allowing no disruption, an HPA at its maximum', () => {
    const { list, ns, sink } = cluster();
    list('Namespace', [namespace('shop')]);
    list('Deployment', [deployment('api', 'shop', 2, 2)]);
    list('Service', [service('api', 'shop')]);
    list('Endpoints', [endpoints('api', 'shop', 2)]);
    list('PodDisruptionBudget', [pdb('api', 'shop')]);
    list('HorizontalPodAutoscaler', [hpaAtMax('api', 'shop')]);
    expect(sink.ofKind('pdb')[0]?.health).toBe('degraded');
    expect(sink.ofKind('hpa')[0]?.health).toBe('degraded');
    expect(ns('shop')).toMatchObject({ health: 'healthy', healthReason: 'Active; all 2 workloads and services healthy' });
  });

  it('a namespace being deleted is degraded at least, failing if what is left fails', () => {
    const { list, ns } = cluster();
    list('Namespace', [namespace('old', 'Terminating', true), namespace('older', 'Terminating', true)]);
    list('Deployment', [deployment('legacy', 'older', 1, 0)]);
    expect(ns('old')).toMatchObject({ health: 'degraded', healthReason: 'terminating; nothing left in it' });
    expect(ns('older')).toMatchObject({ health: 'failing', healthReason: expect.stringMatching(/^terminating; 1 failing/) });
    expect(ns('older').status.ownHealth).toBe('degraded');
  });

  it('agrees whichever of the namespace and its workloads is listed first', () => {
    const { list, ns } = cluster();
    list('Deployment', [deployment('cart', 'shop', 3, 0)]);
    list('Namespace', [namespace('shop')]);
    expect(ns('shop').health).toBe('failing');
  });

  it('the overview’s namespace row shows the namespace’s health, and counts its contents once', () => {
    const { list, sink } = cluster();
    list('Namespace', [namespace('shop'), namespace('calm')]);
    list('Deployment', [deployment('cart', 'shop', 3, 0), deployment('api', 'calm', 2, 2)]);
    list('PodDisruptionBudget', [pdb('api', 'calm')]);
    const summary = summarise(sink.entities());
    const row = (name: string) => summary.namespaces.find((g) => g.name === name)!;
    expect(row('shop')).toMatchObject({ health: 'failing', problemCount: 1 });
    expect(row('shop').problems.map((p) => p.kind)).toEqual(['deployment']);
    // The advisory is listed in its row, which stays as healthy as the namespace says it is.
    expect(row('calm')).toMatchObject({ health: 'healthy', problemCount: 1 });
    expect(summary.problemCount).toBe(2);
  });

  it('the rule itself, without a cluster: phase and members', () => {
    const active = toRecord('Namespace', namespace('x')) as NamespaceRecord;
    expect(namespaceVerdict(active, [])).toEqual({ health: 'healthy', ownHealth: 'healthy', reason: 'Active; nothing runs in it' });
  });
});
