import { SimulatedCluster } from '../kube/cluster.js';
import { type ImageBehaviour, ImageRegistry } from '../kube/controllers/images.js';
import { isReady, podRequests } from '../kube/controllers/pods.js';
import { resourceForKind, resourceKey } from '../kube/resources.js';
import type { Deployment, KubeObject, NodeObject, Pod, StatefulSet } from '../kube/types.js';
import type { ClusterSpec, LoadSignals, NodeView, PodView, ReplicaCounts, SandboxWorld, ServiceSpec } from '../world.js';
import { buildEstate } from './build.js';
import { planEstate } from './catalog.js';
import { SeededRandom } from './random.js';

/**
 * The sandbox world: the planned estate, live in simulated clusters, advanced by a tick loop.
 * Simulated time runs at real speed; the load side reads it and the pods from here.
 */

const TICK_MS = 250;
const NAME_LABEL = 'app.kubernetes.io/name';

export interface EstateOptions {
  seed: number;
  pods?: number;
  /** Clock, for tests that want a fixed start; defaults to Date.now. */
  clock?: () => number;
}

export class Estate implements SandboxWorld {
  readonly seed: number;
  readonly clusters: readonly ClusterSpec[];
  readonly services: readonly ServiceSpec[];
  readonly simulated: ReadonlyMap<string, SimulatedCluster>;
  private readonly serviceById = new Map<string, ServiceSpec>();
  private readonly views = new WeakMap<Pod, PodView>();
  private load: LoadSignals | undefined;
  private readonly tickListeners = new Set<(now: number) => void>();
  private timer: NodeJS.Timeout | undefined;
  private readonly clock: () => number;
  private readonly networks = new Map<string, string>();
  readonly registry = new ImageRegistry();

  constructor(options: EstateOptions) {
    this.seed = options.seed;
    this.clock = options.clock ?? Date.now;
    const plan = planEstate(options.seed, options.pods);
    const random = new SeededRandom(options.seed).fork('objects');
    const clusters = new Map<string, SimulatedCluster>();
    // Everything the estate runs or ran is published; a workload seeded mid-way through a
    // stuck rollout has a current image that crashes.
    for (const w of plan.workloads) {
      for (const image of w.previousImages) this.registry.publish(image);
      this.registry.publish(w.image, w.unhealthy === 'stuck-rollout' ? 'crashes' : 'runs');
    }
    for (const c of plan.clusters) {
      clusters.set(
        c.spec.name,
        new SimulatedCluster(c.spec, c.version, random.fork(`store:${c.spec.name}`), this.clock, {
          cpu: (pod, cluster) => this.podCpu(pod, cluster),
          memory: (pod, cluster) => this.podMemory(pod, cluster),
        }, this.registry),
      );
    }
    buildEstate(plan, clusters, random, this.clock());
    // System pods (DNS, proxies, exporters) run images of their own; those are published too.
    for (const c of clusters.values()) {
      for (const pod of c.store.objects<Pod>('pods')) for (const ctr of pod.spec.containers) if (!this.registry.behaviour(ctr.image)) this.registry.publish(ctr.image);
    }
    for (const c of plan.clusters) this.networks.set(c.spec.name, c.serviceNetwork);
    this.simulated = clusters;
    this.clusters = plan.clusters.map((c) => c.spec);
    this.services = plan.workloads.filter((w) => !w.system).map((w) => w.service);
    for (const s of this.services) this.serviceById.set(s.id, s);
    for (const c of clusters.values()) c.start();
  }

  /** Starts simulated time. */
  run(): void {
    if (this.timer) return;
    this.step();
    this.timer = setInterval(() => this.step(), TICK_MS);
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  /** One simulation step; exposed so tests can advance without waiting on the interval. */
  step(): void {
    const now = this.clock();
    for (const c of this.simulated.values()) c.tick(now);
    for (const listener of this.tickListeners) listener(now);
  }

  now(): number {
    return this.clock();
  }

  /** First two octets of a cluster's Service IP range, for ClusterIPs allocated on create. */
  serviceNetwork(cluster: string): string {
    return this.networks.get(cluster) ?? '10.96';
  }

  cluster(name: string): SimulatedCluster {
    const c = this.simulated.get(name);
    if (!c) throw new Error(`No cluster named "${name}" in the sandbox (have: ${[...this.simulated.keys()].join(', ')}).`);
    return c;
  }

  *pods(): Iterable<PodView> {
    for (const [name, c] of this.simulated) {
      for (const entry of c.store.entries('pods')) {
        const view = this.view(entry.obj as Pod, name);
        if (view) yield view;
      }
    }
  }

  *nodes(): Iterable<NodeView> {
    for (const [name, c] of this.simulated) {
      for (const node of c.store.objects<NodeObject>('nodes')) {
        const labels = node.metadata.labels ?? {};
        yield {
          cluster: name,
          name: node.metadata.name,
          nodegroup: labels['eks.amazonaws.com/nodegroup'] ?? labels['cloud.google.com/gke-nodepool'] ?? (labels['node-role.kubernetes.io/control-plane'] !== undefined ? 'control-plane' : 'workers'),
          zone: labels['topology.kubernetes.io/zone'] ?? '',
          ready: node.status.conditions.some((c) => c.type === 'Ready' && c.status === 'True'),
          cpuMilli: Math.round(Number.parseFloat(node.status.capacity.cpu ?? '0') * 1000),
          memoryMi: Math.round(Number.parseInt(node.status.capacity.memory ?? '0', 10) / 1024),
        };
      }
    }
  }

  replicas(serviceId: string): ReplicaCounts {
    const s = this.serviceById.get(serviceId);
    if (!s) throw new Error(`No service "${serviceId}" in the sandbox.`);
    const store = this.cluster(s.cluster).store;
    if (s.workloadKind === 'StatefulSet') {
      const sts = store.get<StatefulSet>('statefulsets.apps', s.namespace, s.name);
      return {
        desired: sts?.spec.replicas ?? 0,
        ready: sts?.status.readyReplicas ?? 0,
        updated: sts?.status.updatedReplicas ?? 0,
        available: sts?.status.availableReplicas ?? 0,
      };
    }
    const d = store.get<Deployment>('deployments.apps', s.namespace, s.name);
    return {
      desired: d?.spec.replicas ?? 0,
      ready: d?.status.readyReplicas ?? 0,
      updated: d?.status.updatedReplicas ?? 0,
      available: d?.status.availableReplicas ?? 0,
    };
  }

  objects(cluster: string, resource: string): readonly KubeObject[] {
    return this.simulated.get(cluster)?.store.objects(resource) ?? [];
  }

  attachLoad(signals: LoadSignals): void {
    this.load = signals;
  }

  publishImage(image: string, behaviour: ImageBehaviour): void {
    this.registry.publish(image, behaviour);
  }

  setImage(serviceId: string, image: string): void {
    const s = this.serviceById.get(serviceId);
    if (!s) throw new Error(`No service "${serviceId}" in the sandbox.`);
    const resource = s.workloadKind === 'StatefulSet' ? 'statefulsets.apps' : 'deployments.apps';
    const updated = this.cluster(s.cluster).store.mutate<Deployment | StatefulSet>(resource, s.namespace, s.name, (w) => {
      const container = w.spec.template.spec.containers.find((c) => c.name === s.name) ?? w.spec.template.spec.containers[0];
      if (container && container.image !== image) {
        container.image = image;
        w.metadata.generation = (w.metadata.generation ?? 1) + 1;
      }
    });
    if (!updated) throw new Error(`The workload of "${serviceId}" no longer exists.`);
  }

  setNodeReady(cluster: string, node: string, ready: boolean): void {
    this.cluster(cluster).nodeLifecycle.setReady(node, ready);
  }

  recordEvent(cluster: string, involved: { kind: string; namespace: string | null; name: string }, type: 'Normal' | 'Warning', reason: string, message: string, at: number): void {
    const c = this.cluster(cluster);
    let stored: KubeObject | undefined;
    try {
      stored = c.store.get(resourceKey(resourceForKind(involved.kind)), involved.namespace ?? undefined, involved.name);
    } catch {
      stored = undefined;
    }
    const obj: KubeObject = stored ?? {
      apiVersion: 'v1',
      kind: involved.kind,
      metadata: { name: involved.name, ...(involved.namespace ? { namespace: involved.namespace } : {}), uid: '', resourceVersion: '', creationTimestamp: '' },
    };
    c.events.record(obj, type, reason, message, 'daytwo-replay', { at });
  }

  onTick(listener: (now: number) => void): () => void {
    this.tickListeners.add(listener);
    return () => this.tickListeners.delete(listener);
  }

  /** The service a pod belongs to, if any. */
  serviceOf(pod: Pod, cluster: string): ServiceSpec | undefined {
    const view = this.view(pod, cluster);
    return view ? this.serviceById.get(view.serviceId) : undefined;
  }

  /** The load side's view of a pod; undefined for pods that belong to no ServiceSpec (system pods). */
  view(pod: Pod, cluster: string): PodView | undefined {
    const cached = this.views.get(pod);
    if (cached) return cached;
    const name = pod.metadata.labels?.[NAME_LABEL];
    const serviceId = `${cluster}/${pod.metadata.namespace}/${name}`;
    if (!name || !this.serviceById.has(serviceId)) return undefined;
    const req = podRequests(pod.spec);
    const image = pod.spec.containers[0]?.image ?? '';
    const started = pod.status.containerStatuses?.[0]?.state.running?.startedAt ?? pod.status.startTime;
    const view: PodView = {
      cluster,
      namespace: pod.metadata.namespace ?? '',
      name: pod.metadata.name,
      serviceId,
      node: pod.spec.nodeName ?? null,
      phase: pod.status.phase,
      ready: isReady(pod),
      restarts: (pod.status.containerStatuses ?? []).reduce((n, c) => n + c.restartCount, 0),
      image,
      crashing: pod.spec.containers.some((c) => this.registry.behaviourOf(c.image, pod.metadata.labels) !== 'runs'),
      cpuRequestMilli: req.cpu,
      memoryRequestMi: req.memory,
      startedAt: started ? Date.parse(started) : null,
    };
    this.views.set(pod, view);
    return view;
  }

  private podCpu(pod: Pod, cluster: string): number {
    const view = this.view(pod, cluster);
    if (view && this.load) return this.load.podCpuMilli(view);
    return podRequests(pod.spec).cpu * 0.1;
  }

  private podMemory(pod: Pod, cluster: string): number {
    const view = this.view(pod, cluster);
    if (view && this.load) return this.load.podMemoryMi(view);
    return podRequests(pod.spec).memory * 0.4;
  }

  /** CPU and memory a pod uses now, for metrics.k8s.io. */
  usage(pod: Pod, cluster: string): { cpuMilli: number; memoryMi: number } {
    const running = pod.status.containerStatuses?.some((c) => c.state.running);
    if (!running) return { cpuMilli: 0, memoryMi: 0 };
    return { cpuMilli: this.podCpu(pod, cluster), memoryMi: this.podMemory(pod, cluster) };
  }
}
