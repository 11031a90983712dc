import { fnv32a } from '../../world/random.js';
import { cpuMilli, memoryMi } from '../quantity.js';
import type { ObjectStore } from '../store.js';
import { rfc3339 } from '../time.js';
import type { Condition, KubeObject, OwnerReference, Pod, PodSpec, PodTemplateSpec } from '../types.js';

/** What every controller asks about a pod, and how a pod is made from a template. */

export function isActive(pod: Pod): boolean {
  return !pod.metadata.deletionTimestamp && pod.status.phase !== 'Failed' && pod.status.phase !== 'Succeeded';
}

export function condition(obj: { status?: { conditions?: Condition[] } }, type: string): Condition | undefined {
  return obj.status?.conditions?.find((c) => c.type === type);
}

export function isReady(pod: Pod): boolean {
  return condition(pod, 'Ready')?.status === 'True';
}

/** Ready for at least minReadySeconds, which is what "available" means for every workload. */
export function isAvailable(pod: Pod, minReadySeconds: number, now: number): boolean {
  const ready = condition(pod, 'Ready');
  if (ready?.status !== 'True') return false;
  if (minReadySeconds <= 0) return true;
  return Date.parse(ready.lastTransitionTime ?? '') + minReadySeconds * 1000 <= now;
}

export function setCondition(conditions: Condition[], next: Condition, now: number): Condition[] {
  const existing = conditions.find((c) => c.type === next.type);
  const time = rfc3339(now);
  if (existing && existing.status === next.status && existing.reason === next.reason && existing.message === next.message) return conditions;
  const merged: Condition = {
    ...existing,
    ...next,
    lastTransitionTime: existing && existing.status === next.status ? existing.lastTransitionTime ?? time : time,
  };
  return [...conditions.filter((c) => c.type !== next.type), merged];
}

export function controllerRef(owner: KubeObject): OwnerReference {
  return { apiVersion: owner.apiVersion, kind: owner.kind, name: owner.metadata.name, uid: owner.metadata.uid, controller: true, blockOwnerDeletion: true };
}

export function podRequests(spec: PodSpec): { cpu: number; memory: number } {
  let cpu = 0;
  let memory = 0;
  for (const c of spec.containers) {
    cpu += cpuMilli(c.resources?.requests?.cpu);
    memory += memoryMi(c.resources?.requests?.memory);
  }
  return { cpu, memory };
}

/** JSON with sorted keys, so two templates that differ only in key order hash alike. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

function isZero(value: unknown): boolean {
  if (value === null || value === undefined || value === '' || value === 0 || value === false) return true;
  if (Array.isArray(value)) return value.length === 0;
  if (typeof value === 'object') return Object.keys(value as object).length === 0;
  return false;
}

function withoutZeros(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutZeros);
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
      const cleaned = withoutZeros(v);
      if (!isZero(cleaned)) out[k] = cleaned;
    }
    return out;
  }
  return value;
}

/**
 * Equality as Go's semantic.DeepEqual sees two decoded objects: a field that is absent equals
 * its zero value. Clients written in Go send `"creationTimestamp": null` and `"resources": {}`
 * inside templates they read back (kubectl rollout undo does), and that must not count as a
 * different template.
 */
export function semanticJson(value: unknown): string {
  return canonicalJson(withoutZeros(value));
}

/** Removes a label so a template compares equal to its ReplicaSet's copy (EqualIgnoreHash). */
export function withoutLabel(template: PodTemplateSpec, label: string): PodTemplateSpec {
  const labels = { ...(template.metadata?.labels ?? {}) };
  delete labels[label];
  return { ...template, metadata: { ...template.metadata, labels } };
}

/**
 * pod-template-hash: an fnv32a hash of the template rendered in safe-encoded characters,
 * like controller.ComputeHash + rand.SafeEncodeString.
 */
export function templateHash(template: PodTemplateSpec, collisionCount = 0): string {
  const hash = fnv32a(`${semanticJson(template)}${collisionCount || ''}`);
  const alphabet = 'bcdfghjklmnpqrstvwxz2456789';
  let text = '';
  let n = hash;
  for (let i = 0; i < 10 && (i < 8 || n > 0); i++) {
    text += alphabet[n % alphabet.length];
    n = Math.floor(n / alphabet.length);
  }
  return text;
}

/** The tolerations DefaultTolerationSeconds admission adds; the sandbox cluster runs with 20 s instead of 300 s, so a failed node's pods move within a drill. */
export const NODE_FAILURE_TOLERATION_SECONDS = 20;

type Probe = Record<string, unknown> & { httpGet?: Record<string, unknown> };

/** SetDefaults_Probe and SetDefaults_HTTPGetAction (pkg/apis/core/v1/defaults.go). */
function defaultProbe(probe: unknown): Probe | undefined {
  if (!probe || typeof probe !== 'object') return undefined;
  const p = { timeoutSeconds: 1, periodSeconds: 10, successThreshold: 1, failureThreshold: 3, ...(probe as Probe) };
  if (p.httpGet) p.httpGet = { path: '/', scheme: 'HTTP', ...p.httpGet };
  return p;
}

/** A container as the API server stores it (pkg/apis/core/v1/defaults.go). */
function defaultContainer(c: PodSpec['containers'][number]): PodSpec['containers'][number] {
  const tag = /:([^/:@]+)$/.exec(c.image.split('@')[0] ?? '')?.[1];
  const out: PodSpec['containers'][number] = {
    terminationMessagePath: '/dev/termination-log',
    terminationMessagePolicy: 'File',
    // An image without a tag, or tagged latest, is pulled every time.
    imagePullPolicy: !c.image.includes('@') && (!tag || tag === 'latest') ? 'Always' : 'IfNotPresent',
    ...c,
  };
  if (c.ports) out.ports = c.ports.map((p) => ({ protocol: 'TCP', ...p }));
  for (const key of ['livenessProbe', 'readinessProbe', 'startupProbe'] as const) {
    const probe = defaultProbe(c[key]);
    if (probe) out[key] = probe;
  }
  if (Array.isArray(c.env)) {
    out.env = (c.env as Record<string, unknown>[]).map((e) => {
      const from = e.valueFrom as { fieldRef?: Record<string, unknown> } | undefined;
      return from?.fieldRef ? { ...e, valueFrom: { ...from, fieldRef: { apiVersion: 'v1', ...from.fieldRef } } } : e;
    });
  }
  return out;
}

export function defaultPodSpec(spec: PodSpec): PodSpec {
  const tolerations = [...(spec.tolerations ?? [])];
  for (const key of ['node.kubernetes.io/not-ready', 'node.kubernetes.io/unreachable']) {
    if (!tolerations.some((t) => t.key === key || (t.operator === 'Exists' && !t.key))) {
      tolerations.push({ key, operator: 'Exists', effect: 'NoExecute', tolerationSeconds: NODE_FAILURE_TOLERATION_SECONDS });
    }
  }
  return {
    restartPolicy: 'Always',
    terminationGracePeriodSeconds: 30,
    dnsPolicy: 'ClusterFirst',
    serviceAccountName: spec.serviceAccountName ?? (typeof spec.serviceAccount === 'string' ? spec.serviceAccount : 'default'),
    schedulerName: 'default-scheduler',
    securityContext: {},
    enableServiceLinks: true,
    preemptionPolicy: 'PreemptLowerPriority',
    priority: 0,
    ...spec,
    containers: spec.containers.map(defaultContainer),
    tolerations,
  };
}

export function qosClass(spec: PodSpec): string {
  const all = spec.containers;
  const guaranteed = all.every((c) => c.resources?.limits?.cpu && c.resources.limits.memory && c.resources.limits.cpu === (c.resources.requests?.cpu ?? c.resources.limits.cpu) && c.resources.limits.memory === (c.resources.requests?.memory ?? c.resources.limits.memory));
  if (guaranteed) return 'Guaranteed';
  return all.some((c) => c.resources?.requests || c.resources?.limits) ? 'Burstable' : 'BestEffort';
}

export interface NewPod {
  name: string;
  namespace: string;
  template: PodTemplateSpec;
  owner: KubeObject;
  extraLabels?: Record<string, string>;
  nodeName?: string;
  hostname?: string;
  subdomain?: string;
}

export function podFromTemplate(p: NewPod): Pod {
  // Stored objects are never changed in place (ObjectStore.mutate copies), so the pod may share the template's nested values.
  const spec = defaultPodSpec(p.template.spec);
  if (p.nodeName) spec.nodeName = p.nodeName;
  if (p.hostname) spec.hostname = p.hostname;
  if (p.subdomain) spec.subdomain = p.subdomain;
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name: p.name,
      namespace: p.namespace,
      uid: '',
      resourceVersion: '',
      creationTimestamp: '',
      labels: { ...(p.template.metadata?.labels ?? {}), ...(p.extraLabels ?? {}) },
      ...(p.template.metadata?.annotations ? { annotations: { ...p.template.metadata.annotations } } : {}),
      ownerReferences: [controllerRef(p.owner)],
    },
    spec,
    status: { phase: 'Pending', qosClass: qosClass(spec) },
  };
}

/** Marks a pod for graceful deletion, as DELETE on a pod does; the kubelet finishes it. */
export function beginPodDeletion(store: ObjectStore, pod: Pod, now: number, graceSeconds?: number): void {
  if (pod.metadata.deletionTimestamp) return;
  const grace = graceSeconds ?? pod.spec.terminationGracePeriodSeconds ?? 30;
  if (!pod.spec.nodeName || grace === 0) {
    store.remove('pods', pod.metadata.namespace, pod.metadata.name);
    return;
  }
  store.mutate<Pod>('pods', pod.metadata.namespace, pod.metadata.name, (p) => {
    p.metadata.deletionTimestamp = rfc3339(now + grace * 1000);
    p.metadata.deletionGracePeriodSeconds = grace;
  });
}
