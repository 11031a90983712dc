import type { SimulatedCluster } from '../kube/cluster.js';
import { crashBackoffMs } from '../kube/controllers/kubelet.js';
import { imageDigest } from '../kube/controllers/images.js';
import { controllerRef, podFromTemplate, podRequests, templateHash } from '../kube/controllers/pods.js';
import { allocatable } from '../kube/controllers/scheduler.js';
import { cpuMilli } from '../kube/quantity.js';
import { rfc3339 } from '../kube/time.js';
import type {
  Condition, ContainerStatus, ControllerRevision, DaemonSet, Deployment, HorizontalPodAutoscaler, KubeObject, NodeObject, Pod,
  PodDisruptionBudget, PodTemplateSpec, ReplicaSet, ServiceObject, StatefulSet,
} from '../kube/types.js';
import type { ClusterPlan, EstatePlan, NodePoolPlan, SystemDaemonPlan, WorkloadPlan } from './catalog.js';
import type { SeededRandom } from './random.js';

/**
 * Puts a planned estate into the clusters' stores as a settled steady state: workloads already
 * rolled out, pods already Running and Ready on their nodes, the planned faults already in
 * progress. The controllers then take over from exactly this state; their first pass changes
 * nothing that is healthy.
 */

const DAY = 86_400_000;
const HOUR = 3_600_000;

function meta(name: string, namespace: string | undefined, created: number, extra: Partial<KubeObject['metadata']> = {}): KubeObject['metadata'] {
  return { name, ...(namespace ? { namespace } : {}), uid: '', resourceVersion: '', creationTimestamp: rfc3339(created), ...extra };
}

const trueCondition = (type: string, time: string): Condition => ({ type, status: 'True', lastProbeTime: null, lastTransitionTime: time });

interface Placement {
  node: NodeObject;
  cpu: number;
  memory: number;
  pods: number;
  nextIp: number;
}

class Builder {
  private readonly placements: Placement[] = [];
  private readonly awsAddresses = new Set<string>();

  constructor(
    private readonly cluster: SimulatedCluster,
    private readonly plan: ClusterPlan,
    private readonly random: SeededRandom,
    private readonly now: number,
  ) {}

  private get store() {
    return this.cluster.store;
  }

  namespaces(names: Iterable<string>, teams: Map<string, string>): void {
    for (const name of new Set(['default', 'kube-system', 'kube-public', 'kube-node-lease', ...names])) {
      const system = name.startsWith('kube-') || name === 'default';
      const team = teams.get(name);
      this.store.create('namespaces', {
        apiVersion: 'v1',
        kind: 'Namespace',
        metadata: meta(name, undefined, this.now - (system ? 400 : this.random.int(30, 300)) * DAY, {
          labels: { 'kubernetes.io/metadata.name': name, ...(team ? { team } : {}) },
        }),
        spec: { finalizers: ['kubernetes'] },
        status: { phase: 'Active' },
      });
    }
  }

  nodes(): void {
    let index = 0;
    for (const pool of this.plan.pools) {
      for (let i = 0; i < pool.count; i++) {
        const node = this.node(pool, i, index++);
        this.placements.push({ node: this.store.create('nodes', node), cpu: 0, memory: 0, pods: 0, nextIp: 2 });
      }
    }
  }

  private node(pool: NodePoolPlan, i: number, index: number): NodeObject {
    const { spec: c } = this.plan;
    const zone = pool.zones[i % pool.zones.length] as string;
    const r = this.random;
    let internalIp = c.cloud === 'aws' ? `10.0.${r.int(0, 95)}.${r.int(2, 254)}` : c.cloud === 'gcp' ? `10.132.0.${(index % 250) + 2}` : `10.20.${Math.floor(index / 200) + 1}.${(index % 200) + 10}`;
    // An EKS node is named after its random address: a few hundred nodes (a 50,000-pod estate)
    // draw the same one by chance, so draw again. Estates that never collided are unchanged.
    while (c.cloud === 'aws' && this.awsAddresses.has(internalIp)) internalIp = `10.0.${r.int(0, 95)}.${r.int(2, 254)}`;
    this.awsAddresses.add(internalIp);
    let name: string;
    let providerID: string | undefined;
    const labels: Record<string, string> = {
      'kubernetes.io/arch': 'amd64',
      'kubernetes.io/os': 'linux',
      'beta.kubernetes.io/arch': 'amd64',
      'beta.kubernetes.io/os': 'linux',
      'node.kubernetes.io/instance-type': pool.instanceType,
      'beta.kubernetes.io/instance-type': pool.instanceType,
      'topology.kubernetes.io/region': c.region,
      'topology.kubernetes.io/zone': zone,
      'failure-domain.beta.kubernetes.io/region': c.region,
      'failure-domain.beta.kubernetes.io/zone': zone,
    };
    let osImage: string;
    let kernel: string;
    let runtime = 'containerd://1.7.22';
    const addresses: { type: string; address: string }[] = [{ type: 'InternalIP', address: internalIp }];
    if (c.cloud === 'aws') {
      name = `ip-${internalIp.replace(/\./g, '-')}.ec2.internal`;
      const instance = `i-0${r.hex(16)}`;
      providerID = `aws:///${zone}/${instance}`;
      Object.assign(labels, {
        'eks.amazonaws.com/nodegroup': pool.name,
        'eks.amazonaws.com/capacityType': 'ON_DEMAND',
        'eks.amazonaws.com/nodegroup-image': `ami-0${r.hex(16)}`,
        'eks.amazonaws.com/sourceLaunchTemplateId': `lt-0${r.hex(16)}`,
        'k8s.io/cloud-provider-aws': r.hex(32),
      });
      addresses.push({ type: 'InternalDNS', address: name }, { type: 'Hostname', address: name });
      osImage = 'Amazon Linux 2023.6.20241111';
      kernel = '6.1.115-126.197.amzn2023.x86_64';
      runtime = 'containerd://1.7.23';
    } else if (c.cloud === 'gcp') {
      name = `gke-${c.name}-${pool.name}-${r.hex(8)}-${r.suffix(4)}`;
      providerID = `gce://${c.account}/${zone}/${name}`;
      Object.assign(labels, {
        'cloud.google.com/gke-nodepool': pool.name,
        'cloud.google.com/machine-family': pool.instanceType.split('-')[0] ?? 'e2',
        'cloud.google.com/gke-os-distribution': 'cos',
        'cloud.google.com/gke-boot-disk': 'pd-balanced',
        'cloud.google.com/gke-container-runtime': 'containerd',
        'cloud.google.com/gke-provisioning': 'standard',
      });
      addresses.push({ type: 'ExternalIP', address: `35.${r.int(187, 241)}.${r.int(0, 255)}.${r.int(1, 254)}` }, { type: 'Hostname', address: name });
      osImage = 'Container-Optimized OS from Google';
      kernel = '6.1.100+';
    } else {
      name = pool.controlPlane ? `k8s-cp-${String(i + 1).padStart(2, '0')}.dc1.internal` : `k8s-worker-${String(i + 1).padStart(2, '0')}.dc1.internal`;
      if (pool.controlPlane) labels['node-role.kubernetes.io/control-plane'] = '';
      labels['node.kubernetes.io/exclude-from-external-load-balancers'] = pool.controlPlane ? '' : 'false';
      if (!pool.controlPlane) delete labels['node.kubernetes.io/exclude-from-external-load-balancers'];
      addresses.push({ type: 'Hostname', address: name });
      osImage = 'Ubuntu 22.04.5 LTS';
      kernel = '5.15.0-125-generic';
    }
    labels['kubernetes.io/hostname'] = c.cloud === 'onprem' ? name : name;
    const created = this.now - r.int(5, 90) * DAY - r.int(0, 23) * HOUR;
    const time = rfc3339(created + 60_000);
    const heartbeat = rfc3339(this.now);
    const podCidr = `10.${this.plan.podNetwork + Math.floor(index / 256)}.${index % 256}.0/24`;
    const memKi = pool.memoryGi * 1024 * 1024;
    return {
      apiVersion: 'v1',
      kind: 'Node',
      metadata: meta(name, undefined, created, {
        labels,
        annotations: { 'node.alpha.kubernetes.io/ttl': '0', 'volumes.kubernetes.io/controller-managed-attach-detach': 'true' },
      }),
      spec: {
        ...(providerID ? { providerID } : {}),
        podCIDR: podCidr,
        podCIDRs: [podCidr],
        ...(pool.controlPlane ? { taints: [{ key: 'node-role.kubernetes.io/control-plane', effect: 'NoSchedule' }] } : {}),
      },
      status: {
        capacity: { cpu: String(pool.cpu), memory: `${memKi}Ki`, pods: String(pool.maxPods), 'ephemeral-storage': '104845292Ki', 'hugepages-2Mi': '0' },
        allocatable: { cpu: `${pool.cpu * 1000 - 90 - pool.cpu * 10}m`, memory: `${Math.round(memKi * 0.92)}Ki`, pods: String(pool.maxPods), 'ephemeral-storage': '95551679124', 'hugepages-2Mi': '0' },
        conditions: [
          { type: 'MemoryPressure', status: 'False', reason: 'KubeletHasSufficientMemory', message: 'kubelet has sufficient memory available', lastHeartbeatTime: heartbeat, lastTransitionTime: time },
          { type: 'DiskPressure', status: 'False', reason: 'KubeletHasNoDiskPressure', message: 'kubelet has no disk pressure', lastHeartbeatTime: heartbeat, lastTransitionTime: time },
          { type: 'PIDPressure', status: 'False', reason: 'KubeletHasSufficientPID', message: 'kubelet has sufficient PID available', lastHeartbeatTime: heartbeat, lastTransitionTime: time },
          { type: 'Ready', status: 'True', reason: 'KubeletReady', message: 'kubelet is posting ready status', lastHeartbeatTime: heartbeat, lastTransitionTime: time },
        ],
        addresses,
        daemonEndpoints: { kubeletEndpoint: { Port: 10250 } },
        nodeInfo: {
          architecture: 'amd64',
          bootID: r.uuid(),
          containerRuntimeVersion: runtime,
          kernelVersion: kernel,
          kubeProxyVersion: this.cluster.version.kubeletVersion,
          kubeletVersion: this.cluster.version.kubeletVersion,
          machineID: r.hex(32),
          operatingSystem: 'linux',
          osImage,
          systemUUID: r.uuid(),
        },
      },
    };
  }

  /** Least-allocated placement, as the scheduler would have made it. */
  private place(pod: Pod): Placement | undefined {
    const req = podRequests(pod.spec);
    let best: { p: Placement; score: number } | undefined;
    for (const p of this.placements) {
      if (p.node.spec.taints?.some((t) => t.effect === 'NoSchedule') && !pod.spec.tolerations?.some((t) => t.operator === 'Exists' && !t.key)) continue;
      const { cpu: cpuCap, memory: memCap, pods: podCap } = allocatable(p.node);
      if (p.pods + 1 > podCap || p.cpu + req.cpu > cpuCap || p.memory + req.memory > memCap) continue;
      const score = (p.cpu + req.cpu) / cpuCap + (p.memory + req.memory) / memCap;
      if (!best || score < best.score) best = { p, score };
    }
    return best?.p;
  }

  /** A pod as it stands after running a while: Running and Ready, or crash-looping, or waiting for room. */
  settle(pod: Pod, created: number, behaviour: 'running' | 'crashing', onNode?: Placement): Pod {
    pod.metadata.creationTimestamp = rfc3339(created);
    const placement = onNode ?? this.place(pod);
    if (!placement) {
      pod.status = {
        phase: 'Pending',
        qosClass: pod.status.qosClass ?? 'Burstable',
        conditions: [
          {
            type: 'PodScheduled', status: 'False', reason: 'Unschedulable', lastProbeTime: null, lastTransitionTime: rfc3339(created),
            message: `0/${this.placements.length} nodes are available: ${this.placements.length} Insufficient cpu. preemption: 0/${this.placements.length} nodes are available: ${this.placements.length} No preemption victims found for incoming pod.`,
          },
        ],
      };
      return pod;
    }
    const req = podRequests(pod.spec);
    placement.cpu += req.cpu;
    placement.memory += req.memory;
    placement.pods += 1;
    const node = placement.node;
    pod.spec.nodeName = node.metadata.name;
    const hostIP = node.status.addresses.find((a) => a.type === 'InternalIP')?.address ?? '';
    const base = (node.spec.podCIDR ?? '10.0.0.0/24').split('/')[0]?.split('.') ?? [];
    const podIP = `${base[0]}.${base[1]}.${base[2]}.${placement.nextIp++}`;
    const started = rfc3339(created + 2000);
    const readyAt = rfc3339(created + 4000);
    const statuses: ContainerStatus[] = pod.spec.containers.map((c) => {
      const id = `containerd://${imageDigest(`${pod.metadata.name}/${c.name}`).slice(7, 71)}`;
      const common = { name: c.name, image: c.image, imageID: `${c.image.split(':')[0]}@${imageDigest(c.image)}` };
      if (behaviour === 'crashing') {
        const restarts = this.random.int(12, 40);
        const finished = this.now - this.random.int(1, Math.floor(crashBackoffMs(restarts) / 1000)) * 1000;
        return {
          ...common,
          containerID: id,
          ready: false,
          started: false,
          restartCount: restarts,
          state: { waiting: { reason: 'CrashLoopBackOff', message: `back-off 5m0s restarting failed container=${c.name} pod=${pod.metadata.name}_${pod.metadata.namespace}(${pod.metadata.uid})` } },
          lastState: { terminated: { exitCode: 1, reason: 'Error', startedAt: rfc3339(finished - 1500), finishedAt: rfc3339(finished), containerID: id } },
        };
      }
      return { ...common, containerID: id, ready: true, started: true, restartCount: 0, state: { running: { startedAt: started } }, lastState: {} };
    });
    const unready = behaviour === 'crashing' ? `containers with unready status: [${pod.spec.containers.map((c) => c.name).join(' ')}]` : undefined;
    const readyCondition = (type: string): Condition =>
      unready ? { type, status: 'False', reason: 'ContainersNotReady', message: unready, lastProbeTime: null, lastTransitionTime: readyAt } : trueCondition(type, readyAt);
    pod.status = {
      phase: 'Running',
      conditions: [
        trueCondition('PodReadyToStartContainers', started),
        trueCondition('Initialized', rfc3339(created + 1000)),
        readyCondition('Ready'),
        readyCondition('ContainersReady'),
        trueCondition('PodScheduled', rfc3339(created + 500)),
      ],
      hostIP,
      hostIPs: [{ ip: hostIP }],
      podIP,
      podIPs: [{ ip: podIP }],
      startTime: rfc3339(created + 1000),
      containerStatuses: statuses,
      qosClass: pod.status.qosClass ?? 'Burstable',
    };
    return pod;
  }

  private labels(w: WorkloadPlan, image: string): Record<string, string> {
    const s = w.service;
    return {
      'app.kubernetes.io/name': s.name,
      'app.kubernetes.io/instance': s.name,
      'app.kubernetes.io/component': w.component,
      'app.kubernetes.io/part-of': w.partOf,
      'app.kubernetes.io/version': image.split(':').pop() ?? 'latest',
      ...(w.system ? {} : { 'app.kubernetes.io/managed-by': 'Helm' }),
      team: s.team,
      owner: `${s.team}-oncall`,
    };
  }

  private template(w: WorkloadPlan, image: string): PodTemplateSpec {
    const s = w.service;
    const portName = s.tier === 'database' || s.tier === 'cache' ? s.tier === 'database' ? 'db' : 'cache' : 'http';
    const labels = this.labels(w, w.image);
    return {
      metadata: {
        labels: { 'app.kubernetes.io/name': s.name, 'app.kubernetes.io/instance': s.name, 'app.kubernetes.io/component': w.component, 'app.kubernetes.io/part-of': w.partOf, team: labels.team as string },
        ...(w.system ? {} : { annotations: { 'prometheus.io/scrape': 'true', 'prometheus.io/port': String(w.port), 'prometheus.io/path': '/metrics' } }),
      },
      spec: {
        containers: [
          {
            name: s.name,
            image,
            ports: [{ name: portName, containerPort: w.port, protocol: 'TCP' }],
            env: [{ name: 'LOG_LEVEL', value: 'info' }, { name: 'SERVICE_NAME', value: s.name }],
            resources: { requests: { cpu: w.cpu, memory: w.memory }, limits: { memory: w.memory } },
            ...(s.tier === 'database' || s.tier === 'cache'
              ? { readinessProbe: { tcpSocket: { port: portName }, periodSeconds: 10, timeoutSeconds: 1, successThreshold: 1, failureThreshold: 3 } }
              : { readinessProbe: { httpGet: { path: '/healthz', port: portName, scheme: 'HTTP' }, periodSeconds: 10, timeoutSeconds: 1, successThreshold: 1, failureThreshold: 3 } }),
          },
        ],
        ...(w.system ? { priorityClassName: 'system-cluster-critical' } : { serviceAccountName: s.name }),
      },
    };
  }

  workload(w: WorkloadPlan): void {
    if (w.service.workloadKind === 'StatefulSet') this.statefulSet(w);
    else this.deployment(w);
    this.service(w);
    if (w.hpa) this.hpa(w);
    if (w.pdb) this.pdb(w);
    if (w.ingress) this.ingress(w);
  }

  private deployment(w: WorkloadPlan): void {
    const s = w.service;
    const created = this.now - w.ageDays * DAY;
    const images = [...w.previousImages].reverse().concat(w.image);
    const revision = images.length;
    const stuck = w.unhealthy === 'stuck-rollout';
    const d: Deployment = {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: meta(s.name, s.namespace, created, {
        generation: revision,
        labels: this.labels(w, w.image),
        annotations: { 'deployment.kubernetes.io/revision': String(revision), ...(w.system ? {} : { 'meta.helm.sh/release-name': s.name, 'meta.helm.sh/release-namespace': s.namespace }) },
      }),
      spec: {
        replicas: w.replicas,
        selector: { matchLabels: { 'app.kubernetes.io/name': s.name, 'app.kubernetes.io/instance': s.name } },
        template: this.template(w, w.image),
        strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: '25%' } },
        revisionHistoryLimit: 10,
        progressDeadlineSeconds: 600,
      },
      status: {},
    };
    d.metadata.uid = this.store.newUid();
    const dep = d;
    const sets: { rs: ReplicaSet; pods: Pod[] }[] = [];
    images.forEach((image, i) => {
      const isCurrent = i === images.length - 1;
      const isPrevious = i === images.length - 2;
      const template = this.template(w, image);
      const hash = templateHash(template);
      template.metadata = { ...template.metadata, labels: { ...template.metadata?.labels, 'pod-template-hash': hash } };
      const rsCreated = created + Math.floor(((this.now - created) * (i + 1)) / (images.length + 1));
      const replicas = stuck ? (isCurrent ? 1 : isPrevious ? w.replicas : 0) : isCurrent ? w.replicas : 0;
      const rs: ReplicaSet = {
        apiVersion: 'apps/v1',
        kind: 'ReplicaSet',
        metadata: meta(`${s.name}-${hash}`, s.namespace, rsCreated, {
          generation: 1,
          labels: { ...(template.metadata.labels ?? {}) },
          annotations: {
            'deployment.kubernetes.io/desired-replicas': String(w.replicas),
            'deployment.kubernetes.io/max-replicas': String(w.replicas + Math.ceil(w.replicas / 4)),
            'deployment.kubernetes.io/revision': String(i + 1),
            ...(w.system ? {} : { 'meta.helm.sh/release-name': s.name, 'meta.helm.sh/release-namespace': s.namespace }),
          },
          ownerReferences: [controllerRef(dep)],
        }),
        spec: { replicas, minReadySeconds: 0, selector: { matchLabels: { ...d.spec.selector.matchLabels, 'pod-template-hash': hash } }, template },
        status: { replicas: 0 },
      };
      rs.metadata.uid = this.store.newUid();
      const pods: Pod[] = [];
      for (let p = 0; p < replicas; p++) {
        const pod = podFromTemplate({ name: `${rs.metadata.name}-${this.store.nameSuffix()}`, namespace: s.namespace, template, owner: rs });
        pod.metadata.generateName = `${rs.metadata.name}-`;
        pod.metadata.uid = this.store.newUid();
        const age = Math.min(this.now - rsCreated, this.random.int(1, 20 * 24) * HOUR);
        const behaviour = stuck && isCurrent ? 'crashing' : 'running';
        pods.push(this.store.create('pods', this.settle(pod, this.now - age, behaviour)));
      }
      sets.push({ rs, pods });
    });
    let total = 0;
    let ready = 0;
    for (const { rs, pods } of sets) {
      const r = pods.filter((p) => p.status.conditions?.some((c) => c.type === 'Ready' && c.status === 'True')).length;
      total += pods.length;
      ready += r;
      rs.status = { replicas: pods.length, fullyLabeledReplicas: pods.length, readyReplicas: r, availableReplicas: r, observedGeneration: 1 };
      this.store.create('replicasets.apps', rs);
    }
    const current = sets[sets.length - 1];
    const currentReady = current ? current.pods.filter((p) => p.status.conditions?.some((c) => c.type === 'Ready' && c.status === 'True')).length : 0;
    const rsName = current?.rs.metadata.name ?? '';
    const since = rfc3339(current ? Date.parse(current.rs.metadata.creationTimestamp) + 30_000 : created);
    {
      const x = d;
      const available = ready >= w.replicas - Math.floor(w.replicas / 4);
      x.status = {
        observedGeneration: revision,
        replicas: total,
        updatedReplicas: current?.pods.length ?? 0,
        readyReplicas: ready,
        availableReplicas: ready,
        ...(w.replicas - ready > 0 ? { unavailableReplicas: w.replicas - ready } : {}),
        conditions: [
          available
            ? { type: 'Available', status: 'True', reason: 'MinimumReplicasAvailable', message: 'Deployment has minimum availability.', lastUpdateTime: since, lastTransitionTime: since }
            : { type: 'Available', status: 'False', reason: 'MinimumReplicasUnavailable', message: 'Deployment does not have minimum availability.', lastUpdateTime: since, lastTransitionTime: since },
          stuck
            ? { type: 'Progressing', status: 'False', reason: 'ProgressDeadlineExceeded', message: `ReplicaSet "${rsName}" has timed out progressing.`, lastUpdateTime: since, lastTransitionTime: since }
            : currentReady === w.replicas
              ? { type: 'Progressing', status: 'True', reason: 'NewReplicaSetAvailable', message: `ReplicaSet "${rsName}" has successfully progressed.`, lastUpdateTime: since, lastTransitionTime: since }
              : { type: 'Progressing', status: 'False', reason: 'ProgressDeadlineExceeded', message: `ReplicaSet "${rsName}" has timed out progressing.`, lastUpdateTime: since, lastTransitionTime: since },
        ],
      };
    }
    this.store.create('deployments.apps', d);
  }

  private statefulSet(w: WorkloadPlan): void {
    const s = w.service;
    const created = this.now - w.ageDays * DAY;
    const template = this.template(w, w.image);
    const hash = templateHash(template);
    const sts = this.store.create<StatefulSet>('statefulsets.apps', {
      apiVersion: 'apps/v1',
      kind: 'StatefulSet',
      metadata: meta(s.name, s.namespace, created, { generation: 1, labels: this.labels(w, w.image) }),
      spec: {
        replicas: w.replicas,
        selector: { matchLabels: { 'app.kubernetes.io/name': s.name, 'app.kubernetes.io/instance': s.name } },
        template,
        serviceName: s.name,
        podManagementPolicy: 'OrderedReady',
        updateStrategy: { type: 'RollingUpdate', rollingUpdate: { partition: 0 } },
        revisionHistoryLimit: 10,
        persistentVolumeClaimRetentionPolicy: { whenDeleted: 'Retain', whenScaled: 'Retain' },
        volumeClaimTemplates: [
          { apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: { name: 'data' }, spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: s.tier === 'database' ? '100Gi' : '10Gi' } } }, status: { phase: 'Pending' } },
        ],
      },
      status: {},
    });
    const revisionName = `${s.name}-${hash}`;
    this.store.create<ControllerRevision>('controllerrevisions.apps', {
      apiVersion: 'apps/v1',
      kind: 'ControllerRevision',
      metadata: meta(revisionName, s.namespace, created, { labels: { ...(template.metadata?.labels ?? {}), 'controller-revision-hash': hash }, ownerReferences: [controllerRef(sts)] }),
      data: { spec: { template: { ...template, $patch: 'replace' } } },
      revision: 1,
    });
    let ready = 0;
    for (let i = 0; i < w.replicas; i++) {
      const pod = podFromTemplate({
        name: `${s.name}-${i}`,
        namespace: s.namespace,
        template,
        owner: sts,
        extraLabels: { 'controller-revision-hash': hash, 'statefulset.kubernetes.io/pod-name': `${s.name}-${i}`, 'apps.kubernetes.io/pod-index': String(i) },
        hostname: `${s.name}-${i}`,
        subdomain: s.name,
      });
      pod.metadata.uid = this.store.newUid();
      const settled = this.store.create('pods', this.settle(pod, this.now - this.random.int(2, 30 * 24) * HOUR, 'running'));
      if (settled.status.phase === 'Running') ready++;
    }
    this.store.mutate<StatefulSet>('statefulsets.apps', s.namespace, s.name, (x) => {
      x.status = { observedGeneration: 1, replicas: w.replicas, readyReplicas: ready, currentReplicas: w.replicas, updatedReplicas: w.replicas, availableReplicas: ready, currentRevision: revisionName, updateRevision: revisionName, collisionCount: 0 };
    });
  }

  private service(w: WorkloadPlan): void {
    const s = w.service;
    const headless = s.workloadKind === 'StatefulSet';
    const ip = `${this.plan.serviceNetwork}.${this.random.int(0, 255)}.${this.random.int(1, 254)}`;
    const http = !(s.tier === 'database' || s.tier === 'cache');
    const svc: ServiceObject = {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: meta(s.name, s.namespace, this.now - w.ageDays * DAY, { labels: this.labels(w, w.image) }),
      spec: {
        type: 'ClusterIP',
        clusterIP: headless ? 'None' : ip,
        clusterIPs: [headless ? 'None' : ip],
        ipFamilies: ['IPv4'],
        ipFamilyPolicy: 'SingleStack',
        internalTrafficPolicy: 'Cluster',
        sessionAffinity: 'None',
        selector: { 'app.kubernetes.io/name': s.name, 'app.kubernetes.io/instance': s.name },
        ports: [http ? { name: 'http', port: 80, targetPort: 'http', protocol: 'TCP' } : { name: s.tier === 'database' ? 'db' : 'cache', port: w.port, targetPort: w.port, protocol: 'TCP' }],
      },
      status: { loadBalancer: {} },
    };
    this.store.create('services', svc);
  }

  private hpa(w: WorkloadPlan): void {
    const s = w.service;
    const h = w.hpa;
    if (!h) return;
    this.store.create<HorizontalPodAutoscaler>('horizontalpodautoscalers.autoscaling', {
      apiVersion: 'autoscaling/v2',
      kind: 'HorizontalPodAutoscaler',
      metadata: meta(s.name, s.namespace, this.now - w.ageDays * DAY, { labels: this.labels(w, w.image) }),
      spec: {
        scaleTargetRef: { apiVersion: 'apps/v1', kind: s.workloadKind, name: s.name },
        minReplicas: h.min,
        maxReplicas: h.max,
        metrics: [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: h.targetCpu } } }],
        behavior: { scaleDown: { stabilizationWindowSeconds: 120 } },
      },
      status: { currentReplicas: w.replicas, desiredReplicas: w.replicas, currentMetrics: null },
    });
  }

  private pdb(w: WorkloadPlan): void {
    const s = w.service;
    this.store.create<PodDisruptionBudget>('poddisruptionbudgets.policy', {
      apiVersion: 'policy/v1',
      kind: 'PodDisruptionBudget',
      metadata: meta(s.name, s.namespace, this.now - w.ageDays * DAY, { generation: 1, labels: this.labels(w, w.image) }),
      spec: { ...w.pdb, selector: { matchLabels: { 'app.kubernetes.io/name': s.name, 'app.kubernetes.io/instance': s.name } } },
      status: { disruptionsAllowed: 0, currentHealthy: 0, desiredHealthy: 0, expectedPods: 0 },
    });
  }

  private ingress(w: WorkloadPlan): void {
    const s = w.service;
    const ing = w.ingress;
    if (!ing) return;
    const cloud = this.plan.spec.cloud;
    const annotations: Record<string, string> =
      cloud === 'aws'
        ? {
            'alb.ingress.kubernetes.io/scheme': 'internet-facing',
            'alb.ingress.kubernetes.io/target-type': 'ip',
            'alb.ingress.kubernetes.io/load-balancer-name': ing.albName ?? '',
            'alb.ingress.kubernetes.io/listen-ports': '[{"HTTP": 80}, {"HTTPS": 443}]',
            'alb.ingress.kubernetes.io/healthcheck-path': '/healthz',
            'alb.ingress.kubernetes.io/tags': `team=${s.team},service=${s.name}`,
          }
        : cloud === 'gcp'
          ? { 'kubernetes.io/ingress.class': 'gce', 'kubernetes.io/ingress.global-static-ip-name': `${s.name}-ip` }
          : { 'nginx.ingress.kubernetes.io/proxy-body-size': '8m' };
    this.store.create('ingresses.networking.k8s.io', {
      apiVersion: 'networking.k8s.io/v1',
      kind: 'Ingress',
      metadata: meta(s.name, s.namespace, this.now - w.ageDays * DAY, {
        generation: 1,
        labels: this.labels(w, w.image),
        annotations,
        ...(cloud === 'aws' ? { finalizers: ['ingress.k8s.aws/resources'] } : {}),
      }),
      spec: {
        ...(this.plan.ingressClass ? { ingressClassName: this.plan.ingressClass.name } : {}),
        rules: [{ host: ing.host, http: { paths: [{ path: ing.path, pathType: 'Prefix', backend: { service: { name: s.name, port: { name: 'http' } } } }] } }],
      },
      status: { loadBalancer: { ingress: [ing.hostname ? { hostname: ing.hostname } : { ip: ing.ip }] } },
    });
  }

  ingressClass(): void {
    const ic = this.plan.ingressClass;
    if (!ic) return;
    this.store.create('ingressclasses.networking.k8s.io', {
      apiVersion: 'networking.k8s.io/v1',
      kind: 'IngressClass',
      metadata: meta(ic.name, undefined, this.now - 200 * DAY, { generation: 1, annotations: { 'ingressclass.kubernetes.io/is-default-class': 'true' } }),
      spec: { controller: ic.controller },
    });
  }

  daemonSet(plan: SystemDaemonPlan): void {
    const created = this.now - this.random.int(60, 300) * DAY;
    const labels = { 'app.kubernetes.io/name': plan.name, 'app.kubernetes.io/instance': plan.name, 'app.kubernetes.io/part-of': 'kube-prometheus', team: 'platform', owner: 'platform-oncall' };
    const template: PodTemplateSpec = {
      metadata: { labels: { 'app.kubernetes.io/name': plan.name, 'app.kubernetes.io/instance': plan.name } },
      spec: {
        containers: [{ name: plan.name, image: plan.image, ports: [{ name: 'metrics', containerPort: 9100, protocol: 'TCP' }], resources: { requests: { cpu: plan.cpu, memory: plan.memory }, limits: { memory: plan.memory } } }],
        hostNetwork: true,
        tolerations: [{ operator: 'Exists' }],
      },
    };
    const hash = templateHash(template);
    const ds = this.store.create<DaemonSet>('daemonsets.apps', {
      apiVersion: 'apps/v1',
      kind: 'DaemonSet',
      metadata: meta(plan.name, plan.namespace, created, { generation: 1, labels }),
      spec: { selector: { matchLabels: { 'app.kubernetes.io/name': plan.name, 'app.kubernetes.io/instance': plan.name } }, template, updateStrategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 1 } }, revisionHistoryLimit: 10 },
      status: { currentNumberScheduled: 0, numberMisscheduled: 0, desiredNumberScheduled: 0, numberReady: 0 },
    });
    for (const placement of this.placements) {
      const pod = podFromTemplate({
        name: `${plan.name}-${this.store.nameSuffix()}`,
        namespace: plan.namespace,
        template,
        owner: ds,
        extraLabels: { 'controller-revision-hash': hash, 'pod-template-generation': '1' },
        nodeName: placement.node.metadata.name,
      });
      pod.spec.tolerations = [{ operator: 'Exists' }];
      pod.metadata.uid = this.store.newUid();
      this.store.create('pods', this.settle(pod, Math.max(created, Date.parse(placement.node.metadata.creationTimestamp)) + 60_000, 'running', placement));
    }
    const n = this.placements.length;
    this.store.mutate<DaemonSet>('daemonsets.apps', plan.namespace, plan.name, (x) => {
      x.status = { currentNumberScheduled: n, numberMisscheduled: 0, desiredNumberScheduled: n, numberReady: n, observedGeneration: 1, updatedNumberScheduled: n, numberAvailable: n };
    });
  }
}

export function buildEstate(plan: EstatePlan, clusters: Map<string, SimulatedCluster>, random: SeededRandom, now: number): void {
  for (const c of plan.clusters) {
    const cluster = clusters.get(c.spec.name);
    if (!cluster) continue;
    const b = new Builder(cluster, c, random.fork(c.spec.name), now);
    const workloads = plan.workloads.filter((w) => w.service.cluster === c.spec.name);
    const daemons = plan.daemons.filter((d) => d.cluster === c.spec.name);
    const teams = new Map<string, string>();
    for (const w of workloads) if (!w.system && !teams.has(w.service.namespace)) teams.set(w.service.namespace, w.service.team);
    b.namespaces([...workloads.map((w) => w.service.namespace), ...daemons.map((d) => d.namespace)], teams);
    b.nodes();
    b.ingressClass();
    // Daemons first: they hold a slot on every node before the rest is placed, as on a real cluster.
    for (const d of daemons) b.daemonSet(d);
    // Larger requests first, so the stateful tiers find room, then the rest.
    for (const w of [...workloads].sort((x, y) => cpuMilli(y.cpu) - cpuMilli(x.cpu))) b.workload(w);
  }
}
