import { describe, expect, it } from 'vitest';
import { attachCloud } from '../../../electron/engine/sandbox/cloud.js';
import type { Deployment, Pod, ReplicaSet } from '../../../electron/engine/sandbox/kube/types.js';
import { Estate } from '../../../electron/engine/sandbox/world/estate.js';
import { parseExposition } from './exposition-reader.js';

/**
 * The sandbox exports what kube-state-metrics, the kubelet's cAdvisor and instrumented
 * applications export on a real cluster, computed from the simulated clusters' own objects:
 * one target per cluster without a `cluster` label, and the federation-style /metrics with one.
 */
const T0 = Date.UTC(2026, 0, 12, 9, 0, 0);
const CLUSTER = 'shop-prod-eks';

function sandbox(seed = 42) {
  let now = T0;
  const estate = new Estate({ seed, clock: () => now });
  const side = attachCloud(estate, {});
  const advance = (ms: number) => {
    for (const end = now + ms; now < end; ) {
      now += 250;
      estate.step();
    }
  };
  advance(5_000);
  return { estate, side, advance };
}

describe('kube-prometheus series from the sandbox', () => {
  it('serves kube-state-metrics for one cluster from its objects, with no cluster label', () => {
    const { estate, side } = sandbox();
    const { samples, types } = parseExposition(side.targetText(CLUSTER, 'kube-state-metrics'));
    expect(samples.some((s) => 'cluster' in s.labels)).toBe(false);
    expect(types.get('kube_pod_container_status_restarts_total')).toBe('counter');

    const pods = estate.objects(CLUSTER, 'pods') as Pod[];
    const info = samples.filter((s) => s.name === 'kube_pod_info');
    expect(info).toHaveLength(pods.length);
    const pod = pods.find((p) => p.metadata.labels?.['app.kubernetes.io/name'] === 'storefront')!;
    expect(info.find((s) => s.labels.pod === pod.metadata.name)?.labels).toMatchObject({ namespace: 'shop', node: pod.spec.nodeName, uid: pod.metadata.uid, created_by_kind: 'ReplicaSet' });

    // The chain kube-prometheus's pod_owner rule follows: pod → ReplicaSet → Deployment.
    const owner = samples.find((s) => s.name === 'kube_pod_owner' && s.labels.pod === pod.metadata.name)!;
    expect(owner.labels.owner_kind).toBe('ReplicaSet');
    const rs = samples.find((s) => s.name === 'kube_replicaset_owner' && s.labels.replicaset === owner.labels.owner_name)!;
    expect(rs.labels).toMatchObject({ owner_kind: 'Deployment', owner_name: 'storefront', owner_is_controller: 'true' });

    const deployment = estate.objects(CLUSTER, 'deployments.apps').find((d) => d.metadata.name === 'storefront') as Deployment;
    const value = (name: string) => samples.find((s) => s.name === name && s.labels.deployment === 'storefront')?.value;
    expect(value('kube_deployment_spec_replicas')).toBe(deployment.spec.replicas);
    expect(value('kube_deployment_metadata_generation')).toBe(deployment.metadata.generation);
    expect(value('kube_deployment_status_observed_generation')).toBe(deployment.status.observedGeneration);

    // Requests in the units kube-state-metrics uses: cores and bytes.
    const cpu = samples.find((s) => s.name === 'kube_pod_container_resource_requests' && s.labels.pod === pod.metadata.name && s.labels.resource === 'cpu')!;
    expect(cpu.labels.unit).toBe('core');
    expect(cpu.value).toBeGreaterThan(0);
    expect(cpu.value).toBeLessThan(64);
    expect(samples.filter((s) => s.name === 'kube_node_status_condition' && s.labels.condition === 'Ready' && s.labels.status === 'true' && s.value === 1).length).toBeGreaterThan(0);
    side.stop();
  });

  it('serves cAdvisor container series with cAdvisor labels, and request metrics only where the application exports them', () => {
    const { side, advance } = sandbox();
    advance(10_000);
    const cadvisor = parseExposition(side.targetText(CLUSTER, 'cadvisor')).samples;
    const cpu = cadvisor.filter((s) => s.name === 'container_cpu_usage_seconds_total');
    expect(cpu.length).toBeGreaterThan(10);
    expect(Object.keys(cpu[0]!.labels).sort()).toEqual(['container', 'cpu', 'id', 'image', 'name', 'namespace', 'node', 'pod']);
    expect(cpu.every((s) => s.labels.image !== '' && s.value >= 0)).toBe(true);
    expect(cadvisor.some((s) => s.name === 'container_memory_working_set_bytes' && s.labels.container === 'fraud-worker')).toBe(true);

    const apps = parseExposition(side.targetText(CLUSTER, 'apps')).samples.filter((s) => s.name === 'http_requests_total');
    expect(apps.some((s) => 'cluster' in s.labels)).toBe(false);
    expect(apps.find((s) => s.labels.service === 'storefront')?.labels).toMatchObject({ job: 'storefront', container: 'storefront', endpoint: 'http', namespace: 'shop' });
    // A queue worker serves no HTTP: it has container series but no request metrics.
    expect(apps.some((s) => s.labels.service === 'fraud-worker')).toBe(false);
    side.stop();
  });

  it('shows a bad deploy as containers waiting in CrashLoopBackOff and a rollout that stops updating', () => {
    const { estate, side, advance } = sandbox();
    const service = estate.services.find((s) => s.cluster === CLUSTER && s.name === 'catalog-api')!;
    // Images exist because they were published (issue-15a's registry): publish the broken build first.
    const brokenImage = `${(estate.objects(CLUSTER, 'pods') as Pod[])[0]!.spec.containers[0]!.image.split(':')[0]}:0.0.0-broken`;
    estate.publishImage(brokenImage, 'crashes');
    estate.setImage(service.id, brokenImage);
    advance(60_000);
    const { samples } = parseExposition(side.targetText(CLUSTER, 'kube-state-metrics'));
    const waiting = samples.filter((s) => s.name === 'kube_pod_container_status_waiting_reason' && s.labels.reason === 'CrashLoopBackOff');
    expect(waiting.length).toBeGreaterThan(0);
    expect(waiting.every((s) => s.labels.pod!.startsWith('catalog-api-') && s.labels.container === 'catalog-api')).toBe(true);
    const value = (name: string) => samples.find((s) => s.name === name && s.labels.deployment === 'catalog-api')!.value;
    expect(value('kube_deployment_spec_replicas')).toBeGreaterThan(value('kube_deployment_status_replicas_updated'));
    const restarts = samples.filter((s) => s.name === 'kube_pod_container_status_restarts_total' && waiting.some((w) => w.labels.pod === s.labels.pod));
    expect(restarts.every((s) => s.value >= 1)).toBe(true);
    side.stop();
  });

  it('labels every series of the multi-cluster /metrics with its cluster and job', () => {
    const { estate, side } = sandbox();
    const { samples } = parseExposition(side.metricsText());
    expect(samples.every((s) => typeof s.labels.cluster === 'string' && typeof s.labels.job === 'string')).toBe(true);
    expect(new Set(samples.filter((s) => s.name === 'kube_pod_info').map((s) => s.labels.cluster))).toEqual(new Set(estate.clusters.map((c) => c.name)));
    expect(samples.find((s) => s.name === 'container_cpu_usage_seconds_total')?.labels).toMatchObject({ job: 'kubelet', metrics_path: '/metrics/cadvisor' });
    side.stop();
  });

  it('is the same for the same seed', () => {
    const a = sandbox(7);
    const b = sandbox(7);
    const strip = (text: string) => text.replace(/^kube_(pod_info|node_info).*$/gm, '');
    expect(strip(a.side.targetText(CLUSTER, 'kube-state-metrics'))).toBe(strip(b.side.targetText(CLUSTER, 'kube-state-metrics')));
    expect(a.side.targetText(CLUSTER, 'cadvisor')).toBe(b.side.targetText(CLUSTER, 'cadvisor'));
    // Every owner the estate's ReplicaSets name is a Deployment it has.
    const deployments = new Set(a.estate.objects(CLUSTER, 'deployments.apps').map((d) => d.metadata.name));
    for (const rs of a.estate.objects(CLUSTER, 'replicasets.apps') as ReplicaSet[]) expect(deployments.has(rs.metadata.ownerReferences![0]!.name)).toBe(true);
    a.side.stop();
    b.side.stop();
  });
});
