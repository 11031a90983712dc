import { DescribeAlarmHistoryCommand, DescribeAlarmsCommand } from '@aws-sdk/client-cloudwatch';
import type { MetricAlarm } from '@aws-sdk/client-cloudwatch';
import type { Alert } from '../../../shared/api/metrics.js';
import type { EstateEvent } from '../../../shared/estate/event.js';
import type { Entity } from '../../../shared/estate/model.js';
import type { SourceConnection } from '../sources/start-sources.js';
import type { AlarmDefinition, EstateView } from './panels.js';
import { alerts as prometheusAlerts } from '../providers/prometheus/http-api.js';
import type { PrometheusAlert } from '../providers/prometheus/http-api.js';
import { alertmanagerAlerts } from '../providers/alertmanager/http-api.js';
import type { AlertmanagerAlert } from '../providers/alertmanager/http-api.js';
import { cloudResourceId, clusterNameOf, kubeObjectId, parseKubeId } from '../../../shared/estate/ids.js';

export interface AlertWatchOptions {
  estate: EstateView & { recordEvents(sourceId: string, events: readonly EstateEvent[]): void; alarms(): Entity[]; clusters(): Entity[] };
  connection: (sourceId: string) => SourceConnection | undefined;
  intervalMs?: number;
  now?: () => number;
  log?: (message: string) => void;
  /**
   * The Kubernetes contexts a Prometheus source's alert with this `cluster` label (or none) can
   * concern, from what the source is learned to cover; undefined when that is not known.
   */
  coveredClusters?: (sourceId: string, clusterLabel: string | undefined) => ReadonlySet<string> | undefined;
}

const COMPARISON: Record<string, AlarmDefinition['comparison']> = {
  GreaterThanThreshold: '>',
  GreaterThanOrEqualToThreshold: '>=',
  LessThanThreshold: '<',
  LessThanOrEqualToThreshold: '<=',
};

/**
 * Alarms and alerts as estate events and one list. For each AWS source: DescribeAlarms (the
 * definitions, so thresholds can be drawn in a panel's units) and DescribeAlarmHistory's
 * StateUpdate items since the last poll, each recorded as an event on the alarm and on every
 * resource it alarms on. https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_DescribeAlarmHistory.html
 * For each Prometheus source: /api/v1/alerts, an event when an alert starts pending or firing
 * and when it leaves, linked to the Kubernetes objects its labels name.
 * The CloudWatch half of the list reads the estate's alarm entities, so it is there offline too.
 */
export class AlertWatch {
  private readonly definitions = new Map<string, AlarmDefinition>();
  private readonly historySince = new Map<string, number>();
  private readonly promAlerts = new Map<string, { alerts: PrometheusAlert[]; at: number }>();
  private readonly managerAlerts = new Map<string, AlertmanagerAlert[]>();
  private readonly controller = new AbortController();
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private stopped = false;
  private readonly now: () => number;

  constructor(private readonly options: AlertWatchOptions) {
    this.now = options.now ?? Date.now;
  }

  start(): void {
    this.schedule(1_000);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.controller.abort();
    if (this.timer) clearTimeout(this.timer);
    await this.running;
  }

  /** The alarm definition behind an alarm entity, once DescribeAlarms has been read. */
  definition(alarmEntityId: string): AlarmDefinition | undefined {
    return this.definitions.get(alarmEntityId);
  }

  /** One pass over every source; exposed for tests. */
  async poll(): Promise<void> {
    for (const source of this.options.estate.sources()) {
      if (!source.enabled || source.state !== 'live') continue;
      const connection = this.options.connection(source.id);
      try {
        if (connection?.kind === 'aws') await this.pollCloudWatch(source.id, connection);
        if (connection?.kind === 'prometheus') await this.pollPrometheus(source.id, connection);
        if (connection?.kind === 'alertmanager') await this.pollAlertmanager(source.id, connection);
      } catch (error) {
        if (!this.stopped) this.options.log?.(`alerts from ${source.id}: ${(error as Error).message}`);
      }
    }
  }

  list(): Alert[] {
    const out: Alert[] = [];
    const { estate } = this.options;
    for (const source of estate.sources()) {
      if (source.kind === 'aws') out.push(...this.cloudWatchAlerts(source.id));
      const prom = this.promAlerts.get(source.id);
      if (prom) for (const a of prom.alerts) out.push(this.promAlert(source.id, a));
      for (const a of this.managerAlerts.get(source.id) ?? []) out.push(this.managerAlert(source.id, a));
    }
    const stateRank: Record<Alert['state'], number> = { firing: 0, pending: 1, 'insufficient-data': 2, ok: 3 };
    const severityRank: Record<Alert['severity'], number> = { critical: 0, warning: 1, info: 2 };
    return out.sort(
      (a, b) => stateRank[a.state] - stateRank[b.state] || severityRank[a.severity] - severityRank[b.severity] || (b.since ?? 0) - (a.since ?? 0) || a.id.localeCompare(b.id),
    );
  }

  private cloudWatchAlerts(sourceId: string): Alert[] {
    const { estate } = this.options;
    const out: Alert[] = [];
    const seen = new Set<string>();
    for (const candidate of this.alarmEntities(sourceId)) {
      if (seen.has(candidate.id)) continue;
      seen.add(candidate.id);
      const state = candidate.status.state;
      const targets = estate.relationsOf(candidate.id).filter((r) => r.kind === 'alarms-on' && r.from === candidate.id).map((r) => r.to);
      out.push({
        id: `cloudwatch:${sourceId}/${candidate.name}`,
        sourceId,
        origin: 'cloudwatch-alarm',
        name: candidate.name,
        state: state === 'ALARM' ? 'firing' : state === 'OK' ? 'ok' : 'insufficient-data',
        severity: state === 'ALARM' ? 'critical' : 'info',
        summary: candidate.healthReason,
        entityIds: [candidate.id, ...targets],
        since: typeof candidate.status.stateUpdatedAt === 'number' ? candidate.status.stateUpdatedAt : null,
        labels: { metric: String(candidate.status.metric ?? '') },
      });
    }
    return out;
  }

  /** The source's alarm entities (live or cached), so the list works offline. */
  private alarmEntities(sourceId: string): Entity[] {
    return this.options.estate.alarms().filter((e) => e.sourceId === sourceId);
  }

  private async pollCloudWatch(sourceId: string, connection: Extract<SourceConnection, { kind: 'aws' }>): Promise<void> {
    // The source's one CloudWatch client, from sources/ (renewed when the AWS files change).
    const client = connection.cloudWatch();
    const signal = this.controller.signal;
    const alarms: MetricAlarm[] = [];
    let next: string | undefined;
    do {
      const page = await client.send(new DescribeAlarmsCommand({ NextToken: next, MaxRecords: 100 }), { abortSignal: signal });
      alarms.push(...(page.MetricAlarms ?? []));
      next = page.NextToken;
    } while (next);
    const idByName = new Map<string, string>();
    for (const alarm of alarms) {
      const name = alarm.AlarmName ?? '';
      const account = connection.profile.accountId ?? /^arn:aws[\w-]*:cloudwatch:[\w-]+:(\d{12}):/.exec(alarm.AlarmArn ?? '')?.[1] ?? `profile-${connection.profile.name}`;
      // The id the topology gives the same alarm (providers/aws/cloudwatch-topology.ts).
      const id = cloudResourceId('aws', account, connection.profile.region, 'alarm', name);
      idByName.set(name, id);
      this.definitions.set(id, {
        name,
        namespace: alarm.Namespace ?? '',
        metricName: alarm.MetricName ?? '',
        dimensions: Object.fromEntries((alarm.Dimensions ?? []).map((d) => [d.Name ?? '', d.Value ?? ''])),
        stat: alarm.ExtendedStatistic ?? alarm.Statistic ?? 'Average',
        periodSeconds: alarm.Period ?? 60,
        threshold: alarm.Threshold ?? 0,
        comparison: COMPARISON[alarm.ComparisonOperator ?? ''] ?? '>',
      });
    }

    // State transitions since the last poll (the first poll looks back a week, the span a timeline shows).
    const since = this.historySince.get(sourceId) ?? this.now() - 7 * 86_400_000;
    const events: EstateEvent[] = [];
    let newest = since;
    let token: string | undefined;
    do {
      const page = await client.send(
        new DescribeAlarmHistoryCommand({ HistoryItemType: 'StateUpdate', StartDate: new Date(since), EndDate: new Date(this.now()), MaxRecords: 100, NextToken: token, ScanBy: 'TimestampAscending' }),
        { abortSignal: signal },
      );
      for (const item of page.AlarmHistoryItems ?? []) {
        const at = item.Timestamp?.getTime() ?? 0;
        if (at <= since) continue;
        newest = Math.max(newest, at);
        const alarmId = idByName.get(item.AlarmName ?? '');
        if (!alarmId) continue;
        const { newState, oldState } = parseHistoryData(item.HistoryData);
        const targets = this.options.estate.relationsOf(alarmId).filter((r) => r.kind === 'alarms-on' && r.from === alarmId).map((r) => r.to);
        for (const entityId of [alarmId, ...targets]) {
          events.push({
            id: `cloudwatch-alarm:${item.AlarmName}:${at}:${entityId}`,
            sourceId,
            kind: 'alarm',
            entityId,
            type: newState === 'ALARM' ? 'warning' : 'normal',
            reason: newState ? `Alarm${capital(newState)}` : 'AlarmStateChange',
            message: `${item.AlarmName}: ${oldState ?? '?'} → ${newState ?? '?'}. ${item.HistorySummary ?? ''}`.trim().slice(0, 1000),
            count: 1,
            firstAt: at,
            lastAt: at,
          });
        }
      }
      token = page.NextToken;
    } while (token);
    this.historySince.set(sourceId, newest);
    if (events.length > 0) this.options.estate.recordEvents(sourceId, events);
  }

  private async pollPrometheus(sourceId: string, connection: Extract<SourceConnection, { kind: 'prometheus' }>): Promise<void> {
    const current = await prometheusAlerts(connection, this.controller.signal);
    const active = current.filter((a) => a.state === 'firing' || a.state === 'pending');
    const previous = this.promAlerts.get(sourceId);
    const now = this.now();
    const before = new Map((previous?.alerts ?? []).map((a) => [fingerprint(a), a]));
    const after = new Map(active.map((a) => [fingerprint(a), a]));
    const events: EstateEvent[] = [];
    for (const [key, alert] of after) {
      const was = before.get(key);
      if (was?.state === alert.state) continue;
      const at = alert.activeAt ? Date.parse(alert.activeAt) || now : now;
      for (const entityId of this.entitiesForLabels(sourceId, alert.labels)) {
        events.push(this.promEvent(sourceId, alert, entityId, alert.state === 'firing' ? 'AlertFiring' : 'AlertPending', at));
      }
    }
    for (const [key, alert] of before) {
      if (after.has(key)) continue;
      for (const entityId of this.entitiesForLabels(sourceId, alert.labels)) events.push(this.promEvent(sourceId, alert, entityId, 'AlertResolved', now));
    }
    this.promAlerts.set(sourceId, { alerts: active, at: now });
    if (events.length > 0) this.options.estate.recordEvents(sourceId, events);
  }

  /**
   * Alertmanager (https://github.com/prometheus/alertmanager/blob/main/api/v2/openapi.yaml): an
   * event when an alert arrives (firing, with the receivers it was routed to), when a silence
   * starts or stops holding it, and when it leaves; linked by the standard labels like Prometheus's.
   */
  private async pollAlertmanager(sourceId: string, connection: Extract<SourceConnection, { kind: 'alertmanager' }>): Promise<void> {
    const current = await alertmanagerAlerts(connection, this.controller.signal);
    const previous = this.managerAlerts.get(sourceId);
    const now = this.now();
    const before = new Map((previous ?? []).map((a) => [a.fingerprint, a]));
    const events: EstateEvent[] = [];
    const push = (alert: AlertmanagerAlert, reason: string, at: number, message: string) => {
      for (const entityId of this.entitiesForLabels(sourceId, alert.labels)) {
        events.push({
          id: `alertmanager-alert:${alert.fingerprint}:${reason}:${at}:${entityId ?? ''}`,
          sourceId,
          entityId,
          kind: 'alert',
          type: reason === 'AlertResolved' || reason === 'AlertSilenced' ? 'normal' : 'warning',
          reason,
          message: message.slice(0, 1000),
          count: 1,
          firstAt: at,
          lastAt: at,
        });
      }
    };
    for (const alert of current) {
      const was = before.get(alert.fingerprint);
      const name = alert.labels.alertname ?? 'alert';
      const summary = alert.annotations.summary ?? alert.annotations.description ?? '';
      if (!was) {
        const receivers = alert.receivers.map((r) => r.name).join(', ');
        push(alert, 'AlertFiring', Date.parse(alert.startsAt) || now, `${name}: ${summary}${receivers ? ` (notified ${receivers})` : ''}`.trim());
      }
      const silenced = alert.status.silencedBy.length > 0;
      const wasSilenced = (was?.status.silencedBy.length ?? 0) > 0;
      if (was && silenced !== wasSilenced) {
        push(alert, silenced ? 'AlertSilenced' : 'AlertUnsilenced', now, `${name}: ${silenced ? `silenced by ${alert.status.silencedBy.join(', ')}` : 'no longer silenced'}`);
      }
    }
    const after = new Set(current.map((a) => a.fingerprint));
    for (const [key, alert] of before) {
      if (!after.has(key)) push(alert, 'AlertResolved', now, `${alert.labels.alertname ?? 'alert'}: resolved`);
    }
    this.managerAlerts.set(sourceId, current);
    if (events.length > 0) this.options.estate.recordEvents(sourceId, events);
  }

  private managerAlert(sourceId: string, alert: AlertmanagerAlert): Alert {
    const severity = alert.labels.severity;
    return {
      id: `alertmanager:${sourceId}/${alert.fingerprint}`,
      sourceId,
      origin: 'alertmanager-alert',
      name: alert.labels.alertname ?? 'alert',
      // Alertmanager only holds alerts that fire; a silenced one still fires, it just pages nobody.
      state: 'firing',
      severity: severity === 'critical' || severity === 'warning' || severity === 'info' ? severity : 'warning',
      summary: (alert.annotations.summary ?? alert.annotations.description ?? '').slice(0, 500),
      entityIds: this.entitiesForLabels(sourceId, alert.labels).filter((id): id is string => id !== null),
      since: Date.parse(alert.startsAt) || null,
      labels: alert.labels,
      receivers: alert.receivers.map((r) => r.name),
      ...(alert.annotations.runbook_url ? { runbookUrl: alert.annotations.runbook_url } : {}),
      silenced: alert.status.silencedBy.length > 0,
    };
  }

  private promEvent(sourceId: string, alert: PrometheusAlert, entityId: string | null, reason: string, at: number): EstateEvent {
    const name = alert.labels.alertname ?? 'alert';
    return {
      id: `prometheus-alert:${fingerprint(alert)}:${reason}:${at}:${entityId ?? ''}`,
      sourceId,
      kind: 'alert',
      entityId,
      type: reason === 'AlertResolved' ? 'normal' : 'warning',
      reason,
      message: `${name}: ${alert.annotations.summary ?? alert.annotations.description ?? ''}`.trim().slice(0, 1000),
      count: 1,
      firstAt: at,
      lastAt: at,
    };
  }

  private promAlert(sourceId: string, alert: PrometheusAlert): Alert {
    const severity = alert.labels.severity;
    return {
      id: `prometheus:${sourceId}/${fingerprint(alert)}`,
      sourceId,
      origin: 'prometheus-alert',
      name: alert.labels.alertname ?? 'alert',
      state: alert.state === 'firing' ? 'firing' : 'pending',
      severity: severity === 'critical' || severity === 'warning' || severity === 'info' ? severity : 'warning',
      summary: (alert.annotations.summary ?? alert.annotations.description ?? '').slice(0, 500),
      entityIds: this.entitiesForLabels(sourceId, alert.labels).filter((id): id is string => id !== null),
      since: alert.activeAt ? Date.parse(alert.activeAt) || null : null,
      labels: alert.labels,
    };
  }

  /**
   * Kubernetes objects an alert's labels name (namespace with service / deployment / pod,
   * optionally cluster), in every context whose cluster matches; [null] when none is known.
   * A kube-prometheus-stack Prometheus's alerts carry no `cluster` label: the clusters the
   * source covers say which cluster they come from, so a same-named object elsewhere is not
   * blamed.
   */
  private entitiesForLabels(sourceId: string, labels: Record<string, string>): (string | null)[] {
    const found = entitiesForAlertLabels(this.options.estate, labels, this.options.coveredClusters?.(sourceId, labels.cluster));
    return found.length > 0 ? found : [null];
  }

  private schedule(ms: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.running = this.poll().finally(() => this.schedule(this.options.intervalMs ?? 30_000));
    }, ms);
    this.timer.unref?.();
  }
}

/**
 * The estate entities an alert's standard labels name (cluster, namespace, service, deployment,
 * statefulset, pod, node), in every Kubernetes context that has them. Alert events and
 * runbook offers (runbooks/alert-offers.ts) both ask here.
 */
/**
 * The estate's entities an alert's standard labels (`namespace`, `service`, `deployment`,
 * `statefulset`, `pod`, `node`, `cluster`) name. A kube-prometheus-stack Prometheus's alerts carry
 * no `cluster` label: `covered`, the cluster keys its source covers, says which cluster they come
 * from, so a same-named object elsewhere is not blamed.
 */
export function entitiesForAlertLabels(estate: AlertEstate, labels: Record<string, string>, covered?: ReadonlySet<string>): string[] {
  const out: string[] = [];
  const namespace = labels.namespace;
  // One cluster entity however many contexts reach it (sources/kubernetes/cluster-identity.ts).
  for (const cluster of estate.clusters()) {
    const key = parseKubeId(cluster.id)?.clusterKey;
    if (!key) continue;
    if (covered && covered.size > 0 && !covered.has(key)) continue;
    const clusterName = typeof cluster.status.cluster === 'string' ? cluster.status.cluster : clusterNameOf(key);
    if (labels.cluster && labels.cluster !== clusterName && labels.cluster !== clusterNameOf(key)) continue;
    if (!namespace) {
      // A node is named even before the estate lists it: the alert may be why it went missing.
      if (labels.node) out.push(kubeObjectId(key, 'Node', null, labels.node));
      continue;
    }
    const candidates = [
      labels.service && kubeObjectId(key, 'Service', namespace, labels.service),
      labels.deployment && kubeObjectId(key, 'Deployment', namespace, labels.deployment),
      labels.statefulset && kubeObjectId(key, 'StatefulSet', namespace, labels.statefulset),
      labels.pod && kubeObjectId(key, 'Pod', namespace, labels.pod),
    ];
    for (const id of candidates) if (id && estate.get(id)) out.push(id);
  }
  return out;
}

/** What linking alerts to entities reads of the estate. */
export interface AlertEstate {
  get(id: string): Entity | undefined;
  clusters(): Entity[];
}

function fingerprint(alert: PrometheusAlert): string {
  const labels = Object.keys(alert.labels).sort().map((k) => `${k}=${JSON.stringify(alert.labels[k])}`);
  return `${alert.labels.alertname ?? ''}{${labels.join(',')}}`;
}

function capital(state: string): string {
  return state === 'INSUFFICIENT_DATA' ? 'InsufficientData' : state.charAt(0) + state.slice(1).toLowerCase();
}

/** HistoryData of a StateUpdate is JSON with oldState.stateValue and newState.stateValue. */
function parseHistoryData(text: string | undefined): { oldState?: string; newState?: string } {
  try {
    const data = JSON.parse(text ?? '{}') as { oldState?: { stateValue?: string }; newState?: { stateValue?: string } };
    return { oldState: data.oldState?.stateValue, newState: data.newState?.stateValue };
  } catch {
    return {};
  }
}
