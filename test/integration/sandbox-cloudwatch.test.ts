import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  CloudWatchClient,
  DescribeAlarmHistoryCommand,
  DescribeAlarmsCommand,
  GetMetricStatisticsCommand,
  paginateGetMetricData,
  paginateListMetrics,
  type MetricDataResult,
  type Metric,
} from '@aws-sdk/client-cloudwatch';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox, type RunningSandbox } from '../../electron/engine/sandbox/start.js';

/**
 * The AWS SDK's CloudWatch client against the sandbox, configured the way a user's machine
 * would be: only through the profile files the sandbox wrote (the SDK reads endpoint_url from
 * the profile). Nothing here tells the client where the sandbox is.
 */

const AWS_ENV = ['AWS_CONFIG_FILE', 'AWS_SHARED_CREDENTIALS_FILE', 'AWS_PROFILE', 'AWS_REGION', 'AWS_DEFAULT_REGION', 'AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN', 'AWS_ENDPOINT_URL', 'AWS_ENDPOINT_URL_CLOUDWATCH'];
const savedEnv = new Map(AWS_ENV.map((k) => [k, process.env[k]]));

let sandbox: RunningSandbox;
let outDir: string;
let client: CloudWatchClient;

beforeAll(async () => {
  outDir = mkdtempSync(path.join(os.tmpdir(), 'daytwo-cw-'));
  sandbox = await startSandbox({ outDir, seed: 42 });
  for (const k of AWS_ENV) delete process.env[k];
  process.env.AWS_CONFIG_FILE = sandbox.awsConfigPath;
  process.env.AWS_SHARED_CREDENTIALS_FILE = sandbox.awsCredentialsPath;
  process.env.AWS_PROFILE = 'daytwo-sandbox';
  client = new CloudWatchClient({});
});

afterAll(async () => {
  client?.destroy();
  await sandbox?.stop();
  for (const [k, v] of savedEnv) {
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
  rmSync(outDir, { recursive: true, force: true });
});

const hoursAgo = (h: number) => new Date(Math.floor(Date.now() / 3_600_000) * 3_600_000 - h * 3_600_000);

async function allMetrics(input: { Namespace?: string; MetricName?: string }): Promise<Metric[]> {
  const metrics: Metric[] = [];
  for await (const page of paginateListMetrics({ client }, input)) metrics.push(...(page.Metrics ?? []));
  return metrics;
}

describe('CloudWatch through the profile the sandbox wrote', () => {
  it('lists load balancer, database and node group metrics', async () => {
    const alb = await allMetrics({ Namespace: 'AWS/ApplicationELB', MetricName: 'RequestCount' });
    const loadBalancers = new Set(alb.map((m) => m.Dimensions?.find((d) => d.Name === 'LoadBalancer')?.Value));
    expect(loadBalancers.size).toBeGreaterThanOrEqual(3);
    for (const lb of loadBalancers) expect(lb).toMatch(/^app\/k8s-[a-z0-9-]+\/[0-9a-f]{16}$/);
    const rds = await allMetrics({ Namespace: 'AWS/RDS' });
    expect(rds.map((m) => m.MetricName)).toEqual(expect.arrayContaining(['CPUUtilization', 'DatabaseConnections']));
    const ec2 = await allMetrics({ Namespace: 'AWS/EC2' });
    expect(ec2.some((m) => m.Dimensions?.[0]?.Name === 'AutoScalingGroupName')).toBe(true);
  });

  it('answers GetMetricData with several queries across pages, ascending when asked', async () => {
    const [lb] = await allMetrics({ Namespace: 'AWS/ApplicationELB', MetricName: 'RequestCount' });
    const dims = lb!.Dimensions!.filter((d) => d.Name === 'LoadBalancer');
    const [db] = await allMetrics({ Namespace: 'AWS/RDS', MetricName: 'CPUUtilization' });
    const start = hoursAgo(6);
    const end = hoursAgo(0);
    const results = new Map<string, { timestamps: Date[]; values: number[]; statuses: string[] }>();
    let pages = 0;
    for await (const page of paginateGetMetricData(
      { client },
      {
        StartTime: start,
        EndTime: end,
        ScanBy: 'TimestampAscending',
        MaxDatapoints: 200,
        MetricDataQueries: [
          { Id: 'requests', MetricStat: { Metric: { Namespace: 'AWS/ApplicationELB', MetricName: 'RequestCount', Dimensions: dims }, Period: 60, Stat: 'Sum' } },
          { Id: 'errors', MetricStat: { Metric: { Namespace: 'AWS/ApplicationELB', MetricName: 'HTTPCode_Target_5XX_Count', Dimensions: dims }, Period: 60, Stat: 'Sum' } },
          { Id: 'p99', MetricStat: { Metric: { Namespace: 'AWS/ApplicationELB', MetricName: 'TargetResponseTime', Dimensions: dims }, Period: 300, Stat: 'p99' } },
          { Id: 'dbcpu', MetricStat: { Metric: db!, Period: 3600, Stat: 'Average' } },
        ],
      },
    )) {
      pages++;
      for (const r of page.MetricDataResults ?? ([] as MetricDataResult[])) {
        const acc = results.get(r.Id!) ?? { timestamps: [], values: [], statuses: [] };
        acc.timestamps.push(...(r.Timestamps ?? []));
        acc.values.push(...(r.Values ?? []));
        acc.statuses.push(r.StatusCode!);
        results.set(r.Id!, acc);
      }
    }
    // 360 + 360 + 72 + 6 datapoints at 200 a page.
    expect(pages).toBe(4);
    expect(results.get('requests')!.timestamps).toHaveLength(360);
    expect(results.get('requests')!.statuses).toContain('PartialData');
    expect(results.get('errors')!.timestamps).toHaveLength(360);
    expect(results.get('p99')!.timestamps).toHaveLength(72);
    expect(results.get('dbcpu')!.values).toHaveLength(6);
    const ts = results.get('requests')!.timestamps.map((d) => d.getTime());
    expect(ts[0]).toBe(start.getTime());
    expect(ts).toEqual([...ts].sort((a, b) => a - b));
    const requests = results.get('requests')!.values;
    const errors = results.get('errors')!.values;
    expect(Math.min(...requests)).toBeGreaterThan(0);
    expect(errors.every((e, i) => e < requests[i]!)).toBe(true);
  });

  it('answers GetMetricStatistics, and refuses too many datapoints with the SDK error AWS gives', async () => {
    const [db] = await allMetrics({ Namespace: 'AWS/RDS', MetricName: 'CPUUtilization' });
    const day = await client.send(
      new GetMetricStatisticsCommand({ ...(db as Required<Pick<Metric, 'Namespace' | 'MetricName'>>), Dimensions: db!.Dimensions, StartTime: hoursAgo(24), EndTime: hoursAgo(0), Period: 3600, Statistics: ['Average', 'Maximum'] }),
    );
    expect(day.Datapoints).toHaveLength(24);
    for (const p of day.Datapoints ?? []) {
      expect(p.Unit).toBe('Percent');
      expect(p.Maximum!).toBeGreaterThanOrEqual(p.Average!);
    }
    await expect(
      client.send(new GetMetricStatisticsCommand({ Namespace: db!.Namespace!, MetricName: db!.MetricName!, Dimensions: db!.Dimensions, StartTime: hoursAgo(48), EndTime: hoursAgo(0), Period: 60, Statistics: ['Average'] })),
    ).rejects.toMatchObject({ name: 'InvalidParameterCombinationException', message: expect.stringMatching(/exceeds the limit of 1440/) });
  });

  it('describes alarms and their history', async () => {
    const all = await client.send(new DescribeAlarmsCommand({}));
    const names = (all.MetricAlarms ?? []).map((a) => a.AlarmName);
    expect(names.some((n) => n?.endsWith('-5xx-high'))).toBe(true);
    expect(names.some((n) => n?.endsWith('-cpu-high'))).toBe(true);
    const ok = await client.send(new DescribeAlarmsCommand({ StateValue: 'OK' }));
    const alarm = await client.send(new DescribeAlarmsCommand({ StateValue: 'ALARM' }));
    expect((ok.MetricAlarms?.length ?? 0) + (alarm.MetricAlarms?.length ?? 0)).toBe(names.length);
    const first = all.MetricAlarms![0]!;
    expect(first.AlarmArn).toMatch(/^arn:aws:cloudwatch:us-east-1:\d{12}:alarm:/);
    expect(first.StateUpdatedTimestamp).toBeInstanceOf(Date);
    const history = await client.send(new DescribeAlarmHistoryCommand({ AlarmName: first.AlarmName, ScanBy: 'TimestampAscending' }));
    const items = history.AlarmHistoryItems ?? [];
    expect(items[0]).toMatchObject({ HistoryItemType: 'ConfigurationUpdate', AlarmType: 'MetricAlarm' });
    expect(items[1]!.HistorySummary).toBe('Alarm updated from INSUFFICIENT_DATA to OK');
    expect(items[1]!.Timestamp!.getTime()).toBeLessThan(Date.now() - 6 * 86_400_000);
  });

  it('retries a throttled call and then succeeds', async () => {
    const admin = await fetch(`http://127.0.0.1:${sandbox.port}/sandbox/cloudwatch/throttle`, {
      method: 'POST',
      body: JSON.stringify({ count: 2 }),
      headers: { Authorization: `Bearer ${sandbox.adminToken}` },
    });
    expect(admin.status).toBe(200);
    const out = await client.send(new DescribeAlarmsCommand({ MaxRecords: 1 }));
    expect(out.MetricAlarms).toHaveLength(1);
    expect(out.$metadata.attempts).toBe(3);
    expect(out.$metadata.totalRetryDelay).toBeGreaterThan(0);
  });
});
