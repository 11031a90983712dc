import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { KubeConfig } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEngine } from '../../electron/engine/engine.js';
import type { Engine } from '../../electron/engine/engine.js';
import { passphraseSealer } from '../../electron/engine/connections/vault.js';
import { clusterAccessFromKubeConfig } from '../../electron/engine/operations/cluster-access.js';
import { checkpointFileName } from '../../electron/engine/store/audit-checkpoint.js';
import { databaseFileName } from '../../electron/engine/store/database.js';
import { startSandbox } from '../../electron/engine/sandbox/start.js';
import type { RunningSandbox } from '../../electron/engine/sandbox/start.js';

/**
 * Daytwo is killed (kill -9, a power cut) after a change was applied and before it was
 * verified. What it left on disk is the database and checkpoint file at that instant: this
 * test takes exactly that copy, at the moment the run turned to verifying, and starts a second
 * engine on it. The restart says what is known, verifies against the live cluster (kubectl
 * agrees), and audits the result rather than "failed".
 */

const run = promisify(execFile);
const context = 'dc1-onprem';

let sandbox: RunningSandbox;
let dir: string;
let kubeconfig: KubeConfig;
const engines: Engine[] = [];

function engineOn(dataDir: string): Engine {
  const engine = createEngine({
    mode: 'host',
    version: 'test',
    dataDir,
    readOnly: false,
    sealer: passphraseSealer(undefined),
    clusterAccess: clusterAccessFromKubeConfig(kubeconfig),
    operationTuning: { pollIntervalMs: 200, verifyTimeoutMs: 90_000 },
    log: () => {},
  });
  engines.push(engine);
  return engine;
}

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'daytwo-restart-'));
  sandbox = await startSandbox({ port: 0, outDir: path.join(dir, 'sandbox'), seed: 11 });
  kubeconfig = new KubeConfig();
  kubeconfig.loadFromFile(sandbox.kubeconfigPath);
});

afterAll(async () => {
  for (const engine of engines) await engine.close();
  await sandbox?.stop();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

describe('an operation interrupted after its change was applied', () => {
  it('is verified on restart and audited as what verification found', async () => {
    const first = engineOn(path.join(dir, 'first'));
    const target = `k8s:${context}/erp/Deployment/stock-sync`;
    const plan = await first.operations.plan({ kind: 'scale', target, params: { replicas: 3 } });
    const crashCopy = path.join(dir, 'after-kill');
    fs.mkdirSync(crashCopy);
    let copied = false;
    const operation = await first.operations.execute(plan.id, plan.confirmation.expected);
    first.operations.watch(operation.id, (seen) => {
      if (copied || seen.state !== 'verifying') return;
      // The instant the change is recorded as made: what kill -9 would leave behind.
      copied = true;
      first.db.exec(`VACUUM INTO '${path.join(crashCopy, databaseFileName).replaceAll("'", "''")}'`);
      fs.copyFileSync(path.join(dir, 'first', checkpointFileName), path.join(crashCopy, checkpointFileName));
    });
    await first.operations.settled(operation.id);
    expect(copied).toBe(true);

    const restarted = engineOn(crashCopy);
    const verified = await restarted.operations.settled(operation.id);
    expect(verified).toMatchObject({ state: 'succeeded' });
    expect(verified.executedAt).not.toBeNull();
    expect(verified.outcome).toMatch(/^Applied before Daytwo stopped; verified after the restart: /);
    expect(verified.steps.map((s) => s.message)).toContain('Applied before Daytwo stopped, not verified; verifying again after the restart.');
    const [entry] = restarted.audit.list();
    expect(entry).toMatchObject({ operationId: operation.id, outcome: { result: 'succeeded' } });
    expect(entry?.timings.executedAt).not.toBeNull();
    expect(restarted.audit.verify()).toMatchObject({ ok: true, checked: 1 });
    const { stdout } = await run('kubectl', ['--kubeconfig', sandbox.kubeconfigPath, '--context', context, '-n', 'erp', 'get', 'deployment', 'stock-sync', '-o', 'jsonpath={.spec.replicas}']);
    expect(stdout.trim()).toBe('3');
  });
});
