import { describe, expect, test } from 'vitest';
import { planEstate } from '../../../electron/engine/sandbox/world/catalog.js';
import { Estate } from '../../../electron/engine/sandbox/world/estate.js';

/** Everything about the estate except wall-clock timestamps, which follow the start time. */
function snapshot(estate: Estate): string {
  const objects: unknown[] = [];
  for (const [name, cluster] of estate.simulated) {
    for (const resource of ['nodes', 'pods', 'deployments.apps', 'replicasets.apps', 'statefulsets.apps', 'services', 'ingresses.networking.k8s.io']) {
      for (const obj of cluster.store.objects(resource)) objects.push([name, resource, obj.metadata.name, obj.metadata.uid, obj.spec, obj.metadata.labels]);
    }
  }
  return JSON.stringify({ clusters: estate.clusters, services: estate.services, objects });
}

describe('the sandbox estate', () => {
  test('the same seed gives the same estate, another seed a different one', () => {
    const a = new Estate({ seed: 11, clock: () => 1_700_000_000_000 });
    const b = new Estate({ seed: 11, clock: () => 1_700_000_123_000 });
    const c = new Estate({ seed: 12, clock: () => 1_700_000_000_000 });
    expect(snapshot(a)).toBe(snapshot(b));
    expect(snapshot(a)).not.toBe(snapshot(c));
  });

  test('has an EKS, a GKE and an on-premises cluster, with ALBs in front of the EKS ingresses', () => {
    const plan = planEstate(5);
    expect(plan.clusters.map((c) => c.spec.cloud)).toEqual(['aws', 'gcp', 'onprem']);
    const exposed = plan.workloads.filter((w) => w.service.cluster === 'shop-prod-eks' && w.ingress);
    expect(exposed.length).toBeGreaterThan(1);
    for (const w of exposed) {
      expect(w.service.loadBalancer).toMatch(/^app\/k8s-[a-z-]+-[0-9a-f]{10}\/[0-9a-f]{16}$/);
      expect(w.ingress?.hostname?.startsWith(w.service.loadBalancer?.split('/')[1] ?? '-')).toBe(true);
    }
  });

  test('--pods scales the estate to about the asked number of pods', () => {
    const estate = new Estate({ seed: 3, pods: 2000, clock: () => 1_700_000_000_000 });
    let pods = 0;
    for (const c of estate.simulated.values()) pods += c.store.count('pods');
    expect(pods).toBeGreaterThanOrEqual(1990);
    expect(pods).toBeLessThanOrEqual(2010);
  });

  test('--clusters 5 adds two on-prem data centres that share the pods, and leaves the shop as it was', () => {
    const three = planEstate(7, 3000);
    const five = planEstate(7, 3000, 5);
    expect(five.clusters.map((c) => c.spec.name)).toEqual([...three.clusters.map((c) => c.spec.name), 'dc2-onprem', 'dc3-onprem']);
    expect(JSON.stringify(five.clusters.slice(0, 3).map((c) => c.spec))).toBe(JSON.stringify(three.clusters.map((c) => c.spec)));
    expect(new Set(five.clusters.map((c) => c.podNetwork)).size).toBe(5);
    const estate = new Estate({ seed: 7, pods: 3000, clusters: 5, clock: () => 1_700_000_000_000 });
    const perCluster = [...estate.simulated.values()].map((c) => c.store.count('pods'));
    expect(perCluster).toHaveLength(5);
    expect(perCluster.reduce((a, b) => a + b, 0)).toBeGreaterThanOrEqual(2990);
    for (const pods of perCluster.slice(3)) expect(pods).toBeGreaterThan(300);
  }, 60_000);

  test('a settled estate stays settled: the controllers first pass changes no workload', () => {
    const estate = new Estate({ seed: 9 });
    const writes: string[] = [];
    for (const c of estate.simulated.values()) {
      c.store.subscribe((ch) => {
        if (['deployments.apps', 'replicasets.apps', 'statefulsets.apps', 'daemonsets.apps'].includes(ch.resource)) writes.push(`${ch.resource}/${ch.object.metadata.name}`);
      });
    }
    estate.step();
    expect(writes).toEqual([]);
  });
});
