import { selectorString } from './selectors.js';
import { humanDuration } from './time.js';
import type {
  ContainerStatus, DaemonSet, Deployment, EndpointsObject, EventObject, HorizontalPodAutoscaler, KubeObject,
  NodeObject, Pod, PodDisruptionBudget, PodTemplateSpec, ReplicaSet, ServiceObject, StatefulSet,
} from './types.js';

/**
 * Server-side printing (`Accept: application/json;as=Table;v=v1;g=meta.k8s.io`): the columns
 * `kubectl get` shows, computed as kube-apiserver's printers do
 * (https://github.com/kubernetes/kubernetes/blob/master/pkg/printers/internalversion/printers.go).
 */

interface Column {
  name: string;
  type: 'string' | 'integer' | 'date';
  format?: string;
  description: string;
  priority: number;
}

type Cell = string | number;

interface Printer {
  columns: Column[];
  cells(obj: KubeObject, now: number): Cell[];
}

const col = (name: string, type: Column['type'] = 'string', priority = 0, format = ''): Column => ({
  name, type, format, description: name, priority,
});
const nameCol: Column = { name: 'Name', type: 'string', format: 'name', description: 'Name must be unique within a namespace.', priority: 0 };
const ageCol = col('Age');

function age(obj: KubeObject, now: number): string {
  const created = Date.parse(obj.metadata.creationTimestamp);
  return Number.isNaN(created) ? '<unknown>' : humanDuration(now - created);
}

function containersAndImages(t: PodTemplateSpec | undefined): [string, string] {
  const cs = t?.spec?.containers ?? [];
  return [cs.map((c) => c.name).join(','), cs.map((c) => c.image).join(',')];
}

function podStatus(pod: Pod): { reason: string; ready: number; total: number; restarts: number; lastRestart: number } {
  let reason: string = pod.status.reason || pod.status.phase;
  let ready = 0;
  let restarts = 0;
  let lastRestart = 0;
  const statuses: ContainerStatus[] = pod.status.containerStatuses ?? [];
  let hasRunning = false;
  for (let i = statuses.length - 1; i >= 0; i--) {
    const cs = statuses[i] as ContainerStatus;
    restarts += cs.restartCount;
    const finished = cs.lastState.terminated?.finishedAt;
    if (finished) lastRestart = Math.max(lastRestart, Date.parse(finished));
    if (cs.state.waiting?.reason) reason = cs.state.waiting.reason;
    else if (cs.state.terminated?.reason) reason = cs.state.terminated.reason;
    else if (cs.state.terminated) reason = `ExitCode:${cs.state.terminated.exitCode}`;
    else if (cs.ready && cs.state.running) {
      hasRunning = true;
      ready++;
    }
  }
  if (reason === 'Completed' && hasRunning) reason = 'Running';
  if (pod.metadata.deletionTimestamp) reason = pod.status.reason === 'NodeLost' ? 'Unknown' : 'Terminating';
  return { reason, ready, total: pod.spec.containers.length, restarts, lastRestart };
}

const podPrinter: Printer = {
  columns: [
    nameCol, col('Ready'), col('Status'), col('Restarts'), ageCol, col('IP', 'string', 1), col('Node', 'string', 1),
    col('Nominated Node', 'string', 1), col('Readiness Gates', 'string', 1),
  ],
  cells(obj, now) {
    const pod = obj as Pod;
    const s = podStatus(pod);
    const restarts = s.lastRestart > 0 ? `${s.restarts} (${humanDuration(now - s.lastRestart)} ago)` : String(s.restarts);
    return [pod.metadata.name, `${s.ready}/${s.total}`, s.reason, restarts, age(pod, now), pod.status.podIP ?? '<none>', pod.spec.nodeName ?? '<none>', '<none>', '<none>'];
  },
};

const deploymentPrinter: Printer = {
  columns: [nameCol, col('Ready'), col('Up-to-date', 'integer'), col('Available', 'integer'), ageCol, col('Containers', 'string', 1), col('Images', 'string', 1), col('Selector', 'string', 1)],
  cells(obj, now) {
    const d = obj as Deployment;
    const [containers, images] = containersAndImages(d.spec.template);
    return [d.metadata.name, `${d.status.readyReplicas ?? 0}/${d.spec.replicas ?? 1}`, d.status.updatedReplicas ?? 0, d.status.availableReplicas ?? 0, age(d, now), containers, images, selectorString(d.spec.selector)];
  },
};

const replicaSetPrinter: Printer = {
  columns: [nameCol, col('Desired', 'integer'), col('Current', 'integer'), col('Ready', 'integer'), ageCol, col('Containers', 'string', 1), col('Images', 'string', 1), col('Selector', 'string', 1)],
  cells(obj, now) {
    const rs = obj as ReplicaSet;
    const [containers, images] = containersAndImages(rs.spec.template);
    return [rs.metadata.name, rs.spec.replicas ?? 1, rs.status.replicas ?? 0, rs.status.readyReplicas ?? 0, age(rs, now), containers, images, selectorString(rs.spec.selector)];
  },
};

const statefulSetPrinter: Printer = {
  columns: [nameCol, col('Ready'), ageCol, col('Containers', 'string', 1), col('Images', 'string', 1)],
  cells(obj, now) {
    const s = obj as StatefulSet;
    const [containers, images] = containersAndImages(s.spec.template);
    return [s.metadata.name, `${s.status.readyReplicas ?? 0}/${s.spec.replicas ?? 1}`, age(s, now), containers, images];
  },
};

const daemonSetPrinter: Printer = {
  columns: [
    nameCol, col('Desired', 'integer'), col('Current', 'integer'), col('Ready', 'integer'), col('Up-to-date', 'integer'), col('Available', 'integer'),
    col('Node Selector'), ageCol, col('Containers', 'string', 1), col('Images', 'string', 1), col('Selector', 'string', 1),
  ],
  cells(obj, now) {
    const d = obj as DaemonSet;
    const [containers, images] = containersAndImages(d.spec.template);
    const nodeSelector = Object.entries(d.spec.template.spec.nodeSelector ?? {}).map(([k, v]) => `${k}=${v}`).join(',') || '<none>';
    return [
      d.metadata.name, d.status.desiredNumberScheduled, d.status.currentNumberScheduled, d.status.numberReady, d.status.updatedNumberScheduled ?? 0,
      d.status.numberAvailable ?? 0, nodeSelector, age(d, now), containers, images, selectorString(d.spec.selector),
    ];
  },
};

const servicePrinter: Printer = {
  columns: [nameCol, col('Type'), col('Cluster-IP'), col('External-IP'), col('Port(s)'), ageCol, col('Selector', 'string', 1)],
  cells(obj, now) {
    const s = obj as ServiceObject;
    const type = s.spec.type ?? 'ClusterIP';
    const lb = (s.status?.loadBalancer?.ingress ?? []).map((i) => i.ip ?? i.hostname ?? '').filter(Boolean);
    const external = type === 'LoadBalancer' ? lb.join(',') || '<pending>' : '<none>';
    const ports = (s.spec.ports ?? []).map((p) => `${p.port}${p.nodePort ? `:${p.nodePort}` : ''}/${p.protocol ?? 'TCP'}`).join(',') || '<none>';
    const selector = Object.entries(s.spec.selector ?? {}).map(([k, v]) => `${k}=${v}`).join(',') || '<none>';
    return [s.metadata.name, type, s.spec.clusterIP ?? '<none>', external, ports, age(s, now), selector];
  },
};

const endpointsPrinter: Printer = {
  columns: [nameCol, col('Endpoints'), ageCol],
  cells(obj, now) {
    const e = obj as EndpointsObject;
    const all: string[] = [];
    for (const subset of e.subsets ?? []) {
      for (const a of subset.addresses ?? []) for (const p of subset.ports ?? [{ port: 0 }]) all.push(p.port ? `${a.ip}:${p.port}` : a.ip);
    }
    const shown = all.slice(0, 3).join(',');
    const text = all.length > 3 ? `${shown} + ${all.length - 3} more...` : shown || '<none>';
    return [e.metadata.name, text, age(e, now)];
  },
};

const nodePrinter: Printer = {
  columns: [
    nameCol, col('Status'), col('Roles'), ageCol, col('Version'), col('Internal-IP', 'string', 1), col('External-IP', 'string', 1),
    col('OS-Image', 'string', 1), col('Kernel-Version', 'string', 1), col('Container-Runtime', 'string', 1),
  ],
  cells(obj, now) {
    const n = obj as NodeObject;
    const ready = n.status.conditions.find((c) => c.type === 'Ready');
    const status = [ready?.status === 'True' ? 'Ready' : ready ? 'NotReady' : 'Unknown'];
    if (n.spec.unschedulable) status.push('SchedulingDisabled');
    const roles = Object.keys(n.metadata.labels ?? {})
      .filter((l) => l.startsWith('node-role.kubernetes.io/'))
      .map((l) => l.slice('node-role.kubernetes.io/'.length))
      .sort()
      .join(',') || '<none>';
    const address = (type: string) => n.status.addresses.find((a) => a.type === type)?.address ?? '<none>';
    const info = n.status.nodeInfo;
    return [
      n.metadata.name, status.join(','), roles, age(n, now), info.kubeletVersion ?? '', address('InternalIP'), address('ExternalIP'),
      info.osImage ?? '', info.kernelVersion ?? '', info.containerRuntimeVersion ?? '',
    ];
  },
};

const namespacePrinter: Printer = {
  columns: [nameCol, col('Status'), ageCol],
  cells(obj, now) {
    return [obj.metadata.name, (obj.status as { phase?: string } | undefined)?.phase ?? 'Active', age(obj, now)];
  },
};

interface IngressShape {
  spec?: { ingressClassName?: string; rules?: { host?: string }[]; tls?: unknown[] };
  status?: { loadBalancer?: { ingress?: { ip?: string; hostname?: string }[] } };
}

const ingressPrinter: Printer = {
  columns: [nameCol, col('Class'), col('Hosts'), col('Address'), col('Ports'), ageCol],
  cells(obj, now) {
    const i = obj as KubeObject & IngressShape;
    const hosts = (i.spec?.rules ?? []).map((r) => r.host ?? '*').join(',') || '*';
    const address = (i.status?.loadBalancer?.ingress ?? []).map((x) => x.ip ?? x.hostname ?? '').join(',');
    return [i.metadata.name, i.spec?.ingressClassName ?? '<none>', hosts, address, i.spec?.tls?.length ? '80, 443' : '80', age(i, now)];
  },
};

const hpaPrinter: Printer = {
  columns: [nameCol, col('Reference'), col('Targets'), col('MinPods', 'integer'), col('MaxPods', 'integer'), col('Replicas', 'integer'), ageCol],
  cells(obj, now) {
    const h = obj as HorizontalPodAutoscaler;
    const targets = (h.spec.metrics ?? []).map((m, i) => {
      const current = (h.status.currentMetrics?.[i] as { resource?: { current?: { averageUtilization?: number } } } | undefined)?.resource?.current?.averageUtilization;
      const target = m.resource?.target.averageUtilization;
      return `${m.resource?.name ?? m.type}: ${current === undefined ? '<unknown>' : `${current}%`}/${target ?? '?'}%`;
    });
    return [
      h.metadata.name, `${h.spec.scaleTargetRef.kind}/${h.spec.scaleTargetRef.name}`, targets.join(', ') || '<none>', h.spec.minReplicas ?? 1,
      h.spec.maxReplicas, h.status.currentReplicas ?? 0, age(h, now),
    ];
  },
};

const pdbPrinter: Printer = {
  columns: [nameCol, col('Min Available'), col('Max Unavailable'), col('Allowed Disruptions', 'integer'), ageCol],
  cells(obj, now) {
    const p = obj as PodDisruptionBudget;
    return [p.metadata.name, String(p.spec.minAvailable ?? 'N/A'), String(p.spec.maxUnavailable ?? 'N/A'), p.status.disruptionsAllowed, age(p, now)];
  },
};

const eventPrinter: Printer = {
  columns: [
    col('Last Seen'), col('Type'), col('Reason'), col('Object'), col('Subobject', 'string', 1), col('Source', 'string', 1), col('Message'),
    col('First Seen', 'string', 1), col('Count', 'integer', 1), { ...nameCol, priority: 1 },
  ],
  cells(obj, now) {
    const e = obj as EventObject;
    const since = (t: string) => humanDuration(now - Date.parse(t));
    const source = e.source.host ? `${e.source.component}, ${e.source.host}` : e.source.component;
    return [
      since(e.lastTimestamp), e.type, e.reason, `${e.involvedObject.kind.toLowerCase()}/${e.involvedObject.name}`, e.involvedObject.fieldPath ?? '',
      source, e.message, since(e.firstTimestamp), e.count, e.metadata.name,
    ];
  },
};

const controllerRevisionPrinter: Printer = {
  columns: [nameCol, col('Controller'), col('Revision', 'integer'), ageCol],
  cells(obj, now) {
    const owner = obj.metadata.ownerReferences?.find((r) => r.controller);
    const controller = owner ? `${owner.kind.toLowerCase()}.${owner.apiVersion.split('/')[0]}/${owner.name}` : '<none>';
    return [obj.metadata.name, controller, (obj as KubeObject & { revision: number }).revision, age(obj, now)];
  },
};

const configMapPrinter: Printer = {
  columns: [nameCol, col('Data', 'integer'), ageCol],
  cells(obj, now) {
    return [obj.metadata.name, Object.keys((obj.data as Record<string, string> | undefined) ?? {}).length, age(obj, now)];
  },
};

type Loose = KubeObject & Record<string, unknown> & { spec?: Record<string, unknown>; status?: Record<string, unknown> };

const secretPrinter: Printer = {
  columns: [nameCol, col('Type'), col('Data', 'integer'), ageCol],
  cells(obj, now) {
    const o = obj as Loose;
    return [obj.metadata.name, String(o.type ?? 'Opaque'), Object.keys((o.data as Record<string, string> | undefined) ?? {}).length, age(obj, now)];
  },
};

const serviceAccountPrinter: Printer = {
  columns: [nameCol, col('Secrets', 'integer'), ageCol],
  cells(obj, now) {
    return [obj.metadata.name, ((obj as Loose).secrets as unknown[] | undefined)?.length ?? 0, age(obj, now)];
  },
};

const pvcPrinter: Printer = {
  columns: [nameCol, col('Status'), col('Volume'), col('Capacity'), col('Access Modes'), col('StorageClass'), col('VolumeAttributesClass'), ageCol, col('VolumeMode', 'string', 1)],
  cells(obj, now) {
    const o = obj as Loose;
    const status = o.status as { phase?: string; capacity?: { storage?: string }; accessModes?: string[] } | undefined;
    const modes = (status?.accessModes ?? []).map((m) => ({ ReadWriteOnce: 'RWO', ReadOnlyMany: 'ROX', ReadWriteMany: 'RWX', ReadWriteOncePod: 'RWOP' })[m] ?? m).join(',');
    return [obj.metadata.name, status?.phase ?? 'Pending', String(o.spec?.volumeName ?? ''), status?.capacity?.storage ?? '', modes, String(o.spec?.storageClassName ?? '<unset>'), '<unset>', age(obj, now), String(o.spec?.volumeMode ?? 'Filesystem')];
  },
};

const cronJobPrinter: Printer = {
  columns: [nameCol, col('Schedule'), col('Timezone'), col('Suspend'), col('Active', 'integer'), col('Last Schedule'), ageCol],
  cells(obj, now) {
    const o = obj as Loose;
    return [obj.metadata.name, String(o.spec?.schedule ?? ''), String(o.spec?.timeZone ?? '<none>'), String(o.spec?.suspend ?? false), 0, '<none>', age(obj, now)];
  },
};

const endpointSlicePrinter: Printer = {
  columns: [nameCol, col('AddressType'), col('Ports'), col('Endpoints'), ageCol],
  cells(obj, now) {
    const o = obj as Loose & { ports?: { port?: number }[]; endpoints?: { addresses: string[] }[] };
    const ports = (o.ports ?? []).map((p) => String(p.port ?? '')).join(',') || '<unset>';
    const addresses = (o.endpoints ?? []).flatMap((e) => e.addresses);
    const shown = addresses.length > 3 ? `${addresses.slice(0, 3).join(',')} + ${addresses.length - 3} more...` : addresses.join(',') || '<unset>';
    return [obj.metadata.name, String(o.addressType ?? 'IPv4'), ports, shown, age(obj, now)];
  },
};

const networkPolicyPrinter: Printer = {
  columns: [nameCol, col('Pod-Selector'), ageCol],
  cells(obj, now) {
    const selector = (obj as Loose).spec?.podSelector as Parameters<typeof selectorString>[0];
    return [obj.metadata.name, selectorString(selector) || '<none>', age(obj, now)];
  },
};

const defaultPrinter: Printer = {
  columns: [nameCol, { name: 'Created At', type: 'date', format: '', description: 'CreationTimestamp', priority: 0 }],
  cells(obj) {
    return [obj.metadata.name, obj.metadata.creationTimestamp];
  },
};

const PRINTERS: Record<string, Printer> = {
  Pod: podPrinter,
  Deployment: deploymentPrinter,
  ReplicaSet: replicaSetPrinter,
  StatefulSet: statefulSetPrinter,
  DaemonSet: daemonSetPrinter,
  Service: servicePrinter,
  Endpoints: endpointsPrinter,
  Node: nodePrinter,
  Namespace: namespacePrinter,
  Ingress: ingressPrinter,
  HorizontalPodAutoscaler: hpaPrinter,
  PodDisruptionBudget: pdbPrinter,
  Event: eventPrinter,
  ControllerRevision: controllerRevisionPrinter,
  ConfigMap: configMapPrinter,
  Secret: secretPrinter,
  ServiceAccount: serviceAccountPrinter,
  PersistentVolumeClaim: pvcPrinter,
  CronJob: cronJobPrinter,
  EndpointSlice: endpointSlicePrinter,
  NetworkPolicy: networkPolicyPrinter,
};

export type IncludeObject = 'None' | 'Metadata' | 'Object';

function rowObject(obj: KubeObject, include: IncludeObject): Record<string, unknown> | undefined {
  if (include === 'None') return undefined;
  if (include === 'Object') return obj;
  return { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: obj.metadata };
}

export function tableRows(kind: string, objects: Iterable<KubeObject>, now: number, include: IncludeObject): Record<string, unknown>[] {
  const printer = PRINTERS[kind] ?? defaultPrinter;
  const rows: Record<string, unknown>[] = [];
  for (const obj of objects) {
    const object = rowObject(obj, include);
    rows.push({ cells: printer.cells(obj, now), ...(object ? { object } : {}) });
  }
  return rows;
}

export function table(
  kind: string,
  objects: Iterable<KubeObject>,
  now: number,
  include: IncludeObject,
  listMeta: Record<string, unknown>,
  withHeaders = true,
): Record<string, unknown> {
  const printer = PRINTERS[kind] ?? defaultPrinter;
  return {
    kind: 'Table',
    apiVersion: 'meta.k8s.io/v1',
    metadata: listMeta,
    columnDefinitions: withHeaders ? printer.columns : [],
    rows: tableRows(kind, objects, now, include),
  };
}
