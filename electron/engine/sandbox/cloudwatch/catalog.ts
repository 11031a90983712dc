import type { ClusterSpec, ServiceSpec } from '../world.js';
import type { EstateLoad, NodegroupPlacement } from '../load/estate-load.js';
import { hashKey, smoothNoise, unitAt } from '../load/noise.js';

/**
 * The metrics the sandbox's AWS account publishes, named and dimensioned as AWS publishes them:
 * https://docs.aws.amazon.com/elasticloadbalancing/latest/application/load-balancer-cloudwatch-metrics.html
 * https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/rds-metrics.html
 * https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/Container-Insights-metrics-EKS.html
 * Every value is computed from the load model at the instant asked, so any past period answers.
 */

export interface Dimension {
  Name: string;
  Value: string;
}

/**
 * count: the sample is a rate per second, summed over time.
 * gauge: the sample is a level, averaged over time.
 * latency: a distribution per request, weighted by the request rate.
 */
export type MetricKind = 'count' | 'gauge' | 'latency';

export interface LatencySample {
  requestsPerSecond: number;
  medianSeconds: number;
  sigma: number;
}

export interface MetricSeries {
  namespace: string;
  metricName: string;
  dimensions: readonly Dimension[];
  unit: string;
  kind: MetricKind;
  /** Rate per second (count) or level (gauge) at t; undefined for no data. */
  sample(t: number): number | undefined;
  latency?(t: number): LatencySample | undefined;
}

export interface LoadBalancerRef {
  service: ServiceSpec;
  loadBalancer: string;
  targetGroup: string;
}

export function seriesKey(namespace: string, metricName: string, dimensions: readonly Dimension[]): string {
  const dims = [...dimensions].sort((a, b) => (a.Name < b.Name ? -1 : a.Name > b.Name ? 1 : 0));
  return `${namespace}\u0000${metricName}\u0000${dims.map((d) => `${d.Name}=${d.Value}`).join('\u0000')}`;
}

/** "targetgroup/<name up to 32>/<16 hex>", derived from the service so it is stable per seed. */
export function targetGroupFor(seed: number, service: ServiceSpec): string {
  const name = `k8s-${service.namespace}-${service.name}`.slice(0, 28).replace(/-+$/, '');
  const h = hashKey(seed, `tg/${service.id}`);
  const hex = (h.toString(16).padStart(8, '0') + hashKey(seed + 1, `tg/${service.id}`).toString(16).padStart(8, '0')).slice(0, 16);
  return `targetgroup/${name}-${(h % 0xfffff).toString(16)}/${hex}`;
}

/** EKS managed node groups are backed by an Auto Scaling group named eks-<nodegroup>-<uuid>. */
export function autoScalingGroupFor(seed: number, group: Pick<NodegroupPlacement, 'cluster' | 'nodegroup'>): string {
  const h = (n: number) => hashKey(seed + n, `asg/${group.cluster}/${group.nodegroup}`).toString(16).padStart(8, '0');
  const a = h(0);
  const b = h(1);
  const c = h(2);
  const d = h(3);
  return `eks-${group.nodegroup}-${a}-${b.slice(0, 4)}-${b.slice(4)}-${c.slice(0, 4)}-${c.slice(4)}${d}`;
}

export class MetricCatalog {
  readonly series: MetricSeries[] = [];
  readonly loadBalancers: LoadBalancerRef[] = [];
  private readonly byKey = new Map<string, MetricSeries>();

  constructor(
    private readonly load: EstateLoad,
    clusters: readonly ClusterSpec[],
    seed: number,
  ) {
    for (const service of load.services) {
      if (service.loadBalancer) {
        const ref = { service, loadBalancer: service.loadBalancer, targetGroup: targetGroupFor(seed, service) };
        this.loadBalancers.push(ref);
        this.addLoadBalancer(ref);
      }
      if (service.dbInstance) this.addDatabase(service, service.dbInstance);
    }
    const awsClusters = new Set(clusters.filter((c) => c.cloud === 'aws').map((c) => c.name));
    const groups = load.nodegroups().filter((g) => awsClusters.has(g.cluster));
    for (const group of groups) this.addNodegroup(group, autoScalingGroupFor(seed, group));
    for (const cluster of awsClusters) this.addCluster(cluster, groups.filter((g) => g.cluster === cluster));
  }

  find(namespace: string, metricName: string, dimensions: readonly Dimension[]): MetricSeries | undefined {
    return this.byKey.get(seriesKey(namespace, metricName, dimensions));
  }

  private add(series: MetricSeries): void {
    this.series.push(series);
    this.byKey.set(seriesKey(series.namespace, series.metricName, series.dimensions), series);
  }

  private addLoadBalancer(ref: LoadBalancerRef): void {
    const { load } = this;
    const id = ref.service.id;
    const hasEndpoints = (t: number) => (load.conditionAt(id, t)?.ready ?? 0) > 0;
    // A canary behind the same route is behind the same load balancer: its requests count here too.
    const rates: Record<string, (t: number) => number | undefined> = {
      RequestCount: (t) => load.frontDoorAt(id, t)?.rps,
      HTTPCode_Target_2XX_Count: (t) => {
        const l = load.frontDoorAt(id, t);
        return l && hasEndpoints(t) ? l.rps * (1 - l.errorRatio) : 0;
      },
      HTTPCode_Target_5XX_Count: (t) => {
        const l = load.frontDoorAt(id, t);
        return l && hasEndpoints(t) ? l.rps * l.errorRatio : 0;
      },
      // With no healthy target the load balancer answers 503 itself.
      HTTPCode_ELB_5XX_Count: (t) => (hasEndpoints(t) ? 0 : load.frontDoorAt(id, t)?.rps),
    };
    const latency = (t: number): LatencySample | undefined => {
      const l = load.frontDoorAt(id, t);
      if (!l || !hasEndpoints(t)) return undefined;
      return { requestsPerSecond: l.rps * (1 - Math.min(1, l.errorRatio) * 0.5), medianSeconds: l.p50Ms / 1000, sigma: l.sigma };
    };
    const lbOnly = [{ Name: 'LoadBalancer', Value: ref.loadBalancer }];
    const withTg = [
      { Name: 'TargetGroup', Value: ref.targetGroup },
      { Name: 'LoadBalancer', Value: ref.loadBalancer },
    ];
    for (const dimensions of [lbOnly, withTg]) {
      for (const [metricName, sample] of Object.entries(rates)) {
        this.add({ namespace: 'AWS/ApplicationELB', metricName, dimensions, unit: 'Count', kind: 'count', sample });
      }
      this.add({
        namespace: 'AWS/ApplicationELB',
        metricName: 'TargetResponseTime',
        dimensions,
        unit: 'Seconds',
        kind: 'latency',
        sample: (t) => {
          const s = latency(t);
          return s ? s.medianSeconds * Math.exp((s.sigma * s.sigma) / 2) : undefined;
        },
        latency,
      });
    }
    this.add({
      namespace: 'AWS/ApplicationELB',
      metricName: 'HealthyHostCount',
      dimensions: withTg,
      unit: 'Count',
      kind: 'gauge',
      sample: (t) => load.conditionAt(id, t)?.ready,
    });
    this.add({
      namespace: 'AWS/ApplicationELB',
      metricName: 'UnHealthyHostCount',
      dimensions: withTg,
      unit: 'Count',
      kind: 'gauge',
      sample: (t) => {
        const c = load.conditionAt(id, t);
        return c ? Math.max(0, c.desired - c.ready, c.crashing) : undefined;
      },
    });
  }

  private addDatabase(service: ServiceSpec, instance: string): void {
    const { load } = this;
    const id = service.id;
    const dimensions = [{ Name: 'DBInstanceIdentifier', Value: instance }];
    const noiseKey = hashKey(0, `rds/${instance}`);
    const gauge = (metricName: string, unit: string, sample: (t: number) => number | undefined) =>
      this.add({ namespace: 'AWS/RDS', metricName, dimensions, unit, kind: 'gauge', sample });
    // A database workload's own utilization is the instance's; an API that fronts a managed
    // database drives it with its traffic, the instance sized to run at 40% on a normal day.
    const fronted = service.tier !== 'database';
    const dbUtilization = (t: number) => {
      const l = load.serviceAt(id, t);
      if (!l) return undefined;
      if (fronted) return (0.4 * l.rps) / Math.max(service.baseRps, 1);
      return Number.isFinite(l.utilization) ? l.utilization : 1.5;
    };
    gauge('CPUUtilization', 'Percent', (t) => {
      const u = dbUtilization(t);
      if (u === undefined) return undefined;
      return clamp(100 * (0.05 + 0.95 * u) * (1 + 0.03 * smoothNoise(noiseKey, t, 60_000)), 0, 100);
    });
    gauge('DatabaseConnections', 'Count', (t) => {
      let pods = 0;
      for (const caller of load.callersOf(id)) pods += load.conditionAt(caller, t)?.ready ?? 0;
      return Math.round(pods * 8 + 2 + 2 * unitAt(noiseKey, Math.floor(t / 60_000)));
    });
    // Storage latency: about a millisecond, climbing as the instance queues.
    const ioLatency = (t: number, scale: number) => {
      const u = dbUtilization(t);
      return u === undefined ? undefined : (scale / 1000) * (1 + (4 * Math.max(0, u - 0.6) ** 2) / (1 - Math.min(u, 0.97)));
    };
    gauge('ReadLatency', 'Seconds', (t) => ioLatency(t, 0.8));
    gauge('WriteLatency', 'Seconds', (t) => ioLatency(t, 1.6));
  }

  private groupCpuPercent(group: NodegroupPlacement, t: number): number {
    if (group.cpuMilli <= 0) return 0;
    let used = 0;
    for (const serviceId of group.podsByService.keys()) {
      used += this.load.serviceCpuMilliAt(serviceId, t) * this.load.placementShare(group, serviceId);
    }
    // The kubelet, the container runtime and the OS take a few percent of every node.
    return clamp((100 * used) / group.cpuMilli + 3, 0, 100);
  }

  private addNodegroup(group: NodegroupPlacement, asg: string): void {
    const dimensions = [{ Name: 'AutoScalingGroupName', Value: asg }];
    this.add({ namespace: 'AWS/EC2', metricName: 'CPUUtilization', dimensions, unit: 'Percent', kind: 'gauge', sample: (t) => this.groupCpuPercent(group, t) });
    this.add({
      namespace: 'AWS/EC2',
      metricName: 'StatusCheckFailed',
      dimensions,
      unit: 'Count',
      kind: 'gauge',
      sample: (t) => this.load.notReadyNodesAt(group, t),
    });
  }

  private addCluster(cluster: string, groups: NodegroupPlacement[]): void {
    const dimensions = [{ Name: 'ClusterName', Value: cluster }];
    const totalCpu = () => groups.reduce((sum, g) => sum + g.cpuMilli, 0);
    const cpu = (t: number) => {
      const total = totalCpu();
      return total === 0 ? 0 : groups.reduce((sum, g) => sum + this.groupCpuPercent(g, t) * g.cpuMilli, 0) / total;
    };
    const add = (metricName: string, unit: string, sample: (t: number) => number) =>
      this.add({ namespace: 'ContainerInsights', metricName, dimensions, unit, kind: 'gauge', sample });
    add('node_cpu_utilization', 'Percent', cpu);
    add('node_memory_utilization', 'Percent', (t) => clamp(38 + 0.25 * cpu(t), 0, 100));
    add('cluster_node_count', 'Count', () => groups.reduce((sum, g) => sum + g.nodes, 0));
    add('cluster_failed_node_count', 'Count', (t) => groups.reduce((sum, g) => sum + this.load.notReadyNodesAt(g, t), 0));
  }
}

function clamp(v: number, lo: number, hi: number): number {
  return Math.min(hi, Math.max(lo, v));
}
