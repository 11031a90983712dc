import fs from 'node:fs';
import https from 'node:https';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { CloudWatchClient, ListMetricsCommand } from '@aws-sdk/client-cloudwatch';
import { fromIni } from '@aws-sdk/credential-provider-ini';
import { KubeConfig } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox } from '../../electron/engine/sandbox/start.js';
import type { RunningSandbox } from '../../electron/engine/sandbox/start.js';

/**
 * The sandbox's plain-HTTP side (scenario admin, CloudWatch, /metrics) as a web page, a stray
 * script and a real AWS SDK meet it; and its secrets, which used to follow from the seed.
 */

let dir: string;
let first: RunningSandbox;
let second: RunningSandbox;

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'daytwo-sandbox-guard-'));
  first = await startSandbox({ outDir: path.join(dir, 'a'), seed: 42, pods: 200 });
  second = await startSandbox({ outDir: path.join(dir, 'b'), seed: 42, pods: 200 });
});

afterAll(async () => {
  await first?.stop();
  await second?.stop();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

function raw(
  port: number,
  options: { method?: string; path: string; headers?: Record<string, string | number>; body?: Buffer | string },
): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, method: options.method ?? 'GET', path: options.path, headers: options.headers }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (text += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
    });
    req.on('error', reject);
    req.end(options.body);
  });
}

function cloudWatch(sandbox: RunningSandbox, credentials: CloudWatchClient['config']['credentials'] | { accessKeyId: string; secretAccessKey: string }): CloudWatchClient {
  return new CloudWatchClient({ region: 'us-east-1', endpoint: `http://127.0.0.1:${sandbox.port}`, credentials, maxAttempts: 1 });
}

describe('the sandbox’s secrets and its plain-HTTP guard', () => {
  it('makes new secrets on every launch, even from the same seed', () => {
    const read = (s: RunningSandbox) => [fs.readFileSync(s.kubeconfigPath, 'utf8').match(/token: (\S+)/g), fs.readFileSync(s.awsCredentialsPath, 'utf8'), s.adminToken];
    const [kubeA, awsA, adminA] = read(first);
    const [kubeB, awsB, adminB] = read(second);
    expect(kubeA).toHaveLength(2);
    expect(kubeA).not.toEqual(kubeB);
    expect(awsA).not.toEqual(awsB);
    expect(adminA).not.toEqual(adminB);
    expect(fs.readFileSync(first.adminTokenPath, 'utf8').trim()).toBe(first.adminToken);
    expect(fs.statSync(first.adminTokenPath).mode & 0o777).toBe(0o600);
  });

  it('refuses a foreign Host on every plain-HTTP endpoint', async () => {
    const host = { Host: `rebound.example:${first.port}`, Authorization: `Bearer ${first.adminToken}` };
    expect((await raw(first.port, { path: '/sandbox/scenarios', headers: host })).status).toBe(403);
    expect((await raw(first.port, { path: '/metrics', headers: host })).status).toBe(403);
    expect((await raw(first.port, { path: '/metrics' })).status).toBe(200);
  });

  it('opens the admin endpoints only to this launch’s token', async () => {
    expect((await raw(first.port, { path: '/sandbox/scenarios' })).status).toBe(401);
    expect((await raw(first.port, { path: '/sandbox/scenarios', headers: { Authorization: `Bearer ${second.adminToken}` } })).status).toBe(401);
    const start = await raw(first.port, { method: 'POST', path: '/sandbox/cloudwatch/throttle', body: '{"count":1}' });
    expect(start.status).toBe(401);
    expect((await raw(first.port, { path: '/sandbox/scenarios', headers: { Authorization: `Bearer ${first.adminToken}` } })).status).toBe(200);
  });

  it('answers the AWS SDK signing with the profile it wrote, and refuses any other key', async () => {
    const good = cloudWatch(first, fromIni({ profile: 'daytwo-sandbox', filepath: first.awsCredentialsPath, configFilepath: first.awsConfigPath }));
    const listed = await good.send(new ListMetricsCommand({ Namespace: 'AWS/ApplicationELB' }));
    expect(listed.Metrics?.length).toBeGreaterThan(0);
    // The other launch's key: right shape, signed properly, not ours.
    const other = fs.readFileSync(second.awsCredentialsPath, 'utf8');
    const keyId = /aws_access_key_id = (\S+)/.exec(other)![1]!;
    const secret = /aws_secret_access_key = (\S+)/.exec(other)![1]!;
    const bad = cloudWatch(first, { accessKeyId: keyId, secretAccessKey: secret });
    await expect(bad.send(new ListMetricsCommand({}))).rejects.toMatchObject({ name: 'InvalidClientTokenId', $metadata: { httpStatusCode: 403 } });
    good.destroy();
    bad.destroy();
  });

  it('answers over-size bodies with the limit they broke, not a reset', async () => {
    const keyId = /aws_access_key_id = (\S+)/.exec(fs.readFileSync(first.awsCredentialsPath, 'utf8'))![1]!;
    const big = Buffer.alloc(4 * 1024 * 1024 + 1, 0x20);
    const cw = await raw(first.port, {
      method: 'POST',
      path: '/',
      headers: {
        'X-Amz-Target': 'GraniteServiceVersion20100801.ListMetrics',
        'Content-Type': 'application/x-amz-json-1.0',
        Authorization: `AWS4-HMAC-SHA256 Credential=${keyId}/20260101/us-east-1/monitoring/aws4_request, SignedHeaders=host, Signature=00`,
        'Content-Length': big.length,
      },
      body: big,
    });
    expect(cw.status).toBe(400);
    expect(JSON.parse(cw.body)).toMatchObject({ message: 'Request body is larger than 4194304 bytes.' });

    const kube = new KubeConfig();
    kube.loadFromFile(first.kubeconfigPath);
    const cluster = kube.getCurrentCluster()!;
    const token = kube.getCurrentUser()!.token!;
    const body = Buffer.alloc(3 * 1024 * 1024 + 1, 0x20);
    const answer = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const url = new URL(`${cluster.server}/api/v1/namespaces/default/configmaps`);
      const req = https.request(
        {
          host: url.hostname,
          port: url.port,
          path: url.pathname,
          method: 'POST',
          ca: Buffer.from(cluster.caData!, 'base64'),
          headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json', 'Content-Length': body.length },
        },
        (res) => {
          let text = '';
          res.on('data', (c: Buffer) => (text += c.toString()));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
        },
      );
      req.on('error', reject);
      req.end(body);
    });
    expect(answer.status).toBe(413);
    expect(answer.body).toContain('Request entity too large: limit is 3145728');
  });
});
