import type { LoadSignals, PodView, SandboxWorld, ServiceSpec } from '../world.js';
import { ConditionTimeline } from './condition-timeline.js';
import { hashKey, smoothNoise, unitAt } from './noise.js';
import { PodIndex } from './pod-index.js';
import { BASELINE_UTILIZATION, ownLoad, withDependencies, type ServiceCondition, type ServiceLoad } from './service-load.js';

const DAY_MS = 86_400_000;
const NOISE_KNOT_MS = 60_000;
/**
 * History before the sandbox started is the healthy baseline, except the last few minutes,
 * which carry the state the estate started in: a service that starts unhealthy looks like
 * it broke shortly before, not like it has been broken all week.
 */
const PRE_START_INCIDENT_MS = 20 * 60_000;
/** A pod may burst to its CPU limit, which the sandbox takes as twice the request. */
const CPU_LIMIT_OVER_REQUEST = 2;
/** Share of a caller's extra traffic that reaches its dependencies. */
const SURGE_PASS_ON = 0.3;

export interface InjectedEffects {
  loadFactor: number;
  capacityFactor: number;
  /**
   * Wedged pods: each request to a pod that was already running at `hangSince` waits this long
   * on dead connections first (a pool still pointing at a failed-over backend); pods started
   * later are fine, so restarting the workload clears it. 0 for none.
   */
  hangMs?: number;
  hangSince?: number;
  /** A replayed incident's recorded error ratio above its baseline, added to the service's own. */
  extraErrorRatio?: number;
  /** A replayed incident's recorded latency over its baseline. */
  latencyFactor?: number;
}

function neutral(e: InjectedEffects): boolean {
  return e.loadFactor === 1 && e.capacityFactor === 1 && !e.hangMs && (e.extraErrorRatio ?? 0) === 0 && (e.latencyFactor ?? 1) === 1;
}

/** Only the replay's fields that are in force, so a condition without them compares equal to the old shape. */
function replayFields(e: InjectedEffects | undefined): Pick<InjectedEffects, 'extraErrorRatio' | 'latencyFactor'> {
  return {
    ...(e?.extraErrorRatio ? { extraErrorRatio: e.extraErrorRatio } : {}),
    ...(e?.latencyFactor !== undefined && e.latencyFactor !== 1 ? { latencyFactor: e.latencyFactor } : {}),
  };
}

interface PodTally {
  ready: number;
  crashing: number;
  erroring: number;
  pods: number;
  cpu: number;
  mem: number;
  hung: number;
}

interface ServiceShape {
  spec: ServiceSpec;
  /** A canary variant's origin (world.traffic()): it shares that service's demand. */
  originId?: string;
  keyHash: number;
  /** Hour-scale phase offset of the daily wave, so services don't peak in lockstep. */
  phaseMs: number;
  podCapacityRps: number;
  baseline: ServiceCondition;
  callers: string[];
  meanCpuRequestMilli: number;
  meanMemoryRequestMi: number;
  /** What the app needs in memory, whatever its pods request: the request it was sized with. */
  appMemoryMi: number | undefined;
}

/** Per node group: how many of each service's pods it runs, and what it can hold. */
export interface NodegroupPlacement {
  cluster: string;
  nodegroup: string;
  nodes: number;
  readyNodes: number;
  cpuMilli: number;
  memoryMi: number;
  podsByService: Map<string, number>;
}

/**
 * The estate's load over simulated time: traffic with a daily wave and seeded noise, spread
 * over each service's ready pods, shaped by what the pods are doing and by injected faults.
 * It is the one source of load numbers for metrics.k8s.io, the HPA controller, CloudWatch and
 * Prometheus.
 */
export class EstateLoad implements LoadSignals {
  readonly timeline = new ConditionTimeline();
  /** Node groups' node counts over time (desired = nodes, ready = ready nodes). */
  private readonly nodegroupTimeline = new ConditionTimeline();
  readonly startedAt: number;
  private readonly shapes = new Map<string, ServiceShape>();
  private readonly effects = new Map<string, InjectedEffects>();
  private readonly podCountsByService = new Map<string, number>();
  private placement: NodegroupPlacement[] = [];
  private observedPods: PodView[] = [];
  private observedAt = Number.NaN;
  private memoAt = Number.NaN;
  private memo = new Map<string, ServiceLoad>();
  /** The last walk over the pods and what the world and the effects were at then (see tally). */
  private tallied: { asOf: string; counts: Map<string, PodTally> } | undefined;
  private effectsRevision = 0;
  /** The stores' and effects' revision the timelines were last recorded at (see observe). */
  private recordedAsOf: string | undefined;

  constructor(private readonly world: SandboxWorld) {
    this.startedAt = world.now();
    const callers = new Map<string, string[]>();
    for (const service of world.services) {
      for (const dep of service.dependsOn) {
        const list = callers.get(dep) ?? [];
        list.push(service.id);
        callers.set(dep, list);
      }
    }
    for (const spec of world.services) {
      const keyHash = hashKey(world.seed, spec.id);
      const desired = Math.max(1, world.replicas(spec.id).desired);
      this.shapes.set(spec.id, {
        spec,
        keyHash,
        phaseMs: (unitAt(keyHash, 7) - 0.5) * 2 * 3_600_000,
        podCapacityRps: Math.max(spec.baseRps, 1) / (desired * BASELINE_UTILIZATION),
        baseline: { desired, ready: desired, crashing: 0, loadFactor: 1, capacityFactor: 1 },
        callers: callers.get(spec.id) ?? [],
        meanCpuRequestMilli: 250,
        meanMemoryRequestMi: 256,
        appMemoryMi: undefined,
      });
    }
    this.observe(this.startedAt);
  }

  get services(): readonly ServiceSpec[] {
    return this.world.services;
  }

  spec(serviceId: string): ServiceSpec | undefined {
    return this.shapes.get(serviceId)?.spec;
  }

  callersOf(serviceId: string): readonly string[] {
    return this.shapes.get(serviceId)?.callers ?? [];
  }

  /** Reads the pods as they are now and records what changed. Called on every world tick. */
  observe(now: number): void {
    const traffic = this.world.traffic?.();
    for (const variant of traffic?.variants ?? []) this.addVariant(variant, traffic?.originOf.get(variant.id));
    const counts = this.tally();
    this.observedAt = now;
    // What is recorded below is read from the stores and the effects alone, so when neither has
    // changed since the last observation every record would equal the last and be dropped:
    // a pass over each service's record (about 14 ms at 50,000 pods) that an estate at rest
    // otherwise paid twice a second.
    const asOf = this.tallied?.asOf;
    if (asOf !== undefined && asOf === this.recordedAsOf) return;
    this.recordedAsOf = asOf;
    for (const group of this.placement) {
      this.nodegroupTimeline.record(nodegroupKey(group), now, {
        desired: group.nodes,
        ready: group.readyNodes,
        crashing: 0,
        loadFactor: 1,
        capacityFactor: 1,
      });
    }
    for (const [id, shape] of this.shapes) {
      const c = counts.get(id);
      this.podCountsByService.set(id, c?.pods ?? 0);
      if (c && c.pods > 0) {
        shape.meanCpuRequestMilli = c.cpu / c.pods;
        shape.meanMemoryRequestMi = c.mem / c.pods;
        shape.appMemoryMi ??= shape.meanMemoryRequestMi;
      }
      const effects = this.effects.get(id);
      const share = traffic?.shares.get(id);
      this.timeline.record(id, now, {
        desired: shape.originId ? (c?.pods ?? 0) : this.world.replicas(id).desired,
        ready: c?.ready ?? 0,
        crashing: c?.crashing ?? 0,
        loadFactor: effects?.loadFactor ?? 1,
        capacityFactor: effects?.capacityFactor ?? 1,
        ...(effects?.hangMs ? { hung: c?.hung ?? 0, hangMs: effects.hangMs } : {}),
        ...(c && c.erroring > 0 ? { erroring: c.erroring } : {}),
        ...(share !== undefined ? { trafficShare: share } : {}),
        ...replayFields(effects),
      });
    }
    this.invalidateMemo();
  }

  /**
   * Per service, what its pods are doing; per node group, whose pods it runs. A walk over every
   * pod (50 ms at 50,000), so it is taken again only when a cluster's store or an injected effect
   * has changed since the last: an estate left alone changes nothing for seconds at a time, and
   * the walk every half second was most of what the sandbox spent at rest.
   */
  private tally(): Map<string, PodTally> {
    const revision = this.world.revision?.();
    const asOf = revision === undefined ? undefined : `${revision}/${this.effectsRevision}`;
    if (asOf !== undefined && asOf === this.tallied?.asOf) return this.tallied.counts;
    const counts = new Map<string, PodTally>();
    const nodeGroupOf = new Map<string, Map<string, NodegroupPlacement>>();
    const groups = new Map<string, NodegroupPlacement>();
    for (const node of this.world.nodes()) {
      const key = `${node.cluster}/${node.nodegroup}`;
      let group = groups.get(key);
      if (!group) {
        group = { cluster: node.cluster, nodegroup: node.nodegroup, nodes: 0, readyNodes: 0, cpuMilli: 0, memoryMi: 0, podsByService: new Map() };
        groups.set(key, group);
      }
      group.nodes++;
      if (node.ready) group.readyNodes++;
      group.cpuMilli += node.cpuMilli;
      group.memoryMi += node.memoryMi;
      let byName = nodeGroupOf.get(node.cluster);
      if (!byName) {
        byName = new Map();
        nodeGroupOf.set(node.cluster, byName);
      }
      byName.set(node.name, group);
    }
    const pods: PodView[] = [];
    for (const pod of this.world.pods()) {
      pods.push(pod);
      if (pod.phase === 'Succeeded' || pod.phase === 'Failed') continue;
      let c = counts.get(pod.serviceId);
      if (!c) {
        c = { ready: 0, crashing: 0, erroring: 0, pods: 0, cpu: 0, mem: 0, hung: 0 };
        counts.set(pod.serviceId, c);
      }
      c.pods++;
      c.cpu += pod.cpuRequestMilli;
      c.mem += pod.memoryRequestMi;
      if (pod.ready) c.ready++;
      if (pod.crashing) c.crashing++;
      const hang = this.effects.get(pod.serviceId);
      if (pod.ready && hang?.hangMs && hang.hangSince !== undefined && pod.startedAt !== null && pod.startedAt <= hang.hangSince) c.hung++;
      if (pod.erroring && pod.ready) c.erroring++;
      if (pod.node) {
        const group = nodeGroupOf.get(pod.cluster)?.get(pod.node);
        if (group) group.podsByService.set(pod.serviceId, (group.podsByService.get(pod.serviceId) ?? 0) + 1);
      }
    }
    this.placement = [...groups.values()];
    this.observedPods = pods;
    this.tallied = asOf === undefined ? undefined : { asOf, counts };
    return counts;
  }

  /** A canary backend takes its origin's shape: same demand curve, latency, errors and capacity per pod. */
  private addVariant(spec: ServiceSpec, originId: string | undefined): void {
    const origin = originId ? this.shapes.get(originId) : undefined;
    if (!origin || this.shapes.has(spec.id)) return;
    this.shapes.set(spec.id, { ...origin, spec, originId: origin.spec.id, baseline: { ...origin.baseline, ready: 0, desired: 0 } });
  }

  /**
   * What the load balancer in front of a service sees: the service and the canary variants
   * that share its demand, together (requests summed, errors and latency weighted by requests).
   */
  frontDoorAt(serviceId: string, t: number): ServiceLoad | undefined {
    const own = this.serviceAt(serviceId, t);
    const variants = [...this.shapes.values()].filter((s) => s.originId === serviceId).map((s) => this.serviceAt(s.spec.id, t));
    const loads = [own, ...variants].filter((l): l is ServiceLoad => l !== undefined && l.rps > 0);
    if (!own || variants.length === 0 || loads.length === 0) return own;
    const rps = loads.reduce((n, l) => n + l.rps, 0);
    const weighted = (f: (l: ServiceLoad) => number) => loads.reduce((n, l) => n + f(l) * l.rps, 0) / rps;
    return { ...own, rps, errorRatio: weighted((l) => l.errorRatio), p50Ms: weighted((l) => l.p50Ms), p90Ms: weighted((l) => l.p90Ms), p99Ms: weighted((l) => l.p99Ms), sigma: Math.max(...loads.map((l) => l.sigma)) };
  }

  /** Seeded services and the canary variants traffic routes have added. */
  specs(): ServiceSpec[] {
    return [...this.shapes.values()].map((s) => s.spec);
  }

  /** The pods as last observed, if that was at `now`: saves another pass over every pod. */
  podsObservedAt(now: number): readonly PodView[] | undefined {
    return this.observedAt === now ? this.observedPods : undefined;
  }

  /** Injects (or, with 1 and 1, clears) a fault's effect on a service from now on. */
  setEffects(serviceId: string, effects: Partial<InjectedEffects>): void {
    const current = this.effects.get(serviceId) ?? { loadFactor: 1, capacityFactor: 1 };
    const next = { ...current, ...effects };
    this.effectsRevision++;
    if (neutral(next)) this.effects.delete(serviceId);
    else this.effects.set(serviceId, next);
    const latest = this.timeline.latest(serviceId);
    if (latest) {
      const { extraErrorRatio: _e, latencyFactor: _l, ...rest } = latest;
      this.timeline.record(serviceId, this.world.now(), { ...rest, loadFactor: next.loadFactor, capacityFactor: next.capacityFactor, ...replayFields(next) });
    }
    this.invalidateMemo();
  }

  effectsOn(serviceId: string): InjectedEffects {
    return this.effects.get(serviceId) ?? { loadFactor: 1, capacityFactor: 1 };
  }

  nodegroups(): readonly NodegroupPlacement[] {
    return this.placement;
  }

  /** Nodes of a group that were not Ready at `t`; none before the sandbox started. */
  notReadyNodesAt(group: NodegroupPlacement, t: number): number {
    const c = this.nodegroupTimeline.at(nodegroupKey(group), t);
    return c ? c.desired - c.ready : 0;
  }

  conditionAt(serviceId: string, t: number): ServiceCondition | undefined {
    const shape = this.shapes.get(serviceId);
    if (!shape) return undefined;
    const recorded = this.timeline.at(serviceId, t);
    if (recorded) return recorded;
    if (shape.originId) return undefined;
    if (t >= this.startedAt - PRE_START_INCIDENT_MS) return this.timeline.first(serviceId) ?? shape.baseline;
    return shape.baseline;
  }

  /** The service's load at simulated time `t` (epoch ms), past or present. */
  serviceAt(serviceId: string, t: number): ServiceLoad | undefined {
    if (t !== this.memoAt) {
      this.memoAt = t;
      this.memo = new Map();
    }
    return this.loadAt(serviceId, t, new Set());
  }

  private loadAt(serviceId: string, t: number, visiting: Set<string>): ServiceLoad | undefined {
    const cached = this.memo.get(serviceId);
    if (cached) return cached;
    const shape = this.shapes.get(serviceId);
    const condition = this.conditionAt(serviceId, t);
    if (!shape || !condition) return undefined;
    visiting.add(serviceId);
    const own = ownLoad({
      // A routed service serves its share of its origin's demand (shared/traffic/traffic-split.ts).
      demandRps: shape.spec.baseRps * this.trafficShape(shape, t) * this.demandFactor(shape.originId ?? serviceId, t, new Set()) * (condition.trafficShare ?? 1),
      baseLatencyMs: shape.spec.baseLatencyMs,
      baseErrorRatio: shape.spec.baseErrorRatio,
      podCapacityRps: shape.podCapacityRps,
      condition,
    });
    const deps: ServiceLoad[] = [];
    for (const dep of shape.spec.dependsOn) {
      // A cycle in the call graph is cut where it closes rather than recursing forever.
      if (visiting.has(dep)) continue;
      const load = this.loadAt(dep, t, visiting);
      if (load) deps.push(load);
    }
    visiting.delete(serviceId);
    const load = withDependencies(own, deps);
    this.memo.set(serviceId, load);
    return load;
  }

  /** Daily wave and noise, the same for every caller of this model at time t. */
  private trafficShape(shape: ServiceShape, t: number): number {
    const day = ((t + shape.phaseMs) % DAY_MS) / DAY_MS;
    // Peaks mid-afternoon UTC, troughs in the small hours.
    const wave = 1 + 0.3 * Math.cos(2 * Math.PI * (day - 14 / 24));
    return wave * (1 + 0.06 * smoothNoise(shape.keyHash, t, NOISE_KNOT_MS));
  }

  /**
   * Surges propagate, damped: a service sees its own injected factor times part of what its
   * callers see, since not every page view reaches every backend (caches, fan-out).
   */
  private demandFactor(serviceId: string, t: number, visiting: Set<string>): number {
    const shape = this.shapes.get(serviceId);
    const condition = this.conditionAt(serviceId, t);
    if (!shape || !condition) return 1;
    visiting.add(serviceId);
    let fromCallers = 1;
    const callers = shape.callers.filter((c) => !visiting.has(c));
    if (callers.length > 0) {
      let sum = 0;
      for (const caller of callers) sum += this.demandFactor(caller, t, visiting);
      fromCallers = 1 + (sum / callers.length - 1) * SURGE_PASS_ON;
    }
    visiting.delete(serviceId);
    return condition.loadFactor * fromCallers;
  }

  /** CPU of one pod of the service at `t`, as a share of its request. */
  cpuShareOfRequest(serviceId: string, t: number, podKey: number, running: boolean, ready: boolean, crashing: boolean): number {
    if (!running) return 0;
    const shape = this.shapes.get(serviceId);
    if (!shape) return 0.1;
    const jitter = 1 + 0.08 * (unitAt(podKey, 1) * 2 - 1) + 0.04 * smoothNoise(podKey, t, NOISE_KNOT_MS);
    if (crashing) return 0.15 * jitter;
    if (!ready) return 0.3 * jitter;
    const load = this.serviceAt(serviceId, t);
    const u = load && Number.isFinite(load.utilization) ? load.utilization : 0;
    return Math.min(CPU_LIMIT_OVER_REQUEST, (0.05 + 0.95 * u) * jitter);
  }

  memoryShareOfRequest(serviceId: string, t: number, podKey: number, running: boolean, crashing: boolean, startedAt: number | null): number {
    if (!running) return 0;
    const jitter = 1 + 0.06 * (unitAt(podKey, 2) * 2 - 1);
    if (crashing) return 0.3 * jitter;
    const load = this.serviceAt(serviceId, t);
    const u = load && Number.isFinite(load.utilization) ? Math.min(load.utilization, 1.5) : 0;
    // Heaps and caches fill over the first hours of a pod's life, then level off.
    const uptime = startedAt === null ? 0 : Math.max(0, t - startedAt);
    const warm = 0.1 * (1 - Math.exp(-uptime / (6 * 3_600_000)));
    return (0.45 + 0.25 * (u / 1.5) + warm) * jitter;
  }

  /** Total CPU (millicores) the service's pods use at `t`, from its condition then. */
  serviceCpuMilliAt(serviceId: string, t: number): number {
    const shape = this.shapes.get(serviceId);
    const condition = this.conditionAt(serviceId, t);
    if (!shape || !condition) return 0;
    const load = this.serviceAt(serviceId, t);
    const u = load && Number.isFinite(load.utilization) ? load.utilization : 0;
    const healthyReady = Math.max(0, condition.ready - condition.crashing);
    return shape.meanCpuRequestMilli * (healthyReady * Math.min(CPU_LIMIT_OVER_REQUEST, 0.05 + 0.95 * u) + condition.crashing * 0.15);
  }

  /** Share of a service's pods that run in a node group, from where they run now. */
  placementShare(group: NodegroupPlacement, serviceId: string): number {
    const total = this.podCountsByService.get(serviceId) ?? 0;
    return total === 0 ? 0 : (group.podsByService.get(serviceId) ?? 0) / total;
  }

  podCpuMilli(pod: PodView): number {
    const t = this.world.now();
    const share = this.cpuShareOfRequest(pod.serviceId, t, podKeyHash(this.world.seed, pod), pod.phase === 'Running', pod.ready, pod.crashing);
    return Math.round(pod.cpuRequestMilli * share);
  }

  /** The app's working set: sized by what it needs, not by what its pod requests (a lowered limit does not shrink the heap). */
  podMemoryMi(pod: PodView): number {
    const t = this.world.now();
    const share = this.memoryShareOfRequest(pod.serviceId, t, podKeyHash(this.world.seed, pod), pod.phase === 'Running', pod.crashing, pod.startedAt);
    return Math.round((this.shapes.get(pod.serviceId)?.appMemoryMi ?? pod.memoryRequestMi) * share);
  }

  private invalidateMemo(): void {
    this.memoAt = Number.NaN;
  }
}

function nodegroupKey(group: Pick<NodegroupPlacement, 'cluster' | 'nodegroup'>): string {
  return `${group.cluster}/${group.nodegroup}`;
}

const podHashes = new Map<number, PodIndex<number>>();
let podHashCount = 0;

/** Stable per-pod hash for jitter; cached because metrics.k8s.io asks for every pod at once. */
export function podKeyHash(seed: number, pod: Pick<PodView, 'cluster' | 'namespace' | 'name'>): number {
  let index = podHashes.get(seed);
  if (!index) {
    index = new PodIndex();
    podHashes.set(seed, index);
  }
  let h = index.get(pod.cluster, pod.namespace, pod.name);
  if (h === undefined) {
    // Pods come and go; a bound keeps a long-running sandbox from collecting every name ever seen.
    if (++podHashCount > 200_000) {
      podHashes.clear();
      podHashCount = 0;
    }
    h = hashKey(seed, `${pod.cluster}/${pod.namespace}/${pod.name}`);
    index.set(pod.cluster, pod.namespace, pod.name, h);
  }
  return h;
}
