import type { Entity, EntityKind, Relation } from '../../../../shared/estate/model.js';
import { relation } from '../../../../shared/estate/model.js';
import type { EstateEvent } from '../../../../shared/estate/event.js';
import { accountId, cloudId, clusterId, clusterKey, kubeEventId, kubeObjectId, namespaceId, regionId } from '../../../../shared/estate/ids.js';
import type { CloudName } from '../../../../shared/estate/ids.js';
import type { EntityFact, EstateSink } from '../../state/estate-sink.js';
import type { WatchedKind } from './kinds.js';
import type { ReflectorSink } from './reflector.js';
import { sameRecordSharing } from './records.js';
import type { HeldRecords } from './records.js';
import type {
  EndpointsRecord,
  EventRecord,
  IngressRecord,
  KubeRecord,
  NodeRecord,
  PdbRecord,
  PodRecord,
  ServiceRecord,
  WorkloadRecord,
  TemplateFacts,
} from './records.js';
import { selectorMatches, serviceSelectorMatches } from '../../../../shared/estate/label-selector.js';
import { RunningRollup } from '../../../../shared/estate/running-rollup.js';
import type { ProblemPods, Verdict } from './health.js';
import { hpaVerdict, isProblemPod, namespaceVerdict, nodeVerdict, pdbVerdict, podVerdict, serviceVerdict, workloadVerdict } from './health.js';

/** What the kubeconfig says about where a cluster runs, before any node is seen. */
export interface ClusterHints {
  /** The context's cluster entry name and server URL. */
  clusterName: string;
  server: string;
}

/** A Kubernetes object fronted by a cloud load balancer, for the AWS provider to relate. */
export interface LoadBalancerRef {
  entityId: string;
  kind: 'ingress' | 'service';
  namespace: string;
  name: string;
  /** status.loadBalancer.ingress hostnames (ALB/NLB DNS names) and IPs. */
  addresses: string[];
  /** alb.ingress.kubernetes.io/load-balancer-name or service.beta.kubernetes.io/aws-load-balancer-name. */
  explicitName: string | null;
  /** alb.ingress.kubernetes.io/group.name: ingresses sharing one ALB. */
  groupName: string | null;
}

export interface ClusterEstateOptions {
  context: string;
  /** The cluster key ids are spelled with (shared/estate/ids.ts); the context's name when not given. */
  clusterKey?: string;
  /** Every context that reaches this cluster, with its user: the ways in the cluster shows. */
  contexts?: readonly { name: string; user: string }[];
  sourceId: string;
  sink: EstateSink;
  hints: ClusterHints;
  now?: () => number;
  onLoadBalancers?: (refs: LoadBalancerRef[]) => void;
}

type WorkloadKind = WorkloadRecord['kind'];
const rolledUpKinds: readonly WorkloadKind[] = ['Deployment', 'StatefulSet', 'DaemonSet'];

const scopeOf: Record<WatchedKind | 'Cluster', string> = {
  Cluster: 'cluster',
  Namespace: 'namespaces',
  Node: 'nodes',
  Pod: 'pods',
  Deployment: 'deployments',
  StatefulSet: 'statefulsets',
  DaemonSet: 'daemonsets',
  ReplicaSet: 'replicasets',
  Service: 'services',
  // Endpoints make no entities of their own: they are the health of their Service.
  Endpoints: 'endpoints',
  Ingress: 'ingresses',
  HTTPRoute: 'httproutes',
  HorizontalPodAutoscaler: 'horizontalpodautoscalers',
  PodDisruptionBudget: 'poddisruptionbudgets',
  Event: 'events',
};

const entityKindOf: Record<Exclude<WatchedKind, 'Event' | 'Endpoints'>, EntityKind> = {
  Namespace: 'namespace',
  Node: 'node',
  Pod: 'pod',
  Deployment: 'deployment',
  StatefulSet: 'statefulset',
  DaemonSet: 'daemonset',
  ReplicaSet: 'replicaset',
  Service: 'service',
  Ingress: 'ingress',
  HTTPRoute: 'httproute',
  HorizontalPodAutoscaler: 'hpa',
  PodDisruptionBudget: 'pdb',
};

/** The records that become entities (Endpoints are their Service's health; Events go to the event store). */
type EntityRecord = Exclude<KubeRecord, EndpointsRecord>;

/** The kinds whose entities directly under a namespace are what runs in it (health.ts namespaceVerdict). */
const memberKinds: ReadonlySet<WatchedKind> = new Set(['Pod', 'Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet', 'Service']);

function key(namespace: string, name: string): string {
  // join makes one flat string; a template makes a concatenation V8 later flattens beside it.
  return [namespace, name].join('/');
}

/**
 * One context's objects, slimmed, and the entities and relations they make. Reflectors push
 * records in; this turns each change into the few entity facts it affects (the object itself,
 * its workload's rollup, the services selecting a changed workload) and hands them to the
 * estate sink under the kind's scope.
 */
export class ClusterEstate {
  readonly clusterId: string;
  private readonly key: string;
  private readonly records = new Map<WatchedKind, Map<string, KubeRecord>>();
  /** Problem pods by their controller (`ReplicaSet/ns/name` …): pod name → reason. */
  private readonly problemPods = new Map<string, Map<string, string>>();
  /** ReplicaSets by owning Deployment key. */
  private readonly replicaSetsOf = new Map<string, Set<string>>();
  /** What runs directly in each namespace (workloads, Services, bare pods), as last stated: namespace → entity id → entity. */
  private readonly membersOf = new Map<string, RunningRollup>();
  private readonly dirty = new Map<WatchedKind, Set<string>>();
  private readonly pointedAt = new Map<string, string>();
  private clusterDirty = false;
  private lbDirty = false;
  /** Inside `batch`: events are only marked, and flushed once when it ends. */
  private batching = false;
  private readonly now: () => number;
  private readonly sourceId: string;

  constructor(private readonly options: ClusterEstateOptions) {
    this.key = options.clusterKey ?? clusterKey(options.context);
    this.clusterId = clusterId(this.key);
    this.sourceId = options.sourceId;
    this.now = options.now ?? Date.now;
  }

  /** The reflector sink for one kind. */
  sinkFor(kind: WatchedKind): ReflectorSink<KubeRecord> {
    return {
      replace: (records) => this.replace(kind, records),
      upsert: (record) => {
        this.upsert(kind, record);
        if (!this.batching) this.flush();
      },
      remove: (record) => {
        this.remove(kind, record.namespace, record.name, () => record);
        if (!this.batching) this.flush();
      },
      removeNamed: (namespace, name, record) => {
        this.remove(kind, namespace, name, record);
        if (!this.batching) this.flush();
      },
      batch: (handle) => this.batch(handle),
    };
  }

  /**
   * The events `handle` hands on are settled once, after the last: a workload, service or
   * namespace many of them touch is restated once rather than after each event. What is
   * flushed is read from the tables as they then are, so it is what flushing after every event
   * would have ended with (`test/unit/providers/cluster-estate-batch.test.ts`).
   */
  private batch(handle: () => void): void {
    if (this.batching) return handle();
    this.batching = true;
    try {
      handle();
    } finally {
      this.batching = false;
      this.flush();
    }
  }

  /** The records held of one kind, for `toRecord` to take a watch update's unchanged labels and owners from. */
  heldRecords(kind: WatchedKind): HeldRecords {
    return (namespace, name) => this.records.get(kind)?.get(key(namespace, name));
  }

  count(kind: WatchedKind): number {
    return this.records.get(kind)?.size ?? 0;
  }

  // ── intake ──────────────────────────────────────────────────────────────────────────────

  private table(kind: WatchedKind): Map<string, KubeRecord> {
    let table = this.records.get(kind);
    if (!table) {
      table = new Map();
      this.records.set(kind, table);
    }
    return table;
  }

  private replace(kind: WatchedKind, records: KubeRecord[]): void {
    if (kind === 'Event') {
      this.options.sink.recordEvents(this.sourceId, records.map((r) => this.event(r as EventRecord)));
      return;
    }
    const table = this.table(kind);
    const previous = [...table.values()];
    table.clear();
    if (kind === 'Endpoints') {
      for (const record of records) table.set(key(record.namespace, record.name), record);
      this.markAll('Service');
      this.flush();
      return;
    }
    for (const old of previous) this.unindex(old);
    if (memberKinds.has(kind)) this.forgetMembers(entityKindOf[kind as Exclude<WatchedKind, 'Event' | 'Endpoints'>]);
    for (const record of records) {
      table.set(key(record.namespace, record.name), record);
      this.index(record);
    }
    this.options.sink.replace(
      this.sourceId,
      scopeOf[kind],
      records.map((r) => this.fact(r as EntityRecord)),
    );
    this.markDependents(kind, null);
    this.flush();
  }

  private upsert(kind: WatchedKind, record: KubeRecord): void {
    if (kind === 'Event') {
      this.options.sink.recordEvents(this.sourceId, [this.event(record as EventRecord)]);
      return;
    }
    const table = this.table(kind);
    const k = key(record.namespace, record.name);
    const old = table.get(k);
    // Nothing the estate shows changed (a status heartbeat, a new resourceVersion): the old record
    // stays. Otherwise the new one shares what did not change with it.
    if (old && sameRecordSharing(old, record)) return;
    if (kind === 'Endpoints') {
      table.set(k, record);
      this.mark('Service', k);
      return;
    }
    if (old) this.unindex(old);
    table.set(k, record);
    this.index(record);
    this.mark(kind, k);
    this.markDependents(kind, record, old);
  }

  /** `record` is the removed object's own record, built only when none is held under its name. */
  private remove(kind: WatchedKind, namespace: string, name: string, record: () => KubeRecord | null): void {
    if (kind === 'Event') return;
    const table = this.table(kind);
    const k = key(namespace, name);
    if (kind === 'Endpoints') {
      table.delete(k);
      this.mark('Service', k);
      return;
    }
    const old = table.get(k);
    if (old) this.unindex(old);
    table.delete(k);
    const id = this.idOf(kind, namespace, name);
    if (this.membersOf.get(namespace)?.delete(id)) this.mark('Namespace', key('', namespace));
    this.options.sink.apply(this.sourceId, scopeOf[kind], { remove: [id] });
    // Without an `old`, a removal counts as a change of everything the object stated.
    const stated = old ?? record();
    if (stated) this.markDependents(kind, stated);
  }

  /** Keeps the rollup indexes current; returns nothing, marks what the change touches. */
  private index(record: KubeRecord): void {
    if (record.kind === 'Pod') {
      // Most pods are fine: asked first, so their owner's key is never spelled.
      if (!isProblemPod(record)) return;
      const owner = controllerKey(record);
      if (!owner) return;
      const verdict = podVerdict(record);
      let problems = this.problemPods.get(owner);
      if (!problems) this.problemPods.set(owner, (problems = new Map()));
      problems.set(record.name, verdict.reason);
    } else if (record.kind === 'ReplicaSet') {
      const deployment = record.owners.find((o) => o.controller && o.kind === 'Deployment');
      if (!deployment) return;
      const dk = `Deployment/${key(record.namespace, deployment.name)}`;
      let set = this.replicaSetsOf.get(dk);
      if (!set) this.replicaSetsOf.set(dk, (set = new Set()));
      set.add(record.name);
    }
  }

  private unindex(record: KubeRecord): void {
    if (record.kind === 'Pod') {
      // index() kept only problem pods, and a record says the same for as long as it is held.
      if (!isProblemPod(record)) return;
      const owner = controllerKey(record);
      const problems = owner ? this.problemPods.get(owner) : undefined;
      if (!owner || !problems) return;
      problems.delete(record.name);
      if (problems.size === 0) this.problemPods.delete(owner);
    } else if (record.kind === 'ReplicaSet') {
      const deployment = record.owners.find((o) => o.controller && o.kind === 'Deployment');
      if (!deployment) return;
      this.replicaSetsOf.get(`Deployment/${key(record.namespace, deployment.name)}`)?.delete(record.name);
    }
  }

  private mark(kind: WatchedKind, k: string): void {
    let set = this.dirty.get(kind);
    if (!set) this.dirty.set(kind, (set = new Set()));
    set.add(k);
  }

  private markAll(kind: WatchedKind, namespace?: string): void {
    for (const record of this.table(kind).values()) {
      if (namespace === undefined || record.namespace === namespace) this.mark(kind, key(record.namespace, record.name));
    }
  }

  /** Marks the entities whose health or relations a change of `record` (null: the whole kind) affects. */
  private markDependents(kind: WatchedKind, record: KubeRecord | null, old?: KubeRecord): void {
    switch (kind) {
      case 'Pod': {
        if (!record) {
          for (const k of ['ReplicaSet', ...rolledUpKinds] as const) this.markAll(k);
          return;
        }
        const owner = controllerOf(record);
        if (owner) this.markOwner(owner.kind, record.namespace, owner.name);
        const oldOwner = old ? controllerOf(old) : undefined;
        // Mostly the same owner: marked once is enough.
        if (old && oldOwner && (oldOwner.kind !== owner?.kind || oldOwner.name !== owner.name || old.namespace !== record.namespace)) {
          this.markOwner(oldOwner.kind, old.namespace, oldOwner.name);
        }
        return;
      }
      case 'ReplicaSet':
        if (!record) return this.markAll('Deployment');
        for (const r of [record, old]) {
          const owner = r?.owners.find((o) => o.controller && o.kind === 'Deployment');
          if (r && owner) this.mark('Deployment', key(r.namespace, owner.name));
        }
        return;
      case 'Deployment':
      case 'StatefulSet':
      case 'DaemonSet': {
        // Services and PDBs select workloads by their pod template labels.
        const changed =
          !record || !old || JSON.stringify((old as WorkloadRecord).templateLabels) !== JSON.stringify((record as WorkloadRecord).templateLabels);
        if (!changed) return;
        this.markAll('Service', record?.namespace);
        this.markAll('PodDisruptionBudget', record?.namespace);
        return;
      }
      case 'Node':
        this.clusterDirty = true;
        return;
      case 'Service':
      case 'Ingress':
        this.lbDirty = true;
        return;
      default:
        return;
    }
  }

  private markOwner(kind: string, namespace: string, name: string): void {
    if (kind === 'ReplicaSet') {
      const k = key(namespace, name);
      this.mark('ReplicaSet', k);
      const rs = this.table('ReplicaSet').get(k);
      const deployment = rs?.owners.find((o) => o.controller && o.kind === 'Deployment');
      if (deployment) this.mark('Deployment', key(namespace, deployment.name));
    } else if (kind === 'StatefulSet' || kind === 'DaemonSet') {
      this.mark(kind, key(namespace, name));
    }
  }

  /** Turns everything marked into entity facts, one apply per scope; namespaces last, since what runs in them decides their health. */
  private flush(): void {
    // Called after every watch event: mostly one or three kinds are marked, often none.
    for (const [kind, keys] of this.dirty) if (kind !== 'Namespace') this.flushKind(kind, keys);
    const namespaces = this.dirty.get('Namespace');
    if (namespaces) this.flushKind('Namespace', namespaces);
    if (this.clusterDirty) {
      this.clusterDirty = false;
      this.options.sink.replace(this.sourceId, scopeOf.Cluster, [{ entity: this.clusterEntity() }]);
    }
    if (this.lbDirty) {
      this.lbDirty = false;
      this.options.onLoadBalancers?.(this.loadBalancerRefs());
    }
  }

  private flushKind(kind: WatchedKind, keys: Set<string>): void {
    if (keys.size === 0) return;
    const table = this.table(kind);
    const upsert: EntityFact[] = [];
    for (const k of keys) {
      const record = table.get(k);
      // Only entity kinds are ever marked: Endpoints mark their Service, Events nothing.
      if (record) upsert.push(this.fact(record as EntityRecord));
    }
    keys.clear();
    if (upsert.length > 0) this.options.sink.apply(this.sourceId, scopeOf[kind], { upsert });
  }

  // ── mapping ─────────────────────────────────────────────────────────────────────────────

  private idOf(kind: string, namespace: string, name: string): string {
    return kubeObjectId(this.key, kind, namespace || null, name);
  }

  private entity(
    record: Exclude<KubeRecord, EventRecord | EndpointsRecord>,
    parentId: string,
    verdict: Verdict,
    status: Entity['status'],
    id = this.entityIdOf(record),
  ): Entity {
    return {
      id,
      kind: entityKindOf[record.kind],
      name: record.name,
      parentId,
      sourceId: this.sourceId,
      labels: record.labels,
      annotations: record.annotations,
      health: verdict.health,
      healthReason: verdict.reason,
      status,
      observedAt: this.now(),
    };
  }

  private fact(record: EntityRecord): EntityFact {
    // Spelled once per fact: a watch event makes one, and the id is a string built afresh.
    const nsId = this.sharedId(namespaceId(this.key, record.namespace));
    const fact = this.factOf(record, nsId);
    if (memberKinds.has(record.kind)) this.noteMember(record.namespace, nsId, fact.entity);
    return fact;
  }

  /**
   * Keeps what runs in each namespace as last stated, and marks the namespace when a member
   * comes, goes or changes health or reason (a member directly under it: a pod or ReplicaSet
   * under a workload counts through that workload's verdict).
   */
  private noteMember(namespace: string, nsId: string, entity: Entity): void {
    let members = this.membersOf.get(namespace);
    const previous = members?.get(entity.id);
    if (entity.parentId !== nsId) {
      if (previous) {
        members!.delete(entity.id);
        this.mark('Namespace', key('', namespace));
      }
      return;
    }
    if (!members) this.membersOf.set(namespace, (members = new RunningRollup()));
    members.set(entity);
    if (!previous || previous.health !== entity.health || previous.healthReason !== entity.healthReason) this.mark('Namespace', key('', namespace));
  }

  /** Before a kind is listed afresh: its members are stated again by the list, or gone. */
  private forgetMembers(kind: EntityKind): void {
    for (const [namespace, members] of this.membersOf) {
      for (const entity of members.values()) {
        if (entity.kind !== kind) continue;
        members.delete(entity.id);
        this.mark('Namespace', key('', namespace));
      }
    }
  }

  private factOf(record: EntityRecord, nsId: string): EntityFact {
    switch (record.kind) {
      case 'Namespace': {
        const verdict = namespaceVerdict(record, this.membersOf.get(record.name) ?? []);
        return { entity: this.entity(record, this.clusterId, verdict, { phase: record.phase, ownHealth: verdict.ownHealth }) };
      }
      case 'Node': {
        const n = record;
        return {
          entity: this.entity(n, this.clusterId, nodeVerdict(n), {
            ready: n.ready?.status === 'True',
            unschedulable: n.unschedulable,
            zone: n.labels['topology.kubernetes.io/zone'] ?? null,
            instanceType: n.labels['node.kubernetes.io/instance-type'] ?? null,
            nodegroup: nodegroupOf(n),
            providerID: n.providerID || null,
            kubeletVersion: n.kubeletVersion || null,
          }),
        };
      }
      case 'Pod':
        return this.podFact(record, nsId);
      case 'Deployment':
      case 'StatefulSet':
      case 'DaemonSet':
      case 'ReplicaSet':
        return this.workloadFact(record, nsId);
      case 'Service':
        return this.serviceFact(record, nsId);
      case 'Ingress': {
        const i = record;
        return {
          entity: this.entity(i, nsId, ingressVerdict(i), {
            className: i.className || null,
            hosts: i.hosts.join(', '),
            loadBalancer: i.loadBalancers.join(', ') || null,
          }),
          relations: i.backends.map((svc) => relation('routes-to', this.entityIdOf(i), this.idOf('Service', i.namespace, svc), this.sourceId)),
        };
      }
      case 'HTTPRoute': {
        const r = record;
        const services = [...new Set(r.rules.flat().map((b) => b.service))];
        return {
          entity: this.entity(r, nsId, { health: 'healthy', reason: `${r.rules.length} rule${r.rules.length === 1 ? '' : 's'} to ${services.join(', ') || 'no Service'}` }, {
            hostnames: r.hostnames.join(', '),
            parents: r.parents.join(', '),
            // Each rule's split as "service=weight,…", rules separated by ";", for the traffic panel.
            split: r.rules.map((rule) => rule.map((b) => `${b.service}=${b.weight}`).join(',')).join(';'),
          }),
          relations: services.map((svc) => relation('routes-to', this.entityIdOf(r), this.idOf('Service', r.namespace, svc), this.sourceId)),
        };
      }
      case 'HorizontalPodAutoscaler': {
        const h = record;
        const target = this.idOf(h.targetKind, h.namespace, h.targetName);
        return {
          entity: this.entity(h, nsId, hpaVerdict(h), {
            target: `${h.targetKind}/${h.targetName}`,
            minReplicas: h.min,
            maxReplicas: h.max,
            currentReplicas: h.current,
            desiredReplicas: h.desired,
          }),
          // An HPA scales its target; `selects` is the closest relation the model has.
          relations: h.targetName ? [relation('selects', this.entityIdOf(h), target, this.sourceId)] : [],
        };
      }
      case 'PodDisruptionBudget':
        return this.pdbFact(record, nsId);
      case 'Event':
        throw new Error('Events are not entities.');
    }
  }

  /**
   * One copy of an id many entities point at (a pod's owner and node, a namespace): built
   * afresh for each pod, they were ~100,000 copies of a few thousand ids at 50,000 pods (~10
   * MB). Bounded: emptied when full, so ids of objects long gone do not pile up.
   */
  private sharedId(id: string): string {
    const held = this.pointedAt.get(id);
    if (held !== undefined) return held;
    if (this.pointedAt.size >= 20_000) this.pointedAt.clear();
    this.pointedAt.set(id, id);
    return id;
  }

  private entityIdOf(record: KubeRecord): string {
    return this.idOf(record.kind, record.namespace, record.name);
  }

  private podFact(p: PodRecord, nsId: string): EntityFact {
    const owner = p.owners.find((o) => o.controller);
    const parentId = owner ? this.sharedId(this.idOf(owner.kind, p.namespace, owner.name)) : nsId;
    const id = this.entityIdOf(p);
    const relations: Relation[] = [];
    if (owner) relations.push(relation('owns', parentId, id, this.sourceId));
    if (p.nodeName) relations.push(relation('runs-on', id, this.sharedId(this.idOf('Node', '', p.nodeName)), this.sourceId));
    return {
      entity: this.entity(
        p,
        parentId,
        podVerdict(p),
        {
          phase: p.phase,
          ready: p.ready,
          restarts: p.restarts,
          nodeName: p.nodeName || null,
          image: p.image || null,
          reason: p.containerReason || null,
        },
        id,
      ),
      relations,
    };
  }

  private workloadFact(w: WorkloadRecord, nsId: string): EntityFact {
    const owner = w.owners.find((o) => o.controller);
    const parentId = owner ? this.sharedId(this.idOf(owner.kind, w.namespace, owner.name)) : nsId;
    const problems = this.problemsUnder(w);
    return {
      entity: this.entity(w, parentId, workloadVerdict(w, problems), {
        replicas: w.desired,
        readyReplicas: w.ready,
        availableReplicas: w.available,
        updatedReplicas: w.updated,
        image: w.image || null,
        revision: w.annotations['deployment.kubernetes.io/revision'] ?? null,
        failingPods: problems.count,
        // ReplicaSets inherit the Deployment's template: the scorecard reads it on the owner only.
        ...(w.kind === 'ReplicaSet' ? {} : templateStatus(w.template)),
      }),
      relations: owner ? [relation('owns', parentId, this.entityIdOf(w), this.sourceId)] : [],
    };
  }

  private problemsUnder(w: WorkloadRecord): ProblemPods {
    const owners =
      w.kind === 'Deployment'
        ? [...(this.replicaSetsOf.get(`Deployment/${key(w.namespace, w.name)}`) ?? [])].map((rs) => `ReplicaSet/${key(w.namespace, rs)}`)
        : [`${w.kind}/${key(w.namespace, w.name)}`];
    let count = 0;
    let example: ProblemPods['example'] = null;
    for (const owner of owners) {
      const problems = this.problemPods.get(owner);
      if (!problems) continue;
      count += problems.size;
      if (!example) {
        const first = problems.entries().next().value;
        if (first) example = { name: first[0], reason: first[1] };
      }
    }
    return { count, example };
  }

  private workloadsIn(namespace: string): WorkloadRecord[] {
    const out: WorkloadRecord[] = [];
    for (const kind of rolledUpKinds) {
      for (const r of this.table(kind).values()) if (r.namespace === namespace) out.push(r as WorkloadRecord);
    }
    return out;
  }

  private serviceFact(s: ServiceRecord, nsId: string): EntityFact {
    const id = this.entityIdOf(s);
    const selected = this.workloadsIn(s.namespace).filter((w) => serviceSelectorMatches(s.selector, w.templateLabels));
    const endpoints = this.table('Endpoints').get(key(s.namespace, s.name)) as EndpointsRecord | undefined;
    const verdict = serviceVerdict(s, endpoints);
    return {
      entity: this.entity(s, nsId, verdict, {
        type: s.type,
        loadBalancer: s.loadBalancers.join(', ') || null,
        selector: s.selector ? Object.entries(s.selector).map(([k, v]) => `${k}=${v}`).join(',') : null,
      }),
      relations: selected.map((w) => relation('selects', id, this.entityIdOf(w), this.sourceId)),
    };
  }

  private pdbFact(p: PdbRecord, nsId: string): EntityFact {
    const id = this.entityIdOf(p);
    const selected = p.selector ? this.workloadsIn(p.namespace).filter((w) => selectorMatches(p.selector!, w.templateLabels)) : [];
    return {
      entity: this.entity(p, nsId, pdbVerdict(p), {
        disruptionsAllowed: p.disruptionsAllowed,
        currentHealthy: p.currentHealthy,
        desiredHealthy: p.desiredHealthy,
        expectedPods: p.expectedPods,
      }),
      relations: selected.map((w) => relation('selects', id, this.entityIdOf(w), this.sourceId)),
    };
  }

  private event(e: EventRecord): EstateEvent {
    const involved = e.involvedName ? this.idOf(e.involvedKind, e.involvedNamespace, e.involvedName) : null;
    const lastAt = Date.parse(e.lastSeen) || this.now();
    return {
      id: kubeEventId(this.key, e.namespace, e.name),
      sourceId: this.sourceId,
      kind: 'kubernetes',
      entityId: involved,
      type: e.type === 'Warning' ? 'warning' : 'normal',
      reason: e.reason,
      message: e.message,
      count: Math.max(0, Math.floor(e.count)),
      firstAt: Math.min(Date.parse(e.createdAt) || lastAt, lastAt),
      lastAt,
    };
  }

  /** The cluster itself: where it runs (from the kubeconfig and its nodes) and how its nodes are. */
  clusterEntity(): Entity {
    const nodes = [...this.table('Node').values()] as NodeRecord[];
    const ready = nodes.filter((n) => n.ready?.status === 'True').length;
    const location = clusterLocation(this.options.hints, nodes);
    let health: Entity['health'] = 'healthy';
    let reason = `${ready} of ${nodes.length} nodes ready`;
    if (nodes.length === 0) {
      health = 'unknown';
      reason = 'no nodes seen';
    } else if (ready === 0) health = 'failing';
    else if (ready < nodes.length) health = 'degraded';
    return {
      id: this.clusterId,
      kind: 'cluster',
      name: this.options.hints.clusterName || this.options.context,
      parentId: location.parentId,
      sourceId: this.sourceId,
      labels: {},
      annotations: {},
      health,
      healthReason: reason,
      status: {
        server: this.options.hints.server,
        cluster: this.options.hints.clusterName,
        cloud: location.cloud,
        account: location.account,
        region: location.region,
        nodes: nodes.length,
        readyNodes: ready,
        // One cluster however many contexts reach it: each stays visible as a way in.
        watchedThrough: this.options.context,
        contexts: (this.options.contexts ?? [{ name: this.options.context, user: '' }])
          .map((c) => (c.user ? `${c.name} (as ${c.user})` : c.name))
          .join(', '),
      },
      observedAt: this.now(),
    };
  }

  loadBalancerRefs(): LoadBalancerRef[] {
    const refs: LoadBalancerRef[] = [];
    for (const r of this.table('Ingress').values()) {
      const i = r as IngressRecord;
      refs.push({
        entityId: this.entityIdOf(i),
        kind: 'ingress',
        namespace: i.namespace,
        name: i.name,
        addresses: i.loadBalancers,
        explicitName: i.annotations['alb.ingress.kubernetes.io/load-balancer-name'] ?? null,
        groupName: i.annotations['alb.ingress.kubernetes.io/group.name'] ?? null,
      });
    }
    for (const r of this.table('Service').values()) {
      const s = r as ServiceRecord;
      if (s.type !== 'LoadBalancer') continue;
      refs.push({
        entityId: this.entityIdOf(s),
        kind: 'service',
        namespace: s.namespace,
        name: s.name,
        addresses: s.loadBalancers,
        explicitName: s.annotations['service.beta.kubernetes.io/aws-load-balancer-name'] ?? null,
        groupName: null,
      });
    }
    return refs;
  }
}

function controllerOf(record: KubeRecord): KubeRecord['owners'][number] | undefined {
  return record.owners.find((o) => o.controller);
}

function controllerKey(pod: PodRecord): string | null {
  const owner = pod.owners.find((o) => o.controller);
  return owner ? `${owner.kind}/${key(pod.namespace, owner.name)}` : null;
}

function ingressVerdict(i: IngressRecord): Verdict {
  if (i.backends.length === 0) return { health: 'unknown', reason: 'routes to no service' };
  if (i.loadBalancers.length === 0) return { health: 'degraded', reason: 'no load balancer address yet' };
  return { health: 'healthy', reason: `served at ${i.loadBalancers[0]}` };
}

/** EKS node group, GKE node pool, or an on-premises pool label. */
export function nodegroupOf(n: NodeRecord): string | null {
  return (
    n.labels['eks.amazonaws.com/nodegroup'] ??
    n.labels['alpha.eksctl.io/nodegroup-name'] ??
    n.labels['cloud.google.com/gke-nodepool'] ??
    n.labels['node.kubernetes.io/pool'] ??
    null
  );
}

export interface ClusterLocation {
  cloud: CloudName | null;
  account: string | null;
  region: string | null;
  parentId: string | null;
}

/**
 * Where a cluster runs, from what the kubeconfig and nodes say:
 * - an EKS context or cluster named by its ARN (`arn:aws:eks:<region>:<account>:cluster/<name>`,
 *   what `aws eks update-kubeconfig` writes) gives cloud, account and region;
 * - a GKE context `gke_<project>_<location>_<cluster>` (what `gcloud container clusters
 *   get-credentials` writes) gives project and location;
 * - node `spec.providerID` (`aws:///<zone>/<instance>`, `gce://<project>/<zone>/<instance>`,
 *   `azure://…`) gives the cloud (and the GCP project), and the well-known label
 *   `topology.kubernetes.io/region` the region
 *   (https://kubernetes.io/docs/reference/labels-annotations-taints/#topologykubernetesioregion).
 * Anything else with nodes is on-premises.
 */
export function clusterLocation(hints: ClusterHints, nodes: readonly NodeRecord[]): ClusterLocation {
  let cloud: CloudName | null = null;
  let account: string | null = null;
  let region: string | null = null;
  const arn = /^arn:aws[\w-]*:eks:([\w-]+):(\d{12}):cluster\//.exec(hints.clusterName);
  const gke = /^gke_([\w-]+)_([\w-]+)_/.exec(hints.clusterName);
  const eksHost = /\.([a-z]{2}(?:-[a-z]+)+-\d)\.eks\.amazonaws\.com/.exec(hints.server);
  if (arn) {
    cloud = 'aws';
    region = arn[1] ?? null;
    account = arn[2] ?? null;
  } else if (gke) {
    cloud = 'gcp';
    account = gke[1] ?? null;
  } else if (eksHost) {
    cloud = 'aws';
    region = eksHost[1] ?? null;
  }
  for (const n of nodes) {
    const provider = n.providerID;
    if (!cloud) {
      if (provider.startsWith('aws://')) cloud = 'aws';
      else if (provider.startsWith('gce://')) cloud = 'gcp';
      else if (provider.startsWith('azure://')) cloud = 'azure';
    }
    if (cloud === 'gcp' && !account) account = /^gce:\/\/([^/]+)\//.exec(provider)?.[1] ?? null;
    region ??= n.labels['topology.kubernetes.io/region'] ?? n.labels['failure-domain.beta.kubernetes.io/region'] ?? null;
    if (cloud && region && account) break;
  }
  if (!cloud && nodes.length > 0) cloud = 'onprem';
  if (cloud === 'onprem' && !account) {
    // On-premises, the datacenter plays the account's part; nodes name it by their region.
    account = region;
    region = null;
  }
  const parentId = cloud
    ? account && region
      ? regionId(cloud, account, region)
      : account
        ? accountId(cloud, account)
        : cloudId(cloud)
    : null;
  return { cloud, account, region, parentId };
}

/** Template facts as entity status (scalars only); '' means every container has it. */
function templateStatus(t: TemplateFacts): Entity['status'] {
  return {
    withoutReadiness: t.withoutReadiness,
    withoutLiveness: t.withoutLiveness,
    withoutCpuRequest: t.withoutCpuRequest,
    withoutMemoryRequest: t.withoutMemoryRequest,
    withoutMemoryLimit: t.withoutMemoryLimit,
    images: t.images,
  };
}
