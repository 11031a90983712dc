import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AlarmBook } from './alarms.js';
import type { MetricCatalog } from './catalog.js';
import { describeAlarmHistory, describeAlarms } from './describe-alarms.js';
import { listMetrics } from './list-metrics.js';
import { getMetricData, getMetricStatistics } from './metric-data.js';
import { AwsError, errors, readJsonBody, sendError, sendResult, targetOperation } from './protocol.js';
import {
  describeAlarmHistoryInput,
  describeAlarmsInput,
  getMetricDataInput,
  getMetricStatisticsInput,
  listMetricsInput,
  parseInput,
} from './requests.js';

/**
 * The CloudWatch endpoint: dispatches awsJson requests to the operations, and can be told to
 * throttle the next N calls so a client's retry policy meets a real `Throttling` error.
 */
export class CloudWatchEndpoint {
  private throttleRemaining = 0;
  /** Calls answered, throttled ones included: lets a test see that a client retried. */
  calls = 0;

  constructor(
    private readonly catalog: MetricCatalog,
    private readonly alarms: AlarmBook,
    private readonly now: () => number,
  ) {}

  /** Only calls of this operation are throttled (null: any), so a test's call is not outrun by pollers. */
  private throttleOperation: string | null = null;

  throttleNext(count: number, operation: string | null = null): void {
    this.throttleRemaining = count;
    this.throttleOperation = operation;
  }

  get throttlePending(): number {
    return this.throttleRemaining;
  }

  /** Serves the request if it is a CloudWatch call; false otherwise. */
  async handle(req: IncomingMessage, res: ServerResponse, url: URL): Promise<boolean> {
    const operation = targetOperation(req, url);
    if (operation === null) return false;
    this.calls++;
    try {
      const body = await readJsonBody(req);
      // The SDK always signs; an unsigned call would be refused before anything else.
      if (!req.headers.authorization) throw errors.missingAuthentication();
      if (this.throttleRemaining > 0 && (this.throttleOperation === null || this.throttleOperation === operation)) {
        this.throttleRemaining--;
        throw errors.throttling();
      }
      sendResult(res, this.dispatch(operation, body));
    } catch (error) {
      if (error instanceof AwsError) sendError(res, error);
      else sendError(res, new AwsError('InternalServiceError', 'com.amazonaws.cloudwatch#InternalServiceFault', String(error), 500, 'Receiver'));
    }
    return true;
  }

  private dispatch(operation: string, body: unknown): object {
    const now = this.now();
    switch (operation) {
      case 'ListMetrics':
        return listMetrics(this.catalog, parseInput(listMetricsInput, body), now, this.alarms.account);
      case 'GetMetricData':
        return getMetricData(this.catalog, parseInput(getMetricDataInput, body), now);
      case 'GetMetricStatistics':
        return getMetricStatistics(this.catalog, parseInput(getMetricStatisticsInput, body), now);
      case 'DescribeAlarms':
        return describeAlarms(this.alarms, parseInput(describeAlarmsInput, body), now);
      case 'DescribeAlarmHistory':
        return describeAlarmHistory(this.alarms, parseInput(describeAlarmHistoryInput, body), now);
      default:
        throw errors.unknownOperation(operation);
    }
  }
}
