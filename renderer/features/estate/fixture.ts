import { relation } from '../../../shared/estate/model.js';
import type { Entity, EntityKind, Health, Relation } from '../../../shared/estate/model.js';
import type { Source } from '../../../shared/api/sources.js';
import { accountId as accountIdOf, cloudId as cloudIdOf, regionId as regionIdOf } from '../../../shared/estate/ids.js';
import { awsSourceId, cloudResourceId, clusterId as clusterIdOfKey, clusterKey, kubeObjectId, kubeSourceId, namespaceId } from '../../../shared/estate/ids.js';

/**
 * A synthetic estate built from the model types: several clusters across three clouds, a shop's
 * worth of services, some of them broken, and the hostile strings clusters really contain
 * (RTL overrides, zero-width joiners, a 10,000-character annotation). Unit tests and the
 * 10,000-pod layout check use it; the e2e tests use the real sandbox instead.
 */

export interface FixtureEstate {
  entities: Entity[];
  relations: Relation[];
  sources: Source[];
  asOf: number;
}

interface ClusterPlan {
  context: string;
  cloud: 'aws' | 'gcp' | 'onprem';
  account: string;
  region: string;
  offline?: boolean;
}

const clusters: ClusterPlan[] = [
  { context: 'shop-prod-eks', cloud: 'aws', account: '123456789012', region: 'us-east-1' },
  { context: 'shop-staging-eks', cloud: 'aws', account: '210987654321', region: 'eu-west-1' },
  { context: 'analytics-gke', cloud: 'gcp', account: 'shop-analytics', region: 'europe-west1' },
  { context: 'edge-dc1', cloud: 'onprem', account: 'dc1', region: 'rack-a', offline: true },
];

const services: { ns: string; name: string; team: string; kind: 'Deployment' | 'StatefulSet'; weight: number }[] = [
  { ns: 'storefront', name: 'web', team: 'storefront', kind: 'Deployment', weight: 6 },
  { ns: 'storefront', name: 'search', team: 'discovery', kind: 'Deployment', weight: 4 },
  { ns: 'checkout', name: 'checkout-api', team: 'payments', kind: 'Deployment', weight: 4 },
  { ns: 'checkout', name: 'payments', team: 'payments', kind: 'Deployment', weight: 3 },
  { ns: 'checkout', name: 'cart', team: 'payments', kind: 'Deployment', weight: 3 },
  { ns: 'catalog', name: 'catalog-api', team: 'discovery', kind: 'Deployment', weight: 4 },
  { ns: 'catalog', name: 'inventory-worker', team: 'fulfilment', kind: 'Deployment', weight: 2 },
  { ns: 'data', name: 'postgres', team: 'platform', kind: 'StatefulSet', weight: 1 },
  { ns: 'data', name: 'redis', team: 'platform', kind: 'StatefulSet', weight: 1 },
];

function rng(seed: number): () => number {
  let state = seed >>> 0 || 1;
  return () => {
    // xorshift32: deterministic, so a fixture estate is the same on every run.
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return (state >>> 0) / 0x1_0000_0000;
  };
}

export function fixtureEstate(options: { pods?: number; seed?: number; now?: number } = {}): FixtureEstate {
  const podTarget = options.pods ?? 200;
  const random = rng(options.seed ?? 7);
  const now = options.now ?? Date.now();
  const entities: Entity[] = [];
  const relations: Relation[] = [];
  const sources: Source[] = [];

  const add = (
    id: string,
    kind: EntityKind,
    name: string,
    parentId: string | null,
    sourceId: string,
    extra: Partial<Pick<Entity, 'labels' | 'annotations' | 'health' | 'healthReason' | 'status'>> = {},
  ): Entity => {
    const entity: Entity = {
      id,
      kind,
      name,
      parentId,
      sourceId,
      labels: extra.labels ?? {},
      annotations: extra.annotations ?? {},
      health: extra.health ?? 'healthy',
      healthReason: extra.healthReason ?? 'OK',
      status: extra.status ?? {},
      observedAt: now,
    };
    entities.push(entity);
    return entity;
  };

  const awsSource = awsSourceId('sandbox', 'eu-west-1');
  sources.push({
    id: awsSource,
    kind: 'aws',
    name: 'AWS (sandbox)',
    location: 'sandbox profile',
    state: 'live',
    reason: 'Synced',
    lastSyncAt: now,
    enabled: true,
    sandbox: true,
  });

  const seenClouds = new Set<string>();
  const seenAccounts = new Set<string>();
  const totalWeight = services.reduce((sum, s) => sum + s.weight, 0) * clusters.length;
  const podsPerWeight = Math.max(1, podTarget / totalWeight);

  clusters.forEach((plan, clusterIndex) => {
    const sourceId = kubeSourceId(plan.context);
    sources.push({
      id: sourceId,
      kind: 'kubernetes',
      name: plan.context,
      location: `https://${plan.context}.sandbox.local:6443`,
      state: plan.offline ? 'offline' : 'live',
      reason: plan.offline ? 'connect ECONNREFUSED 10.20.0.1:6443' : 'Watching',
      remedy: plan.offline ? 'Check the VPN to the datacenter.' : undefined,
      lastSyncAt: plan.offline ? now - 12 * 60_000 : now,
      enabled: true,
      sandbox: true,
    });
    // Containment above clusters is derived by the engine (electron/engine/state/estate-sink.ts).
    const cloudId = cloudIdOf(plan.cloud);
    if (!seenClouds.has(cloudId)) {
      seenClouds.add(cloudId);
      add(cloudId, 'cloud', plan.cloud, null, 'derived');
    }
    const accountId = accountIdOf(plan.cloud, plan.account);
    if (!seenAccounts.has(accountId)) {
      seenAccounts.add(accountId);
      add(accountId, 'account', plan.account, cloudId, 'derived');
    }
    const regionId = regionIdOf(plan.cloud, plan.account, plan.region);
    if (!entities.some((e) => e.id === regionId)) add(regionId, 'region', plan.region, accountId, 'derived');
    const key = clusterKey(plan.context);
    const clusterId = clusterIdOfKey(key);
    add(clusterId, 'cluster', plan.context, regionId, sourceId, { status: { cloud: plan.cloud, version: 'v1.31.4' } });

    const nodeIds: string[] = [];
    const nodeCount = Math.max(3, Math.round(podTarget / clusters.length / 30));
    for (let n = 0; n < nodeCount; n++) {
      const name = `ip-10-${clusterIndex}-${n >> 8}-${n & 255}.internal`;
      const id = kubeObjectId(key, 'Node', null, name);
      const broken = clusterIndex === 0 && n === 1;
      add(id, 'node', name, clusterId, sourceId, {
        health: broken ? 'failing' : 'healthy',
        healthReason: broken ? 'NotReady: kubelet stopped posting node status' : 'Ready',
        status: { ready: !broken, zone: `${plan.region}${'abc'[n % 3]}` },
      });
      nodeIds.push(id);
    }

    const namespaces = new Set(services.map((s) => s.ns));
    for (const ns of namespaces) {
      add(namespaceId(key, ns), 'namespace', ns, clusterId, sourceId, { labels: { 'kubernetes.io/metadata.name': ns } });
    }

    for (const svc of services) {
      const nsId = namespaceId(key, svc.ns);
      const kindLower = svc.kind === 'Deployment' ? 'deployment' : 'statefulset';
      const workloadId = kubeObjectId(key, svc.kind, svc.ns, svc.name);
      const replicas = Math.max(1, Math.round(svc.weight * podsPerWeight));
      const crashing = clusterIndex === 0 && svc.name === 'checkout-api';
      const unready = crashing ? Math.ceil(replicas / 2) : 0;
      const health: Health = crashing ? 'degraded' : 'healthy';
      const labels: Record<string, string> = {
        'app.kubernetes.io/name': svc.name,
        'app.kubernetes.io/part-of': 'shop',
        team: svc.team,
      };
      const annotations: Record<string, string> = { 'kubernetes.io/change-cause': `deploy ${svc.name}:1.${clusterIndex}.${svc.weight}` };
      if (svc.name === 'search') {
        // Hostile strings as a cluster can hold them: an RTL override, zero-width characters, a huge value.
        labels['note'] = 'owner\u202Eevil\u202C\u200B\u200Dname';
        annotations['example.com/blob'] = 'x'.repeat(10_000);
      }
      add(workloadId, kindLower, svc.name, nsId, sourceId, {
        labels,
        annotations,
        health,
        healthReason: crashing
          ? `${replicas - unready} of ${replicas} ready; pods restarting (CrashLoopBackOff)`
          : `${replicas} of ${replicas} ready`,
        status: { replicas, readyReplicas: replicas - unready, image: `registry.local/${svc.name}:1.${clusterIndex}` },
      });
      let podParent = workloadId;
      if (svc.kind === 'Deployment') {
        const rsId = kubeObjectId(key, 'ReplicaSet', svc.ns, `${svc.name}-7d4f9c`);
        add(rsId, 'replicaset', `${svc.name}-7d4f9c`, workloadId, sourceId, { labels });
        relations.push(relation('owns', workloadId, rsId, sourceId));
        podParent = rsId;
      }
      for (let p = 0; p < replicas; p++) {
        const suffix = svc.kind === 'Deployment' ? `7d4f9c-${Math.floor(random() * 0xfffff).toString(36).padStart(5, '0')}` : String(p);
        const name = `${svc.name}-${suffix}`;
        const podId = kubeObjectId(key, 'Pod', svc.ns, name);
        const bad = p < unready;
        const node = nodeIds[Math.floor(random() * nodeIds.length)]!;
        add(podId, 'pod', name, podParent, sourceId, {
          labels,
          health: bad ? 'failing' : plan.offline ? 'unknown' : 'healthy',
          healthReason: bad ? 'CrashLoopBackOff: back-off 5m0s restarting failed container' : plan.offline ? 'Source offline' : 'Running, ready',
          status: { phase: 'Running', ready: !bad, restarts: bad ? 17 + p : 0, nodeName: node.slice(node.lastIndexOf('/') + 1) },
        });
        relations.push(relation('owns', podParent, podId, sourceId));
        relations.push(relation('runs-on', podId, node, sourceId));
      }
      const serviceId = `${nsId}/Service/${svc.name}`;
      add(serviceId, 'service', svc.name, nsId, sourceId, { labels, status: { type: 'ClusterIP' } });
      relations.push(relation('selects', serviceId, workloadId, sourceId));
      if (svc.name === 'web' || svc.name === 'checkout-api') {
        const ingressId = `${nsId}/Ingress/${svc.name}`;
        add(ingressId, 'ingress', svc.name, nsId, sourceId, { labels });
        relations.push(relation('routes-to', ingressId, serviceId, sourceId));
        if (plan.cloud === 'aws') {
          const lbName = `k8s-${svc.ns}-${svc.name}-${clusterIndex}a2b3c`;
          const lbId = cloudResourceId(plan.cloud, plan.account, plan.region, 'alb', lbName);
          add(lbId, 'loadbalancer', lbName, regionId, awsSource, {
            health: crashing ? 'degraded' : 'healthy',
            healthReason: crashing ? '5XX rate 4.2% (threshold 1%)' : 'OK',
          });
          relations.push(relation('routes-to', lbId, ingressId, awsSource));
          if (crashing) {
            const alarmId = cloudResourceId(plan.cloud, plan.account, plan.region, 'alarm', `${svc.name}-5xx-high`);
            add(alarmId, 'alarm', `${svc.name}-5xx-high`, regionId, awsSource, {
              health: 'failing',
              healthReason: 'ALARM: HTTPCode_Target_5XX_Count > 50 for 3 datapoints',
              status: { state: 'ALARM' },
            });
            relations.push(relation('alarms-on', alarmId, lbId, awsSource));
          }
        }
      }
    }
  });
  return { entities, relations, sources, asOf: now };
}
