import { canonicalJson, defaultPodSpec, qosClass } from './controllers/pods.js';
import type { ResourceType } from './resources.js';
import { invalid, type StatusCause } from './status.js';
import type { Deployment, KubeObject, Pod, ServiceObject } from './types.js';
import type { ObjectStore } from './store.js';
import { selectorMatches } from './selectors.js';

/**
 * What the API server does to an object between decoding and storing it: defaulting (the
 * values `kubectl get -o yaml` shows that nobody wrote) and the validation kubectl users meet
 * most (names, selectors that match their template, containers with images).
 */

const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

function validateName(r: ResourceType, name: string, causes: StatusCause[]): void {
  const label = r.kind === 'Namespace' || r.kind === 'Service';
  const ok = label ? DNS_LABEL.test(name) && name.length <= 63 : DNS_SUBDOMAIN.test(name) && name.length <= 253;
  if (!ok) {
    causes.push({
      field: 'metadata.name',
      message: `Invalid value: "${name}": a lowercase RFC 1123 ${label ? 'label' : 'subdomain'} must consist of lower case alphanumeric characters, '-'${label ? '' : " or '.'"}, and must start and end with an alphanumeric character`,
    });
  }
}

function validatePodSpec(spec: Pod['spec'] | undefined, path: string, causes: StatusCause[]): void {
  if (!spec || !Array.isArray(spec.containers) || spec.containers.length === 0) {
    causes.push({ field: `${path}.containers`, reason: 'FieldValueRequired', message: 'Required value' });
    return;
  }
  spec.containers.forEach((c, i) => {
    if (!c.name) causes.push({ field: `${path}.containers[${i}].name`, reason: 'FieldValueRequired', message: 'Required value' });
    if (!c.image) causes.push({ field: `${path}.containers[${i}].image`, reason: 'FieldValueRequired', message: 'Required value' });
  });
}

export function validate(r: ResourceType, obj: KubeObject): void {
  const causes: StatusCause[] = [];
  validateName(r, obj.metadata.name, causes);
  for (const [key, value] of Object.entries(obj.metadata.labels ?? {})) {
    if (typeof value !== 'string' || value.length > 63 || !/^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/.test(value)) {
      causes.push({ field: `metadata.labels`, message: `Invalid value: "${String(value)}": a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (label ${key})` });
    }
  }
  const spec = obj.spec as Record<string, unknown> | undefined;
  switch (r.kind) {
    case 'Pod':
      validatePodSpec(spec as Pod['spec'] | undefined, 'spec', causes);
      break;
    case 'Deployment':
    case 'ReplicaSet':
    case 'StatefulSet':
    case 'DaemonSet': {
      const d = obj as Deployment;
      if (!d.spec?.selector) causes.push({ field: 'spec.selector', reason: 'FieldValueRequired', message: 'Required value' });
      else if (!selectorMatches(d.spec.selector, d.spec.template?.metadata?.labels)) {
        causes.push({ field: 'spec.template.metadata.labels', message: `Invalid value: ${JSON.stringify(d.spec.template?.metadata?.labels ?? {})}: \`selector\` does not match template \`labels\`` });
      }
      if (typeof d.spec?.replicas === 'number' && d.spec.replicas < 0) causes.push({ field: 'spec.replicas', message: `Invalid value: ${d.spec.replicas}: must be greater than or equal to 0` });
      validatePodSpec(d.spec?.template?.spec, 'spec.template.spec', causes);
      break;
    }
    case 'Service': {
      const ports = (spec as ServiceObject['spec'] | undefined)?.ports ?? [];
      ports.forEach((p, i) => {
        if (!Number.isInteger(p.port) || p.port < 1 || p.port > 65535) causes.push({ field: `spec.ports[${i}].port`, message: `Invalid value: ${p.port}: must be between 1 and 65535, inclusive` });
      });
      break;
    }
    default:
      break;
  }
  if (causes.length) throw invalid(r.kind, r.group, obj.metadata.name, causes);
}

/** Server-side defaults on create. */
export function applyDefaults(r: ResourceType, obj: KubeObject, store: ObjectStore, serviceNetwork: string): void {
  const hasSpec = obj.spec !== undefined;
  if (hasSpec && ['Deployment', 'ReplicaSet', 'StatefulSet', 'DaemonSet', 'Ingress', 'PodDisruptionBudget', 'HorizontalPodAutoscaler'].includes(r.kind)) {
    obj.metadata.generation = 1;
  }
  switch (r.kind) {
    case 'Pod': {
      const pod = obj as Pod;
      pod.spec = defaultPodSpec(pod.spec);
      pod.status = { phase: 'Pending', qosClass: qosClass(pod.spec) };
      break;
    }
    case 'Deployment': {
      const d = obj as Deployment;
      d.spec.replicas ??= 1;
      d.spec.strategy ??= { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: '25%' } };
      if (d.spec.strategy.type === undefined) d.spec.strategy.type = 'RollingUpdate';
      if (d.spec.strategy.type === 'RollingUpdate') d.spec.strategy.rollingUpdate ??= { maxSurge: '25%', maxUnavailable: '25%' };
      d.spec.revisionHistoryLimit ??= 10;
      d.spec.progressDeadlineSeconds ??= 600;
      d.spec.template.spec = { ...defaultPodSpec(d.spec.template.spec), tolerations: d.spec.template.spec.tolerations };
      if (!d.spec.template.spec.tolerations) delete d.spec.template.spec.tolerations;
      d.status = {};
      break;
    }
    case 'StatefulSet':
    case 'ReplicaSet':
    case 'DaemonSet': {
      const s = obj as KubeObject & { spec: { replicas?: number }; status?: unknown };
      if (r.kind !== 'DaemonSet') s.spec.replicas ??= 1;
      s.status = r.kind === 'DaemonSet' ? { currentNumberScheduled: 0, numberMisscheduled: 0, desiredNumberScheduled: 0, numberReady: 0 } : { replicas: 0 };
      break;
    }
    case 'Service': {
      const svc = obj as ServiceObject;
      svc.spec.type ??= 'ClusterIP';
      svc.spec.sessionAffinity ??= 'None';
      if (!svc.spec.clusterIP) {
        const n = store.count('services') + 10;
        svc.spec.clusterIP = `${serviceNetwork}.${Math.floor(n / 250) % 256}.${(n % 250) + 2}`;
        svc.spec.clusterIPs = [svc.spec.clusterIP];
      }
      svc.spec.ports = (svc.spec.ports ?? []).map((p) => ({ protocol: 'TCP', targetPort: p.port, ...p }));
      svc.status = { loadBalancer: {} };
      break;
    }
    case 'Namespace':
      obj.metadata.labels = { ...obj.metadata.labels, 'kubernetes.io/metadata.name': obj.metadata.name };
      obj.spec = { finalizers: ['kubernetes'] };
      obj.status = { phase: 'Active' };
      break;
    default:
      break;
  }
}

/** metadata.generation moves when the desired state changes, never for status or metadata. */
export function specChanged(before: KubeObject, after: KubeObject): boolean {
  const desired = (o: KubeObject) => {
    const { metadata: _m, status: _s, ...rest } = o;
    return canonicalJson(rest);
  };
  return desired(before) !== desired(after);
}
