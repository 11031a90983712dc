import type { SimulatedCluster } from './cluster.js';
import { rfc3339 } from './time.js';
import type { NodeObject, Pod } from './types.js';

/**
 * A replacement node group, as a managed node group upgrade (EKS), a surge upgrade (GKE) or a
 * new rack of machines brings one: new nodes that join Ready at the new kubelet version, made
 * in the likeness of the cluster's existing workers; and the old nodes removed once drained,
 * their leftover pods (DaemonSets') deleted as the pod garbage collector does for a node gone.
 * The control plane's version is what /version reports.
 */

const NODEGROUP_LABELS = ['eks.amazonaws.com/nodegroup', 'cloud.google.com/gke-nodepool'];

export interface NewNodes {
  /** The node group's name: the EKS node group / GKE node pool label. */
  nodegroup: string;
  /** kubelet version, e.g. "v1.31.2-eks-94953ac". */
  kubeletVersion: string;
  count: number;
}

export function addNodes(cluster: SimulatedCluster, spec: NewNodes): string[] {
  const { store } = cluster;
  const nodes = store.objects<NodeObject>('nodes');
  const template = nodes.find((n) => !(n.spec.taints ?? []).some((t) => t.effect === 'NoSchedule') && n.metadata.labels?.['node-role.kubernetes.io/control-plane'] === undefined);
  if (!template) throw new Error(`Cluster ${cluster.spec.name} has no worker node to model new ones on.`);
  const names = new Set(nodes.map((n) => n.metadata.name));
  const now = cluster.now();
  const time = rfc3339(now);
  const added: string[] = [];
  for (let i = 0; i < spec.count; i++) {
    const name = nextName(cluster.spec.cloud, cluster.spec.name, spec.nodegroup, names, () => store.nameSuffix(8));
    names.add(name);
    const node = structuredClone(template);
    node.metadata = {
      name,
      labels: { ...template.metadata.labels, 'kubernetes.io/hostname': name },
      annotations: { ...template.metadata.annotations },
      uid: '',
      resourceVersion: '',
      creationTimestamp: time,
    };
    for (const key of NODEGROUP_LABELS) if (node.metadata.labels?.[key] !== undefined) node.metadata.labels[key] = spec.nodegroup;
    delete node.spec.unschedulable;
    delete node.spec.taints;
    if (node.spec.providerID) node.spec.providerID = node.spec.providerID.replace(/[^/]+$/, name.startsWith('ip-') ? `i-0${store.nameSuffix(16)}` : name);
    node.status.conditions = node.status.conditions.map((c) =>
      c.type === 'Ready'
        ? { ...c, status: 'True', reason: 'KubeletReady', message: 'kubelet is posting ready status', lastHeartbeatTime: time, lastTransitionTime: time }
        : { ...c, status: 'False', lastHeartbeatTime: time, lastTransitionTime: time },
    );
    node.status.addresses = (node.status.addresses ?? []).map((a) => (a.type === 'Hostname' || a.type === 'InternalDNS' ? { ...a, address: name } : a));
    node.status.nodeInfo = { ...node.status.nodeInfo, kubeletVersion: spec.kubeletVersion, kubeProxyVersion: spec.kubeletVersion, bootID: store.newUid(), systemUUID: store.newUid() };
    store.create('nodes', node);
    cluster.events.record(node, 'Normal', 'RegisteredNode', `Node ${name} event: Registered Node ${name} in Controller`, 'node-controller');
    added.push(name);
  }
  return added;
}

function nextName(cloud: string, cluster: string, nodegroup: string, taken: Set<string>, random: () => string): string {
  for (let n = 1; ; n++) {
    let name: string;
    if (cloud === 'aws') name = `ip-10-0-${(taken.size * 7 + n) % 250}-${(n * 37) % 250 + 2}.ec2.internal`;
    else if (cloud === 'gcp') name = `gke-${cluster}-${nodegroup}-${random()}`.slice(0, 63);
    else name = `k8s-worker-${String(taken.size + n).padStart(2, '0')}.dc1.internal`;
    if (!taken.has(name)) return name;
  }
}

/** Takes a node out of the cluster, as terminating its machine does; refuses one still running workload pods. */
export function removeNode(cluster: SimulatedCluster, name: string): void {
  const { store } = cluster;
  if (!store.get<NodeObject>('nodes', undefined, name)) throw new Error(`No node "${name}" in cluster ${cluster.spec.name}.`);
  const pods = store.objects<Pod>('pods').filter((p) => p.spec.nodeName === name);
  const workload = pods.filter((p) => !p.metadata.ownerReferences?.some((o) => o.kind === 'DaemonSet') && !p.metadata.deletionTimestamp);
  if (workload.length) throw new Error(`Node ${name} still runs ${workload.map((p) => `${p.metadata.namespace}/${p.metadata.name}`).join(', ')}: drain it first.`);
  store.remove('nodes', undefined, name);
  for (const pod of pods) store.remove('pods', pod.metadata.namespace, pod.metadata.name);
}

export function setControlPlaneVersion(cluster: SimulatedCluster, gitVersion: string): void {
  cluster.version.gitVersion = gitVersion;
}
