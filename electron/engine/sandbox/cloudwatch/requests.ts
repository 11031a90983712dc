import { z } from 'zod';
import { errors } from './protocol.js';

/**
 * Request shapes of the operations the sandbox serves, per the CloudWatch API reference
 * (https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/). Parsed once here; the
 * operations work on typed values.
 */

/** awsJson sends timestamps as epoch seconds; other clients send ISO-8601 strings. */
const timestamp = z.union([z.number(), z.string()]).transform((value, ctx) => {
  const ms = typeof value === 'number' ? value * 1000 : Date.parse(value);
  if (!Number.isFinite(ms)) {
    ctx.addIssue({ code: 'custom', message: 'must be a timestamp (epoch seconds or ISO-8601)' });
    return z.NEVER;
  }
  return ms;
});

const dimension = z.object({ Name: z.string().min(1).max(255), Value: z.string().min(1).max(1024) });
const dimensionFilter = z.object({ Name: z.string().min(1).max(255), Value: z.string().max(1024).optional() });

const metric = z.object({
  Namespace: z.string().min(1).max(255).optional(),
  MetricName: z.string().min(1).max(255).optional(),
  Dimensions: z.array(dimension).max(30).optional(),
});

export const listMetricsInput = z.object({
  Namespace: z.string().min(1).max(255).optional(),
  MetricName: z.string().min(1).max(255).optional(),
  Dimensions: z.array(dimensionFilter).max(10).optional(),
  NextToken: z.string().optional(),
  RecentlyActive: z.literal('PT3H').optional(),
  IncludeLinkedAccounts: z.boolean().optional(),
  OwningAccount: z.string().optional(),
});
export type ListMetricsInput = z.infer<typeof listMetricsInput>;

const metricStat = z.object({
  Metric: metric,
  Period: z.number().int().positive(),
  Stat: z.string().min(1),
  Unit: z.string().optional(),
});

const metricDataQuery = z.object({
  Id: z.string().min(1).max(255),
  MetricStat: metricStat.optional(),
  Expression: z.string().min(1).max(2048).optional(),
  Label: z.string().optional(),
  ReturnData: z.boolean().optional(),
  Period: z.number().int().positive().optional(),
  AccountId: z.string().optional(),
});
export type MetricDataQuery = z.infer<typeof metricDataQuery>;

export const getMetricDataInput = z.object({
  MetricDataQueries: z.array(metricDataQuery),
  StartTime: timestamp,
  EndTime: timestamp,
  NextToken: z.string().optional(),
  ScanBy: z.enum(['TimestampDescending', 'TimestampAscending']).optional(),
  MaxDatapoints: z.number().int().positive().optional(),
  LabelOptions: z.object({ Timezone: z.string().optional() }).optional(),
});
export type GetMetricDataInput = z.infer<typeof getMetricDataInput>;

export const getMetricStatisticsInput = z.object({
  Namespace: z.string().min(1).max(255),
  MetricName: z.string().min(1).max(255),
  Dimensions: z.array(dimension).max(30).optional(),
  StartTime: timestamp,
  EndTime: timestamp,
  Period: z.number().int().positive(),
  Statistics: z.array(z.enum(['SampleCount', 'Average', 'Sum', 'Minimum', 'Maximum'])).min(1).max(5).optional(),
  ExtendedStatistics: z.array(z.string()).min(1).max(10).optional(),
  Unit: z.string().optional(),
});
export type GetMetricStatisticsInput = z.infer<typeof getMetricStatisticsInput>;

const stateValue = z.enum(['OK', 'ALARM', 'INSUFFICIENT_DATA']);
const alarmType = z.enum(['MetricAlarm', 'CompositeAlarm']);

export const describeAlarmsInput = z.object({
  AlarmNames: z.array(z.string().min(1).max(255)).max(100).optional(),
  AlarmNamePrefix: z.string().min(1).max(255).optional(),
  AlarmTypes: z.array(alarmType).optional(),
  ChildrenOfAlarmName: z.string().optional(),
  ParentsOfAlarmName: z.string().optional(),
  StateValue: stateValue.optional(),
  ActionPrefix: z.string().optional(),
  MaxRecords: z.number().int().min(1).max(100).optional(),
  NextToken: z.string().optional(),
});
export type DescribeAlarmsInput = z.infer<typeof describeAlarmsInput>;

export const describeAlarmHistoryInput = z.object({
  AlarmName: z.string().min(1).max(255).optional(),
  AlarmContributorId: z.string().optional(),
  AlarmTypes: z.array(alarmType).optional(),
  HistoryItemType: z.enum(['ConfigurationUpdate', 'StateUpdate', 'Action', 'AlarmContributorStateUpdate', 'AlarmContributorAction']).optional(),
  StartDate: timestamp.optional(),
  EndDate: timestamp.optional(),
  MaxRecords: z.number().int().min(1).max(100).optional(),
  NextToken: z.string().optional(),
  ScanBy: z.enum(['TimestampDescending', 'TimestampAscending']).optional(),
});
export type DescribeAlarmHistoryInput = z.infer<typeof describeAlarmHistoryInput>;

/**
 * Parses a request body, answering bad input the way CloudWatch's validation layer does:
 * "N validation error(s) detected: Value ... at 'field' failed to satisfy constraint: ...".
 */
export function parseInput<T>(schema: z.ZodType<T>, body: unknown): T {
  const result = schema.safeParse(body);
  if (result.success) return result.data;
  const issues = result.error.issues;
  const detail = issues
    .slice(0, 5)
    .map((issue) => {
      const at = issue.path.map((p) => (typeof p === 'number' ? `member.${p + 1}` : lowerFirst(String(p)))).join('.');
      const what = issue.code === 'invalid_type' && /received undefined/.test(issue.message) ? 'Member must not be null' : issue.message;
      return `Value at '${at || 'request'}' failed to satisfy constraint: ${what}`;
    })
    .join('; ');
  throw errors.validation(`${issues.length} validation error${issues.length === 1 ? '' : 's'} detected: ${detail}`);
}

function lowerFirst(s: string): string {
  return s.charAt(0).toLowerCase() + s.slice(1);
}
