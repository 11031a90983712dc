import { DescribeAlarmsCommand, ListMetricsCommand } from '@aws-sdk/client-cloudwatch';
import type { CloudWatchClient, MetricAlarm } from '@aws-sdk/client-cloudwatch';
import type { Entity, Health, Relation } from '../../../../shared/estate/model.js';
import { relation } from '../../../../shared/estate/model.js';
import { cloudResourceId, regionId } from '../../../../shared/estate/ids.js';
import type { EntityFact, EstateSink } from '../../state/estate-sink.js';
import type { SourceRegistry } from '../../sources/source-registry.js';
import type { AwsProfile } from '../../connections/aws-profiles.js';
import { verdictFor } from '../source-status.js';
import { backoffDelay } from '../kubernetes/reflector.js';
import type { LoadBalancerLinks } from './load-balancer-links.js';

export interface CloudWatchTopologyOptions {
  sourceId: string;
  profile: AwsProfile;
  sink: EstateSink;
  registry: SourceRegistry;
  links: LoadBalancerLinks;
  /** Poll every this many ms while things work. */
  intervalMs?: number;
  /**
   * The profile's CloudWatch client, handed out by sources/ (sources/aws/cloudwatch-clients.ts),
   * asked for at every poll so a client renewed after the AWS files changed is used at once.
   */
  client: () => CloudWatchClient;
  now?: () => number;
}

type ResourceType = 'alb' | 'nlb' | 'elb' | 'rds' | 'nodegroup';

interface Discovered {
  type: ResourceType;
  name: string;
  /** The CloudWatch dimension that names it, e.g. LoadBalancer=app/<name>/<id>. */
  dimension: string;
  value: string;
}

/**
 * The AWS side of the topology, discovered through CloudWatch alone (the only AWS API the
 * console needs read access to): load balancers, databases and node groups from the
 * dimensions of their metrics (ListMetrics), alarms from DescribeAlarms, each alarm related to
 * the resource its dimensions name, and load balancers related to the Kubernetes objects they
 * front. Polls on an interval, backing off with jitter on errors.
 *
 * The account: CloudWatch does not say which account a call reached, and STS is not assumed
 * reachable (the sandbox has none). So the account is, in order: the profile's own statement
 * (aws_account_id, sso_account_id, role_arn), the account in the alarms' ARNs, else the
 * placeholder `profile-<name>`, which keeps ids stable and readable until one is known.
 */
export class CloudWatchTopology {
  private readonly controller = new AbortController();
  private readonly intervalMs: number;
  private readonly now: () => number;
  private account: string;
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private failures = 0;
  private lastResources: Discovered[] = [];
  private lastAlarms: MetricAlarm[] = [];
  private unsubscribeLinks: (() => void) | null = null;
  private stopped = false;

  constructor(private readonly options: CloudWatchTopologyOptions) {
    const { profile } = options;
    this.intervalMs = options.intervalMs ?? 60_000;
    this.now = options.now ?? Date.now;
    this.account = profile.accountId ?? `profile-${profile.name}`;
  }

  start(): void {
    this.options.registry.update(this.options.sourceId, {
      state: 'connecting',
      reason: `Reading CloudWatch in ${this.options.profile.region}…`,
      remedy: undefined,
    });
    this.unsubscribeLinks = this.options.links.onChange(() => {
      if (this.lastResources.length > 0) this.emit(this.lastResources, this.lastAlarms);
    });
    this.schedule(0);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.controller.abort();
    if (this.timer) clearTimeout(this.timer);
    this.unsubscribeLinks?.();
    await this.running;
  }

  /** One discovery pass; exposed for tests. */
  async poll(): Promise<void> {
    const signal = this.controller.signal;
    const client = this.options.client();
    const alarms: MetricAlarm[] = [];
    let next: string | undefined;
    do {
      const page = await client.send(new DescribeAlarmsCommand({ NextToken: next, MaxRecords: 100 }), { abortSignal: signal });
      alarms.push(...(page.MetricAlarms ?? []));
      next = page.NextToken;
    } while (next);
    if (!this.options.profile.accountId) {
      const fromArn = alarms.map((a) => /^arn:aws[\w-]*:cloudwatch:[\w-]+:(\d{12}):/.exec(a.AlarmArn ?? '')?.[1]).find(Boolean);
      if (fromArn) this.account = fromArn;
    }
    const resources = new Map<string, Discovered>();
    for (const namespace of ['AWS/ApplicationELB', 'AWS/NetworkELB', 'AWS/ELB', 'AWS/RDS', 'AWS/EC2']) {
      let token: string | undefined;
      do {
        const page = await client.send(new ListMetricsCommand({ Namespace: namespace, NextToken: token }), { abortSignal: signal });
        for (const metric of page.Metrics ?? []) {
          for (const d of metric.Dimensions ?? []) {
            const found = resourceFromDimension(d.Name ?? '', d.Value ?? '');
            if (found) resources.set(`${found.type}/${found.name}`, found);
          }
        }
        token = page.NextToken;
      } while (token);
    }
    this.lastResources = [...resources.values()];
    this.lastAlarms = alarms;
    this.emit(this.lastResources, alarms);
  }

  private schedule(delayMs: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.running = this.cycle();
    }, delayMs);
    this.timer.unref?.();
  }

  private async cycle(): Promise<void> {
    const { registry, sourceId, profile } = this.options;
    try {
      await this.poll();
      this.failures = 0;
      registry.update(sourceId, {
        state: 'live',
        reason: `${this.lastResources.length} resources and ${this.lastAlarms.length} alarms in ${profile.region} (account ${this.account}).`,
        remedy: undefined,
        lastSyncAt: this.now(),
      });
      this.schedule(this.intervalMs);
    } catch (error) {
      if (this.stopped) return;
      const verdict = verdictFor(awsFailure(error), `AWS profile ${profile.name} in ${profile.region}`, 'aws');
      registry.update(sourceId, verdict.remedy ? verdict : { ...verdict, remedy: undefined });
      const delay = Math.max(5_000, backoffDelay(this.failures, { initialMs: 5_000, maxMs: 300_000, resetAfterMs: 0 }, Math.random));
      this.failures += 1;
      this.schedule(delay);
    }
  }

  private idOf(type: string, name: string): string {
    return cloudResourceId('aws', this.account, this.options.profile.region, type, name);
  }

  private emit(resources: Discovered[], alarms: MetricAlarm[]): void {
    const { sink, sourceId, profile, links } = this.options;
    const parentId = regionId('aws', this.account, profile.region);
    const observedAt = this.now();
    const byDimension = new Map<string, Discovered>();
    for (const r of resources) byDimension.set(`${r.dimension}=${r.value}`, r);

    const alarmsOn = new Map<string, MetricAlarm[]>();
    const alarmFacts: EntityFact[] = [];
    for (const alarm of alarms) {
      const name = alarm.AlarmName ?? '';
      if (!name) continue;
      const id = this.idOf('alarm', name);
      const targets: string[] = [];
      for (const d of alarm.Dimensions ?? []) {
        const target = byDimension.get(`${d.Name}=${d.Value}`) ?? resourceFromDimension(d.Name ?? '', d.Value ?? '');
        if (!target) continue;
        const targetId = this.idOf(target.type, target.name);
        targets.push(targetId);
        alarmsOn.set(targetId, [...(alarmsOn.get(targetId) ?? []), alarm]);
      }
      const verdict = alarmVerdict(alarm);
      alarmFacts.push({
        entity: {
          id,
          kind: 'alarm',
          name,
          parentId,
          sourceId,
          labels: {},
          annotations: {},
          health: verdict.health,
          healthReason: verdict.reason,
          status: {
            state: alarm.StateValue ?? null,
            metric: `${alarm.Namespace ?? ''} ${alarm.MetricName ?? ''}`.trim() || null,
            threshold: alarm.Threshold ?? null,
            comparison: alarm.ComparisonOperator ?? null,
            stateUpdatedAt: alarm.StateUpdatedTimestamp ? alarm.StateUpdatedTimestamp.getTime() : null,
            description: alarm.AlarmDescription?.slice(0, 300) ?? null,
          },
          observedAt,
        },
        relations: [...new Set(targets)].map((t) => relation('alarms-on', id, t, sourceId)),
      });
    }

    const facts: Record<'loadbalancers' | 'databases' | 'nodegroups', EntityFact[]> = { loadbalancers: [], databases: [], nodegroups: [] };
    for (const r of resources) {
      const id = this.idOf(r.type, r.name);
      const own = alarmsOn.get(id) ?? [];
      const verdict = resourceVerdict(own);
      const relations: Relation[] =
        r.type === 'alb' || r.type === 'nlb' || r.type === 'elb'
          ? links.targetsOf(r.name).map((target) => relation('routes-to', id, target, sourceId))
          : [];
      const entity: Entity = {
        id,
        kind: r.type === 'rds' ? 'database' : r.type === 'nodegroup' ? 'nodegroup' : 'loadbalancer',
        name: r.name,
        parentId,
        sourceId,
        labels: {},
        annotations: {},
        health: verdict.health,
        healthReason: verdict.reason,
        status: { type: r.type, [r.dimension]: r.value, alarms: own.length, account: this.account, region: profile.region },
        observedAt,
      };
      const scope = r.type === 'rds' ? 'databases' : r.type === 'nodegroup' ? 'nodegroups' : 'loadbalancers';
      facts[scope].push({ entity, relations });
    }
    for (const [scope, list] of Object.entries(facts)) sink.replace(sourceId, `${profile.region}/${scope}`, list);
    sink.replace(sourceId, `${profile.region}/alarms`, alarmFacts);
  }
}

/**
 * What a CloudWatch dimension names. Load balancers: `app/<name>/<id>` (ALB), `net/<name>/<id>`
 * (NLB), a classic ELB's plain name. RDS: DBInstanceIdentifier. EKS managed node groups are
 * Auto Scaling groups named `eks-<nodegroup>-<uuid>`.
 * https://docs.aws.amazon.com/elasticloadbalancing/latest/application/load-balancer-cloudwatch-metrics.html#load-balancer-metric-dimensions-alb
 */
export function resourceFromDimension(name: string, value: string): Discovered | null {
  if (!value) return null;
  switch (name) {
    case 'LoadBalancer': {
      const [prefix, lbName] = value.split('/');
      if (!lbName) return null;
      return { type: prefix === 'net' ? 'nlb' : 'alb', name: lbName, dimension: name, value };
    }
    case 'LoadBalancerName':
      return { type: 'elb', name: value, dimension: name, value };
    case 'DBInstanceIdentifier':
      return { type: 'rds', name: value, dimension: name, value };
    case 'AutoScalingGroupName': {
      const eks = /^eks-(.+)-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/.exec(value);
      return { type: 'nodegroup', name: eks?.[1] ?? value, dimension: name, value };
    }
    default:
      return null;
  }
}

/** Alarm states: https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/AlarmThatSendsEmail.html#alarm-states */
function alarmVerdict(alarm: MetricAlarm): { health: Health; reason: string } {
  const reason = alarm.StateReason?.slice(0, 300) ?? '';
  switch (alarm.StateValue) {
    case 'ALARM':
      return { health: 'failing', reason: `ALARM: ${reason}` };
    case 'OK':
      return { health: 'healthy', reason: 'OK' };
    default:
      return { health: 'unknown', reason: `insufficient data${reason ? `: ${reason}` : ''}` };
  }
}

function resourceVerdict(alarms: MetricAlarm[]): { health: Health; reason: string } {
  const firing = alarms.filter((a) => a.StateValue === 'ALARM');
  if (firing.length > 0) {
    return { health: 'failing', reason: `alarm ${firing.map((a) => a.AlarmName).join(', ')} firing` };
  }
  if (alarms.length === 0) return { health: 'healthy', reason: 'reporting metrics; no alarms on it' };
  return { health: 'healthy', reason: `${alarms.length} alarm${alarms.length > 1 ? 's' : ''}, none firing` };
}

/** The parts of an SDK error that say what went wrong; never its request (which holds a signature). */
export function awsFailure(error: unknown): { status: number; code?: string; message: string } {
  const e = error as { name?: string; code?: string; message?: string; $metadata?: { httpStatusCode?: number } };
  const status = e.$metadata?.httpStatusCode ?? 0;
  let code = e.code ?? e.name;
  if (status === 0 && code && /Credentials?ProviderError|CredentialsError/.test(code)) code = 'CredentialsProviderError';
  if (['UnrecognizedClientException', 'InvalidClientTokenId', 'SignatureDoesNotMatch'].includes(code ?? '')) {
    return { status: 401, code, message: e.message ?? code ?? 'unauthorized' };
  }
  if (['AccessDenied', 'AccessDeniedException'].includes(code ?? '')) return { status: 403, code, message: e.message ?? 'access denied' };
  return { status, code, message: (e.message ?? String(error)).split('\n')[0]!.slice(0, 300) };
}
