import { chmod, mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import yaml from 'js-yaml';
import type { User } from './kube/auth.js';
import type { ClusterSpec } from './world.js';
import { SeededRandom } from './world/random.js';

/**
 * The files a sandbox hands to clients, in the formats their own tools read: a kubeconfig
 * (an admin context per cluster, and a `-viewer` context per cluster for the read-only user),
 * and an AWS shared config and credentials pair whose profile's `endpoint_url` points at the
 * sandbox, so the SDK's standard configuration chain reaches it with no special code
 * (https://docs.aws.amazon.com/sdkref/latest/guide/feature-ss-endpoints.html).
 */

export const AWS_PROFILE = 'daytwo-sandbox';

export interface SandboxFiles {
  kubeconfigPath: string;
  awsConfigPath: string;
  awsCredentialsPath: string;
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
  seed: number;
}

export function kubeconfig(input: Omit<FileInputs, 'outDir'>): string {
  const contexts = input.clusters.flatMap((c) => [
    { name: c.context, context: { cluster: c.name, user: input.admin.username } },
    { name: `${c.context}-viewer`, context: { cluster: c.name, user: input.viewer.username } },
  ]);
  return yaml.dump(
    {
      apiVersion: 'v1',
      kind: 'Config',
      preferences: {},
      'current-context': input.clusters[0]?.context ?? '',
      clusters: input.clusters.map((c) => ({
        name: c.name,
        // The admin and `-viewer` contexts name the same cluster entry, so they share server and CA.
        cluster: { server: input.kubeUrls.get(c.name) ?? '', 'certificate-authority-data': Buffer.from(input.caPem).toString('base64') },
      })),
      users: [input.admin, input.viewer].map((u) => ({ name: u.username, user: { token: u.token } })),
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
    awsConfigPath: join(input.outDir, 'aws-config'),
    awsCredentialsPath: join(input.outDir, 'aws-credentials'),
  };
  const random = new SeededRandom(input.seed).fork('aws-credentials');
  const accessKey = `AKIA${random.hex(16).toUpperCase()}`;
  const secret = Buffer.from(random.hex(30), 'hex').toString('base64');
  await writePrivate(files.kubeconfigPath, kubeconfig(input));
  await writePrivate(
    files.awsConfigPath,
    `[profile ${AWS_PROFILE}]\nregion = ${awsRegion(input.clusters)}\nendpoint_url = ${input.baseUrl}\noutput = json\n`,
  );
  await writePrivate(files.awsCredentialsPath, `[${AWS_PROFILE}]\naws_access_key_id = ${accessKey}\naws_secret_access_key = ${secret}\n`);
  return files;
}
