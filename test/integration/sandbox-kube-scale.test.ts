import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { get } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { type RunningSandbox, startSandbox } from '../../electron/engine/sandbox/start.js';

const run = promisify(execFile);
let sandbox: RunningSandbox;
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'daytwo-sandbox-scale-'));
  sandbox = await startSandbox({ port: 0, outDir: join(dir, 'out'), pods: 20_000 });
}, 240_000);

afterAll(async () => {
  await sandbox?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

test('with --pods 20000, every pod is served in full lists, whole or paged as kubectl pages them', async () => {
  const env = { ...process.env, KUBECONFIG: sandbox.kubeconfigPath, HOME: dir };
  let total = 0;
  for (const context of ['shop-prod-eks', 'shop-prod-gke', 'dc1-onprem']) {
    const { stdout } = await run('/usr/bin/kubectl', ['--cache-dir', join(dir, 'cache'), '--context', context, 'get', 'pods', '-A', '-o', 'name'], { env, maxBuffer: 256 * 1024 * 1024 });
    total += stdout.trim().split('\n').length;
  }
  expect(total).toBeGreaterThanOrEqual(19_900);
  expect(total).toBeLessThanOrEqual(20_100);

  // One unpaged list of a cluster, as a reflector's first list without a limit asks for it.
  const kubeconfig = readFileSync(sandbox.kubeconfigPath, 'utf8');
  const token = /token: (\S+)/.exec(kubeconfig)?.[1] ?? '';
  const ca = Buffer.from(/certificate-authority-data: (\S+)/.exec(kubeconfig)?.[1] ?? '', 'base64');
  const body = await new Promise<string>((resolve, reject) => {
    get(`${sandbox.kubeUrls.get('shop-prod-eks')}/api/v1/pods`, { ca, headers: { Authorization: `Bearer ${token}` } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    }).on('error', reject);
  });
  const list = JSON.parse(body) as { kind: string; items: unknown[]; metadata: { resourceVersion: string } };
  expect(list.kind).toBe('PodList');
  expect(list.items.length).toBeGreaterThan(6000);
}, 240_000);
