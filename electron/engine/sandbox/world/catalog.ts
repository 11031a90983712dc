import type { ClusterSpec, ServiceSpec, ServiceTier } from '../world.js';
import type { ClusterVersion } from '../kube/cluster.js';
import { SeededRandom } from './random.js';

/**
 * What the sandbox estate is: clusters, node pools and the services of a small online shop,
 * drawn from a seed. This file decides names, sizes and dependencies; build.ts turns the plan
 * into Kubernetes objects. Same seed, same plan, down to every id.
 */

export interface NodePoolPlan {
  name: string;
  instanceType: string;
  cpu: number;
  memoryGi: number;
  maxPods: number;
  count: number;
  zones: string[];
  controlPlane?: boolean;
}

export interface ClusterPlan {
  spec: ClusterSpec;
  version: ClusterVersion;
  pools: NodePoolPlan[];
  /** Second octet of pod CIDRs, so clusters' pod IPs do not overlap. */
  podNetwork: number;
  serviceNetwork: string;
  ingressClass: { name: string; controller: string } | undefined;
}

export interface IngressPlan {
  host: string;
  path: string;
  /** ALB name (EKS), as the AWS Load Balancer Controller names it: k8s-<ns>-<name>-<hash>. */
  albName?: string;
  hostname?: string;
  ip?: string;
}

export type Unhealthy = 'stuck-rollout' | 'unschedulable';

export interface WorkloadPlan {
  service: ServiceSpec;
  replicas: number;
  image: string;
  /** Earlier image, when the workload has rollout history. */
  previousImages: string[];
  port: number;
  cpu: string;
  memory: string;
  component: string;
  partOf: string;
  hpa?: { min: number; max: number; targetCpu: number };
  pdb?: { minAvailable?: number | string; maxUnavailable?: number | string };
  ingress?: IngressPlan;
  unhealthy?: Unhealthy;
  /** Days since the workload was created. */
  ageDays: number;
  /** System workloads are not ServiceSpecs: they have no traffic of their own. */
  system?: boolean;
}

export interface SystemDaemonPlan {
  cluster: string;
  namespace: string;
  name: string;
  image: string;
  cpu: string;
  memory: string;
}

export interface EstatePlan {
  seed: number;
  clusters: ClusterPlan[];
  workloads: WorkloadPlan[];
  daemons: SystemDaemonPlan[];
}

interface ServiceDraft {
  namespace: string;
  name: string;
  team: string;
  tier: ServiceTier;
  kind?: 'Deployment' | 'StatefulSet';
  replicas: number;
  image: string;
  port?: number;
  cpu?: string;
  memory?: string;
  rps?: number;
  latency?: number;
  deps?: string[];
  hpa?: WorkloadPlan['hpa'];
  pdb?: WorkloadPlan['pdb'];
  ingress?: { host: string; path?: string };
  db?: string;
  unhealthy?: Unhealthy;
  partOf?: string;
  previous?: string[];
}

const EKS = 'shop-prod-eks';
const GKE = 'shop-prod-gke';
const ONPREM = 'dc1-onprem';

const SHOP: Record<string, ServiceDraft[]> = {
  [EKS]: [
    { namespace: 'shop', name: 'storefront', team: 'web', tier: 'frontend', replicas: 4, image: 'ghcr.io/daytwo-shop/storefront:3.14.2', previous: ['ghcr.io/daytwo-shop/storefront:3.14.1', 'ghcr.io/daytwo-shop/storefront:3.13.0'], rps: 180, latency: 85, deps: ['shop/catalog-api', 'shop/cart-api', 'shop/checkout-api'], hpa: { min: 3, max: 12, targetCpu: 70 }, pdb: { minAvailable: 2 }, ingress: { host: 'shop.daytwo.example' } },
    { namespace: 'shop', name: 'catalog-api', team: 'catalog', tier: 'api', replicas: 3, image: 'ghcr.io/daytwo-shop/catalog-api:2.31.0', previous: ['ghcr.io/daytwo-shop/catalog-api:2.30.4'], rps: 420, latency: 35, deps: ['shop/session-cache'], hpa: { min: 2, max: 10, targetCpu: 65 }, pdb: { maxUnavailable: 1 }, ingress: { host: 'api.shop.daytwo.example', path: '/catalog' } },
    { namespace: 'shop', name: 'cart-api', team: 'checkout', tier: 'api', replicas: 3, image: 'ghcr.io/daytwo-shop/cart-api:1.19.3', rps: 150, latency: 28, deps: ['shop/session-cache'], pdb: { minAvailable: '50%' } },
    { namespace: 'shop', name: 'checkout-api', team: 'checkout', tier: 'api', replicas: 3, image: 'ghcr.io/daytwo-shop/checkout-api:4.2.0', previous: ['ghcr.io/daytwo-shop/checkout-api:4.1.7'], rps: 40, latency: 140, deps: ['payments/payments-api', 'shop/orders-api', 'shop/cart-api'], ingress: { host: 'api.shop.daytwo.example', path: '/checkout' }, pdb: { minAvailable: 2 } },
    { namespace: 'shop', name: 'orders-api', team: 'orders', tier: 'api', replicas: 2, image: 'ghcr.io/daytwo-shop/orders-api:5.0.1', rps: 60, latency: 55, db: 'shop-orders-prod' },
    { namespace: 'shop', name: 'recommendations', team: 'discovery', tier: 'api', replicas: 2, image: 'ghcr.io/daytwo-shop/recommendations:2.8.0-broken', previous: ['ghcr.io/daytwo-shop/recommendations:2.7.3'], rps: 90, latency: 60, deps: ['shop/catalog-api'], unhealthy: 'stuck-rollout' },
    { namespace: 'shop', name: 'email-worker', team: 'notifications', tier: 'worker', replicas: 2, image: 'ghcr.io/daytwo-shop/email-worker:1.4.9', rps: 8, latency: 400, deps: ['shop/orders-api'] },
    { namespace: 'shop', name: 'session-cache', team: 'platform', tier: 'cache', kind: 'StatefulSet', replicas: 3, image: 'redis:7.2.5', port: 6379, cpu: '250m', memory: '1Gi', rps: 900, latency: 1 },
    { namespace: 'payments', name: 'payments-api', team: 'payments', tier: 'api', replicas: 3, image: 'ghcr.io/daytwo-shop/payments-api:7.3.0', rps: 35, latency: 180, deps: ['payments/ledger-db'], hpa: { min: 3, max: 9, targetCpu: 60 }, pdb: { minAvailable: 2 }, ingress: { host: 'pay.daytwo.example' } },
    { namespace: 'payments', name: 'fraud-worker', team: 'payments', tier: 'worker', replicas: 2, image: 'ghcr.io/daytwo-shop/fraud-worker:0.22.1', rps: 30, latency: 240, deps: ['payments/ledger-db'] },
    { namespace: 'payments', name: 'ledger-db', team: 'payments', tier: 'database', kind: 'StatefulSet', replicas: 3, image: 'postgres:16.4', port: 5432, cpu: '500m', memory: '2Gi', rps: 220, latency: 4, pdb: { maxUnavailable: 1 } },
  ],
  [GKE]: [
    { namespace: 'search', name: 'search-frontend', team: 'discovery', tier: 'frontend', replicas: 3, image: 'europe-docker.pkg.dev/daytwo-shop-prod/web/search-frontend:1.12.0', rps: 120, latency: 70, deps: ['search/search-api'], ingress: { host: 'search.daytwo.example' }, pdb: { minAvailable: 1 } },
    { namespace: 'search', name: 'search-api', team: 'discovery', tier: 'api', replicas: 4, image: 'europe-docker.pkg.dev/daytwo-shop-prod/api/search-api:3.3.2', previous: ['europe-docker.pkg.dev/daytwo-shop-prod/api/search-api:3.3.1'], rps: 300, latency: 45, deps: ['search/search-index'], hpa: { min: 3, max: 15, targetCpu: 70 }, pdb: { maxUnavailable: '25%' } },
    { namespace: 'search', name: 'indexer', team: 'discovery', tier: 'worker', replicas: 2, image: 'europe-docker.pkg.dev/daytwo-shop-prod/workers/indexer:2.0.5', rps: 15, latency: 900, deps: ['search/search-index', `${EKS}/shop/catalog-api`] },
    { namespace: 'search', name: 'search-index', team: 'discovery', tier: 'database', kind: 'StatefulSet', replicas: 3, image: 'docker.elastic.co/elasticsearch/elasticsearch:8.15.1', port: 9200, cpu: '1', memory: '4Gi', rps: 320, latency: 12, pdb: { maxUnavailable: 1 } },
    { namespace: 'media', name: 'media-api', team: 'media', tier: 'api', replicas: 2, image: 'europe-docker.pkg.dev/daytwo-shop-prod/api/media-api:1.8.0', rps: 75, latency: 50, deps: ['media/media-cache'] },
    { namespace: 'media', name: 'image-resizer', team: 'media', tier: 'worker', replicas: 3, image: 'europe-docker.pkg.dev/daytwo-shop-prod/workers/image-resizer:4.1.1', cpu: '500m', memory: '512Mi', rps: 25, latency: 320, deps: ['media/media-cache'], hpa: { min: 2, max: 20, targetCpu: 75 } },
    { namespace: 'media', name: 'media-cache', team: 'media', tier: 'cache', kind: 'StatefulSet', replicas: 2, image: 'memcached:1.6.29', port: 11211, cpu: '250m', memory: '1Gi', rps: 400, latency: 1 },
  ],
  [ONPREM]: [
    { namespace: 'erp', name: 'warehouse-ui', team: 'logistics', tier: 'frontend', replicas: 2, image: 'registry.dc1.internal/erp/warehouse-ui:2024.11.2', rps: 20, latency: 110, deps: ['erp/inventory-api'], ingress: { host: 'warehouse.dc1.internal' } },
    { namespace: 'erp', name: 'inventory-api', team: 'logistics', tier: 'api', replicas: 3, image: 'registry.dc1.internal/erp/inventory-api:6.4.0', rps: 65, latency: 75, deps: ['erp/erp-db', 'erp/erp-cache'], pdb: { minAvailable: 2 } },
    { namespace: 'erp', name: 'stock-sync', team: 'logistics', tier: 'worker', replicas: 2, image: 'registry.dc1.internal/erp/stock-sync:6.4.0', rps: 5, latency: 1200, deps: ['erp/inventory-api', `${EKS}/shop/orders-api`] },
    { namespace: 'erp', name: 'report-builder', team: 'finance', tier: 'worker', replicas: 1, image: 'registry.dc1.internal/erp/report-builder:3.0.0', cpu: '24', memory: '48Gi', rps: 1, latency: 5000, deps: ['erp/erp-db'], unhealthy: 'unschedulable' },
    { namespace: 'erp', name: 'erp-db', team: 'dba', tier: 'database', kind: 'StatefulSet', replicas: 2, image: 'postgres:15.8', port: 5432, cpu: '1', memory: '4Gi', rps: 140, latency: 6, pdb: { maxUnavailable: 1 } },
    { namespace: 'erp', name: 'erp-cache', team: 'logistics', tier: 'cache', kind: 'StatefulSet', replicas: 1, image: 'redis:7.0.15', port: 6379, cpu: '250m', memory: '512Mi', rps: 300, latency: 1 },
  ],
};

function clusterPlans(random: SeededRandom, count: number): ClusterPlan[] {
  const account = String(random.int(100_000_000_000, 999_999_999_999));
  const shop: ClusterPlan[] = [
    {
      spec: { name: EKS, context: EKS, cloud: 'aws', region: 'us-east-1', account },
      version: { gitVersion: 'v1.30.6-eks-7f9249a', kubeletVersion: 'v1.30.4-eks-a737599' },
      pools: [
        { name: 'general-m6i', instanceType: 'm6i.2xlarge', cpu: 8, memoryGi: 32, maxPods: 58, count: 4, zones: ['us-east-1a', 'us-east-1b', 'us-east-1c'] },
        { name: 'memory-r6i', instanceType: 'r6i.2xlarge', cpu: 8, memoryGi: 64, maxPods: 58, count: 2, zones: ['us-east-1a', 'us-east-1b'] },
      ],
      podNetwork: 0,
      serviceNetwork: '172.20',
      ingressClass: { name: 'alb', controller: 'ingress.k8s.aws/alb' },
    },
    {
      spec: { name: GKE, context: GKE, cloud: 'gcp', region: 'europe-west1', account: 'daytwo-shop-prod' },
      version: { gitVersion: 'v1.30.5-gke.1014001', kubeletVersion: 'v1.30.5-gke.1014001' },
      pools: [
        { name: 'default-pool', instanceType: 'e2-standard-8', cpu: 8, memoryGi: 32, maxPods: 110, count: 4, zones: ['europe-west1-b', 'europe-west1-c', 'europe-west1-d'] },
        { name: 'highmem-pool', instanceType: 'n2-highmem-4', cpu: 4, memoryGi: 32, maxPods: 110, count: 2, zones: ['europe-west1-b', 'europe-west1-c'] },
      ],
      podNetwork: 64,
      serviceNetwork: '10.8',
      ingressClass: undefined,
    },
    {
      spec: { name: ONPREM, context: ONPREM, cloud: 'onprem', region: 'eu-central-dc1', account: 'dc1-frankfurt' },
      version: { gitVersion: 'v1.29.10', kubeletVersion: 'v1.29.10' },
      pools: [
        { name: 'control-plane', instanceType: 'vm-4c16g', cpu: 4, memoryGi: 16, maxPods: 110, count: 3, zones: ['dc1-rack-a', 'dc1-rack-b', 'dc1-rack-c'], controlPlane: true },
        { name: 'workers', instanceType: 'bare-metal-16c64g', cpu: 16, memoryGi: 64, maxPods: 110, count: 5, zones: ['dc1-rack-a', 'dc1-rack-b', 'dc1-rack-c'] },
      ],
      podNetwork: 128,
      serviceNetwork: '10.96',
      ingressClass: { name: 'nginx', controller: 'k8s.io/ingress-nginx' },
    },
  ];
  return [...shop, ...extraDatacentres(count - shop.length)];
}

/**
 * Clusters past the shop's three (`--clusters 5`, for scale runs) are more on-prem data centres:
 * they run the system workloads and take their share of tenant pods, and draw nothing from the
 * seed, so a three-cluster plan is the same with or without them.
 */
function extraDatacentres(count: number): ClusterPlan[] {
  return Array.from({ length: Math.max(0, count) }, (_, i) => {
    const dc = `dc${i + 2}`;
    const racks = ['a', 'b', 'c'].map((r) => `${dc}-rack-${r}`);
    return {
      spec: { name: `${dc}-onprem`, context: `${dc}-onprem`, cloud: 'onprem' as const, region: `eu-central-${dc}`, account: `${dc}-datacentre` },
      version: { gitVersion: 'v1.30.6', kubeletVersion: 'v1.30.6' },
      pools: [
        { name: 'control-plane', instanceType: 'vm-4c16g', cpu: 4, memoryGi: 16, maxPods: 110, count: 3, zones: racks, controlPlane: true },
        { name: 'workers', instanceType: 'bare-metal-16c64g', cpu: 16, memoryGi: 64, maxPods: 110, count: 3, zones: racks },
      ],
      // Second octets 0, 64 and 128 are the shop's; these take 160, 176, … (16 /16s each).
      podNetwork: 160 + i * 16,
      serviceNetwork: `10.${97 + i}`,
      ingressClass: { name: 'nginx', controller: 'k8s.io/ingress-nginx' },
    };
  });
}

/** The most clusters `--clusters` takes: the shop's three and five more data centres. */
export const MAX_CLUSTERS = 8;

function albName(namespace: string, name: string, random: SeededRandom): string {
  return `k8s-${namespace.slice(0, 8)}-${name.slice(0, 8)}-${random.hex(10)}`;
}

function workloadFrom(cluster: ClusterPlan, d: ServiceDraft, random: SeededRandom): WorkloadPlan {
  const id = `${cluster.spec.name}/${d.namespace}/${d.name}`;
  const resolve = (dep: string) => (dep.split('/').length === 3 ? dep : `${cluster.spec.name}/${dep}`);
  let ingress: IngressPlan | undefined;
  let loadBalancer: string | undefined;
  if (d.ingress) {
    ingress = { host: d.ingress.host, path: d.ingress.path ?? '/' };
    if (cluster.spec.cloud === 'aws') {
      const name = albName(d.namespace, d.name, random);
      const lbId = random.hex(16);
      ingress.albName = name;
      ingress.hostname = `${name}-${random.int(1_000_000_000, 1_999_999_999)}.${cluster.spec.region}.elb.amazonaws.com`;
      loadBalancer = `app/${name}/${lbId}`;
    } else if (cluster.spec.cloud === 'gcp') {
      ingress.ip = `34.${random.int(96, 120)}.${random.int(0, 255)}.${random.int(1, 254)}`;
    } else ingress.ip = '10.20.0.50';
  }
  const service: ServiceSpec = {
    id,
    cluster: cluster.spec.name,
    namespace: d.namespace,
    name: d.name,
    team: d.team,
    tier: d.tier,
    workloadKind: d.kind ?? 'Deployment',
    ...(loadBalancer ? { loadBalancer } : {}),
    ...(d.db ? { dbInstance: d.db } : {}),
    baseRps: d.rps ?? 50,
    baseLatencyMs: d.latency ?? 50,
    baseErrorRatio: d.tier === 'database' || d.tier === 'cache' ? 0.0001 : 0.001,
    dependsOn: (d.deps ?? []).map(resolve),
  };
  return {
    service,
    replicas: d.replicas,
    image: d.image,
    previousImages: d.previous ?? [],
    port: d.port ?? 8080,
    cpu: d.cpu ?? (d.tier === 'frontend' ? '200m' : '250m'),
    memory: d.memory ?? (d.tier === 'frontend' ? '256Mi' : '512Mi'),
    component: d.tier === 'frontend' ? 'web' : d.tier === 'worker' ? 'worker' : d.tier === 'api' ? 'server' : d.tier,
    partOf: d.partOf ?? (d.namespace === 'erp' ? 'erp' : d.namespace === 'search' || d.namespace === 'media' ? d.namespace : 'shop'),
    ...(d.hpa ? { hpa: d.hpa } : {}),
    ...(d.pdb ? { pdb: d.pdb } : {}),
    ...(ingress ? { ingress } : {}),
    ...(d.unhealthy ? { unhealthy: d.unhealthy } : {}),
    ageDays: random.int(3, 240),
  };
}

function systemWorkloads(cluster: ClusterPlan, random: SeededRandom): WorkloadPlan[] {
  const sys = (namespace: string, name: string, image: string, replicas: number, team = 'platform'): WorkloadPlan => ({
    service: {
      id: `${cluster.spec.name}/${namespace}/${name}`, cluster: cluster.spec.name, namespace, name, team, tier: 'api', workloadKind: 'Deployment',
      baseRps: 0, baseLatencyMs: 0, baseErrorRatio: 0, dependsOn: [],
    },
    replicas, image, previousImages: [], port: 8080, cpu: '100m', memory: '128Mi', component: 'system', partOf: 'platform', ageDays: random.int(60, 400), system: true,
  });
  const out = [
    sys('kube-system', 'coredns', cluster.spec.cloud === 'aws' ? '602401143452.dkr.ecr.us-east-1.amazonaws.com/eks/coredns:v1.11.3-eksbuild.1' : 'registry.k8s.io/coredns/coredns:v1.11.3', 2),
    sys('kube-system', 'metrics-server', 'registry.k8s.io/metrics-server/metrics-server:v0.7.2', 1),
  ];
  if (cluster.spec.cloud === 'aws') out.push(sys('kube-system', 'aws-load-balancer-controller', 'public.ecr.aws/eks/aws-load-balancer-controller:v2.9.2', 2));
  if (cluster.spec.cloud === 'onprem') out.push(sys('ingress-nginx', 'ingress-nginx-controller', 'registry.k8s.io/ingress-nginx/controller:v1.11.3', 2));
  return out;
}

/** Extra tenants for `--pods N`: namespaces of web/api/worker trios, spread over the clusters. */
function tenantWorkloads(clusters: ClusterPlan[], extraPods: number, random: SeededRandom): WorkloadPlan[] {
  const out: WorkloadPlan[] = [];
  let remaining = extraPods;
  let index = 0;
  const tiers: { name: string; tier: ServiceTier; image: string }[] = [
    { name: 'web', tier: 'frontend', image: 'ghcr.io/daytwo-shop/tenant-web:1.0.3' },
    { name: 'api', tier: 'api', image: 'ghcr.io/daytwo-shop/tenant-api:2.2.0' },
    { name: 'worker', tier: 'worker', image: 'ghcr.io/daytwo-shop/tenant-worker:0.9.8' },
  ];
  while (remaining > 0) {
    const cluster = clusters[index % clusters.length] as ClusterPlan;
    const namespace = `tenant-${String(index + 1).padStart(4, '0')}`;
    for (const t of tiers) {
      if (remaining <= 0) break;
      const replicas = Math.min(remaining, random.int(4, 12));
      remaining -= replicas;
      const w = workloadFrom(cluster, { namespace, name: t.name, team: `tenant-${index + 1}`, tier: t.tier, replicas, image: t.image, cpu: '50m', memory: '64Mi', rps: 20, latency: 40, partOf: namespace }, random);
      if (t.name === 'web') w.service.dependsOn = [`${cluster.spec.name}/${namespace}/api`];
      out.push(w);
    }
    index++;
  }
  return out;
}

/** Pods per node the scale-up aims for, leaving room for rescheduling after a node failure. */
const TENANT_PODS_PER_NODE = 40;

export function planEstate(seed: number, targetPods?: number, clusterCount = 3): EstatePlan {
  const root = new SeededRandom(seed);
  const clusters = clusterPlans(root.fork('clusters'), clusterCount);
  const random = root.fork('services');
  const workloads: WorkloadPlan[] = [];
  for (const cluster of clusters) {
    workloads.push(...systemWorkloads(cluster, random));
    for (const draft of SHOP[cluster.spec.name] ?? []) workloads.push(workloadFrom(cluster, draft, random));
  }
  const daemons: SystemDaemonPlan[] = clusters.map((c) => ({
    cluster: c.spec.name, namespace: 'monitoring', name: 'node-exporter', image: 'quay.io/prometheus/node-exporter:v1.8.2', cpu: '50m', memory: '64Mi',
  }));
  const nodeCount = () => clusters.reduce((n, c) => n + c.pools.reduce((m, p) => m + p.count, 0), 0);
  const basePods = workloads.reduce((n, w) => n + w.replicas + (w.unhealthy === 'stuck-rollout' ? 1 : 0), 0) + nodeCount();
  if (targetPods !== undefined && targetPods > basePods) {
    const extra = targetPods - basePods;
    // Each added node also runs a node-exporter pod, so it takes a share of the target.
    const addedNodes = Math.ceil(extra / (TENANT_PODS_PER_NODE + 1));
    clusters.forEach((c, i) => {
      const pool = c.pools.find((p) => !p.controlPlane);
      if (pool) pool.count += Math.floor(addedNodes / clusters.length) + (i < addedNodes % clusters.length ? 1 : 0);
    });
    workloads.push(...tenantWorkloads(clusters, targetPods - basePods - addedNodes, root.fork('tenants')));
  }
  return { seed, clusters, workloads, daemons };
}
