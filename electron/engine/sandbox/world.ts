import type { ImageBehaviour } from './kube/controllers/images.js';
/**
 * The contract between the sandbox's Kubernetes side (world/, kube/) and its cloud and
 * metrics side (load/, cloudwatch/, prometheus/, scenarios/). The Kubernetes side owns the
 * objects; the load side owns traffic, latency, errors and resource use. Both read simulated
 * time from here so CloudWatch, Prometheus and the Kubernetes API tell one story.
 */

import type { KubeObject } from './kube/types.js';

export type Cloud = 'aws' | 'gcp' | 'onprem';

export interface ClusterSpec {
  /** Cluster name, e.g. "shop-prod-eks". */
  name: string;
  /** The admin context for it in the sandbox kubeconfig. */
  context: string;
  cloud: Cloud;
  region: string;
  /** AWS account id, GCP project id, or the datacenter name on-premises. */
  account: string;
}

export type ServiceTier = 'frontend' | 'api' | 'worker' | 'database' | 'cache';

export interface ServiceSpec {
  /** `${cluster}/${namespace}/${name}` */
  id: string;
  cluster: string;
  namespace: string;
  /** Name of the workload, its Service and its app.kubernetes.io/name label. */
  name: string;
  team: string;
  tier: ServiceTier;
  workloadKind: 'Deployment' | 'StatefulSet';
  /** Value of CloudWatch's LoadBalancer dimension for the ALB in front of it, e.g. "app/k8s-shop-web-1a2b3c/50dc6c495c0c9188". */
  loadBalancer?: string;
  /** RDS DBInstanceIdentifier when the service is (or is fronted by) a managed database. */
  dbInstance?: string;
  /** Requests per second at load factor 1, spread over ready pods. */
  baseRps: number;
  baseLatencyMs: number;
  /** Fraction of requests that fail when healthy, e.g. 0.001. */
  baseErrorRatio: number;
  /** Ids of services this one calls; a saturated dependency slows and fails its callers. */
  dependsOn: string[];
}

export type PodPhase = 'Pending' | 'Running' | 'Succeeded' | 'Failed' | 'Unknown';

export interface PodView {
  cluster: string;
  namespace: string;
  name: string;
  /** The ServiceSpec id whose workload owns this pod. */
  serviceId: string;
  node: string | null;
  phase: PodPhase;
  ready: boolean;
  restarts: number;
  image: string;
  /** True when the image is one the simulation treats as broken (crash-loops). */
  crashing: boolean;
  /** True when the pod runs and is Ready but answers errors (an image published as `errors`). */
  erroring?: boolean;
  cpuRequestMilli: number;
  memoryRequestMi: number;
  /** Simulated epoch ms the pod started running, or null. */
  startedAt: number | null;
  /** A container of the pod last terminated OOMKilled (over its memory limit). */
  oomKilled?: boolean;
}

export interface NodeView {
  cluster: string;
  name: string;
  /** EKS node group / GKE node pool / on-prem rack. */
  nodegroup: string;
  zone: string;
  ready: boolean;
  cpuMilli: number;
  memoryMi: number;
  /** status.nodeInfo.kubeletVersion, when the world models versions. */
  kubeletVersion?: string;
  controlPlane?: boolean;
}

/** A workload container's resources, in the units the load model and scheduler count. */
export interface WorkloadResources {
  cpuRequestMilli: number;
  memoryRequestMi: number;
  /** Null when the container sets no memory limit. */
  memoryLimitMi: number | null;
}

export interface ReplicaCounts {
  desired: number;
  ready: number;
  updated: number;
  available: number;
}

/**
 * What the cluster's traffic routes (HTTPRoute weights, ingress-nginx canary Ingresses) make of
 * the services' requests (shared/traffic/traffic-split.ts reads them). A service a route names
 * is the route's origin when it is a ServiceSpec; a backend Service that is not (a canary) is
 * a variant: it takes the origin's shape (latency, errors, dependencies) and serves its share.
 */
export interface TrafficPicture {
  /** Fraction of its origin's demand each routed service (origin or variant) serves; absent means all of its own. */
  shares: ReadonlyMap<string, number>;
  /** Canary backends that are no ServiceSpec, as specs derived from their origin's. */
  variants: readonly ServiceSpec[];
  /** Variant id → the ServiceSpec id whose demand it shares. */
  originOf: ReadonlyMap<string, string>;
}

/** What the load model tells the Kubernetes side (metrics.k8s.io, HPA controller). */
export interface LoadSignals {
  podCpuMilli(pod: PodView): number;
  podMemoryMi(pod: PodView): number;
}

export interface SandboxWorld {
  readonly seed: number;
  readonly clusters: readonly ClusterSpec[];
  readonly services: readonly ServiceSpec[];
  /** Simulated wall-clock time, epoch ms. */
  now(): number;
  pods(): Iterable<PodView>;
  nodes(): Iterable<NodeView>;
  /**
   * A number that grows with every write to any cluster's objects, so a reader can tell that
   * pods() and nodes() would give what they gave before. Absent: assume anything changed.
   */
  revision?(): number;
  replicas(serviceId: string): ReplicaCounts;
  /** A cluster's objects of one resource (e.g. "pods", "deployments.apps"), as its API serves them; read-only. */
  objects(cluster: string, resource: string): readonly KubeObject[];
  /** Attach the load model; until attached, pods use 10% of their CPU request. */
  attachLoad(signals: LoadSignals): void;
  /** Publishes an image to the simulated registry, with what it does when it runs. */
  publishImage(image: string, behaviour: ImageBehaviour): void;
  /** A bad (or good) deploy: changes the workload's container image exactly as `kubectl set image` would. */
  setImage(serviceId: string, image: string): void;
  /** The main container's requests and memory limit, as the workload's pod template has them. */
  workloadResources(serviceId: string): WorkloadResources;
  /** Changes the template's memory request and limit, as `kubectl set resources` does: a new rollout. */
  setMemory(serviceId: string, memory: { requestMi: number; limitMi: number | null }): void;
  /** Sets the workload's replicas, as `kubectl scale` does. */
  setReplicas(serviceId: string, replicas: number): void;
  /** How many more pods of the workload the scheduler could place in its cluster now. */
  roomFor(serviceId: string): number;
  /** Node failure and recovery: the node's Ready condition, with eviction as a real cluster does. */
  setNodeReady(cluster: string, node: string, ready: boolean): void;
  /** A replacement node group: `count` new Ready workers at `kubeletVersion`; returns their names. */
  addNodes(cluster: string, spec: { nodegroup: string; kubeletVersion: string; count: number }): string[];
  /** Removes a drained node (its machine terminated); refuses one that still runs workload pods. */
  removeNode(cluster: string, node: string): void;
  /** The version the control plane reports at /version, as after a control-plane upgrade. */
  setControlPlaneVersion(cluster: string, gitVersion: string): void;
  /** The version the control plane reports at /version now. */
  controlPlaneVersion?(cluster: string): string;
  /** Node maintenance as an upgrade controller runs it: cordon, then evictions retried until the node is empty (kube/maintenance.ts). */
  startMaintenanceDrain(cluster: string, node: string): void;
  /** Stops the maintenance drain; with `uncordon`, the node takes pods again. */
  stopMaintenanceDrain(cluster: string, node: string, uncordon: boolean): void;
  /** Tightens (or creates) the PodDisruptionBudget over the service's pods to allow no disruption; returns its name. */
  holdDisruptions(serviceId: string): string;
  /** Puts the budget back as it was (or removes the one created). */
  releaseDisruptions(serviceId: string): void;
  /** How traffic routes split the services' requests now (no routes: every service serves its own). */
  traffic?(): TrafficPicture;
  /**
   * Records a core/v1 Event about an object of a cluster, stamped `at`, as its controller would
   * have: how a replayed incident's Kubernetes events reach the API (kubectl get events sees them).
   * An object the cluster does not have is still named, as the API server allows.
   */
  recordEvent(cluster: string, involved: { kind: string; namespace: string | null; name: string }, type: 'Normal' | 'Warning', reason: string, message: string, at: number): void;
  /** Called after each simulation step with the simulated time. */
  onTick(listener: (now: number) => void): () => void;
}
