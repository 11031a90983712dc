import { parseQuantity } from '../kube/quantity.js';
import type { Condition, DaemonSet, Deployment, HorizontalPodAutoscaler, KubeObject, NodeObject, Pod, ReplicaSet, StatefulSet } from '../kube/types.js';
import { type ExpositionWriter, labelPairs } from './exposition.js';

/**
 * kube-state-metrics for one cluster, read from the objects its API serves, with the metric
 * names and label sets of kube-state-metrics v2:
 * https://github.com/kubernetes/kube-state-metrics/tree/main/docs/metrics
 * Only what kube-prometheus's rules and Daytwo's panels read is here (see
 * ../shared/fixtures/kube-prometheus/); a family with no object to describe is still announced
 * with HELP and TYPE, as kube-state-metrics does.
 *
 * `target` is a pre-built label prefix (`cluster="…",job="kube-state-metrics",` or empty): what
 * Prometheus would attach as target and external labels, so one renderer serves both the
 * per-cluster target and the multi-cluster federation shape.
 */
export type ObjectsOf = (resource: string) => readonly KubeObject[];

const PHASES = ['Pending', 'Running', 'Succeeded', 'Failed', 'Unknown'] as const;
const STATUSES: readonly (readonly [string, Condition['status']])[] = [
  ['true', 'True'],
  ['false', 'False'],
  ['unknown', 'Unknown'],
];
/** kube-state-metrics reports these node conditions (and any other the node has). */
const NODE_CONDITIONS = ['Ready', 'MemoryPressure', 'DiskPressure', 'PIDPressure', 'NetworkUnavailable'];

export function renderKubeStateMetrics(out: ExpositionWriter, objectsOf: ObjectsOf, target: string): void {
  const pods = objectsOf('pods') as Pod[];
  renderPods(out, pods, target);
  renderDeployments(out, objectsOf('deployments.apps') as Deployment[], target);
  renderReplicaSets(out, objectsOf('replicasets.apps') as ReplicaSet[], target);
  renderStatefulSets(out, objectsOf('statefulsets.apps') as StatefulSet[], target);
  renderDaemonSets(out, objectsOf('daemonsets.apps') as DaemonSet[], target);
  renderHpas(out, objectsOf('horizontalpodautoscalers.autoscaling') as HorizontalPodAutoscaler[], target);
  renderNodes(out, objectsOf('nodes') as NodeObject[], target);
}

function conditionStatus(conditions: readonly Condition[] | undefined, type: string): Condition['status'] | undefined {
  return conditions?.find((c) => c.type === type)?.status;
}

function renderPods(out: ExpositionWriter, pods: readonly Pod[], target: string): void {
  const base = pods.map((p) => target + labelPairs({ namespace: p.metadata.namespace ?? '', pod: p.metadata.name, uid: p.metadata.uid }));

  out.family('kube_pod_info', 'gauge', 'Information about pod.');
  pods.forEach((p, i) => {
    const owner = p.metadata.ownerReferences?.find((o) => o.controller) ?? p.metadata.ownerReferences?.[0];
    const info = labelPairs({
      host_ip: p.status.hostIP ?? '',
      pod_ip: p.status.podIP ?? '',
      node: p.spec.nodeName ?? '',
      created_by_kind: owner?.kind ?? '',
      created_by_name: owner?.name ?? '',
      priority_class: typeof p.spec.priorityClassName === 'string' ? p.spec.priorityClassName : '',
      host_network: p.spec.hostNetwork === true ? 'true' : 'false',
    });
    out.sample('kube_pod_info', `${base[i]},${info}`, 1);
  });

  out.family('kube_pod_owner', 'gauge', 'Information about the Pod\'s owner.');
  pods.forEach((p, i) => {
    const owners = p.metadata.ownerReferences ?? [];
    // A pod without owners still has one series, with empty owner labels (bare pods in kube-prometheus's rules).
    if (owners.length === 0) out.sample2('kube_pod_owner', base[i] as string, ',owner_kind="",owner_name="",owner_is_controller=""', 1);
    for (const o of owners) {
      out.sample2('kube_pod_owner', base[i] as string, `,${labelPairs({ owner_kind: o.kind, owner_name: o.name, owner_is_controller: o.controller ? 'true' : 'false' })}`, 1);
    }
  });

  out.family('kube_pod_status_phase', 'gauge', 'The pods current phase.');
  pods.forEach((p, i) => {
    for (const phase of PHASES) out.sample2('kube_pod_status_phase', base[i] as string, `,phase="${phase}"`, p.status.phase === phase ? 1 : 0);
  });

  out.family('kube_pod_status_ready', 'gauge', 'Describes whether the pod is ready to serve requests.');
  pods.forEach((p, i) => {
    const status = conditionStatus(p.status.conditions, 'Ready') ?? 'False';
    for (const [label, value] of STATUSES) out.sample2('kube_pod_status_ready', base[i] as string, `,condition="${label}"`, status === value ? 1 : 0);
  });

  const containers = pods.flatMap((p, i) =>
    p.spec.containers.map((c) => ({
      pod: p,
      spec: c,
      status: p.status.containerStatuses?.find((s) => s.name === c.name),
      labels: `${base[i]},container="${c.name}"`,
    })),
  );

  out.family('kube_pod_container_info', 'gauge', 'Information about a container in a pod.');
  for (const c of containers) {
    const info = labelPairs({ image_spec: c.spec.image, image: c.status?.image ?? c.spec.image, image_id: c.status?.imageID ?? '', container_id: c.status?.containerID ?? '' });
    out.sample('kube_pod_container_info', `${c.labels},${info}`, 1);
  }

  out.family('kube_pod_container_status_restarts_total', 'counter', 'The number of container restarts per container.');
  for (const c of containers) if (c.status) out.sample('kube_pod_container_status_restarts_total', c.labels, c.status.restartCount);

  out.family('kube_pod_container_status_ready', 'gauge', 'Describes whether the containers readiness check succeeded.');
  for (const c of containers) if (c.status) out.sample('kube_pod_container_status_ready', c.labels, c.status.ready ? 1 : 0);

  out.family('kube_pod_container_status_running', 'gauge', 'Describes whether the container is currently in running state.');
  for (const c of containers) if (c.status) out.sample('kube_pod_container_status_running', c.labels, c.status.state.running ? 1 : 0);

  out.family('kube_pod_container_status_waiting', 'gauge', 'Describes whether the container is currently in waiting state.');
  for (const c of containers) if (c.status) out.sample('kube_pod_container_status_waiting', c.labels, c.status.state.waiting ? 1 : 0);

  // kube-state-metrics v2 writes only the reason a container is waiting for now, not a zero for every other.
  out.family('kube_pod_container_status_waiting_reason', 'gauge', 'Describes the reason the container is currently in waiting state.');
  for (const c of containers) {
    const reason = c.status?.state.waiting?.reason;
    if (reason) out.sample2('kube_pod_container_status_waiting_reason', c.labels, `,reason="${reason}"`, 1);
  }

  out.family('kube_pod_container_status_last_terminated_reason', 'gauge', 'Describes the last reason the container was in terminated state.');
  for (const c of containers) {
    const reason = c.status?.lastState.terminated?.reason;
    if (reason) out.sample2('kube_pod_container_status_last_terminated_reason', c.labels, `,reason="${reason}"`, 1);
  }

  for (const kind of ['requests', 'limits'] as const) {
    const name = `kube_pod_container_resource_${kind}`;
    out.family(name, 'gauge', `The number of ${kind === 'requests' ? 'requested request' : 'requested limit'} resource by a container.`);
    for (const c of containers) {
      const list = c.spec.resources?.[kind];
      if (!list) continue;
      const node = `,node="${c.pod.spec.nodeName ?? ''}"`;
      if (list.cpu !== undefined) out.sample2(name, c.labels, `${node},resource="cpu",unit="core"`, parseQuantity(list.cpu));
      if (list.memory !== undefined) out.sample2(name, c.labels, `${node},resource="memory",unit="byte"`, parseQuantity(list.memory));
    }
  }
}

function renderDeployments(out: ExpositionWriter, deployments: readonly Deployment[], target: string): void {
  const labels = deployments.map((d) => target + labelPairs({ namespace: d.metadata.namespace ?? '', deployment: d.metadata.name }));
  const gauge = (name: string, help: string, value: (d: Deployment) => number) => {
    out.family(name, 'gauge', help);
    deployments.forEach((d, i) => out.sample(name, labels[i] as string, value(d)));
  };
  gauge('kube_deployment_spec_replicas', 'Number of desired pods for a deployment.', (d) => d.spec.replicas ?? 1);
  gauge('kube_deployment_spec_paused', 'Whether the deployment is paused and will not be processed by the deployment controller.', (d) => (d.spec.paused ? 1 : 0));
  gauge('kube_deployment_status_replicas', 'The number of replicas per deployment.', (d) => d.status.replicas ?? 0);
  gauge('kube_deployment_status_replicas_ready', 'The number of ready replicas per deployment.', (d) => d.status.readyReplicas ?? 0);
  gauge('kube_deployment_status_replicas_available', 'The number of available replicas per deployment.', (d) => d.status.availableReplicas ?? 0);
  gauge('kube_deployment_status_replicas_unavailable', 'The number of unavailable replicas per deployment.', (d) => d.status.unavailableReplicas ?? 0);
  gauge('kube_deployment_status_replicas_updated', 'The number of updated replicas per deployment.', (d) => d.status.updatedReplicas ?? 0);
  gauge('kube_deployment_status_observed_generation', 'The generation observed by the deployment controller.', (d) => d.status.observedGeneration ?? 0);
  gauge('kube_deployment_metadata_generation', 'Sequence number representing a specific generation of the desired state.', (d) => d.metadata.generation ?? 1);
  out.family('kube_deployment_status_condition', 'gauge', 'The current status conditions of a deployment.');
  deployments.forEach((d, i) => {
    for (const c of d.status.conditions ?? []) {
      for (const [label, value] of STATUSES) {
        out.sample2('kube_deployment_status_condition', labels[i] as string, `,condition="${c.type}",reason="${c.reason ?? ''}",status="${label}"`, c.status === value ? 1 : 0);
      }
    }
  });
}

function renderReplicaSets(out: ExpositionWriter, replicaSets: readonly ReplicaSet[], target: string): void {
  const labels = replicaSets.map((r) => target + labelPairs({ namespace: r.metadata.namespace ?? '', replicaset: r.metadata.name }));
  out.family('kube_replicaset_owner', 'gauge', 'Information about the ReplicaSet\'s owner.');
  replicaSets.forEach((r, i) => {
    const owners = r.metadata.ownerReferences ?? [];
    if (owners.length === 0) out.sample2('kube_replicaset_owner', labels[i] as string, ',owner_kind="",owner_name="",owner_is_controller=""', 1);
    for (const o of owners) {
      out.sample2('kube_replicaset_owner', labels[i] as string, `,${labelPairs({ owner_kind: o.kind, owner_name: o.name, owner_is_controller: o.controller ? 'true' : 'false' })}`, 1);
    }
  });
  out.family('kube_replicaset_spec_replicas', 'gauge', 'Number of desired pods for a ReplicaSet.');
  replicaSets.forEach((r, i) => out.sample('kube_replicaset_spec_replicas', labels[i] as string, r.spec.replicas ?? 1));
  out.family('kube_replicaset_status_ready_replicas', 'gauge', 'The number of ready replicas per ReplicaSet.');
  replicaSets.forEach((r, i) => out.sample('kube_replicaset_status_ready_replicas', labels[i] as string, r.status.readyReplicas ?? 0));
}

function renderStatefulSets(out: ExpositionWriter, sets: readonly StatefulSet[], target: string): void {
  const labels = sets.map((s) => target + labelPairs({ namespace: s.metadata.namespace ?? '', statefulset: s.metadata.name }));
  const gauge = (name: string, help: string, value: (s: StatefulSet) => number) => {
    out.family(name, 'gauge', help);
    sets.forEach((s, i) => out.sample(name, labels[i] as string, value(s)));
  };
  gauge('kube_statefulset_replicas', 'Number of desired pods for a StatefulSet.', (s) => s.spec.replicas ?? 1);
  gauge('kube_statefulset_status_replicas', 'The number of replicas per StatefulSet.', (s) => s.status.replicas ?? 0);
  gauge('kube_statefulset_status_replicas_ready', 'The number of ready replicas per StatefulSet.', (s) => s.status.readyReplicas ?? 0);
  gauge('kube_statefulset_status_replicas_current', 'The number of current replicas per StatefulSet.', (s) => s.status.currentReplicas ?? 0);
  gauge('kube_statefulset_status_replicas_updated', 'The number of updated replicas per StatefulSet.', (s) => s.status.updatedReplicas ?? 0);
  gauge('kube_statefulset_status_observed_generation', 'The generation observed by the StatefulSet controller.', (s) => s.status.observedGeneration ?? 0);
  gauge('kube_statefulset_metadata_generation', 'Sequence number representing a specific generation of the desired state for the StatefulSet.', (s) => s.metadata.generation ?? 1);
  for (const [name, field] of [
    ['kube_statefulset_status_current_revision', 'currentRevision'],
    ['kube_statefulset_status_update_revision', 'updateRevision'],
  ] as const) {
    out.family(name, 'gauge', `Indicates the version of the StatefulSet used to generate Pods in the sequence [0,${field === 'currentRevision' ? 'currentReplicas' : 'updatedReplicas'}).`);
    sets.forEach((s, i) => {
      const revision = s.status[field];
      if (revision) out.sample2(name, labels[i] as string, `,revision="${revision}"`, 1);
    });
  }
}

function renderDaemonSets(out: ExpositionWriter, sets: readonly DaemonSet[], target: string): void {
  const labels = sets.map((d) => target + labelPairs({ namespace: d.metadata.namespace ?? '', daemonset: d.metadata.name }));
  const gauge = (name: string, help: string, value: (d: DaemonSet) => number) => {
    out.family(name, 'gauge', help);
    sets.forEach((d, i) => out.sample(name, labels[i] as string, value(d)));
  };
  gauge('kube_daemonset_status_current_number_scheduled', 'The number of nodes running at least one daemon pod and are supposed to.', (d) => d.status.currentNumberScheduled);
  gauge('kube_daemonset_status_desired_number_scheduled', 'The number of nodes that should be running the daemon pod.', (d) => d.status.desiredNumberScheduled);
  gauge('kube_daemonset_status_number_misscheduled', 'The number of nodes running a daemon pod but are not supposed to.', (d) => d.status.numberMisscheduled);
  gauge('kube_daemonset_status_number_ready', 'The number of nodes that should be running the daemon pod and have one or more of the daemon pod running and ready.', (d) => d.status.numberReady);
  gauge('kube_daemonset_status_number_available', 'The number of nodes that should be running the daemon pod and have one or more of the daemon pod running and available.', (d) => d.status.numberAvailable ?? 0);
  gauge('kube_daemonset_status_updated_number_scheduled', 'The total number of nodes that are running updated daemon pod.', (d) => d.status.updatedNumberScheduled ?? 0);
  gauge('kube_daemonset_status_observed_generation', 'The most recent generation observed by the daemon set controller.', (d) => d.status.observedGeneration ?? 0);
  gauge('kube_daemonset_metadata_generation', 'Sequence number representing a specific generation of the desired state.', (d) => d.metadata.generation ?? 1);
}

function renderHpas(out: ExpositionWriter, hpas: readonly HorizontalPodAutoscaler[], target: string): void {
  const labels = hpas.map((h) => target + labelPairs({ namespace: h.metadata.namespace ?? '', horizontalpodautoscaler: h.metadata.name }));
  const gauge = (name: string, help: string, value: (h: HorizontalPodAutoscaler) => number) => {
    out.family(name, 'gauge', help);
    hpas.forEach((h, i) => out.sample(name, labels[i] as string, value(h)));
  };
  gauge('kube_horizontalpodautoscaler_spec_min_replicas', 'Lower limit for the number of pods that can be set by the autoscaler, default 1.', (h) => h.spec.minReplicas ?? 1);
  gauge('kube_horizontalpodautoscaler_spec_max_replicas', 'Upper limit for the number of pods that can be set by the autoscaler; cannot be smaller than MinReplicas.', (h) => h.spec.maxReplicas);
  gauge('kube_horizontalpodautoscaler_status_current_replicas', 'Current number of replicas of pods managed by this autoscaler.', (h) => h.status.currentReplicas ?? 0);
  gauge('kube_horizontalpodautoscaler_status_desired_replicas', 'Desired number of replicas of pods managed by this autoscaler.', (h) => h.status.desiredReplicas ?? 0);
  out.family('kube_horizontalpodautoscaler_status_condition', 'gauge', 'The condition of this autoscaler.');
  hpas.forEach((h, i) => {
    for (const c of h.status.conditions ?? []) {
      for (const [label, value] of STATUSES) out.sample2('kube_horizontalpodautoscaler_status_condition', labels[i] as string, `,condition="${c.type}",status="${label}"`, c.status === value ? 1 : 0);
    }
  });
}

function renderNodes(out: ExpositionWriter, nodes: readonly NodeObject[], target: string): void {
  const labels = nodes.map((n) => target + labelPairs({ node: n.metadata.name }));
  out.family('kube_node_info', 'gauge', 'Information about a cluster node.');
  nodes.forEach((n, i) => {
    const info = n.status.nodeInfo;
    const internal = n.status.addresses.find((a) => a.type === 'InternalIP')?.address ?? '';
    const extra = labelPairs({
      kernel_version: info.kernelVersion ?? '',
      os_image: info.osImage ?? '',
      container_runtime_version: info.containerRuntimeVersion ?? '',
      kubelet_version: info.kubeletVersion ?? '',
      kubeproxy_version: info.kubeProxyVersion ?? '',
      provider_id: n.spec.providerID ?? '',
      internal_ip: internal,
    });
    out.sample('kube_node_info', `${labels[i]},${extra}`, 1);
  });
  out.family('kube_node_spec_unschedulable', 'gauge', 'Whether a node can schedule new pods.');
  nodes.forEach((n, i) => out.sample('kube_node_spec_unschedulable', labels[i] as string, n.spec.unschedulable ? 1 : 0));
  out.family('kube_node_status_condition', 'gauge', 'The condition of a cluster node.');
  nodes.forEach((n, i) => {
    const types = new Set([...NODE_CONDITIONS, ...n.status.conditions.map((c) => c.type)]);
    for (const type of types) {
      const status = conditionStatus(n.status.conditions, type);
      if (status === undefined) continue;
      for (const [label, value] of STATUSES) out.sample2('kube_node_status_condition', labels[i] as string, `,condition="${type}",status="${label}"`, status === value ? 1 : 0);
    }
  });
  for (const [name, field, help] of [
    ['kube_node_status_capacity', 'capacity', 'The capacity for different resources of a node.'],
    ['kube_node_status_allocatable', 'allocatable', 'The allocatable for different resources of a node that are available for scheduling.'],
  ] as const) {
    out.family(name, 'gauge', help);
    nodes.forEach((n, i) => {
      const list = n.status[field];
      if (list.cpu !== undefined) out.sample2(name, labels[i] as string, ',resource="cpu",unit="core"', parseQuantity(list.cpu));
      if (list.memory !== undefined) out.sample2(name, labels[i] as string, ',resource="memory",unit="byte"', parseQuantity(list.memory));
      if (list.pods !== undefined) out.sample2(name, labels[i] as string, ',resource="pods",unit="integer"', parseQuantity(list.pods));
    });
  }
}
