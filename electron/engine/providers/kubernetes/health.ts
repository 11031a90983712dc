import type { Entity, Health } from '../../../../shared/estate/model.js';
import { healthSeverity } from '../../../../shared/estate/model.js';
import { rollupHealth } from '../../../../shared/estate/health.js';
import { RunningRollup } from '../../../../shared/estate/running-rollup.js';
import type { EndpointsRecord, HpaRecord, NamespaceRecord, NodeRecord, PdbRecord, PodRecord, ServiceRecord, WorkloadRecord } from './records.js';

/** A health and the reason for it, in words an operator reads at a glance. */
export interface Verdict {
  health: Health;
  reason: string;
}

/** Pods whose containers keep failing: a workload's reason names the first of them. */
const crashReasons = new Set(['CrashLoopBackOff', 'ImagePullBackOff', 'ErrImagePull', 'InvalidImageName', 'CreateContainerConfigError', 'CreateContainerError', 'RunContainerError', 'OOMKilled', 'Error']);

/** Restarts above this count mark a running pod degraded even while it is ready. */
const restartWarning = 5;

/**
 * A pod that counts against its workload: not serving (failing, pending, not ready). A ready
 * pod with many past restarts shows as degraded itself, but restart counts never reset, so it
 * would otherwise mark its workload degraded for the rest of its life.
 */
export function isProblemPod(pod: PodRecord): boolean {
  if (pod.phase === 'Succeeded') return false;
  if (pod.phase === 'Running' && pod.ready && !pod.deleting) return false;
  return podVerdict(pod).health !== 'healthy';
}

/** Pod phases and container states: https://kubernetes.io/docs/concepts/workloads/pods/pod-lifecycle/ */
export function podVerdict(pod: PodRecord): Verdict {
  if (pod.deleting) return { health: 'degraded', reason: 'terminating' };
  if (pod.phase === 'Succeeded') return { health: 'healthy', reason: 'completed' };
  if (pod.phase === 'Failed') {
    return { health: 'failing', reason: `failed${pod.containerReason ? ` (${pod.containerReason})` : ''}` };
  }
  if (pod.unschedulable) return { health: 'failing', reason: `Pending: unschedulable (${pod.unschedulable})` };
  if (pod.containerReason && crashReasons.has(pod.containerReason) && !pod.ready) {
    const restarts = pod.restarts > 0 ? `, ${pod.restarts} restarts` : '';
    return { health: 'failing', reason: `${pod.containerReason}${restarts}` };
  }
  if (pod.phase === 'Pending') {
    return { health: 'degraded', reason: `Pending${pod.containerReason ? ` (${pod.containerReason})` : ''}` };
  }
  if (pod.phase === 'Unknown') return { health: 'unknown', reason: 'state unknown (node not reporting)' };
  if (!pod.ready) {
    return { health: 'degraded', reason: `not ready (${pod.readyContainers}/${pod.containers} containers ready)` };
  }
  if (pod.restarts >= restartWarning) {
    const last = pod.containerReason ? `, last ${pod.containerReason}` : '';
    return { health: 'degraded', reason: `ready, but ${pod.restarts} restarts${last}` };
  }
  return { health: 'healthy', reason: pod.restarts > 0 ? `ready (${pod.restarts} restarts)` : 'ready' };
}

/** Node conditions: https://kubernetes.io/docs/reference/node/node-status/#condition */
export function nodeVerdict(node: NodeRecord): Verdict {
  if (!node.ready) return { health: 'unknown', reason: 'no Ready condition reported yet' };
  if (node.ready.status !== 'True') {
    const why = node.ready.status === 'Unknown' ? 'kubelet stopped reporting' : node.ready.reason || node.ready.message;
    return { health: 'failing', reason: `NotReady${why ? ` (${why})` : ''}` };
  }
  if (node.problems.length > 0) {
    return { health: 'degraded', reason: node.problems.map((c) => c.type).join(', ') };
  }
  if (node.unschedulable) return { health: 'degraded', reason: 'Ready, cordoned (unschedulable)' };
  return { health: 'healthy', reason: 'Ready' };
}

export interface ProblemPods {
  count: number;
  /** The first problem pod and why, for the reason text. */
  example: { name: string; reason: string } | null;
}

/**
 * Deployment/StatefulSet/DaemonSet/ReplicaSet: ready of desired, rollout conditions
 * (https://kubernetes.io/docs/concepts/workloads/controllers/deployment/#deployment-status),
 * and the pods that fail under it.
 */
export function workloadVerdict(w: WorkloadRecord, problems: ProblemPods): Verdict {
  const parts: string[] = [`${w.ready} of ${w.desired} ready`];
  let health: Health = 'healthy';
  const worsen = (to: Health) => {
    const rank = { healthy: 0, unknown: 1, degraded: 2, failing: 3 } as const;
    if (rank[to] > rank[health]) health = to;
  };
  if (w.desired === 0) {
    return { health: 'healthy', reason: w.kind === 'ReplicaSet' ? 'scaled to 0 (old revision)' : 'scaled to 0' };
  }
  if (w.ready === 0) worsen('failing');
  else if (w.ready < w.desired) worsen('degraded');
  const progressing = w.conditions.find((c) => c.type === 'Progressing');
  if (progressing?.status === 'False') {
    worsen('failing');
    parts.push(`rollout stuck (${progressing.reason || 'Progressing=False'})`);
  } else if (w.kind !== 'ReplicaSet' && w.kind !== 'DaemonSet' && w.updated < w.desired && w.observedGeneration > 0) {
    parts.push(`rolling out (${w.updated}/${w.desired} updated)`);
  }
  const available = w.conditions.find((c) => c.type === 'Available');
  if (available?.status === 'False' && w.ready > 0) worsen('degraded');
  if (problems.count > 0 && problems.example) {
    worsen(w.ready < w.desired ? (w.ready === 0 ? 'failing' : 'degraded') : 'degraded');
    const more = problems.count > 1 ? ` and ${problems.count - 1} more` : '';
    parts.push(`pod ${problems.example.name} ${problems.example.reason}${more}`);
  }
  return { health, reason: parts.join('; ') };
}

/** HPA conditions: https://kubernetes.io/docs/tasks/run-application/horizontal-pod-autoscale/#appendix-horizontal-pod-autoscaler-status-conditions */
export function hpaVerdict(h: HpaRecord): Verdict {
  const able = h.conditions.find((c) => c.type === 'AbleToScale');
  const active = h.conditions.find((c) => c.type === 'ScalingActive');
  const limited = h.conditions.find((c) => c.type === 'ScalingLimited');
  const range = `${h.current} replicas (min ${h.min}, max ${h.max})`;
  if (able?.status === 'False') return { health: 'failing', reason: `cannot scale (${able.reason}); ${range}` };
  if (active?.status === 'False') return { health: 'degraded', reason: `not scaling (${active.reason}); ${range}` };
  if (limited?.status === 'True' && h.desired >= h.max && h.max > 0) {
    return { health: 'degraded', reason: `at its maximum: wants ${h.desired}, ${range}` };
  }
  return { health: 'healthy', reason: range };
}

/** PDB status: https://kubernetes.io/docs/tasks/run-application/configure-pdb/#check-the-status-of-the-pdb */
export function pdbVerdict(p: PdbRecord): Verdict {
  const healthy = `${p.currentHealthy} healthy, ${p.desiredHealthy} required`;
  if (p.expectedPods > 0 && p.currentHealthy < p.desiredHealthy) {
    return { health: 'degraded', reason: `below its budget: ${healthy}` };
  }
  if (p.expectedPods > 0 && p.disruptionsAllowed === 0) {
    return { health: 'degraded', reason: `no disruption allowed (drains will block); ${healthy}` };
  }
  return { health: 'healthy', reason: `${p.disruptionsAllowed} disruptions allowed; ${healthy}` };
}

/**
 * A Service from its Endpoints, the addresses kube-proxy actually routes to
 * (https://kubernetes.io/docs/concepts/services-networking/service/#endpoints): ready
 * addresses serve, not-ready ones do not. Workload counts are not asked: a Service can select
 * pods no workload owns, and a workload's pods can lag its Service by a sync.
 *
 * - ExternalName has no endpoints by design; it is a DNS alias.
 * - Without a selector, endpoints are managed by someone else; trust them if there are any.
 * - `endpoints` undefined: none seen yet (just created, or not readable with this context).
 * - A LoadBalancer without an ingress address is waiting for a load-balancer controller, which
 *   a cluster may not have (kind, bare metal without MetalLB): that is a note, not a failure,
 *   since in-cluster traffic is served by the endpoints either way.
 */
export function serviceVerdict(service: ServiceRecord, endpoints: EndpointsRecord | undefined): Verdict {
  if (service.type === 'ExternalName') return { health: 'healthy', reason: 'ExternalName: a DNS alias, no endpoints' };
  const selectorless = !service.selector || Object.keys(service.selector).length === 0;
  const waitingForAddress = service.type === 'LoadBalancer' && service.loadBalancers.length === 0 ? '; waiting for a load-balancer address' : '';
  if (!endpoints) {
    return {
      health: 'unknown',
      reason: selectorless ? 'no selector and no Endpoints: its endpoints are managed outside Kubernetes' : 'no Endpoints seen for it yet',
    };
  }
  const notReady = endpoints.notReady > 0 ? `, ${endpoints.notReady} not ready` : '';
  if (endpoints.ready === 0) {
    return {
      health: selectorless ? 'unknown' : 'failing',
      reason: endpoints.notReady > 0 ? `no ready endpoints behind it (${endpoints.notReady} not ready)` : 'no ready endpoints behind it',
    };
  }
  return { health: 'healthy', reason: `${endpoints.ready} ready endpoint${endpoints.ready === 1 ? '' : 's'}${notReady}${waitingForAddress}` };
}

const namespaceContents = 'workloads and services';

/** A namespace's own state: its phase (https://kubernetes.io/docs/concepts/overview/working-with-objects/namespaces/). */
export function namespacePhaseVerdict(ns: NamespaceRecord): Verdict {
  if (ns.phase === 'Terminating' || ns.deleting) return { health: 'degraded', reason: 'terminating' };
  return { health: 'healthy', reason: ns.phase || 'Active' };
}

/**
 * A namespace's health agrees with what runs in it: its workloads (Deployments, StatefulSets,
 * DaemonSets, ReplicaSets no Deployment owns), its Services and its bare pods, each already
 * judged with its own pods and endpoints, so one failing Deployment makes the namespace
 * failing, one degraded makes it degraded. Pods under a workload are not counted again, and
 * advisories that do not stop anything serving (an HPA at its maximum, a PDB that allows no
 * disruption, a ready pod with past restarts) are left to their own rows. An empty namespace,
 * or one where everything is healthy, is healthy; a terminating one is degraded at least.
 * `ownHealth` is the phase alone, what estate-wide rollups count for the namespace itself.
 */
export function namespaceVerdict(ns: NamespaceRecord, members: Iterable<Entity> | RunningRollup): Verdict & { ownHealth: Health } {
  const own = namespacePhaseVerdict(ns);
  // The estate keeps a running rollup per namespace: asked after every change, it must not walk every member.
  const list = members instanceof RunningRollup ? members : [...members];
  const size = list instanceof RunningRollup ? list.size : list.length;
  if (size === 0) {
    return { health: own.health, ownHealth: own.health, reason: `${own.reason}; ${own.health === 'healthy' ? 'nothing runs in it' : 'nothing left in it'}` };
  }
  const contents = list instanceof RunningRollup ? list.rollup(namespaceContents) : rollupHealth(list, namespaceContents);
  const health = healthSeverity[contents.health] > healthSeverity[own.health] ? contents.health : own.health;
  return { health, ownHealth: own.health, reason: `${own.reason}; ${contents.reason.charAt(0).toLowerCase()}${contents.reason.slice(1)}` };
}
