import type { AlarmBook } from './alarms.js';
import { decodeCursor, encodeCursor } from './pagination.js';
import { errors } from './protocol.js';
import type { DescribeAlarmHistoryInput, DescribeAlarmsInput } from './requests.js';

/**
 * DescribeAlarms and DescribeAlarmHistory.
 * https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_DescribeAlarms.html
 * https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_DescribeAlarmHistory.html
 */
export function describeAlarms(book: AlarmBook, input: DescribeAlarmsInput, now: number): object {
  if (input.AlarmNames && input.AlarmNamePrefix) {
    throw errors.invalidParameterCombination('AlarmNames and AlarmNamePrefix cannot be specified together.');
  }
  const cursor = decodeCursor(input, input.NextToken, now);
  // Without AlarmTypes, DescribeAlarms returns metric alarms only.
  const types = input.AlarmTypes ?? ['MetricAlarm'];
  const names = input.AlarmNames ? new Set(input.AlarmNames) : null;
  const matching = types.includes('MetricAlarm')
    ? book.definitions.filter((d) => {
        if (names && !names.has(d.name)) return false;
        if (input.AlarmNamePrefix && !d.name.startsWith(input.AlarmNamePrefix)) return false;
        if (input.ActionPrefix && !d.actions.some((a) => a.startsWith(input.ActionPrefix as string))) return false;
        if (input.StateValue && book.state(d.name)?.value !== input.StateValue) return false;
        return true;
      })
    : [];
  const size = input.MaxRecords ?? 50;
  const page = matching.slice(cursor.offset, cursor.offset + size);
  const next = cursor.offset + size;
  return {
    MetricAlarms: page.map((d) => {
      const state = book.state(d.name);
      const percentile = d.statistic.kind === 'percentile';
      return {
        AlarmName: d.name,
        AlarmArn: book.arnPrefix + d.name,
        AlarmDescription: d.description,
        AlarmConfigurationUpdatedTimestamp: (book.history().find((h) => h.alarmName === d.name)?.timestamp ?? 0) / 1000,
        ActionsEnabled: true,
        OKActions: [],
        AlarmActions: d.actions,
        InsufficientDataActions: [],
        StateValue: state?.value ?? 'INSUFFICIENT_DATA',
        StateReason: state?.reason ?? '',
        ...(state?.reasonData ? { StateReasonData: state.reasonData } : {}),
        StateUpdatedTimestamp: (state?.updatedAt ?? 0) / 1000,
        StateTransitionedTimestamp: (state?.transitionedAt ?? 0) / 1000,
        MetricName: d.series.metricName,
        Namespace: d.series.namespace,
        ...(percentile ? { ExtendedStatistic: d.statistic.name } : { Statistic: d.statistic.name }),
        Dimensions: d.series.dimensions.map((x) => ({ ...x })),
        Period: d.periodSeconds,
        EvaluationPeriods: d.evaluationPeriods,
        DatapointsToAlarm: d.datapointsToAlarm,
        Threshold: d.threshold,
        ComparisonOperator: 'GreaterThanThreshold',
        TreatMissingData: 'notBreaching',
      };
    }),
    ...(input.AlarmTypes?.includes('CompositeAlarm') ? { CompositeAlarms: [] } : {}),
    ...(next < matching.length ? { NextToken: encodeCursor(input, { offset: next, asOf: cursor.asOf }) } : {}),
  };
}

export function describeAlarmHistory(book: AlarmBook, input: DescribeAlarmHistoryInput, now: number): object {
  const cursor = decodeCursor(input, input.NextToken, now);
  const types = input.AlarmTypes ?? ['MetricAlarm', 'CompositeAlarm'];
  const matching = types.includes('MetricAlarm')
    ? book.history().filter((h) => {
        if (h.timestamp > cursor.asOf) return false;
        if (input.AlarmName && h.alarmName !== input.AlarmName) return false;
        if (input.HistoryItemType && h.type !== input.HistoryItemType) return false;
        if (input.StartDate !== undefined && h.timestamp < input.StartDate) return false;
        if (input.EndDate !== undefined && h.timestamp > input.EndDate) return false;
        return true;
      })
    : [];
  // History is appended in time order; a stable sort keeps same-instant items in causal order.
  const ascending = input.ScanBy === 'TimestampAscending';
  const ordered = ascending ? [...matching] : [...matching].reverse();
  const size = input.MaxRecords ?? 100;
  const page = ordered.slice(cursor.offset, cursor.offset + size);
  const next = cursor.offset + size;
  return {
    AlarmHistoryItems: page.map((h) => ({
      AlarmName: h.alarmName,
      AlarmType: 'MetricAlarm',
      Timestamp: h.timestamp / 1000,
      HistoryItemType: h.type,
      HistorySummary: h.summary,
      HistoryData: h.data,
    })),
    ...(next < ordered.length ? { NextToken: encodeCursor(input, { offset: next, asOf: cursor.asOf }) } : {}),
  };
}
