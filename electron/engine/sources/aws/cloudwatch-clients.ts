import { fromIni } from '@aws-sdk/credential-provider-ini';
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import type { AwsFiles, AwsProfile } from '../../connections/aws-profiles.js';

/**
 * The CloudWatch clients of the engine: one per (profile, region), built here and nowhere
 * else. The topology (ListMetrics, DescribeAlarms), the chart data (GetMetricData) and the
 * alarm history (DescribeAlarmHistory) of one source all go through the same client.
 *
 * When the AWS config or credentials files change, `renew()` retires every client: the next
 * request for one builds it afresh, with credentials read from the files as they are now (the
 * SDK caches a client's resolved credentials, and its file reader caches file contents unless
 * told not to). Retired clients are destroyed after a grace period, so requests under way end.
 */
export class CloudWatchClients {
  private readonly clients = new Map<string, CloudWatchClient>();
  private readonly retired = new Map<NodeJS.Timeout, CloudWatchClient[]>();
  private stopped = false;

  constructor(private readonly options: { graceMs?: number } = {}) {}

  for(profile: AwsProfile, files: AwsFiles): CloudWatchClient {
    const key = JSON.stringify([profile.name, profile.region, profile.endpointUrl, files.configFile, files.credentialsFile]);
    let client = this.clients.get(key);
    if (!client) {
      if (this.stopped) throw new Error('The CloudWatch clients were stopped.');
      client = new CloudWatchClient({
        region: profile.region,
        // The SDK's own resolver for this profile and these files: static keys, SSO, assume-role,
        // credential_process. Passing the files explicitly is what lets the embedded sandbox (or a
        // --aws-config path) work without rewriting the process environment. ignoreCache: a
        // client built after the files changed reads them again.
        credentials: fromIni({ profile: profile.name, filepath: files.credentialsFile, configFilepath: files.configFile, ignoreCache: true }),
        // endpoint_url as the profile states it (read by connections/aws-profiles.ts so an explicit config file path counts).
        ...(profile.endpointUrl ? { endpoint: profile.endpointUrl } : {}),
        maxAttempts: 3,
        requestHandler: { connectionTimeout: 5_000, requestTimeout: 30_000 },
      });
      this.clients.set(key, client);
    }
    return client;
  }

  /** The files changed: every client is rebuilt at its next use. */
  renew(): void {
    const old = [...this.clients.values()];
    this.clients.clear();
    if (old.length === 0) return;
    const timer = setTimeout(() => {
      this.retired.delete(timer);
      for (const client of old) client.destroy();
    }, this.options.graceMs ?? 60_000);
    timer.unref();
    this.retired.set(timer, old);
  }

  stop(): void {
    this.stopped = true;
    for (const [timer, old] of this.retired) {
      clearTimeout(timer);
      for (const client of old) client.destroy();
    }
    this.retired.clear();
    for (const client of this.clients.values()) client.destroy();
    this.clients.clear();
  }
}
