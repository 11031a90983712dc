import { chmod, mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import yaml from 'js-yaml';
import type { User } from './kube/auth.js';
import { sandboxScrapeConfigs } from './prometheus/scrape-config.js';
import type { ClusterSpec } from './world.js';

/**
 * The files a sandbox hands to clients, in the formats their own tools read: a kubeconfig
 * (an admin context per cluster, and a `-viewer` context per cluster for the read-only user),
 * and an AWS shared config and credentials pair whose profile's `endpoint_url` points at the
 * sandbox, so the SDK's standard configuration chain reaches it with no special code
 * (https://docs.aws.amazon.com/sdkref/latest/guide/feature-ss-endpoints.html).
 * And Prometheus configurations: `prometheus/<cluster>.yml` scrapes one cluster as
 * kube-prometheus-stack does (no `cluster` label), `prometheus/all-clusters.yml` every cluster
 * with a `cluster` label (see prometheus/scrape-config.ts).
 */

export const AWS_PROFILE = 'daytwo-sandbox';

export interface SandboxFiles {
  kubeconfigPath: string;
  /** The second admin's own kubeconfig (contexts `<context>-approver`). */
  approverKubeconfigPath: string;
  awsConfigPath: string;
  awsCredentialsPath: string;
  /** The admin endpoints' bearer token (`curl -H "Authorization: Bearer $(cat …)"`). */
  adminTokenPath: string;
  /** Ready-to-run Prometheus configurations, one per cluster and one for all. */
  prometheusConfigDir: string;
  pagerdutyPath: string;
}

/**
 * The PagerDuty connection file: pdjs's `server` (host, port and path, no scheme: pdjs always
 * speaks HTTPS), the API token, the email sent as `From` on changes, and the CA that signed the
 * sandbox's certificate (a real account needs none: api.pagerduty.com has a public certificate).
 */
export interface PagerDutyConnectionFile {
  server: string;
  token: string;
  from: string;
  certificateAuthority?: string;
}

export interface FileInputs {
  outDir: string;
  /** Plain HTTP base, for the AWS endpoint. */
  baseUrl: string;
  /** HTTPS address of each cluster's Kubernetes API, by cluster name: each cluster has its own port. */
  kubeUrls: ReadonlyMap<string, string>;
  /** The certificate the Kubernetes API presents, trusted by the kubeconfig. */
  caPem: string;
  clusters: readonly ClusterSpec[];
  admin: User;
  viewer: User;
  /** This launch's AWS key pair (sandbox/credentials.ts). */
  aws: { accessKeyId: string; secretAccessKey: string };
  /** This launch's token for the admin endpoints, written for people and scripts to read. */
  adminToken: string;
  pagerduty: { token: string; from: string };
  /** A second admin, in its own file: not one of the estate's sources, only an identity to approve with. */
  approver?: User;
}

export function kubeconfig(input: Omit<FileInputs, 'outDir'>, who: 'main' | 'approver' = 'main'): string {
  const approver = input.approver;
  const contexts =
    who === 'approver' && approver
      ? input.clusters.map((c) => ({ name: `${c.context}-approver`, context: { cluster: c.name, user: approver.username } }))
      : input.clusters.flatMap((c) => [
          { name: c.context, context: { cluster: c.name, user: input.admin.username } },
          { name: `${c.context}-viewer`, context: { cluster: c.name, user: input.viewer.username } },
        ]);
  const users = who === 'approver' && approver ? [approver] : [input.admin, input.viewer];
  return yaml.dump(
    {
      apiVersion: 'v1',
      kind: 'Config',
      preferences: {},
      'current-context': contexts[0]?.name ?? '',
      clusters: input.clusters.map((c) => ({
        name: c.name,
        // The admin and `-viewer` contexts name the same cluster entry, so they share server and CA.
        cluster: { server: input.kubeUrls.get(c.name) ?? '', 'certificate-authority-data': Buffer.from(input.caPem).toString('base64') },
      })),
      users: users.map((u) => ({ name: u.username, user: { token: u.token } })),
      contexts,
    },
    { lineWidth: -1 },
  );
}

function awsRegion(clusters: readonly ClusterSpec[]): string {
  return clusters.find((c) => c.cloud === 'aws')?.region ?? 'us-east-1';
}

async function writePrivate(path: string, text: string): Promise<void> {
  await writeFile(path, text, { mode: 0o600 });
  // writeFile keeps the mode of a file that already exists.
  await chmod(path, 0o600);
}

export async function writeSandboxFiles(input: FileInputs): Promise<SandboxFiles> {
  await mkdir(input.outDir, { recursive: true, mode: 0o700 });
  const files: SandboxFiles = {
    kubeconfigPath: join(input.outDir, 'kubeconfig'),
    approverKubeconfigPath: join(input.outDir, 'approver.kubeconfig'),
    awsConfigPath: join(input.outDir, 'aws-config'),
    awsCredentialsPath: join(input.outDir, 'aws-credentials'),
    adminTokenPath: join(input.outDir, 'admin-token'),
    prometheusConfigDir: join(input.outDir, 'prometheus'),
    pagerdutyPath: join(input.outDir, 'pagerduty.json'),
  };
  await writePrivate(files.kubeconfigPath, kubeconfig(input));
  await writePrivate(files.approverKubeconfigPath, kubeconfig(input, 'approver'));
  await writePrivate(
    files.awsConfigPath,
    `[profile ${AWS_PROFILE}]\nregion = ${awsRegion(input.clusters)}\nendpoint_url = ${input.baseUrl}\noutput = json\n`,
  );
  await writePrivate(
    files.awsCredentialsPath,
    `[${AWS_PROFILE}]\naws_access_key_id = ${input.aws.accessKeyId}\naws_secret_access_key = ${input.aws.secretAccessKey}\n`,
  );
  await writePrivate(files.adminTokenPath, `${input.adminToken}\n`);
  await mkdir(files.prometheusConfigDir, { recursive: true, mode: 0o700 });
  const address = new URL(input.baseUrl).host;
  const prometheusConfig = (clusters: string[], clusterLabel: boolean) =>
    yaml.dump({ global: { scrape_interval: '15s', evaluation_interval: '15s' }, scrape_configs: sandboxScrapeConfigs(address, clusters, { clusterLabel }) }, { lineWidth: -1 });
  for (const c of input.clusters) await writeFile(join(files.prometheusConfigDir, `${c.name}.yml`), prometheusConfig([c.name], false));
  await writeFile(join(files.prometheusConfigDir, 'all-clusters.yml'), prometheusConfig(input.clusters.map((c) => c.name), true));
  const pagerduty: PagerDutyConnectionFile = {
    server: `${new URL(input.baseUrl).host}/pagerduty`,
    token: input.pagerduty.token,
    from: input.pagerduty.from,
    certificateAuthority: input.caPem,
  };
  await writePrivate(files.pagerdutyPath, `${JSON.stringify(pagerduty, null, 2)}\n`);
  return files;
}
