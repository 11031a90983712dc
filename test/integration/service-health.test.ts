import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KubeConfig } from '@kubernetes/client-node';
import { createEngine } from '../../electron/engine/engine.js';
import type { Engine } from '../../electron/engine/engine.js';
import { startSandbox } from '../../electron/engine/sandbox/start.js';
import type { EstateSnapshot } from '../../shared/api/estate.js';
import { parseKubeId } from '../../shared/estate/ids.js';

/**
 * Service health agrees with the cluster: after `kubectl delete -f` and a re-apply of a
 * multi-service application, and a scale to 0 and back, every Service's health says what
 * `kubectl get endpoints` says within 2 s. Real kubectl against the sandbox, whose endpoints
 * controller tracks pod readiness (sandbox/kube/controllers/endpoints.ts).
 */

const manifest = path.join(path.dirname(fileURLToPath(import.meta.url)), 'fixtures', 'guestbook.yaml');
const services = ['frontend', 'redis-follower', 'redis-leader'];
const agreeWithinMs = 2_000;

let dir: string;
let sandbox: Awaited<ReturnType<typeof startSandbox>>;
let engine: Engine;
let context: string;
const savedEnv = { ...process.env };
const run = promisify(execFile);

async function kubectl(...args: string[]): Promise<string> {
  const { stdout } = await run('kubectl', ['--kubeconfig', sandbox.kubeconfigPath, '--context', context, ...args], { encoding: 'utf8', timeout: 60_000 });
  return stdout;
}

/** Service name → ready endpoint addresses, as kubectl reports them; absent when the Service is gone. */
async function kubectlEndpoints(): Promise<Map<string, number>> {
  const out = JSON.parse(await kubectl('get', 'endpoints', '-n', 'guestbook', '-o', 'json')) as {
    items: Array<{ metadata: { name: string }; subsets?: Array<{ addresses?: unknown[] }> }>;
  };
  const svc = JSON.parse(await kubectl('get', 'services', '-n', 'guestbook', '-o', 'json')) as { items: Array<{ metadata: { name: string } }> };
  const live = new Set(svc.items.map((s) => s.metadata.name));
  const ready = new Map<string, number>();
  for (const item of out.items) {
    if (!live.has(item.metadata.name)) continue;
    ready.set(item.metadata.name, (item.subsets ?? []).reduce((sum, s) => sum + (s.addresses?.length ?? 0), 0));
  }
  for (const name of live) if (!ready.has(name)) ready.set(name, -1);
  return ready;
}

async function snapshot(): Promise<EstateSnapshot> {
  const outcome = await engine.router.call('estate.snapshot', {}, { transport: 'internal' });
  if (!outcome.ok) throw new Error(outcome.error.message);
  return outcome.result as EstateSnapshot;
}

/** Service name → health and reason, as Daytwo shows it; every copy of a Service must agree. */
async function daytwoServices(): Promise<Map<string, string>> {
  const shown = new Map<string, string>();
  for (const e of (await snapshot()).entities) {
    const id = parseKubeId(e.id);
    if (e.kind !== 'service' || id?.shape !== 'object' || id.namespace !== 'guestbook') continue;
    const view = `${e.health}: ${e.healthReason}`;
    const other = shown.get(e.name);
    shown.set(e.name, other && other !== view ? `disagreeing copies: ${other} | ${view}` : view);
  }
  return shown;
}

/** What Daytwo must say for a ready count kubectl reports. */
function expected(ready: number): RegExp {
  if (ready === -1) return /^unknown: no Endpoints seen/;
  if (ready === 0) return /^failing: no ready endpoints/;
  return new RegExp(`^healthy: ${ready} ready endpoints?\\b`);
}

function disagreement(truth: Map<string, number>, shown: Map<string, string>): string | null {
  const problems: string[] = [];
  for (const name of new Set([...truth.keys(), ...shown.keys()])) {
    const ready = truth.get(name);
    const view = shown.get(name);
    if (ready === undefined) problems.push(`${name}: kubectl has no such Service, Daytwo shows "${view}"`);
    else if (view === undefined) problems.push(`${name}: kubectl shows ${ready} ready, Daytwo shows nothing`);
    else if (!expected(ready).test(view)) problems.push(`${name}: kubectl shows ${ready} ready, Daytwo "${view}"`);
  }
  return problems.length ? problems.join('; ') : null;
}

/**
 * Reads kubectl, then gives Daytwo 2 s to say the same. The simulation may move meanwhile
 * (a pod turning ready); then kubectl is read again and the 2 s start over, a few times at most.
 */
async function agrees(step: string): Promise<void> {
  let lastProblem = '';
  for (let attempt = 0; attempt < 5; attempt++) {
    const truth = await kubectlEndpoints();
    const deadline = Date.now() + agreeWithinMs;
    for (;;) {
      const problem = disagreement(truth, await daytwoServices());
      if (!problem) return;
      lastProblem = problem;
      if (Date.now() > deadline) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    const now = await kubectlEndpoints();
    const moved = [...now].some(([name, ready]) => truth.get(name) !== ready) || now.size !== truth.size;
    if (!moved) throw new Error(`${step}: Daytwo did not agree with kubectl within ${agreeWithinMs} ms: ${lastProblem}`);
  }
  throw new Error(`${step}: the cluster kept moving: ${lastProblem}`);
}

async function rolledOut(): Promise<void> {
  for (const name of services) await kubectl('rollout', 'status', `deployment/${name}`, '-n', 'guestbook', '--timeout=60s');
}

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'daytwo-svc-health-'));
  sandbox = await startSandbox({ port: 0, outDir: path.join(dir, 'sandbox'), seed: 11, pods: 400 });
  process.env.AWS_CONFIG_FILE = sandbox.awsConfigPath;
  process.env.AWS_SHARED_CREDENTIALS_FILE = sandbox.awsCredentialsPath;
  const kc = new KubeConfig();
  kc.loadFromFile(sandbox.kubeconfigPath);
  context = kc.getContexts().find((c) => !c.name.endsWith('-viewer'))!.name;
  engine = createEngine({
    mode: 'host',
    version: 'test',
    dataDir: path.join(dir, 'data'),
    readOnly: false,
    sealer: { unavailableReason: 'tests keep no secrets', seal: () => Buffer.alloc(0), open: () => '' },
    sandbox: true,
    log: () => {},
    connections: {
      kubeconfigFiles: [sandbox.kubeconfigPath],
      aws: { configFile: sandbox.awsConfigPath, credentialsFile: sandbox.awsCredentialsPath },
      env: {},
    },
  });
  const deadline = Date.now() + 60_000;
  while (!engine.sources.list().filter((s) => s.kind === 'kubernetes').every((s) => s.state === 'live')) {
    if (Date.now() > deadline) throw new Error('Kubernetes sources did not come live');
    await new Promise((r) => setTimeout(r, 200));
  }
});

afterAll(async () => {
  await engine?.close();
  await sandbox?.stop();
  process.env = savedEnv;
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('Service health, from Endpoints, against kubectl', () => {
  it('agrees after apply, delete -f and re-apply, and a scale to 0 and back', async () => {
    await kubectl('apply', '-f', manifest);
    await rolledOut();
    await agrees('after apply');
    expect((await daytwoServices()).get('frontend')).toBe('healthy: 3 ready endpoints');

    await kubectl('delete', '-f', manifest, '--wait=true');
    await agrees('after delete -f');
    expect((await daytwoServices()).size).toBe(0);

    await kubectl('apply', '-f', manifest);
    await rolledOut();
    await agrees('after re-apply');

    await kubectl('scale', 'deployment/frontend', '-n', 'guestbook', '--replicas=0');
    await kubectl('rollout', 'status', 'deployment/frontend', '-n', 'guestbook', '--timeout=60s');
    await agrees('after scale to 0');
    expect((await daytwoServices()).get('frontend')).toMatch(/^failing: no ready endpoints/);

    await kubectl('scale', 'deployment/frontend', '-n', 'guestbook', '--replicas=2');
    await kubectl('rollout', 'status', 'deployment/frontend', '-n', 'guestbook', '--timeout=60s');
    await agrees('after scale back');
    expect((await daytwoServices()).get('frontend')).toBe('healthy: 2 ready endpoints');
  });
});
