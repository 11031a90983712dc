import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { attachCloud, type CloudSideInternals } from '../../../electron/engine/sandbox/cloud.js';
import { FakeWorld, T0 } from './fake-world.js';

const LB = 'app/k8s-shop-checkout-4d5e6f/7a8b9c0d1e2f3a4b';
const CHECKOUT = 'shop-prod-eks/shop/checkout';

let world: FakeWorld;
let side: CloudSideInternals;
let server: http.Server;
let base: string;

beforeEach(async () => {
  world = new FakeWorld();
  side = attachCloud(world, {});
  server = http.createServer((req, res) => {
    void side.handle(req, res, new URL(req.url ?? '/', 'http://localhost')).then((served) => {
      if (!served) {
        res.writeHead(404);
        res.end();
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterEach(async () => {
  side.stop();
  await new Promise((resolve) => server.close(resolve));
});

interface MetricDataResult {
  Id: string;
  Label: string;
  Timestamps: number[];
  Values: number[];
  StatusCode: string;
}
interface AwsBody {
  __type?: string;
  message?: string;
  NextToken?: string;
  Label?: string;
  Metrics?: { Namespace: string; MetricName: string; Dimensions: { Name: string; Value: string }[] }[];
  MetricDataResults?: MetricDataResult[];
  Datapoints?: Record<string, number>[];
  MetricAlarms?: { AlarmName: string; StateValue: string; StateReason: string }[];
  AlarmHistoryItems?: { HistorySummary: string; Timestamp: number; HistoryData: string }[];
}

async function call(operation: string, body: unknown, headers: Record<string, string> = {}) {
  const res = await fetch(`${base}/`, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-amz-json-1.0',
      'x-amz-target': `GraniteServiceVersion20100801.${operation}`,
      authorization: 'AWS4-HMAC-SHA256 Credential=sandbox/20261120/eu-west-1/monitoring/aws4_request, SignedHeaders=host, Signature=00',
      ...headers,
    },
    body: JSON.stringify(body),
  });
  return { status: res.status, queryError: res.headers.get('x-amzn-query-error'), body: (await res.json()) as AwsBody };
}

const seconds = (ms: number) => ms / 1000;
const requestCount = (id: string, stat = 'Sum', period = 60) => ({
  Id: id,
  MetricStat: { Metric: { Namespace: 'AWS/ApplicationELB', MetricName: 'RequestCount', Dimensions: [{ Name: 'LoadBalancer', Value: LB }] }, Period: period, Stat: stat },
});

describe('the CloudWatch endpoint', () => {
  it('refuses an unknown operation the way awsJson services do', async () => {
    const r = await call('PutDashboard', {});
    expect(r.status).toBe(400);
    expect(r.body.__type).toMatch(/UnknownOperationException$/);
    expect(r.queryError).toBe('UnknownOperation;Sender');
  });

  it('refuses malformed input with a validation error naming the field', async () => {
    const r = await call('GetMetricData', { MetricDataQueries: [requestCount('m1')], StartTime: 'yesterday-ish' });
    expect(r.status).toBe(400);
    expect(r.queryError).toBe('ValidationError;Sender');
    expect(r.body.message).toMatch(/startTime|endTime/);
  });

  it('lists the load balancer, database and node group metrics, filtered and paged', async () => {
    const rds = await call('ListMetrics', { Namespace: 'AWS/RDS' });
    expect(rds.body.Metrics!.map((m) => m.MetricName)).toContain('CPUUtilization');
    expect(rds.body.Metrics![0]!.Dimensions).toEqual([{ Name: 'DBInstanceIdentifier', Value: 'shop-orders-prod' }]);
    const tg = await call('ListMetrics', { Namespace: 'AWS/ApplicationELB', MetricName: 'RequestCount', Dimensions: [{ Name: 'TargetGroup' }] });
    expect(tg.body.Metrics).toHaveLength(2);
    expect(tg.body.Metrics![0]!.Dimensions.map((d) => d.Name)).toEqual(['TargetGroup', 'LoadBalancer']);
    const asg = await call('ListMetrics', { Namespace: 'AWS/EC2', Dimensions: [{ Name: 'AutoScalingGroupName' }] });
    expect(asg.body.Metrics![0]!.Dimensions[0]!.Value).toMatch(/^eks-shop-prod-eks-general-/);
    expect(asg.body.NextToken).toBeUndefined();
  });

  it('answers several GetMetricData queries with history from before the sandbox started', async () => {
    const r = await call('GetMetricData', {
      MetricDataQueries: [
        requestCount('requests'),
        { Id: 'p99', MetricStat: { Metric: { Namespace: 'AWS/ApplicationELB', MetricName: 'TargetResponseTime', Dimensions: [{ Name: 'LoadBalancer', Value: LB }] }, Period: 300, Stat: 'p99' } },
        { Id: 'cpu', MetricStat: { Metric: { Namespace: 'AWS/RDS', MetricName: 'CPUUtilization', Dimensions: [{ Name: 'DBInstanceIdentifier', Value: 'shop-orders-prod' }] }, Period: 3600, Stat: 'Maximum' } },
        { Id: 'rate', Expression: 'requests / 60', Label: 'per second' },
      ],
      StartTime: seconds(T0 - 86_400_000),
      EndTime: seconds(T0),
      ScanBy: 'TimestampAscending',
    });
    expect(r.status).toBe(200);
    const [requests, p99, cpu, rate] = r.body.MetricDataResults as [MetricDataResult, MetricDataResult, MetricDataResult, MetricDataResult];
    expect(requests.Timestamps).toHaveLength(1440);
    expect(requests.Timestamps[0]).toBe(seconds(T0 - 86_400_000));
    expect(requests.Timestamps[1]! - requests.Timestamps[0]!).toBe(60);
    // ~200 rps on the checkout API, summed per minute.
    expect(requests.Values[0]).toBeGreaterThan(200 * 60 * 0.5);
    expect(requests.Values[0]).toBeLessThan(200 * 60 * 1.5);
    expect(p99.Values).toHaveLength(288);
    expect(Math.max(...p99.Values)).toBeLessThan(1);
    expect(cpu.Values).toHaveLength(24);
    expect(rate.Values[0]).toBeCloseTo(requests.Values[0]! / 60, 6);
    expect(r.body.NextToken).toBeUndefined();
  });

  it('orders newest first by default and paginates past MaxDatapoints', async () => {
    const input = { MetricDataQueries: [requestCount('a'), requestCount('b', 'Average')], StartTime: seconds(T0 - 3_600_000), EndTime: seconds(T0), MaxDatapoints: 50 };
    const pages: AwsBody[] = [];
    let token: string | undefined;
    do {
      const r = await call('GetMetricData', { ...input, ...(token ? { NextToken: token } : {}) });
      expect(r.status).toBe(200);
      pages.push(r.body);
      token = r.body.NextToken;
    } while (token);
    expect(pages).toHaveLength(3);
    expect(pages[0]!.MetricDataResults![0]).toMatchObject({ Id: 'a', StatusCode: 'PartialData' });
    const all = (id: string) => pages.flatMap((p) => p.MetricDataResults!.filter((x) => x.Id === id).flatMap((x) => x.Timestamps));
    expect(all('a')).toHaveLength(60);
    expect(all('b')).toHaveLength(60);
    expect(all('a')[0]).toBeGreaterThan(all('a')[1]!);
    const last = pages[2]!.MetricDataResults!;
    expect(last[last.length - 1]).toMatchObject({ Id: 'b', StatusCode: 'Complete' });
  });

  it('refuses a NextToken from another request, and more than 500 queries', async () => {
    const first = await call('GetMetricData', { MetricDataQueries: [requestCount('a')], StartTime: seconds(T0 - 3_600_000), EndTime: seconds(T0), MaxDatapoints: 10 });
    const replay = await call('GetMetricData', { MetricDataQueries: [requestCount('z')], StartTime: seconds(T0 - 3_600_000), EndTime: seconds(T0), NextToken: first.body.NextToken });
    expect(replay.status).toBe(400);
    expect(replay.queryError).toBe('InvalidNextToken;Sender');
    const queries = Array.from({ length: 501 }, (_, i) => requestCount(`q${i}`));
    const tooMany = await call('GetMetricData', { MetricDataQueries: queries, StartTime: seconds(T0 - 3_600_000), EndTime: seconds(T0) });
    expect(tooMany.status).toBe(400);
    expect(tooMany.queryError).toBe('ValidationError;Sender');
    expect(tooMany.body.message).toMatch(/less than or equal to 500/);
  });

  it('answers GetMetricStatistics and refuses more than 1,440 datapoints', async () => {
    const ok = await call('GetMetricStatistics', {
      Namespace: 'AWS/ApplicationELB', MetricName: 'TargetResponseTime', Dimensions: [{ Name: 'LoadBalancer', Value: LB }],
      StartTime: seconds(T0 - 3_600_000), EndTime: seconds(T0), Period: 300, Statistics: ['Average', 'Maximum', 'SampleCount'],
    });
    expect(ok.body.Label).toBe('TargetResponseTime');
    expect(ok.body.Datapoints).toHaveLength(12);
    const point = ok.body.Datapoints![0]!;
    expect(point.Unit).toBe('Seconds');
    expect(point.Maximum).toBeGreaterThan(point.Average!);
    expect(point.SampleCount).toBeGreaterThan(1000);
    const tooMany = await call('GetMetricStatistics', {
      Namespace: 'AWS/RDS', MetricName: 'CPUUtilization', Dimensions: [{ Name: 'DBInstanceIdentifier', Value: 'shop-orders-prod' }],
      StartTime: seconds(T0 - 2 * 86_400_000), EndTime: seconds(T0), Period: 60, Statistics: ['Average'],
    });
    expect(tooMany.status).toBe(400);
    expect(tooMany.queryError).toBe('InvalidParameterCombination;Sender');
    expect(tooMany.body.message).toMatch(/exceeds the limit of 1440/);
  });

  it('throttles the next calls when told to, then answers again', async () => {
    const admin = await fetch(`${base}/sandbox/cloudwatch/throttle`, { method: 'POST', body: JSON.stringify({ count: 2 }) });
    expect(admin.status).toBe(200);
    const first = await call('DescribeAlarms', {});
    const second = await call('DescribeAlarms', {});
    const third = await call('DescribeAlarms', {});
    expect([first.status, second.status, third.status]).toEqual([400, 400, 200]);
    expect(first.queryError).toBe('Throttling;Sender');
    expect(first.body.message).toBe('Rate exceeded');
  });

  it('throttles only the operation named, leaving other calls answered', async () => {
    const admin = await fetch(`${base}/sandbox/cloudwatch/throttle`, { method: 'POST', body: JSON.stringify({ count: 1, operation: 'ListMetrics' }) });
    expect(admin.status).toBe(200);
    expect((await call('DescribeAlarms', {})).status).toBe(200);
    const listed = await call('ListMetrics', {});
    expect(listed.queryError).toBe('Throttling;Sender');
    expect((await call('ListMetrics', {})).status).toBe(200);
    const bad = await fetch(`${base}/sandbox/cloudwatch/throttle`, { method: 'POST', body: JSON.stringify({ count: 1, operation: 'not an operation' }) });
    expect(bad.status).toBe(400);
  });

  it('fires the 5xx alarm when a bad deploy crash-loops, and records the history', async () => {
    const name = 'shop-prod-eks-shop-checkout-5xx-high';
    const before = await call('DescribeAlarms', { AlarmNames: [name] });
    expect(before.body.MetricAlarms![0]).toMatchObject({ StateValue: 'OK', MetricName: 'HTTPCode_Target_5XX_Count', Namespace: 'AWS/ApplicationELB', Statistic: 'Sum' });
    world.publishImage('registry.example.com/shop/checkout:1.4.3-broken', 'crashes');
    world.setImage(CHECKOUT, 'registry.example.com/shop/checkout:1.4.3-broken');
    world.advance(60_000);
    const firing = await call('DescribeAlarms', { StateValue: 'ALARM' });
    expect(firing.body.MetricAlarms!.map((a) => a.AlarmName)).toContain(name);
    expect(firing.body.MetricAlarms!.find((a) => a.AlarmName === name)!.StateReason).toMatch(/^Threshold Crossed/);
    world.setImage(CHECKOUT, 'registry.example.com/shop/checkout:1.4.2');
    world.advance(180_000);
    const after = await call('DescribeAlarms', { AlarmNames: [name] });
    expect(after.body.MetricAlarms![0]!.StateValue).toBe('OK');
    const history = await call('DescribeAlarmHistory', { AlarmName: name, HistoryItemType: 'StateUpdate' });
    const summaries = history.body.AlarmHistoryItems!.map((h) => h.HistorySummary);
    expect(summaries.slice(0, 2)).toEqual(['Alarm updated from ALARM to OK', 'Alarm updated from OK to ALARM']);
    expect(history.body.AlarmHistoryItems![0]!.Timestamp).toBeGreaterThan(history.body.AlarmHistoryItems![1]!.Timestamp);
    expect(JSON.parse(history.body.AlarmHistoryItems![1]!.HistoryData).newState.stateValue).toBe('ALARM');
  });
});
