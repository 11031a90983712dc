import type { Change } from '../store.js';
import { rfc3339 } from '../time.js';
import type { NodeObject, Pod } from '../types.js';
import type { Controller, ControllerContext } from './context.js';
import type { Kubelet } from './kubelet.js';
import { isActive } from './pods.js';

/**
 * Node failure and recovery as the node lifecycle controller handles it: the node's
 * conditions go Unknown, it is tainted unreachable, its pods turn NotReady at once and are
 * evicted when their toleration for the taint runs out (the taint manager); the ReplicaSets
 * then replace them elsewhere. Evicted pods stay Terminating until the node returns, since
 * no kubelet confirms they stopped.
 * https://kubernetes.io/docs/concepts/scheduling-eviction/taint-and-toleration/#taint-based-evictions
 */

const UNREACHABLE = 'node.kubernetes.io/unreachable';

export class NodeLifecycleController implements Controller {
  constructor(
    private readonly ctx: ControllerContext,
    private readonly kubelet: Kubelet,
  ) {}

  observe(_change: Change): void {}

  sync(): boolean {
    return false;
  }

  setReady(nodeName: string, ready: boolean): void {
    const { store, events, now } = this.ctx;
    const time = rfc3339(now());
    const node = store.mutate<NodeObject>('nodes', undefined, nodeName, (n) => {
      n.status.conditions = n.status.conditions.map((c) => {
        if (ready) {
          if (c.type === 'Ready') return { ...c, status: 'True', reason: 'KubeletReady', message: 'kubelet is posting ready status', lastTransitionTime: c.status === 'True' ? c.lastTransitionTime : time, lastHeartbeatTime: time };
          return { ...c, status: 'False', reason: `KubeletHasNo${c.type}`, message: `kubelet has no ${c.type.toLowerCase()}`, lastTransitionTime: c.status === 'False' ? c.lastTransitionTime : time, lastHeartbeatTime: time };
        }
        return { ...c, status: 'Unknown', reason: 'NodeStatusUnknown', message: 'Kubelet stopped posting node status.', lastTransitionTime: c.status === 'Unknown' ? c.lastTransitionTime : time };
      });
      const others = (n.spec.taints ?? []).filter((t) => t.key !== UNREACHABLE);
      const taints = ready ? others : [...others, { key: UNREACHABLE, effect: 'NoSchedule', timeAdded: time }, { key: UNREACHABLE, effect: 'NoExecute', timeAdded: time }];
      if (taints.length) n.spec.taints = taints;
      else delete n.spec.taints;
    });
    if (!node) throw new Error(`No node "${nodeName}" in cluster ${this.ctx.cluster}.`);
    events.record(node, 'Normal', ready ? 'NodeReady' : 'NodeNotReady', `Node ${nodeName} status is now: ${ready ? 'NodeReady' : 'NodeNotReady'}`, ready ? 'kubelet' : 'node-controller', { host: nodeName });
    if (ready) {
      this.kubelet.resumeNode(nodeName, now());
      return;
    }
    for (const pod of store.objects<Pod>('pods')) {
      if (pod.spec.nodeName !== nodeName || !isActive(pod)) continue;
      this.kubelet.refreshReadiness(pod, now());
      events.record(pod, 'Warning', 'NodeNotReady', 'Node is not ready', 'node-controller');
      const toleration = pod.spec.tolerations?.find((t) => (t.key === UNREACHABLE || (!t.key && t.operator === 'Exists')) && (!t.effect || t.effect === 'NoExecute'));
      if (toleration && toleration.tolerationSeconds === undefined) continue;
      const after = (toleration?.tolerationSeconds ?? 0) * 1000;
      const { namespace, name, uid } = pod.metadata;
      this.ctx.timers.at(now() + after, () => this.evict(nodeName, namespace, name, uid));
    }
  }

  private evict(nodeName: string, namespace: string | undefined, name: string, uid: string): void {
    const { store, events, now } = this.ctx;
    const node = store.get<NodeObject>('nodes', undefined, nodeName);
    if (!node || node.status.conditions.find((c) => c.type === 'Ready')?.status === 'True') return;
    const pod = store.get<Pod>('pods', namespace, name);
    if (!pod || pod.metadata.uid !== uid || pod.metadata.deletionTimestamp) return;
    events.record(pod, 'Normal', 'TaintManagerEviction', `Marking for deletion Pod ${namespace}/${name}`, 'taint-eviction-controller');
    store.mutate<Pod>('pods', namespace, name, (p) => {
      p.metadata.deletionTimestamp = rfc3339(now() + (p.spec.terminationGracePeriodSeconds ?? 30) * 1000);
      p.metadata.deletionGracePeriodSeconds = p.spec.terminationGracePeriodSeconds ?? 30;
      p.status.conditions = [
        ...(p.status.conditions ?? []).filter((c) => c.type !== 'DisruptionTarget'),
        { type: 'DisruptionTarget', status: 'True', reason: 'DeletionByTaintManager', message: 'Taint manager: deleting due to NoExecute taint', lastTransitionTime: rfc3339(now()), lastProbeTime: null },
      ];
    });
  }
}
