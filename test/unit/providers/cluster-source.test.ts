import { KubeConfig } from '@kubernetes/client-node';
import { afterEach, describe, expect, it } from 'vitest';
import { SourceRegistry } from '../../../electron/engine/sources/source-registry.js';
import { KubernetesSource } from '../../../electron/engine/providers/kubernetes/cluster-source.js';
import { KubeClient } from '../../../electron/engine/providers/kubernetes/kube-client.js';
import { FakeKubeApi, eventually } from './fake-kube-api.js';
import { RecordingSink } from './recording-sink.js';

const resources = [
  { kind: 'Node' as const, path: '/api/v1/nodes', namespaced: false },
  { kind: 'Pod' as const, path: '/api/v1/pods', namespaced: true },
];

describe('a Kubernetes source’s state, as the operator sees it', () => {
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const c of cleanups.splice(0).reverse()) await c();
  });

  function register(registry: SourceRegistry, id: string) {
    registry.upsert({ id, kind: 'kubernetes', name: id, location: 'x', state: 'connecting', reason: '', lastSyncAt: null, enabled: true, sandbox: false });
  }

  it('goes live after every kind has listed, and offline with a remedy when the API server goes away', async () => {
    const api = new FakeKubeApi();
    await api.start();
    api.put('/api/v1/nodes', { metadata: { name: 'node-a' }, status: { conditions: [{ type: 'Ready', status: 'True' }] } });
    api.put('/api/v1/pods', { metadata: { name: 'p', namespace: 'shop' }, status: { phase: 'Running' } });
    const registry = new SourceRegistry();
    const sink = new RecordingSink();
    register(registry, 'k8s:fake-ctx');
    const source = new KubernetesSource({
      sourceId: 'k8s:fake-ctx',
      context: 'fake-ctx',
      clusterName: 'fake',
      server: `http://127.0.0.1:${api.port}`,
      client: new KubeClient(api.kubeConfig()),
      sink,
      registry,
      resources,
      backoff: { initialMs: 20, maxMs: 100, resetAfterMs: 60_000 },
    });
    source.start();
    cleanups.push(() => source.stop());
    await eventually(() => expect(registry.get('k8s:fake-ctx')?.state).toBe('live'));
    expect(registry.get('k8s:fake-ctx')?.lastSyncAt).not.toBeNull();
    expect(sink.ofKind('pod')).toHaveLength(1);

    await api.stop();
    await eventually(() => expect(registry.get('k8s:fake-ctx')?.state).toBe('offline'));
    const offline = registry.get('k8s:fake-ctx')!;
    expect(offline.reason).toContain('unreachable');
    expect(offline.remedy).toBeTruthy();
    // What was known stays: offline, the estate serves the last facts.
    expect(sink.ofKind('pod')).toHaveLength(1);
  });

  it('says a missing exec credential plugin is missing, and what to install', async () => {
    const api = new FakeKubeApi();
    await api.start();
    cleanups.push(() => api.stop());
    const config = new KubeConfig();
    config.loadFromOptions({
      clusters: [{ name: 'fake', server: `http://127.0.0.1:${api.port}`, skipTLSVerify: true }],
      users: [{ name: 'eks', exec: { apiVersion: 'client.authentication.k8s.io/v1beta1', command: 'daytwo-no-such-credential-plugin', args: ['token'] } }],
      contexts: [{ name: 'eks', cluster: 'fake', user: 'eks' }],
      currentContext: 'eks',
    });
    const registry = new SourceRegistry();
    register(registry, 'k8s:eks');
    const source = new KubernetesSource({
      sourceId: 'k8s:eks',
      context: 'eks',
      clusterName: 'fake',
      server: `http://127.0.0.1:${api.port}`,
      client: new KubeClient(config),
      sink: new RecordingSink(),
      registry,
      resources,
      backoff: { initialMs: 20, maxMs: 100, resetAfterMs: 60_000 },
    });
    source.start();
    cleanups.push(() => source.stop());
    await eventually(() => expect(registry.get('k8s:eks')?.state).toBe('unauthorized'));
    const s = registry.get('k8s:eks')!;
    expect(s.reason).toContain('daytwo-no-such-credential-plugin');
    expect(s.remedy).toContain('credential plugin');
    expect(api.listRequests).toHaveLength(0);
  });
});
