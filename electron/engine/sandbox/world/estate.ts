import { SimulatedCluster } from '../kube/cluster.js';
import { addNodes, removeNode, setControlPlaneVersion } from '../kube/node-group.js';
import { type HeldBudget, MaintenanceDrain, holdDisruptions, releaseDisruptions } from '../kube/maintenance.js';
import { type ImageBehaviour, ImageRegistry } from '../kube/controllers/images.js';
import { condition, isActive, isReady, podRequests } from '../kube/controllers/pods.js';
import { allocatable } from '../kube/controllers/scheduler.js';
import { memoryMi } from '../kube/quantity.js';
import { resourceForKind, resourceKey } from '../kube/resources.js';
import type { Deployment, KubeObject, NodeObject, Pod, StatefulSet } from '../kube/types.js';
import type { ClusterSpec, LoadSignals, NodeView, PodView, ReplicaCounts, SandboxWorld, ServiceSpec, TrafficPicture, WorkloadResources } from '../world.js';
import { serviceSelectorMatches } from '../../../../shared/estate/label-selector.js';
import { buildEstate } from './build.js';
import { installGatewayApi } from './gateway-api.js';
import { routedTraffic, type RoutedTraffic } from './traffic-routes.js';
import { installBundledCrds } from '../kube/bundled-crds.js';
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
  /** How many clusters (3 by default: the shop's; more are extra on-prem data centres). */
  clusters?: number;
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
  private readonly drains = new Map<string, MaintenanceDrain>();
  private readonly heldBudgets = new Map<string, HeldBudget>();
  private routed: RoutedTraffic | undefined;

  constructor(options: EstateOptions) {
    this.seed = options.seed;
    this.clock = options.clock ?? Date.now;
    const plan = planEstate(options.seed, options.pods, options.clusters);
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
    for (const c of clusters.values()) installGatewayApi(c.store, this.clock());
    for (const c of clusters.values()) installBundledCrds(c.store, this.clock());
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
    this.routed = undefined;
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

  revision(): number {
    // Each store's resourceVersion only grows, and grows on every write: so does their sum.
    let sum = 0;
    for (const c of this.simulated.values()) sum += c.store.resourceVersion;
    return sum;
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
          kubeletVersion: node.status.nodeInfo.kubeletVersion ?? '',
          controlPlane: labels['node-role.kubernetes.io/control-plane'] !== undefined,
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

  private workload(serviceId: string): { s: ServiceSpec; resource: string; object: Deployment | StatefulSet } {
    const s = this.serviceById.get(serviceId);
    if (!s) throw new Error(`No service "${serviceId}" in the sandbox.`);
    const resource = s.workloadKind === 'StatefulSet' ? 'statefulsets.apps' : 'deployments.apps';
    const object = this.cluster(s.cluster).store.get<Deployment | StatefulSet>(resource, s.namespace, s.name);
    if (!object) throw new Error(`The workload of "${serviceId}" no longer exists.`);
    return { s, resource, object };
  }

  workloadResources(serviceId: string): WorkloadResources {
    const { s, object } = this.workload(serviceId);
    const containers = object.spec.template.spec.containers;
    const c = containers.find((x) => x.name === s.name) ?? containers[0];
    const limit = c?.resources?.limits?.memory;
    return {
      cpuRequestMilli: podRequests({ containers: c ? [c] : [] } as Pod['spec']).cpu,
      memoryRequestMi: memoryMi(c?.resources?.requests?.memory),
      memoryLimitMi: limit === undefined ? null : memoryMi(limit),
    };
  }

  setMemory(serviceId: string, memory: { requestMi: number; limitMi: number | null }): void {
    const { s, resource } = this.workload(serviceId);
    this.cluster(s.cluster).store.mutate<Deployment | StatefulSet>(resource, s.namespace, s.name, (w) => {
      const containers = w.spec.template.spec.containers;
      const c = containers.find((x) => x.name === s.name) ?? containers[0];
      if (!c) return;
      const requests = { ...(c.resources?.requests ?? {}), memory: memoryQuantity(memory.requestMi) };
      const limits = { ...(c.resources?.limits ?? {}) };
      if (memory.limitMi === null) delete limits.memory;
      else limits.memory = memoryQuantity(memory.limitMi);
      c.resources = { ...c.resources, requests, limits };
      w.metadata.generation = (w.metadata.generation ?? 1) + 1;
    });
  }

  setReplicas(serviceId: string, replicas: number): void {
    const { s, resource } = this.workload(serviceId);
    this.cluster(s.cluster).store.mutate<Deployment | StatefulSet>(resource, s.namespace, s.name, (w) => {
      if (w.spec.replicas === replicas) return;
      w.spec.replicas = replicas;
      w.metadata.generation = (w.metadata.generation ?? 1) + 1;
    });
  }

  /**
   * Room left for the workload's pods, counted as the scheduler filters nodes: Ready, schedulable,
   * no NoSchedule taint, and requests within allocatable minus what bound pods request.
   */
  roomFor(serviceId: string): number {
    const { s, object } = this.workload(serviceId);
    const store = this.cluster(s.cluster).store;
    const req = podRequests(object.spec.template.spec);
    const used = new Map<string, { cpu: number; memory: number; pods: number }>();
    for (const pod of store.objects<Pod>('pods')) {
      if (!pod.spec.nodeName || !isActive(pod)) continue;
      const r = podRequests(pod.spec);
      const u = used.get(pod.spec.nodeName) ?? { cpu: 0, memory: 0, pods: 0 };
      used.set(pod.spec.nodeName, { cpu: u.cpu + r.cpu, memory: u.memory + r.memory, pods: u.pods + 1 });
    }
    let room = 0;
    for (const node of store.objects<NodeObject>('nodes')) {
      if (node.spec.unschedulable || condition(node, 'Ready')?.status !== 'True') continue;
      if ((node.spec.taints ?? []).some((t) => t.effect === 'NoSchedule' || t.effect === 'NoExecute')) continue;
      const cap = allocatable(node);
      const u = used.get(node.metadata.name) ?? { cpu: 0, memory: 0, pods: 0 };
      const fits = [cap.pods - u.pods, req.cpu > 0 ? (cap.cpu - u.cpu) / req.cpu : Infinity, req.memory > 0 ? (cap.memory - u.memory) / req.memory : Infinity];
      room += Math.max(0, Math.floor(Math.min(...fits)));
    }
    return room;
  }

  setNodeReady(cluster: string, node: string, ready: boolean): void {
    this.cluster(cluster).nodeLifecycle.setReady(node, ready);
  }

  addNodes(cluster: string, spec: { nodegroup: string; kubeletVersion: string; count: number }): string[] {
    return addNodes(this.cluster(cluster), spec);
  }

  removeNode(cluster: string, node: string): void {
    removeNode(this.cluster(cluster), node);
  }

  setControlPlaneVersion(cluster: string, gitVersion: string): void {
    setControlPlaneVersion(this.cluster(cluster), gitVersion);
  }

  controlPlaneVersion(cluster: string): string {
    return this.cluster(cluster).version.gitVersion;
  }

  startMaintenanceDrain(cluster: string, node: string): void {
    const simulated = this.cluster(cluster);
    let drain = this.drains.get(cluster);
    if (!drain) this.drains.set(cluster, (drain = new MaintenanceDrain(simulated)));
    drain.start(node);
  }

  stopMaintenanceDrain(cluster: string, node: string, uncordon: boolean): void {
    this.drains.get(cluster)?.stop(node, uncordon);
  }

  holdDisruptions(serviceId: string): string {
    const service = this.serviceById.get(serviceId);
    if (!service) throw new Error(`No service "${serviceId}" in the sandbox.`);
    const held = this.heldBudgets.get(serviceId);
    if (held) return held.name;
    const replicas = this.replicas(serviceId).desired;
    const budget = holdDisruptions(this.cluster(service.cluster), service.namespace, service.name, { [NAME_LABEL]: service.name, 'app.kubernetes.io/instance': service.name }, replicas);
    this.heldBudgets.set(serviceId, budget);
    return budget.name;
  }

  releaseDisruptions(serviceId: string): void {
    const held = this.heldBudgets.get(serviceId);
    const service = this.serviceById.get(serviceId);
    if (!held || !service) return;
    releaseDisruptions(this.cluster(service.cluster), held);
    this.heldBudgets.delete(serviceId);
  }

  /** Read from the routes once per step: the load side asks for every pod and service. */
  traffic(): TrafficPicture {
    this.routed ??= routedTraffic([...this.simulated].map(([name, c]) => [name, c.store] as [string, typeof c.store]), this.serviceById);
    return this.routed;
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
    const serviceId = name && this.serviceById.has(`${cluster}/${pod.metadata.namespace}/${name}`) ? `${cluster}/${pod.metadata.namespace}/${name}` : this.variantOf(pod, cluster);
    if (!serviceId) return undefined;
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
      // A broken build, or a container the kubelet keeps restarting for another reason (OOMKilled).
      crashing:
        pod.spec.containers.some((c) => !['runs', 'errors'].includes(this.registry.behaviourOf(c.image, pod.metadata.labels) ?? '')) ||
        (pod.status.containerStatuses ?? []).some((c) => c.state.waiting?.reason === 'CrashLoopBackOff'),
      oomKilled: (pod.status.containerStatuses ?? []).some((c) => c.lastState.terminated?.reason === 'OOMKilled'),
      erroring: pod.spec.containers.some((c) => this.registry.behaviourOf(c.image, pod.metadata.labels) === 'errors'),
      cpuRequestMilli: req.cpu,
      memoryRequestMi: req.memory,
      startedAt: started ? Date.parse(started) : null,
    };
    this.views.set(pod, view);
    return view;
  }

  /** A canary backend's pod: one its Service selects, when a route makes that Service a variant. */
  private variantOf(pod: Pod, cluster: string): string | undefined {
    const routed = this.traffic() as RoutedTraffic;
    for (const variant of routed.variants) {
      if (variant.cluster !== cluster || variant.namespace !== pod.metadata.namespace) continue;
      if (serviceSelectorMatches(routed.selectors.get(variant.id), pod.metadata.labels)) return variant.id;
    }
    return undefined;
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

/** As people write it ("1Gi", "410Mi"), so putting an old value back restores the same template and its ReplicaSet. */
function memoryQuantity(mi: number): string {
  const whole = Math.round(mi);
  return whole % 1024 === 0 ? `${whole / 1024}Gi` : `${whole}Mi`;
}
