import fs from 'node:fs'; import os from 'node:os'; import path from 'node:path';
import { startChild } from './child-process.js';
const repo = '/work/main';
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'probe-'));
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const sandbox = await startChild([path.join(repo, 'out/electron/engine/sandbox/cli.js'), '--pods', '50000', '--clusters', '5', '--out', path.join(dir, 'sandbox')], {}, /Sandbox ready kubeconfig=(\S+) aws-config=(\S+) aws-credentials=(\S+)/);
const [, kubeconfig, awsConfig, awsCredentials] = sandbox.match;
const env = { ...process.env, HOME: dir, KUBECONFIG: kubeconfig, AWS_CONFIG_FILE: awsConfig, AWS_SHARED_CREDENTIALS_FILE: awsCredentials };
const t0 = performance.now();
const host = await startChild(['--trace-gc', path.join(repo, 'out/electron/host/cli.js'), '--no-sandbox', '--port', '0', '--data-dir', path.join(dir, 'data')], env, /^Daytwo ready: (http:\/\/127\.0\.0\.1:\d+)\/#token=(\S+)$/m);
const log = fs.createWriteStream('/tmp/probe/gc.log');
host.child.stdout.on('data', (c) => { for (const l of String(c).split('\n')) if (/Mark-Compact|Scavenge/.test(l) && /Mark-Compact/.test(l)) log.write(`${((performance.now()-t0)/1000).toFixed(1)} ${l}\n`); });
const [, origin, token] = host.match;
const slow = [];
const end = performance.now() + 150_000;
while (performance.now() < end) {
  const t = performance.now();
  const res = await fetch(`${origin}/api/sources.list`, { method: 'POST', headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' }, body: '{}' });
  await res.arrayBuffer();
  const ms = performance.now() - t;
  if (ms > 80) { slow.push(ms); console.log(`${((t - t0)/1000).toFixed(1)} s: ${ms.toFixed(0)} ms`); }
  await sleep(50);
}
await host.stop(); await sandbox.stop(); fs.rmSync(dir, { recursive: true, force: true });
