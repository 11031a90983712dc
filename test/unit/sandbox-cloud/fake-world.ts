import type { KubeObject } from '../../../electron/engine/sandbox/kube/types.js';
import type { ImageBehaviour } from '../../../electron/engine/sandbox/kube/controllers/images.js';
import type { ClusterSpec, LoadSignals, NodeView, PodView, ReplicaCounts, SandboxWorld, ServiceSpec, WorkloadResources } from '../../../electron/engine/sandbox/world.js';

/**
 * A small estate with a hand-cranked clock, standing in for the Kubernetes side in unit tests:
 * two clusters, a web frontend calling an API calling a managed database, and a worker on GKE.
 * Its "controllers" are crude but follow the same contract: a broken image crash-loops part of
 * the pods, a NotReady node's pods come back Ready elsewhere after ten seconds.
 */
export const T0 = Date.UTC(2026, 10, 20, 14, 0, 0);

const clusters: ClusterSpec[] = [
  { name: 'shop-prod-eks', context: 'shop-prod-eks', cloud: 'aws', region: 'eu-west-1', account: '123456789012' },
  { name: 'shop-prod-gke', context: 'shop-prod-gke', cloud: 'gcp', region: 'europe-west1', account: 'shop-prod' },
];

function service(partial: Partial<ServiceSpec> & Pick<ServiceSpec, 'cluster' | 'namespace' | 'name' | 'tier'>): ServiceSpec {
  return {
    id: `${partial.cluster}/${partial.namespace}/${partial.name}`,
    team: 'shop',
    workloadKind: 'Deployment',
    baseRps: 100,
    baseLatencyMs: 20,
    baseErrorRatio: 0.001,
    dependsOn: [],
    ...partial,
  };
}

export const services: ServiceSpec[] = [
  service({ cluster: 'shop-prod-eks', namespace: 'shop', name: 'web', tier: 'frontend', baseRps: 400, baseLatencyMs: 35, loadBalancer: 'app/k8s-shop-web-1a2b3c/50dc6c495c0c9188', dependsOn: ['shop-prod-eks/shop/checkout'] }),
  service({ cluster: 'shop-prod-eks', namespace: 'shop', name: 'checkout', tier: 'api', baseRps: 200, baseLatencyMs: 25, loadBalancer: 'app/k8s-shop-checkout-4d5e6f/7a8b9c0d1e2f3a4b', dependsOn: ['shop-prod-eks/shop/orders-db'] }),
  service({ cluster: 'shop-prod-eks', namespace: 'shop', name: 'orders-db', tier: 'database', workloadKind: 'StatefulSet', baseRps: 600, baseLatencyMs: 4, dbInstance: 'shop-orders-prod' }),
  service({ cluster: 'shop-prod-gke', namespace: 'jobs', name: 'mailer', tier: 'worker', baseRps: 20, baseLatencyMs: 200 }),
];

const REPLICAS: Record<string, number> = { web: 4, checkout: 4, 'orders-db': 2, mailer: 2 };

export class FakeWorld implements SandboxWorld {
  readonly seed: number;
  readonly clusters = clusters;
  readonly services = services;
  load: LoadSignals | null = null;
  private clock = T0;
  private readonly listeners = new Set<(now: number) => void>();
  private podList: PodView[] = [];
  private readonly nodeList: NodeView[] = [];
  private readonly desired = new Map<string, number>();
  private serial = 0;
  private readonly movesAt = new Map<PodView, number>();

  constructor(seed = 42) {
    this.seed = seed;
    for (const cluster of clusters) {
      for (let i = 0; i < 3; i++) {
        this.nodeList.push({ cluster: cluster.name, name: `${cluster.name}-node-${i}`, nodegroup: `${cluster.name}-general`, zone: `${cluster.region}-${'abc'[i]}`, ready: true, cpuMilli: 4000, memoryMi: 16384 });
      }
    }
    for (const s of services) {
      const n = REPLICAS[s.name] ?? 1;
      this.desired.set(s.id, n);
      for (let i = 0; i < n; i++) this.podList.push(this.newPod(s, `registry.example.com/shop/${s.name}:1.4.2`, i));
    }
  }

  private newPod(s: ServiceSpec, image: string, slot: number, crashing = false): PodView {
    const nodes = this.nodeList.filter((n) => n.cluster === s.cluster && n.ready);
    return {
      cluster: s.cluster,
      namespace: s.namespace,
      name: `${s.name}-${(this.serial++).toString(36).padStart(5, '0')}`,
      serviceId: s.id,
      node: nodes[slot % nodes.length]?.name ?? null,
      phase: 'Running',
      ready: !crashing,
      restarts: 0,
      image,
      crashing,
      cpuRequestMilli: 500,
      memoryRequestMi: 512,
      startedAt: this.clock - 3_600_000,
    };
  }

  now(): number {
    return this.clock;
  }

  pods(): Iterable<PodView> {
    return this.podList;
  }

  nodes(): Iterable<NodeView> {
    return this.nodeList;
  }

  /** No Kubernetes objects: kube-state-metrics is tested against the real Estate. */
  objects(): readonly KubeObject[] {
    return [];
  }

  replicas(serviceId: string): ReplicaCounts {
    const pods = this.podList.filter((p) => p.serviceId === serviceId);
    const ready = pods.filter((p) => p.ready).length;
    return { desired: this.desired.get(serviceId) ?? 0, ready, updated: pods.length, available: ready };
  }

  attachLoad(signals: LoadSignals): void {
    this.load = signals;
  }

  /** What each published image does, as the sandbox's registry would tell the kubelet. */
  readonly published = new Map<string, ImageBehaviour>();

  publishImage(image: string, behaviour: ImageBehaviour): void {
    this.published.set(image, behaviour);
  }

  setImage(serviceId: string, image: string): void {
    const s = services.find((x) => x.id === serviceId);
    if (!s) throw new Error(`no service ${serviceId}`);
    const pods = this.podList.filter((p) => p.serviceId === serviceId);
    const rest = this.podList.filter((p) => p.serviceId !== serviceId);
    if (this.published.get(image) === 'crashes') {
      // A stalled rolling update: one old pod gone (maxUnavailable), two new ones crash-looping (maxSurge).
      const healthy = pods.filter((p) => !p.crashing).slice(1);
      this.podList = [...rest, ...healthy, this.newPod(s, image, 0, true), this.newPod(s, image, 1, true)];
    } else {
      const n = this.desired.get(serviceId) ?? 1;
      this.podList = [...rest, ...Array.from({ length: n }, (_, i) => this.newPod(s, image, i))];
    }
  }

  workloadResources(): WorkloadResources {
    return { cpuRequestMilli: 500, memoryRequestMi: 512, memoryLimitMi: 512 };
  }

  /** Resource changes and scaling are simulated by the real Estate (test/integration). */
  setMemory(): void {
    throw new Error('not simulated by the fake world');
  }

  setReplicas(serviceId: string, replicas: number): void {
    this.desired.set(serviceId, replicas);
  }

  roomFor(): number {
    return 0;
  }

  addNodes(): string[] {
    throw new Error('the fake world has no node groups');
  }

  removeNode(): void {
    throw new Error('the fake world has no node groups');
  }

  setControlPlaneVersion(): void {
    throw new Error('the fake world has no control plane');
  }

  startMaintenanceDrain(): void {
    throw new Error('the fake world has no nodes to drain');
  }

  stopMaintenanceDrain(): void {}

  holdDisruptions(): string {
    throw new Error('the fake world has no disruption budgets');
  }

  releaseDisruptions(): void {}

  setNodeReady(cluster: string, node: string, ready: boolean): void {
    const view = this.nodeList.find((n) => n.cluster === cluster && n.name === node);
    if (!view) throw new Error(`no node ${node}`);
    view.ready = ready;
    if (!ready) {
      for (const pod of this.podList) {
        if (pod.cluster === cluster && pod.node === node) {
          pod.ready = false;
          this.movesAt.set(pod, this.clock + 10_000);
        }
      }
    }
  }

  setDesired(serviceId: string, n: number): void {
    const s = services.find((x) => x.id === serviceId) as ServiceSpec;
    const pods = this.podList.filter((p) => p.serviceId === serviceId);
    this.desired.set(serviceId, n);
    const image = pods[0]?.image ?? `registry.example.com/shop/${s.name}:1.4.2`;
    for (let i = pods.length; i < n; i++) this.podList.push(this.newPod(s, image, i));
  }

  /** Events recorded through the contract, for tests of what replays them. */
  readonly recorded: { cluster: string; involved: { kind: string; namespace: string | null; name: string }; type: string; reason: string; message: string; at: number }[] = [];

  recordEvent(cluster: string, involved: { kind: string; namespace: string | null; name: string }, type: 'Normal' | 'Warning', reason: string, message: string, at: number): void {
    this.recorded.push({ cluster, involved, type, reason, message, at });
  }

  onTick(listener: (now: number) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Moves simulated time forward in steps, as the real world's clock does. */
  advance(ms: number, stepMs = 1000): void {
    const end = this.clock + ms;
    while (this.clock < end) {
      this.clock = Math.min(end, this.clock + stepMs);
      for (const [pod, at] of this.movesAt) {
        if (at <= this.clock) {
          const s = services.find((x) => x.id === pod.serviceId) as ServiceSpec;
          const replacement = this.newPod(s, pod.image, this.serial);
          this.podList = this.podList.filter((p) => p !== pod).concat(replacement);
          this.movesAt.delete(pod);
        }
      }
      for (const pod of this.podList) if (pod.crashing && Math.floor(this.clock / 1000) % 20 === 0) pod.restarts++;
      for (const listener of this.listeners) listener(this.clock);
    }
  }
}
