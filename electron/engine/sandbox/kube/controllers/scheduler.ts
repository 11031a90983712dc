import type { Change } from '../store.js';
import type { NodeObject, Pod, Toleration } from '../types.js';
import { condition, podRequests, setCondition } from './pods.js';
import type { Controller, ControllerContext } from './context.js';
import { WorkQueue } from './context.js';
import { cpuMilli, memoryMi } from '../quantity.js';

/**
 * default-scheduler, reduced to what shapes an estate: filter nodes (Ready, schedulable,
 * taints tolerated, nodeSelector, room for the requests and the pod count), then prefer the
 * least allocated, which spreads replicas as the real scoring mostly does.
 */

interface Allocation {
  cpu: number;
  memory: number;
  pods: number;
}

const RETRY_UNSCHEDULABLE_MS = 15_000;

function tolerates(tolerations: Toleration[] | undefined, taint: { key: string; value?: string; effect: string }): boolean {
  return (tolerations ?? []).some(
    (t) => (t.operator === 'Exists' && (!t.key || t.key === taint.key)) || (t.key === taint.key && (t.value ?? '') === (taint.value ?? '')),
  ) ;
}

const capacities = new WeakMap<NodeObject, { cpu: number; memory: number; pods: number }>();

/** A node's allocatable resources, parsed once per version of the node. */
export function allocatable(node: NodeObject): { cpu: number; memory: number; pods: number } {
  let c = capacities.get(node);
  if (!c) {
    c = { cpu: cpuMilli(node.status.allocatable.cpu), memory: memoryMi(node.status.allocatable.memory), pods: Number(node.status.allocatable.pods ?? 110) };
    capacities.set(node, c);
  }
  return c;
}

export class Scheduler implements Controller {
  private readonly queue = new WorkQueue();
  private nodesFreed = false;
  private readonly allocations = new Map<string, Allocation>();
  /** Pod key → node it was counted on, so updates and deletes are accounted once. */
  private readonly counted = new Map<string, { node: string; cpu: number; memory: number }>();

  constructor(private readonly ctx: ControllerContext) {}

  observe(change: Change): void {
    if (change.resource === 'nodes' && change.type !== 'DELETED') {
      // A node that became Ready or schedulable may fit pods that waited.
      const before = change.previous as NodeObject | undefined;
      const after = change.object as NodeObject;
      const usable = (n: NodeObject | undefined) => !!n && condition(n, 'Ready')?.status === 'True' && !n.spec.unschedulable;
      if (usable(after) && !usable(before)) this.nodesFreed = true;
      return;
    }
    if (change.resource !== 'pods') return;
    const pod = change.object as Pod;
    const key = `${pod.metadata.namespace}/${pod.metadata.name}`;
    if (change.type === 'DELETED') {
      this.unaccount(key);
      return;
    }
    this.account(pod);
    if (!pod.spec.nodeName && !pod.metadata.deletionTimestamp && change.type === 'ADDED') this.queue.add(pod.metadata.namespace, pod.metadata.name);
  }

  private account(pod: Pod): void {
    const key = `${pod.metadata.namespace}/${pod.metadata.name}`;
    const node = pod.spec.nodeName;
    const finished = pod.status.phase === 'Failed' || pod.status.phase === 'Succeeded';
    if (!node || finished) {
      this.unaccount(key);
      return;
    }
    if (this.counted.get(key)?.node === node) return;
    this.unaccount(key);
    const req = podRequests(pod.spec);
    const a = this.allocation(node);
    a.cpu += req.cpu;
    a.memory += req.memory;
    a.pods += 1;
    this.counted.set(key, { node, cpu: req.cpu, memory: req.memory });
  }

  private unaccount(key: string): void {
    const c = this.counted.get(key);
    if (!c) return;
    const a = this.allocation(c.node);
    a.cpu -= c.cpu;
    a.memory -= c.memory;
    a.pods -= 1;
    this.counted.delete(key);
  }

  private allocation(node: string): Allocation {
    let a = this.allocations.get(node);
    if (!a) this.allocations.set(node, (a = { cpu: 0, memory: 0, pods: 0 }));
    return a;
  }

  private requeuePending(): void {
    this.nodesFreed = false;
    for (const pod of this.ctx.store.objects<Pod>('pods')) {
      if (!pod.spec.nodeName && !pod.metadata.deletionTimestamp) this.queue.add(pod.metadata.namespace, pod.metadata.name);
    }
  }

  sync(now: number): boolean {
    if (this.nodesFreed) this.requeuePending();
    if (this.queue.size === 0) return false;
    const nodes = this.ctx.store.objects<NodeObject>('nodes');
    let changed = false;
    for (const { namespace, name } of this.queue.drain()) {
      const pod = this.ctx.store.get<Pod>('pods', namespace, name);
      if (!pod || pod.spec.nodeName || pod.metadata.deletionTimestamp) continue;
      changed = this.schedule(pod, nodes, now) || changed;
    }
    return changed;
  }

  private schedule(pod: Pod, nodes: NodeObject[], now: number): boolean {
    const req = podRequests(pod.spec);
    const reasons = new Map<string, number>();
    const reject = (reason: string) => reasons.set(reason, (reasons.get(reason) ?? 0) + 1);
    let best: { node: NodeObject; score: number } | undefined;
    for (const node of nodes) {
      if (node.spec.unschedulable) {
        reject("node(s) were unschedulable");
        continue;
      }
      const untolerated = (node.spec.taints ?? []).find((t) => (t.effect === 'NoSchedule' || t.effect === 'NoExecute') && !tolerates(pod.spec.tolerations, t));
      if (untolerated) {
        reject(`node(s) had untolerated taint {${untolerated.key}: ${untolerated.value ?? ''}}`);
        continue;
      }
      const selector = pod.spec.nodeSelector ?? {};
      if (Object.entries(selector).some(([k, v]) => node.metadata.labels?.[k] !== v)) {
        reject("node(s) didn't match Pod's node affinity/selector");
        continue;
      }
      const a = this.allocation(node.metadata.name);
      const { cpu: cpuCap, memory: memCap, pods: podCap } = allocatable(node);
      if (a.pods + 1 > podCap) {
        reject('Too many pods');
        continue;
      }
      if (a.cpu + req.cpu > cpuCap) {
        reject('Insufficient cpu');
        continue;
      }
      if (a.memory + req.memory > memCap) {
        reject('Insufficient memory');
        continue;
      }
      const score = (a.cpu + req.cpu) / cpuCap + (a.memory + req.memory) / memCap;
      if (!best || score < best.score) best = { node, score };
    }
    if (!best) {
      const detail = [...reasons].map(([r, n]) => `${n} ${r}`).sort().join(', ');
      // Preemption could only help where resources ran short, and every sandbox pod has the same
      // priority, so it finds no victims there; taints, selectors and cordons it cannot help with
      // (UnschedulableAndUnresolvable in the scheduler framework).
      let short = 0;
      for (const [r, n] of reasons) if (r.startsWith('Insufficient ') || r === 'Too many pods') short += n;
      const preemption = [
        ...(short > 0 ? [`${short} No preemption victims found for incoming pod`] : []),
        ...(nodes.length - short > 0 ? [`${nodes.length - short} Preemption is not helpful for scheduling`] : []),
      ].sort().join(', ');
      const message = `0/${nodes.length} nodes are available: ${detail}. preemption: 0/${nodes.length} nodes are available: ${preemption}.`;
      this.ctx.store.mutate<Pod>('pods', pod.metadata.namespace, pod.metadata.name, (p) => {
        p.status.conditions = setCondition(p.status.conditions ?? [], { type: 'PodScheduled', status: 'False', reason: 'Unschedulable', message, lastProbeTime: null }, now);
      });
      this.ctx.events.record(pod, 'Warning', 'FailedScheduling', message, 'default-scheduler');
      this.ctx.timers.at(now + RETRY_UNSCHEDULABLE_MS, () => this.queue.add(pod.metadata.namespace, pod.metadata.name));
      return true;
    }
    const nodeName = best.node.metadata.name;
    const bound = this.ctx.store.mutate<Pod>('pods', pod.metadata.namespace, pod.metadata.name, (p) => {
      p.spec.nodeName = nodeName;
      p.status.conditions = setCondition(p.status.conditions ?? [], { type: 'PodScheduled', status: 'True', lastProbeTime: null }, now);
    });
    if (bound) this.ctx.events.record(bound, 'Normal', 'Scheduled', `Successfully assigned ${pod.metadata.namespace}/${pod.metadata.name} to ${nodeName}`, 'default-scheduler');
    return true;
  }
}
