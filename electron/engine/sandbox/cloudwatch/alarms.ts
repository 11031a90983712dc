import type { EstateLoad } from '../load/estate-load.js';
import type { ServiceSpec } from '../world.js';
import type { Dimension, MetricCatalog, MetricSeries } from './catalog.js';
import { aggregate, parseStatistic, valueOf, type Statistic } from './statistics.js';

/**
 * The account's metric alarms: 5xx count and p99 response time on every load balancer, CPU on
 * every database. They are evaluated against the load model as simulated time passes, change
 * state as the estate degrades and recovers, and keep a history as CloudWatch does.
 * https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/AlarmThatSendsEmail.html#alarm-evaluation
 */

export type StateValue = 'OK' | 'ALARM' | 'INSUFFICIENT_DATA';
export type HistoryItemType = 'ConfigurationUpdate' | 'StateUpdate' | 'Action';

export interface AlarmDefinition {
  name: string;
  description: string;
  serviceId: string;
  series: MetricSeries;
  statistic: Statistic;
  periodSeconds: number;
  evaluationPeriods: number;
  datapointsToAlarm: number;
  threshold: number;
  actions: string[];
}

export interface AlarmState {
  value: StateValue;
  reason: string;
  reasonData: string;
  updatedAt: number;
  transitionedAt: number;
}

/** An alarm action as SNS delivers it to a subscriber (PagerDuty's CloudWatch integration, say). */
export interface AlarmAction {
  alarmName: string;
  alarmArn: string;
  description: string;
  serviceId: string;
  region: string;
  topicArn: string;
  state: StateValue;
  at: number;
}

export interface AlarmHistoryItem {
  alarmName: string;
  timestamp: number;
  type: HistoryItemType;
  summary: string;
  data: string;
}

/** Alarms exist for a week of history before the sandbox starts. */
const CREATED_BEFORE_START_MS = 7 * 86_400_000;
/** CloudWatch evaluates alarms about once a minute; the sandbox looks more often so drills move. */
const EVALUATE_EVERY_MS = 10_000;

export class AlarmBook {
  readonly definitions: AlarmDefinition[] = [];
  readonly arnPrefix: string;
  private readonly states = new Map<string, AlarmState>();
  private readonly items: AlarmHistoryItem[] = [];
  private readonly createdAt: number;
  private lastEvaluated = Number.NEGATIVE_INFINITY;
  private readonly actionListeners = new Set<(action: AlarmAction) => void>();
  /** Alarms a replayed incident drives: evaluation leaves them alone until released. */
  private readonly pinned = new Set<string>();

  constructor(
    private readonly catalog: MetricCatalog,
    load: EstateLoad,
    readonly region: string,
    readonly account: string,
  ) {
    this.arnPrefix = `arn:aws:cloudwatch:${region}:${account}:alarm:`;
    this.createdAt = load.startedAt - CREATED_BEFORE_START_MS;
    // Thresholds come from how the service behaves when healthy, a day before the start.
    const healthyAt = load.startedAt - 86_400_000;
    for (const ref of catalog.loadBalancers) {
      const service = ref.service;
      const dims: Dimension[] = [{ Name: 'LoadBalancer', Value: ref.loadBalancer }];
      const errors = catalog.find('AWS/ApplicationELB', 'HTTPCode_Target_5XX_Count', dims);
      const latency = catalog.find('AWS/ApplicationELB', 'TargetResponseTime', dims);
      const base = alarmBaseName(service);
      if (errors) {
        this.define({
          name: `${base}-5xx-high`,
          description: `More than 2% of ${service.name}'s requests fail with 5xx at the targets.`,
          serviceId: service.id,
          series: errors,
          statistic: { kind: 'Sum', name: 'Sum' },
          periodSeconds: 60,
          evaluationPeriods: 2,
          datapointsToAlarm: 1,
          threshold: Math.max(5, Math.ceil(service.baseRps * 60 * 0.02)),
          actions: [this.topic(service.team)],
        });
      }
      const healthy = load.serviceAt(service.id, healthyAt);
      if (latency && healthy) {
        this.define({
          name: `${base}-latency-p99-high`,
          description: `${service.name}'s p99 target response time is well above its normal.`,
          serviceId: service.id,
          series: latency,
          statistic: parseStatistic('p99') as Statistic,
          periodSeconds: 60,
          evaluationPeriods: 3,
          datapointsToAlarm: 2,
          threshold: Math.max(0.25, Math.round((healthy.p99Ms / 1000) * 2.5 * 100) / 100),
          actions: [this.topic(service.team)],
        });
      }
    }
    for (const service of load.services) {
      if (!service.dbInstance) continue;
      const cpu = catalog.find('AWS/RDS', 'CPUUtilization', [{ Name: 'DBInstanceIdentifier', Value: service.dbInstance }]);
      if (!cpu) continue;
      this.define({
        name: `${service.dbInstance}-cpu-high`,
        description: `Database ${service.dbInstance} runs hot: CPU above 80%.`,
        serviceId: service.id,
        series: cpu,
        statistic: { kind: 'Average', name: 'Average' },
        periodSeconds: 60,
        evaluationPeriods: 3,
        datapointsToAlarm: 2,
        threshold: 80,
        actions: [this.topic(service.team)],
      });
    }
    this.evaluate(load.startedAt, true);
  }

  private topic(team: string): string {
    return `arn:aws:sns:${this.region}:${this.account}:${team}-oncall`;
  }

  private define(definition: AlarmDefinition): void {
    this.definitions.push(definition);
    this.items.push({
      alarmName: definition.name,
      timestamp: this.createdAt,
      type: 'ConfigurationUpdate',
      summary: `Alarm "${definition.name}" created`,
      data: JSON.stringify({ version: '1.0', type: 'Create', createdAlarm: { alarmName: definition.name, threshold: definition.threshold } }),
    });
    const reason = 'Unchecked: Initial alarm creation';
    this.states.set(definition.name, {
      value: 'INSUFFICIENT_DATA',
      reason,
      reasonData: '',
      updatedAt: this.createdAt,
      transitionedAt: this.createdAt,
    });
    // The first evaluation a minute after creation found the service healthy.
    this.transition(definition, this.createdAt + 60_000, 'OK', 'Threshold Crossed: no datapoints were breaching the threshold', '{}');
  }

  state(name: string): AlarmState | undefined {
    return this.states.get(name);
  }

  /** Subscribes to the alarm actions executed from now on, as an SNS topic subscriber would. */
  onAction(listener: (action: AlarmAction) => void): () => void {
    this.actionListeners.add(listener);
    return () => this.actionListeners.delete(listener);
  }

  history(): readonly AlarmHistoryItem[] {
    return this.items;
  }

  /** Re-evaluates every alarm at `now`; cheap to call on every tick. */
  evaluate(now: number, force = false): void {
    if (!force && now - this.lastEvaluated < EVALUATE_EVERY_MS) return;
    this.lastEvaluated = now;
    for (const definition of this.definitions) {
      if (this.pinned.has(definition.name)) continue;
      const periodMs = definition.periodSeconds * 1000;
      const datapoints: { at: number; value: number }[] = [];
      for (let k = 1; k <= definition.evaluationPeriods; k++) {
        const start = now - k * periodMs;
        const stats = aggregate(definition.series, start, periodMs, now);
        if (stats) datapoints.push({ at: start, value: valueOf(stats, definition.statistic) });
      }
      // Missing data counts as not breaching (TreatMissingData: notBreaching).
      const breaching = datapoints.filter((d) => d.value > definition.threshold);
      const next: StateValue = breaching.length >= definition.datapointsToAlarm ? 'ALARM' : 'OK';
      const current = this.states.get(definition.name);
      if (current?.value === next) continue;
      const shown = next === 'ALARM' ? breaching : datapoints;
      const list = shown.map((d) => `${round(d.value)} (${reasonDate(d.at)})`).join(', ');
      const reason =
        next === 'ALARM'
          ? `Threshold Crossed: ${breaching.length} out of the last ${definition.evaluationPeriods} datapoints [${list}] ${breaching.length === 1 ? 'was' : 'were'} greater than the threshold (${round(definition.threshold)}) (minimum ${definition.datapointsToAlarm} datapoint${definition.datapointsToAlarm === 1 ? '' : 's'} for OK -> ALARM transition).`
          : `Threshold Crossed: ${datapoints.length} datapoint${datapoints.length === 1 ? '' : 's'} [${list}] ${datapoints.length === 1 ? 'was' : 'were'} not greater than the threshold (${round(definition.threshold)}) (minimum 1 datapoint for ALARM -> OK transition).`;
      const reasonData = JSON.stringify({
        version: '1.0',
        queryDate: isoWithOffset(now),
        startDate: isoWithOffset(now - definition.evaluationPeriods * periodMs),
        ...(definition.statistic.kind === 'percentile' ? { extendedStatistic: definition.statistic.name } : { statistic: definition.statistic.name }),
        period: definition.periodSeconds,
        recentDatapoints: datapoints.map((d) => round(d.value)),
        threshold: definition.threshold,
        evaluatedDatapoints: datapoints.map((d) => ({ timestamp: isoWithOffset(d.at), value: round(d.value) })),
      });
      this.transition(definition, now, next, reason, reasonData);
    }
  }

  /**
   * A replayed incident sets an alarm's state at a recorded time, as CloudWatch's SetAlarmState
   * does (history item, actions), and holds it there: the sandbox's own evaluation would put it
   * back at its next look, where real CloudWatch lets a replayed state stand only until then.
   */
  replayState(name: string, value: StateValue, reason: string, at: number): boolean {
    const definition = this.definitions.find((d) => d.name === name);
    if (!definition) return false;
    this.pinned.add(name);
    if (this.states.get(name)?.value === value) return true;
    this.transition(definition, at, value, reason, '');
    return true;
  }

  /** Takes alarms out of evaluation before a replay drives them, so none fires on its own first. */
  hold(names: Iterable<string>): void {
    for (const name of names) if (this.definitions.some((d) => d.name === name)) this.pinned.add(name);
  }

  /** Gives the replayed alarms back to evaluation. */
  release(names: Iterable<string>): void {
    for (const name of names) this.pinned.delete(name);
  }

  private transition(definition: AlarmDefinition, at: number, value: StateValue, reason: string, reasonData: string): void {
    const old = this.states.get(definition.name);
    this.states.set(definition.name, { value, reason, reasonData, updatedAt: at, transitionedAt: at });
    this.items.push({
      alarmName: definition.name,
      timestamp: at,
      type: 'StateUpdate',
      summary: `Alarm updated from ${old?.value ?? 'INSUFFICIENT_DATA'} to ${value}`,
      data: JSON.stringify({
        version: '1.0',
        oldState: { stateValue: old?.value ?? 'INSUFFICIENT_DATA', stateReason: old?.reason ?? '' },
        newState: { stateValue: value, stateReason: reason, ...(reasonData ? { stateReasonData: JSON.parse(reasonData) as unknown } : {}) },
      }),
    });
    if (value === 'ALARM') {
      for (const action of definition.actions) {
        this.items.push({
          alarmName: definition.name,
          timestamp: at,
          type: 'Action',
          summary: `Successfully executed action ${action}`,
          data: JSON.stringify({ actionState: 'Succeeded', stateUpdateTimestamp: at, notificationResource: action, publishedMessage: { default: definition.name } }),
        });
        const delivered: AlarmAction = { alarmName: definition.name, alarmArn: `${this.arnPrefix}${definition.name}`, description: definition.description, serviceId: definition.serviceId, region: this.region, topicArn: action, state: value, at };
        for (const listener of this.actionListeners) listener(delivered);
      }
    }
  }
}

function alarmBaseName(service: ServiceSpec): string {
  return `${service.cluster}-${service.namespace}-${service.name}`;
}

function round(v: number): number {
  return Math.round(v * 1000) / 1000;
}

/** CloudWatch's reason text writes times as dd/MM/yy HH:mm:ss in UTC. */
function reasonDate(ms: number): string {
  const d = new Date(ms);
  const two = (n: number) => String(n).padStart(2, '0');
  return `${two(d.getUTCDate())}/${two(d.getUTCMonth() + 1)}/${two(d.getUTCFullYear() % 100)} ${two(d.getUTCHours())}:${two(d.getUTCMinutes())}:${two(d.getUTCSeconds())}`;
}

function isoWithOffset(ms: number): string {
  return new Date(ms).toISOString().replace('Z', '+0000');
}
