import type { Change } from '../store.js';
import { rfc3339 } from '../time.js';
import type { Container, ContainerStatus, NodeObject, Pod } from '../types.js';
import type { Controller, ControllerContext } from './context.js';
import { imageDigest } from './images.js';
import { condition, setCondition } from './pods.js';
import { memoryMi } from '../quantity.js';

/**
 * Every node's kubelet at once: it takes a bound pod through ContainerCreating → Running →
 * Ready over simulated seconds, pulls (or fails to pull) images, restarts crashing containers
 * with the kubelet's back-off (10 s doubling to 5 min), and finishes graceful deletions.
 * A kubelet on a NotReady node does nothing, as a dead node would.
 * https://kubernetes.io/docs/concepts/workloads/pods/pod-lifecycle/
 */

const PULL_MS = 800;
const START_TO_READY_MS = 1500;
const RUN_BEFORE_CRASH_MS = 1500;
const TERMINATE_MS = 1000;
/**
 * When the kernel would kill a container over its memory limit: the app reserves its heap as it
 * starts, before its readiness probe passes, so a limit below what it needs kills it every time.
 */
const OOM_AFTER_MS = 1000;

/**
 * When a started container first passes readiness: its readiness probe runs first after
 * initialDelaySeconds and needs successThreshold passes periodSeconds apart (on the simulated
 * clock); the app itself takes START_TO_READY_MS to come up either way.
 * https://kubernetes.io/docs/tasks/configure-pod-container/configure-liveness-readiness-startup-probes/#configure-probes
 */
export function readyAfterMs(c: Container | undefined): number {
  const probe = c?.readinessProbe as { initialDelaySeconds?: number; periodSeconds?: number; successThreshold?: number } | undefined;
  if (!probe) return START_TO_READY_MS;
  const first = (probe.initialDelaySeconds ?? 0) * 1000;
  const passes = Math.max(0, (probe.successThreshold ?? 1) - 1) * (probe.periodSeconds ?? 10) * 1000;
  return Math.max(START_TO_READY_MS, first + passes);
}

export function crashBackoffMs(restarts: number): number {
  return Math.min(10_000 * 2 ** Math.max(0, restarts - 1), 300_000);
}

function containerId(pod: Pod, c: Container, restarts: number): string {
  return `containerd://${imageDigest(`${pod.metadata.uid}/${c.name}/${restarts}`).slice(7, 71)}`;
}

export class Kubelet implements Controller {
  private readonly started = new Set<string>();
  private readonly terminating = new Set<string>();
  private readonly nextIp = new Map<string, number>();

  constructor(private readonly ctx: ControllerContext) {}

  /** Picks up where seeded pods stand: crash loops, pull back-offs and deletions continue. Runs after the initial replay. */
  prime(now: number): void {
    for (const pod of this.ctx.store.objects<Pod>('pods')) {
      if (!pod.spec.nodeName) continue;
      this.nextIp.set(pod.spec.nodeName, (this.nextIp.get(pod.spec.nodeName) ?? 2) + 1);
      if (pod.metadata.deletionTimestamp) {
        this.beginTermination(pod, now);
        continue;
      }
      for (const cs of pod.status.containerStatuses ?? []) {
        if (cs.state.waiting?.reason === 'CrashLoopBackOff') {
          const finished = Date.parse(cs.lastState.terminated?.finishedAt ?? '') || now;
          this.later(pod, Math.max(now + 500, finished + crashBackoffMs(cs.restartCount)), (p) => this.restart(p, cs.name));
        } else if (cs.state.waiting?.reason === 'ImagePullBackOff' || cs.state.waiting?.reason === 'ErrImagePull') {
          this.later(pod, now + 5000 + (cs.restartCount % 5) * 1000, (p) => this.pull(p, cs.name));
        }
      }
    }
  }

  observe(change: Change): void {
    if (change.resource !== 'pods') return;
    const pod = change.object as Pod;
    if (change.type === 'DELETED') {
      this.started.delete(pod.metadata.uid);
      this.terminating.delete(pod.metadata.uid);
      return;
    }
    if (pod.metadata.deletionTimestamp) {
      if (!this.terminating.has(pod.metadata.uid)) this.beginTermination(pod, this.ctx.now());
      return;
    }
    if (pod.spec.nodeName && !this.started.has(pod.metadata.uid)) {
      this.started.add(pod.metadata.uid);
      // Start on the next tick, so the scheduler's write lands first and watchers see each step.
      if (!pod.status.containerStatuses) this.later(pod, this.ctx.now(), (p) => this.start(p, this.ctx.now()));
    }
  }

  sync(): boolean {
    return false;
  }

  /** A node came back: finish what it could not while it was down. */
  resumeNode(nodeName: string, now: number): void {
    for (const pod of this.ctx.store.objects<Pod>('pods')) {
      if (pod.spec.nodeName !== nodeName) continue;
      if (pod.metadata.deletionTimestamp) {
        this.terminating.delete(pod.metadata.uid);
        this.beginTermination(pod, now);
      } else this.refreshReadiness(pod, now);
    }
  }

  private nodeReady(name: string | undefined): boolean {
    if (!name) return false;
    const node = this.ctx.store.get<NodeObject>('nodes', undefined, name);
    return condition(node ?? {}, 'Ready')?.status === 'True';
  }

  /** Runs `step` on the current version of the pod at `time`, if it is still the same pod and its node is up. */
  private later(pod: Pod, time: number, step: (pod: Pod) => void): void {
    const { namespace, name, uid } = pod.metadata;
    this.ctx.timers.at(time, () => {
      const current = this.ctx.store.get<Pod>('pods', namespace, name);
      if (!current || current.metadata.uid !== uid || current.metadata.deletionTimestamp) return;
      if (!this.nodeReady(current.spec.nodeName)) {
        // The node is down: try again later; nothing progresses meanwhile.
        this.later(current, this.ctx.now() + 2000, step);
        return;
      }
      step(current);
    });
  }

  private record(pod: Pod, type: 'Normal' | 'Warning', reason: string, message: string, container?: string): void {
    this.ctx.events.record(pod, type, reason, message, 'kubelet', {
      host: pod.spec.nodeName,
      ...(container ? { fieldPath: `spec.containers{${container}}` } : {}),
    });
  }

  private allocateIp(nodeName: string): string {
    const node = this.ctx.store.get<NodeObject>('nodes', undefined, nodeName);
    const cidr = node?.spec.podCIDR ?? '10.244.0.0/24';
    const base = cidr.split('/')[0]?.split('.') ?? ['10', '244', '0', '0'];
    const n = this.nextIp.get(nodeName) ?? 2;
    this.nextIp.set(nodeName, n >= 253 ? 2 : n + 1);
    return `${base[0]}.${base[1]}.${base[2]}.${n}`;
  }

  private start(pod: Pod, now: number): void {
    const nodeName = pod.spec.nodeName;
    if (!nodeName || pod.status.containerStatuses) return;
    const node = this.ctx.store.get<NodeObject>('nodes', undefined, nodeName);
    const hostIP = node?.status.addresses.find((a) => a.type === 'InternalIP')?.address ?? '10.0.0.1';
    const podIP = this.allocateIp(nodeName);
    const updated = this.ctx.store.mutate<Pod>('pods', pod.metadata.namespace, pod.metadata.name, (p) => {
      p.status.hostIP = hostIP;
      p.status.hostIPs = [{ ip: hostIP }];
      p.status.podIP = podIP;
      p.status.podIPs = [{ ip: podIP }];
      p.status.startTime = rfc3339(now);
      let conditions = p.status.conditions ?? [];
      conditions = setCondition(conditions, { type: 'PodReadyToStartContainers', status: 'True', lastProbeTime: null }, now);
      conditions = setCondition(conditions, { type: 'Initialized', status: 'True', lastProbeTime: null }, now);
      conditions = this.notReady(conditions, p, now);
      p.status.conditions = setCondition(conditions, { type: 'PodScheduled', status: 'True', lastProbeTime: null }, now);
      p.status.containerStatuses = p.spec.containers.map((c) => ({
        name: c.name,
        image: c.image,
        imageID: '',
        ready: false,
        started: false,
        restartCount: 0,
        state: { waiting: { reason: 'ContainerCreating' } },
        lastState: {},
      }));
    });
    if (!updated) return;
    for (const c of pod.spec.containers) this.record(updated, 'Normal', 'Pulling', `Pulling image "${c.image}"`, c.name);
    this.later(updated, now + PULL_MS, (p) => {
      for (const c of p.spec.containers) this.pull(p, c.name);
    });
  }

  private notReady(conditions: Pod['status']['conditions'] & object, pod: Pod, now: number, names?: string[]): NonNullable<Pod['status']['conditions']> {
    const unready = names ?? pod.spec.containers.map((c) => c.name);
    const message = `containers with unready status: [${unready.join(' ')}]`;
    let out = setCondition(conditions, { type: 'Ready', status: 'False', reason: 'ContainersNotReady', message, lastProbeTime: null }, now);
    out = setCondition(out, { type: 'ContainersReady', status: 'False', reason: 'ContainersNotReady', message, lastProbeTime: null }, now);
    return out;
  }

  private updateContainer(pod: Pod, name: string, change: (cs: ContainerStatus, c: Container) => void): Pod | undefined {
    const now = this.ctx.now();
    return this.ctx.store.mutate<Pod>('pods', pod.metadata.namespace, pod.metadata.name, (p) => {
      const cs = p.status.containerStatuses?.find((s) => s.name === name);
      const c = p.spec.containers.find((x) => x.name === name);
      if (!cs || !c) return;
      change(cs, c);
      this.derivePodStatus(p, now);
    });
  }

  private derivePodStatus(p: Pod, now: number): void {
    const statuses = p.status.containerStatuses ?? [];
    if (statuses.some((s) => s.state.running || s.lastState.terminated || s.restartCount > 0)) p.status.phase = 'Running';
    const unready = statuses.filter((s) => !s.ready).map((s) => s.name);
    let conditions = p.status.conditions ?? [];
    if (unready.length === 0 && this.nodeReady(p.spec.nodeName)) {
      conditions = setCondition(conditions, { type: 'ContainersReady', status: 'True', lastProbeTime: null }, now);
      conditions = setCondition(conditions, { type: 'Ready', status: 'True', lastProbeTime: null }, now);
    } else conditions = this.notReady(conditions, p, now, unready.length ? unready : undefined);
    p.status.conditions = conditions;
  }

  private pull(pod: Pod, name: string): void {
    const c = pod.spec.containers.find((x) => x.name === name);
    if (!c) return;
    if (!this.ctx.registry.behaviourOf(c.image, pod.metadata.labels)) {
      const updated = this.updateContainer(pod, name, (cs) => {
        cs.state = { waiting: { reason: 'ErrImagePull', message: `rpc error: code = NotFound desc = failed to pull and unpack image "${c.image}": not found` } };
      });
      if (!updated) return;
      this.record(updated, 'Warning', 'Failed', `Failed to pull image "${c.image}": rpc error: code = NotFound desc = failed to pull and unpack image "${c.image}": failed to resolve reference "${c.image}": not found`, name);
      this.record(updated, 'Warning', 'Failed', 'Error: ErrImagePull', name);
      this.later(updated, this.ctx.now() + 1000, (p) => {
        const backedOff = this.updateContainer(p, name, (cs) => {
          cs.state = { waiting: { reason: 'ImagePullBackOff', message: `Back-off pulling image "${c.image}"` } };
        });
        if (!backedOff) return;
        this.record(backedOff, 'Normal', 'BackOff', `Back-off pulling image "${c.image}"`, name);
        this.record(backedOff, 'Warning', 'Failed', 'Error: ImagePullBackOff', name);
        this.later(backedOff, this.ctx.now() + 15_000, (again) => this.pull(again, name));
      });
      return;
    }
    const pulledIn = (0.5 + (c.image.length % 7) / 10).toFixed(3);
    this.record(pod, 'Normal', 'Pulled', `Successfully pulled image "${c.image}" in ${pulledIn}s (${pulledIn}s including waiting). Image size: ${20_000_000 + c.image.length * 1_000_003} bytes.`, name);
    this.run(pod, name);
  }

  private run(pod: Pod, name: string): void {
    const now = this.ctx.now();
    const updated = this.updateContainer(pod, name, (cs, c) => {
      cs.state = { running: { startedAt: rfc3339(now) } };
      cs.imageID = `${c.image.split(':')[0]}@${imageDigest(c.image)}`;
      cs.containerID = containerId(pod, c, cs.restartCount);
      cs.started = true;
      cs.ready = false;
    });
    if (!updated) return;
    this.record(updated, 'Normal', 'Created', `Created container: ${name}`, name);
    this.record(updated, 'Normal', 'Started', `Started container ${name}`, name);
    const c = updated.spec.containers.find((x) => x.name === name);
    const behaviour = c ? this.ctx.registry.behaviourOf(c.image, updated.metadata.labels) : 'runs';
    if (behaviour === 'crashes' || behaviour === 'oom') this.later(updated, now + RUN_BEFORE_CRASH_MS, (p) => this.crash(p, name, behaviour));
    else {
      if (c?.resources?.limits?.memory) this.later(updated, now + OOM_AFTER_MS, (p) => this.killIfOverLimit(p, name));
      this.later(updated, now + readyAfterMs(c), (p) => this.becomeReady(p, name));
    }
  }

  /**
   * The memory cgroup's limit at work: a container whose working set (what the load model says
   * the app uses) passes its limit is killed, exit 137, reason OOMKilled, and restarted with back-off.
   * https://kubernetes.io/docs/concepts/configuration/manage-resources-containers/#requests-and-limits
   */
  private killIfOverLimit(pod: Pod, name: string): void {
    const c = pod.spec.containers.find((x) => x.name === name);
    const cs = pod.status.containerStatuses?.find((x) => x.name === name);
    if (!c || !cs?.state.running) return;
    const limit = memoryMi(c.resources?.limits?.memory);
    // The load model reports the pod's working set; with one container per app pod it is this container's.
    if (limit > 0 && this.ctx.podMemoryMi(pod) > limit) this.crash(pod, name, 'oom');
  }

  private becomeReady(pod: Pod, name: string): void {
    this.updateContainer(pod, name, (cs) => {
      if (cs.state.running) cs.ready = true;
    });
  }

  /** The container exits: 1 for a crash, 137 with OOMKilled when the kernel killed it over its memory limit. */
  private crash(pod: Pod, name: string, behaviour: 'crashes' | 'oom'): void {
    const now = this.ctx.now();
    let restarts = 0;
    const updated = this.updateContainer(pod, name, (cs) => {
      const startedAt = cs.state.running?.startedAt;
      const exit = behaviour === 'oom' ? { exitCode: 137, reason: 'OOMKilled' } : { exitCode: 1, reason: 'Error' };
      cs.lastState = { terminated: { ...exit, ...(startedAt ? { startedAt } : {}), finishedAt: rfc3339(now), ...(cs.containerID ? { containerID: cs.containerID } : {}) } };
      cs.restartCount += 1;
      restarts = cs.restartCount;
      cs.ready = false;
      cs.started = false;
      cs.state = { waiting: { reason: 'CrashLoopBackOff', message: `back-off ${crashBackoffMs(restarts) / 1000}s restarting failed container=${name} pod=${pod.metadata.name}_${pod.metadata.namespace}(${pod.metadata.uid})` } };
    });
    if (!updated) return;
    this.record(updated, 'Warning', 'BackOff', `Back-off restarting failed container ${name} in pod ${pod.metadata.name}_${pod.metadata.namespace}(${pod.metadata.uid})`, name);
    this.later(updated, now + crashBackoffMs(restarts), (p) => this.restart(p, name));
  }

  private restart(pod: Pod, name: string): void {
    const c = pod.spec.containers.find((x) => x.name === name);
    if (!c) return;
    this.record(pod, 'Normal', 'Pulled', `Container image "${c.image}" already present on machine`, name);
    this.run(pod, name);
  }

  /** Node readiness changed under a running pod: Ready follows the node, as the node lifecycle controller and kubelet make it. */
  refreshReadiness(pod: Pod, now: number): void {
    this.ctx.store.mutate<Pod>('pods', pod.metadata.namespace, pod.metadata.name, (p) => this.derivePodStatus(p, now));
  }

  private beginTermination(pod: Pod, now: number): void {
    this.terminating.add(pod.metadata.uid);
    if (!pod.spec.nodeName) {
      this.ctx.store.remove('pods', pod.metadata.namespace, pod.metadata.name);
      return;
    }
    if (!this.nodeReady(pod.spec.nodeName)) return;
    for (const c of pod.spec.containers) this.record(pod, 'Normal', 'Killing', `Stopping container ${c.name}`, c.name);
    const { namespace, name, uid } = pod.metadata;
    this.ctx.timers.at(now + TERMINATE_MS, () => {
      const current = this.ctx.store.get<Pod>('pods', namespace, name);
      if (!current || current.metadata.uid !== uid) return;
      if (!this.nodeReady(current.spec.nodeName)) return;
      this.ctx.store.remove('pods', namespace, name);
    });
  }
}
