import { CANARY, CANARY_WEIGHT, CANARY_WEIGHT_TOTAL, httpRouteRuleBackends, type BackendWeight } from '../../../../shared/traffic/traffic-split.js';
import type { WatchedKind } from './kinds.js';
import type { SpecReads } from './spec-trim.js';

/**
 * The few fields of each Kubernetes object that Daytwo shows or relates, copied out of the
 * parsed JSON at once so the raw object can be dropped: a 10,000-pod estate must stay well
 * under 300 MB of heap, and a full pod is several kilobytes.
 */
export interface OwnerRef {
  kind: string;
  name: string;
  controller: boolean;
}

export interface Condition {
  type: string;
  status: string;
  reason: string;
  message: string;
}

interface RecordBase {
  namespace: string;
  name: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  owners: OwnerRef[];
  createdAt: string;
  deleting: boolean;
}

export interface NamespaceRecord extends RecordBase {
  kind: 'Namespace';
  phase: string;
}

export interface NodeRecord extends RecordBase {
  kind: 'Node';
  ready: Condition | null;
  /** Memory/Disk/PID pressure and NetworkUnavailable conditions that are True. */
  problems: Condition[];
  unschedulable: boolean;
  providerID: string;
  kubeletVersion: string;
}

export interface PodRecord extends RecordBase {
  kind: 'Pod';
  phase: string;
  nodeName: string;
  ready: boolean;
  restarts: number;
  containers: number;
  readyContainers: number;
  /** The worst reason a container is waiting or was last terminated for (CrashLoopBackOff, OOMKilled …). */
  containerReason: string;
  containerMessage: string;
  /** PodScheduled=False (Unschedulable) message, when the scheduler cannot place it. */
  unschedulable: string;
  image: string;
}

export interface WorkloadRecord extends RecordBase {
  kind: 'Deployment' | 'StatefulSet' | 'DaemonSet' | 'ReplicaSet';
  desired: number;
  ready: number;
  available: number;
  updated: number;
  generation: number;
  observedGeneration: number;
  conditions: Condition[];
  templateLabels: Record<string, string>;
  image: string;
  /** What the pod template promises, for scorecards: kept as a few words, not the template. */
  template: TemplateFacts;
}

/**
 * Per pod template, the first container (by name) that lacks each thing a production-readiness
 * scorecard asks for, or '' when every container has it; and every image, comma-joined.
 */
export interface TemplateFacts {
  withoutReadiness: string;
  withoutLiveness: string;
  withoutCpuRequest: string;
  withoutMemoryRequest: string;
  withoutMemoryLimit: string;
  images: string;
}

export interface ServiceRecord extends RecordBase {
  kind: 'Service';
  type: string;
  selector: Record<string, string> | null;
  loadBalancers: string[];
}

/** A Service's Endpoints, cut to what health needs: how many addresses are ready and not. */
export interface EndpointsRecord extends RecordBase {
  kind: 'Endpoints';
  ready: number;
  notReady: number;
}

export interface IngressRecord extends RecordBase {
  kind: 'Ingress';
  className: string;
  hosts: string[];
  backends: string[];
  loadBalancers: string[];
}

/** An HTTPRoute, cut to what routes traffic: its hosts and each rule's Service backends and weights. */
export interface HttpRouteRecord extends RecordBase {
  kind: 'HTTPRoute';
  hostnames: string[];
  /** Per rule, its Service backends with Gateway API's default weight (1) filled in. */
  rules: BackendWeight[][];
  /** The Gateways it attaches to (parentRefs' names). */
  parents: string[];
}

export interface HpaRecord extends RecordBase {
  kind: 'HorizontalPodAutoscaler';
  targetKind: string;
  targetName: string;
  min: number;
  max: number;
  current: number;
  desired: number;
  conditions: Condition[];
}

export interface PdbRecord extends RecordBase {
  kind: 'PodDisruptionBudget';
  selector: Selector | null;
  disruptionsAllowed: number;
  currentHealthy: number;
  desiredHealthy: number;
  expectedPods: number;
}

export interface EventRecord extends RecordBase {
  kind: 'Event';
  type: string;
  reason: string;
  message: string;
  involvedKind: string;
  involvedNamespace: string;
  involvedName: string;
  count: number;
  lastSeen: string;
}

export interface Selector {
  matchLabels: Record<string, string>;
  matchExpressions: { key: string; operator: string; values: string[] }[];
}

export type KubeRecord =
  | NamespaceRecord
  | NodeRecord
  | PodRecord
  | WorkloadRecord
  | ServiceRecord
  | EndpointsRecord
  | IngressRecord
  | HttpRouteRecord
  | HpaRecord
  | PdbRecord
  | EventRecord;

/** Annotations an operator needs on screen; everything else (last-applied-configuration …) is dropped. */
const keptAnnotations = [
  'kubernetes.io/change-cause',
  'deployment.kubernetes.io/revision',
  'owner',
  'team',
  'kubernetes.io/ingress.class',
  'service.beta.kubernetes.io/aws-load-balancer-type',
  'service.beta.kubernetes.io/aws-load-balancer-name',
  'alb.ingress.kubernetes.io/load-balancer-name',
  'alb.ingress.kubernetes.io/group.name',
  'alb.ingress.kubernetes.io/scheme',
  // ingress-nginx canary pairs: what the traffic panel shows and the traffic-split operation moves.
  CANARY,
  CANARY_WEIGHT,
  CANARY_WEIGHT_TOTAL,
];
const keptAnnotationSet: ReadonlySet<string> = new Set(keptAnnotations);
const keptAnnotationPrefixes = ['app.kubernetes.io/', 'daytwo.io/'];

type Json = Record<string, unknown>;

function obj(value: unknown): Json {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Json) : {};
}
function arr(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}
function str(value: unknown): string {
  return typeof value === 'string' ? value : '';
}
function num(value: unknown, fallback = 0): number {
  return typeof value === 'number' && Number.isFinite(value) ? value : fallback;
}
function stringMap(value: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  const o = obj(value);
  // for…in over a parsed object (no prototype keys) instead of Object.entries: no pair arrays per key.
  for (const key in o) {
    const v = o[key];
    if (typeof v === 'string' && Object.hasOwn(o, key)) out[key] = v;
  }
  return out;
}

/**
 * One copy of each value many records repeat (namespace, node, image, owner and label values):
 * JSON.parse makes a new string for every occurrence, and 50,000 pods held ~11 MB of copies.
 * Bounded: emptied when full, so names that come and go do not pile up.
 */
const sharedStrings = new Map<string, string>();
const sharedStringsLimit = 100_000;

/** False in the watch decoder's worker, whose records are pooled where they are kept (`adoptRecord`), not where they are made. */
let pooling = true;

/** Records made from here on are not pooled (the watch decoder's worker: a structured clone copies every string anyway). */
export function stopPooling(): void {
  pooling = false;
}

function shared(value: string): string {
  if (!pooling) return value;
  const held = sharedStrings.get(value);
  if (held !== undefined) return held;
  if (sharedStrings.size >= sharedStringsLimit) sharedStrings.clear();
  sharedStrings.set(value, value);
  return value;
}

function sharedValues(map: Record<string, string>): Record<string, string> {
  for (const key in map) map[key] = shared(map[key] as string);
  return map;
}

/**
 * One object for each set of labels many records carry alike (a ReplicaSet's pods differ only
 * in name): 50,000 pods held ~55,000 label objects (5 MB) for a few thousand sets. Frozen, as
 * no record or entity is written after it is built; bounded like the string pool.
 */
const sharedLabelSets = new Map<string, Record<string, string>>();

function sharedLabels(labels: Record<string, string>): Record<string, string> {
  if (!pooling) return labels;
  const key = JSON.stringify(labels);
  const held = sharedLabelSets.get(key);
  if (held !== undefined) return held;
  if (sharedLabelSets.size >= 20_000) sharedLabelSets.clear();
  sharedLabelSets.set(key, Object.freeze(labels));
  return labels;
}

/**
 * A ReplicaSet's pods all name the same one owner: they share one frozen list (and objects
 * with no owner one empty list) instead of ~56,000 owner objects and arrays at 50,000 pods
 * (4.5 MB). Bounded like the string pool.
 */
const sharedOwnerLists = new Map<string, readonly OwnerRef[]>();
const noOwners: OwnerRef[] = Object.freeze([]) as unknown as OwnerRef[];

function ownersOf(refs: unknown[]): OwnerRef[] {
  if (refs.length === 0) return noOwners;
  const owners = refs.map((r) => {
    const o = obj(r);
    return { kind: shared(str(o.kind)), name: shared(str(o.name)), controller: o.controller === true };
  });
  if (owners.length > 1 || !pooling) return owners;
  const only = owners[0] as OwnerRef;
  const key = JSON.stringify([only.kind, only.name, only.controller]);
  const held = sharedOwnerLists.get(key);
  if (held !== undefined) return held as OwnerRef[];
  if (sharedOwnerLists.size >= 20_000) sharedOwnerLists.clear();
  Object.freeze(only);
  sharedOwnerLists.set(key, Object.freeze(owners));
  return owners;
}

function conditions(value: unknown): Condition[] {
  return arr(value).map((c) => {
    const o = obj(c);
    return { type: str(o.type), status: str(o.status), reason: str(o.reason), message: str(o.message).slice(0, 300) };
  });
}

function selector(value: unknown): Selector | null {
  if (value === undefined || value === null) return null;
  const o = obj(value);
  return {
    matchLabels: stringMap(o.matchLabels),
    matchExpressions: arr(o.matchExpressions).map((e) => {
      const x = obj(e);
      return { key: str(x.key), operator: str(x.operator), values: arr(x.values).map(str) };
    }),
  };
}

/**
 * Most objects keep no annotation: they share this one (frozen, since records and the entities
 * made from them are never written after they are built) instead of ~87,000 empty objects at
 * 50,000 pods (4.6 MB).
 */
const noAnnotations: Record<string, string> = Object.freeze({});

function keptAnnotation(key: string): boolean {
  if (keptAnnotationSet.has(key)) return true;
  for (const prefix of keptAnnotationPrefixes) if (key.startsWith(prefix)) return true;
  return false;
}

/** The record held for an object (by namespace and name), whose equal labels and owners a new record may take as they are. */
export type HeldRecords = (namespace: string, name: string) => KubeRecord | undefined;

/** Whether `stringMap(raw)` would hold exactly what `held` holds (in any order). */
function sameLabels(raw: unknown, held: Record<string, string>): boolean {
  const o = obj(raw);
  let keys = 0;
  for (const key in o) {
    const v = o[key];
    if (typeof v !== 'string' || !Object.hasOwn(o, key)) continue;
    if (!Object.hasOwn(held, key) || held[key] !== v) return false;
    keys++;
  }
  for (const key in held) if (Object.hasOwn(held, key)) keys--;
  return keys === 0;
}

/** Whether `ownersOf(refs)` would say exactly what `held` says. */
function sameOwners(refs: unknown[], held: readonly OwnerRef[]): boolean {
  if (refs.length !== held.length) return false;
  for (let i = 0; i < refs.length; i++) {
    const o = obj(refs[i]);
    const h = held[i] as OwnerRef;
    if (str(o.kind) !== h.kind || str(o.name) !== h.name || (o.controller === true) !== h.controller) return false;
  }
  return true;
}

function base(raw: Json, held?: HeldRecords): RecordBase {
  const meta = obj(raw.metadata);
  const allAnnotations = obj(meta.annotations);
  let annotations: Record<string, string> | null = null;
  for (const key in allAnnotations) {
    const value = allAnnotations[key];
    if (typeof value === 'string' && keptAnnotation(key) && Object.hasOwn(allAnnotations, key)) (annotations ??= {})[key] = value.slice(0, 500);
  }
  const namespace = shared(str(meta.namespace));
  const name = str(meta.name);
  // A watch update mostly restates an object's labels and owners: the held record's are taken
  // when equal, rather than built, pooled (a JSON.stringify each) and swapped in afterwards by
  // sameRecordSharing, which would end with the same values.
  const previous = held && name ? held(namespace, name) : undefined;
  const refs = arr(meta.ownerReferences);
  return {
    namespace,
    name,
    labels: previous && sameLabels(meta.labels, previous.labels) ? previous.labels : sharedLabels(sharedValues(stringMap(meta.labels))),
    annotations: annotations ?? noAnnotations,
    owners: previous && sameOwners(refs, previous.owners) ? previous.owners : ownersOf(refs),
    createdAt: str(meta.creationTimestamp),
    deleting: typeof meta.deletionTimestamp === 'string',
  };
}

function templateFacts(podSpec: Json): TemplateFacts {
  const containers = arr(podSpec.containers).map(obj);
  const lacking = (has: (c: Json) => boolean) => str(containers.find((c) => !has(c))?.name);
  const resources = (c: Json, part: 'requests' | 'limits', key: string) => str(obj(obj(c.resources)[part])[key]) !== '' || typeof obj(obj(c.resources)[part])[key] === 'number';
  return {
    withoutReadiness: lacking((c) => c.readinessProbe !== undefined && c.readinessProbe !== null),
    withoutLiveness: lacking((c) => c.livenessProbe !== undefined && c.livenessProbe !== null),
    withoutCpuRequest: lacking((c) => resources(c, 'requests', 'cpu')),
    withoutMemoryRequest: lacking((c) => resources(c, 'requests', 'memory')),
    withoutMemoryLimit: lacking((c) => resources(c, 'limits', 'memory')),
    images: containers.map((c) => str(c.image)).join(',').slice(0, 1000),
  };
}

/**
 * What the mapping reads of an object's spec, for the kinds whose spec is big and mostly unread
 * by it: a watch line's spec is trimmed to these before it is parsed (`spec-trim.ts`). Pods
 * only: pod() reads spec.nodeName and the containers (how many, the first's image). Kept in
 * step with pod() and firstImage by `test/unit/providers/spec-trim.test.ts`.
 */
export function specReadsOf(kind: WatchedKind): SpecReads | undefined {
  return kind === 'Pod' ? podSpecReads : undefined;
}

const podSpecReads: SpecReads = Object.freeze({ spec: Object.freeze(['nodeName', 'containers']), containers: Object.freeze(['image']) });

function firstImage(podSpec: Json): string {
  return shared(str(obj(arr(podSpec.containers)[0]).image));
}

function loadBalancerAddresses(status: Json): string[] {
  return arr(obj(status.loadBalancer).ingress)
    .map((i) => str(obj(i).hostname) || str(obj(i).ip))
    .filter(Boolean);
}

/** Container states worth naming, worst first. */
const containerReasonRank: Record<string, number> = {
  CrashLoopBackOff: 9,
  ImagePullBackOff: 8,
  ErrImagePull: 8,
  InvalidImageName: 8,
  CreateContainerConfigError: 8,
  CreateContainerError: 7,
  RunContainerError: 7,
  OOMKilled: 6,
  Error: 5,
  ContainerCreating: 1,
  PodInitializing: 1,
};

/** The first condition of each type asked for, as the API lists them; null when absent. */
function conditionOf(list: unknown, type: string): Condition | null {
  for (const c of arr(list)) {
    const o = obj(c);
    if (o.type === type) return { type, status: str(o.status), reason: str(o.reason), message: str(o.message).slice(0, 300) };
  }
  return null;
}

/**
 * Pods are most of what a watch carries (tens of thousands, every status change), so this walks
 * the parsed object once without intermediate arrays or closures, and builds the record as one
 * literal: `{ ...base, more }` leaves V8's fast object-clone path (it cost more than the rest of
 * the mapping together), while `{ more, ...base }` does not.
 */
function pod(raw: Json, b: RecordBase): PodRecord {
  const spec = obj(raw.spec);
  const status = obj(raw.status);
  let restarts = 0;
  let readyContainers = 0;
  let containerReason = '';
  let containerMessage = '';
  let rank = -1;
  const consider = (reason: string, message: string) => {
    const r = containerReasonRank[reason] ?? (reason && reason !== 'Completed' ? 2 : -1);
    if (r > rank) {
      rank = r;
      containerReason = reason;
      containerMessage = message.slice(0, 300);
    }
  };
  for (const item of arr(status.containerStatuses)) {
    const cs = obj(item);
    restarts += num(cs.restartCount);
    if (cs.ready === true) readyContainers += 1;
    const state = obj(cs.state);
    const waiting = obj(state.waiting);
    const terminated = obj(state.terminated);
    consider(str(waiting.reason), str(waiting.message));
    consider(str(terminated.reason), str(terminated.message));
    if (str(obj(obj(cs.lastState).terminated).reason) === 'OOMKilled') consider('OOMKilled', '');
  }
  const scheduled = conditionOf(status.conditions, 'PodScheduled');
  const readyCond = conditionOf(status.conditions, 'Ready');
  return {
    kind: 'Pod',
    phase: str(status.phase) || 'Pending',
    nodeName: shared(str(spec.nodeName)),
    ready: readyCond?.status === 'True',
    restarts,
    containers: arr(spec.containers).length,
    readyContainers,
    containerReason,
    containerMessage,
    unschedulable: scheduled?.status === 'False' ? scheduled.message || scheduled.reason || 'Unschedulable' : '',
    image: firstImage(spec),
    ...b,
  };
}

function workload(kind: WorkloadRecord['kind'], raw: Json, b: RecordBase): WorkloadRecord {
  const spec = obj(raw.spec);
  const status = obj(raw.status);
  const template = obj(spec.template);
  const templateSpec = obj(template.spec);
  const meta = obj(raw.metadata);
  const daemons = kind === 'DaemonSet';
  // The base spread last, as in pod(): V8's fast clone path.
  return {
    kind,
    generation: num(meta.generation),
    observedGeneration: num(status.observedGeneration),
    conditions: conditions(status.conditions),
    templateLabels: kind === 'ReplicaSet' ? {} : stringMap(obj(template.metadata).labels),
    image: firstImage(templateSpec),
    template: templateFacts(templateSpec),
    // spec.replicas defaults to 1 when unset (https://kubernetes.io/docs/reference/kubernetes-api/workload-resources/deployment-v1/).
    desired: daemons ? num(status.desiredNumberScheduled) : num(spec.replicas, 1),
    ready: daemons ? num(status.numberReady) : num(status.readyReplicas),
    available: daemons
      ? num(status.numberAvailable)
      : num(status.availableReplicas, kind === 'StatefulSet' ? num(status.readyReplicas) : 0),
    updated: daemons ? num(status.updatedNumberScheduled) : num(status.updatedReplicas),
    ...b,
  };
}

/**
 * Slims a raw object of the given kind; null for something that is not one. With `held`, the
 * record held for the same object lends its labels and owners where they are equal: the
 * result says exactly what it says without (`test/unit/providers/records-held.test.ts`).
 */
/** An object's namespace and name, the two a deletion needs to find what is held of it. */
export interface ObjectName {
  namespace: string;
  name: string;
}

/**
 * The namespace and name `toRecord` gives an object of any kind, and null exactly where it gives
 * no record (no name): a watch DELETED needs no more when the object is held
 * (`test/unit/providers/records-named.test.ts` holds the two to each other).
 */
export function nameOf(value: unknown): ObjectName | null {
  const meta = obj(obj(value).metadata);
  const name = str(meta.name);
  return name ? { namespace: str(meta.namespace), name } : null;
}

export function toRecord(kind: WatchedKind, value: unknown, held?: HeldRecords): KubeRecord | null {
  const raw = obj(value);
  const b = base(raw, held);
  if (!b.name) return null;
  const spec = obj(raw.spec);
  const status = obj(raw.status);
  switch (kind) {
    case 'Namespace':
      return { kind, phase: str(status.phase), ...b };
    case 'Node': {
      const conds = conditions(status.conditions);
      return {
        kind,
        ready: conds.find((c) => c.type === 'Ready') ?? null,
        problems: conds.filter((c) => c.type !== 'Ready' && c.status === 'True'),
        unschedulable: spec.unschedulable === true,
        providerID: str(spec.providerID),
        kubeletVersion: str(obj(status.nodeInfo).kubeletVersion),
        ...b,
      };
    }
    case 'Pod':
      return pod(raw, b);
    case 'Deployment':
    case 'StatefulSet':
    case 'DaemonSet':
    case 'ReplicaSet':
      return workload(kind, raw, b);
    case 'Service':
      return {
        kind,
        type: str(spec.type) || 'ClusterIP',
        selector: spec.selector === undefined ? null : stringMap(spec.selector),
        loadBalancers: loadBalancerAddresses(status),
        ...b,
      };
    case 'Endpoints': {
      // https://kubernetes.io/docs/reference/kubernetes-api/service-resources/endpoints-v1/
      let ready = 0;
      let notReady = 0;
      for (const subset of arr(raw.subsets).map(obj)) {
        ready += arr(subset.addresses).length;
        notReady += arr(subset.notReadyAddresses).length;
      }
      // Their labels and annotations say nothing health needs.
      b.labels = {};
      b.annotations = {};
      return { kind, ready, notReady, ...b };
    }
    case 'Ingress': {
      const backends = new Set<string>();
      const hosts: string[] = [];
      const addBackend = (backend: unknown) => {
        const name = str(obj(obj(backend).service).name);
        if (name) backends.add(name);
      };
      addBackend(spec.defaultBackend);
      for (const rule of arr(spec.rules).map(obj)) {
        if (str(rule.host)) hosts.push(str(rule.host));
        for (const path of arr(obj(rule.http).paths)) addBackend(obj(path).backend);
      }
      return {
        kind,
        className: str(spec.ingressClassName) || (b.annotations['kubernetes.io/ingress.class'] ?? ''),
        hosts,
        backends: Array.from(backends),
        loadBalancers: loadBalancerAddresses(status),
        ...b,
      };
    }
    case 'HTTPRoute':
      return {
        kind,
        hostnames: arr(spec.hostnames).filter((h): h is string => typeof h === 'string'),
        rules: arr(spec.rules).map((rule) => httpRouteRuleBackends(rule)),
        parents: arr(spec.parentRefs).map((p) => str(obj(p).name)).filter(Boolean),
        ...b,
      };
    case 'HorizontalPodAutoscaler': {
      const target = obj(spec.scaleTargetRef);
      return {
        kind,
        targetKind: str(target.kind),
        targetName: str(target.name),
        min: num(spec.minReplicas, 1),
        max: num(spec.maxReplicas),
        current: num(status.currentReplicas),
        desired: num(status.desiredReplicas),
        conditions: conditions(status.conditions),
        ...b,
      };
    }
    case 'PodDisruptionBudget':
      return {
        kind,
        selector: selector(spec.selector),
        disruptionsAllowed: num(status.disruptionsAllowed),
        currentHealthy: num(status.currentHealthy),
        desiredHealthy: num(status.desiredHealthy),
        expectedPods: num(status.expectedPods),
        ...b,
      };
    case 'Event': {
      const involved = obj(raw.involvedObject);
      // Events repeat most labels of nothing; keep them lean.
      b.labels = {};
      b.annotations = {};
      return {
        kind,
        type: str(raw.type),
        reason: str(raw.reason),
        message: str(raw.message).slice(0, 500),
        involvedKind: str(involved.kind),
        involvedNamespace: str(involved.namespace),
        involvedName: str(involved.name),
        count: num(raw.count, 1),
        lastSeen: str(raw.lastTimestamp) || str(raw.eventTime) || b.createdAt,
        ...b,
      };
    }
  }
}


/**
 * A record `toRecord` made in another thread (the watch decoder's worker), taken into this
 * one's pools as `toRecord` here would have made it: a structured clone arrives with a copy of
 * every string and map, and 50,000 pods of copies are what the pools exist to save. The held
 * record of the same object lends its labels and owners where equal, as in `base`. The record
 * says exactly what it said (`test/unit/providers/records-adopted.test.ts`).
 */
export function adoptRecord(record: KubeRecord, held?: HeldRecords): KubeRecord {
  const previous = held?.(record.namespace, record.name);
  record.namespace = shared(record.namespace);
  record.labels = previous && samePlain(record.labels, previous.labels) ? previous.labels : sharedLabels(sharedValues(record.labels));
  record.owners = previous && samePlain(record.owners, previous.owners) ? previous.owners : ownersOf(record.owners);
  if (isEmpty(record.annotations)) record.annotations = noAnnotations;
  if (record.kind === 'Pod') {
    record.nodeName = shared(record.nodeName);
    record.image = shared(record.image);
  } else if (record.kind === 'Deployment' || record.kind === 'StatefulSet' || record.kind === 'DaemonSet' || record.kind === 'ReplicaSet') {
    record.image = shared(record.image);
  }
  return record;
}

function isEmpty(map: Record<string, string>): boolean {
  for (const key in map) if (Object.hasOwn(map, key)) return false;
  return true;
}

/**
 * Whether two records of one object say the same: most watch MODIFIED events change only what
 * a record drops (resourceVersion, managedFields, probe times), and the estate skips those at
 * once. Records are plain data (strings, numbers, booleans, null, arrays, plain objects).
 */
export function sameRecord(a: KubeRecord, b: KubeRecord): boolean {
  return samePlain(a, b);
}

/**
 * `sameRecord(old, record)`, and where they differ, `record` takes `old`'s equal values in
 * place (its strings, label and annotation maps, owners), so the new record shares them rather
 * than holding fresh copies. A watch MODIFIED mostly changes a field or two of a pod; the rest
 * is parsed afresh every time, and what the estate keeps the young generation must copy and
 * promote: that, not the mapping, was most of the estate's cost per event after JSON.parse.
 * Only equal values are swapped, so `record` says exactly what it said; it must be a record
 * nobody else holds yet (the one toRecord just made).
 */
export function sameRecordSharing(old: KubeRecord, record: KubeRecord): boolean {
  const x = old as unknown as Record<string, unknown>;
  const y = record as unknown as Record<string, unknown>;
  let same = true;
  let keys = 0;
  for (const key in y) {
    if (!Object.hasOwn(y, key)) continue;
    keys++;
    const value = y[key];
    if (!Object.hasOwn(x, key)) {
      same = false;
      continue;
    }
    const held = x[key];
    if (value === held) {
      // Equal strings are still two copies unless they are one object.
      if (typeof value === 'string') y[key] = held;
    } else if (typeof value === 'object' && value !== null && samePlain(held, value)) y[key] = held;
    else same = false;
  }
  if (!same) return false;
  for (const key in x) if (Object.hasOwn(x, key)) keys--;
  return keys === 0;
}

function samePlain(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!samePlain(a[i], b[i])) return false;
    return true;
  }
  if (Array.isArray(b)) return false;
  const x = a as Record<string, unknown>;
  const y = b as Record<string, unknown>;
  let keys = 0;
  for (const key in x) {
    if (!Object.hasOwn(x, key)) continue;
    if (!Object.hasOwn(y, key) || !samePlain(x[key], y[key])) return false;
    keys++;
  }
  for (const key in y) if (Object.hasOwn(y, key)) keys--;
  return keys === 0;
}
