import { canonicalJson, defaultPodSpec, qosClass } from './controllers/pods.js';
import type { ResourceType } from './resources.js';
import { invalid, type StatusCause } from './status.js';
import { type CustomResourceDefinition, establishedStatus } from './custom-resources.js';
import type { Deployment, KubeObject, Pod, ServiceObject } from './types.js';
import type { ObjectStore } from './store.js';
import { selectorMatches } from './selectors.js';
import { rfc3339 } from './time.js';

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
    case 'CustomResourceDefinition': {
      const crd = obj as CustomResourceDefinition;
      const expected = `${crd.spec?.names?.plural}.${crd.spec?.group}`;
      if (obj.metadata.name !== expected) causes.push({ field: 'metadata.name', message: `Invalid value: "${obj.metadata.name}": must be spec.names.plural+"."+spec.group` });
      if (!crd.spec?.versions?.some((v) => v.storage)) causes.push({ field: 'spec.versions', message: 'Invalid value: must have exactly one version marked as storage version' });
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

/** A pod template as the API server stores it: the pod defaults, without the ones only pod admission adds. */
function templateDefaults(spec: Pod['spec']): Pod['spec'] {
  const out = defaultPodSpec(spec);
  for (const podOnly of ['priority', 'preemptionPolicy'] as const) if (spec[podOnly] === undefined) delete out[podOnly];
  if (spec.tolerations) out.tolerations = spec.tolerations;
  else delete out.tolerations;
  return out;
}

/**
 * What the API server does to every write of a kind, create or update: a Secret's stringData
 * is write-only, merged into data base64-encoded and never stored.
 */
export function normalize(r: ResourceType, obj: KubeObject): void {
  if (r.kind !== 'Secret') return;
  const secret = obj as KubeObject & { data?: Record<string, string>; stringData?: Record<string, string> };
  if (!secret.stringData) return;
  secret.data = { ...secret.data };
  for (const [k, v] of Object.entries(secret.stringData)) secret.data[k] = Buffer.from(String(v)).toString('base64');
  delete secret.stringData;
}

/** Server-side defaults on create. */
export function applyDefaults(r: ResourceType, obj: KubeObject, store: ObjectStore, serviceNetwork: string, now: number): void {
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
      d.spec.template.spec = templateDefaults(d.spec.template.spec);
      d.status = {};
      break;
    }
    case 'StatefulSet':
    case 'ReplicaSet':
    case 'DaemonSet': {
      const s = obj as KubeObject & { spec: { replicas?: number; template?: Deployment['spec']['template'] } & Record<string, unknown>; status?: unknown };
      if (r.kind !== 'DaemonSet') s.spec.replicas ??= 1;
      if (s.spec.template?.spec) s.spec.template.spec = templateDefaults(s.spec.template.spec);
      if (r.kind === 'StatefulSet') {
        s.spec.podManagementPolicy ??= 'OrderedReady';
        s.spec.updateStrategy ??= { type: 'RollingUpdate', rollingUpdate: { partition: 0 } };
        s.spec.revisionHistoryLimit ??= 10;
        s.spec.persistentVolumeClaimRetentionPolicy ??= { whenDeleted: 'Retain', whenScaled: 'Retain' };
      }
      if (r.kind === 'DaemonSet') {
        s.spec.updateStrategy ??= { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 1, maxSurge: 0 } };
        s.spec.revisionHistoryLimit ??= 10;
      }
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
      svc.spec.internalTrafficPolicy ??= 'Cluster';
      svc.spec.ipFamilies ??= ['IPv4'];
      svc.spec.ipFamilyPolicy ??= 'SingleStack';
      if (svc.spec.type === 'NodePort' || svc.spec.type === 'LoadBalancer') {
        svc.spec.externalTrafficPolicy ??= 'Cluster';
        // NodePorts from the default 30000-32767 range, one after another per cluster.
        let next = 30000 + ((store.count('services') * 7) % 2700);
        svc.spec.ports = svc.spec.ports.map((p) => ({ ...p, nodePort: p.nodePort ?? next++ }));
      }
      if (svc.spec.type === 'LoadBalancer') svc.spec.allocateLoadBalancerNodePorts ??= true;
      svc.status = { loadBalancer: {} };
      break;
    }
    case 'Secret':
      (obj as KubeObject & { type?: string }).type ??= 'Opaque';
      break;
    case 'PersistentVolumeClaim': {
      // The simulated provisioner binds at once (volumeBindingMode Immediate).
      const pvc = obj as KubeObject & { spec: { accessModes?: string[]; resources?: { requests?: { storage?: string } }; storageClassName?: string; volumeMode?: string; volumeName?: string } };
      pvc.spec.volumeMode ??= 'Filesystem';
      pvc.spec.storageClassName ??= 'standard';
      pvc.spec.volumeName ??= `pvc-${store.newUid()}`;
      pvc.metadata.annotations = { 'pv.kubernetes.io/bind-completed': 'yes', 'pv.kubernetes.io/bound-by-controller': 'yes', ...pvc.metadata.annotations };
      pvc.metadata.finalizers ??= ['kubernetes.io/pvc-protection'];
      pvc.status = { phase: 'Bound', accessModes: pvc.spec.accessModes ?? ['ReadWriteOnce'], capacity: { storage: pvc.spec.resources?.requests?.storage ?? '1Gi' } };
      break;
    }
    case 'Job': {
      const job = obj as KubeObject & { spec: Record<string, unknown> & { template?: Deployment['spec']['template'] } };
      job.spec.parallelism ??= 1;
      job.spec.completions ??= 1;
      job.spec.backoffLimit ??= 6;
      job.spec.completionMode ??= 'NonIndexed';
      job.spec.suspend ??= false;
      job.spec.podReplacementPolicy ??= 'TerminatingOrFailed';
      if (job.spec.template?.spec) job.spec.template.spec = templateDefaults(job.spec.template.spec);
      job.status = {};
      break;
    }
    case 'CronJob': {
      const cron = obj as KubeObject & { spec: Record<string, unknown> & { jobTemplate?: { spec?: { template?: Deployment['spec']['template'] } } } };
      cron.spec.concurrencyPolicy ??= 'Allow';
      cron.spec.suspend ??= false;
      cron.spec.successfulJobsHistoryLimit ??= 3;
      cron.spec.failedJobsHistoryLimit ??= 1;
      const template = cron.spec.jobTemplate?.spec?.template;
      if (template?.spec) template.spec = templateDefaults(template.spec);
      cron.status = {};
      break;
    }
    case 'NetworkPolicy': {
      const np = obj as KubeObject & { spec: { policyTypes?: string[]; egress?: unknown } };
      np.spec.policyTypes ??= np.spec.egress ? ['Ingress', 'Egress'] : ['Ingress'];
      break;
    }
    case 'CustomResourceDefinition': {
      const crd = obj as CustomResourceDefinition;
      crd.status = establishedStatus(crd, rfc3339(now));
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
