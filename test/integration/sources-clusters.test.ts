import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import yaml from 'js-yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MethodName, Params, Result } from '../../shared/api/contract.js';
import type { LogBatch } from '../../shared/api/logs.js';
import { createEngine } from '../../electron/engine/engine.js';
import type { Engine } from '../../electron/engine/engine.js';
import { startSandbox } from '../../electron/engine/sandbox/start.js';
import { parseKubeId } from '../../shared/estate/ids.js';

/**
 * Sources, one way in, against the sandbox and its admin and viewer contexts: one cluster
 * entity per cluster with each object once, every context still listed with its state, a
 * kubeconfig rewritten while the engine runs (a rotated token, a context added) used by the
 * very next plan and by object and log reads, and AWS credentials rewritten while it runs used
 * by the CloudWatch discovery and charts, all without a restart: sources/ hands every feature
 * its clients and renews them when the files change.
 */

interface Kubeconfig {
  clusters: Array<{ name: string }>;
  users: Array<{ name: string; user: { token: string } }>;
  contexts: Array<{ name: string; context: { cluster: string; user: string } }>;
  'current-context': string;
}

let dir: string;
let sandbox: Awaited<ReturnType<typeof startSandbox>>;
let engine: Engine;
let kubeconfigPath: string;
let original: Kubeconfig;
let awsCredentialsPath: string;
let awsCredentials: string;
const savedEnv = { ...process.env };

async function call<M extends MethodName>(method: M, params: Params<M>): Promise<Result<M>> {
  const outcome = await engine.router.call(method, params, { transport: 'internal' });
  if (!outcome.ok) throw Object.assign(new Error(outcome.error.message), outcome.error);
  return outcome.result as Result<M>;
}

async function until<T>(what: string, probe: () => Promise<T | undefined> | T | undefined, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch (error) {
      last = error;
    }
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}${last ? `: ${String(last)}` : ''}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Writes a file as an editor or a cloud CLI would: a new file renamed over the old. */
function rewrite(file: string, text: string): void {
  const temp = `${file}.tmp`;
  fs.writeFileSync(temp, text, { mode: 0o600 });
  fs.renameSync(temp, file);
}

function writeKubeconfig(config: Kubeconfig): void {
  rewrite(kubeconfigPath, yaml.dump(config));
}

const clone = (config: Kubeconfig): Kubeconfig => JSON.parse(JSON.stringify(config)) as Kubeconfig;
const adminContexts = () => original.contexts.filter((c) => !c.name.endsWith('-viewer'));

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'daytwo-sources-'));
  sandbox = await startSandbox({ port: 0, outDir: path.join(dir, 'sandbox'), seed: 5, pods: 300 });
  process.env.AWS_CONFIG_FILE = sandbox.awsConfigPath;
  process.env.AWS_SHARED_CREDENTIALS_FILE = sandbox.awsCredentialsPath;
  original = yaml.load(fs.readFileSync(sandbox.kubeconfigPath, 'utf8')) as Kubeconfig;
  kubeconfigPath = path.join(dir, 'kubeconfig');
  // The admin context of the first cluster starts with an expired token: only its viewer reads.
  const stale = clone(original);
  stale.users = stale.users.map((u) => (u.name === adminContexts()[0]!.context.user ? { ...u, name: 'rotating-admin', user: { token: 'expired-token' } } : u));
  stale.users.push(original.users.find((u) => u.name === adminContexts()[0]!.context.user)!);
  stale.contexts = stale.contexts.map((c) => (c.name === adminContexts()[0]!.name ? { ...c, context: { ...c.context, user: 'rotating-admin' } } : c));
  writeKubeconfig(stale);
  // The AWS profile starts with an access key the sandbox does not know (a key since rotated).
  awsCredentials = fs.readFileSync(sandbox.awsCredentialsPath, 'utf8');
  awsCredentialsPath = path.join(dir, 'aws-credentials');
  rewrite(awsCredentialsPath, awsCredentials.replace(/aws_access_key_id = \S+/, 'aws_access_key_id = AKIAOLDROTATEDKEY000'));
  engine = createEngine({
    mode: 'host',
    version: 'test',
    dataDir: path.join(dir, 'data'),
    readOnly: false,
    sealer: { unavailableReason: 'tests keep no secrets', seal: () => Buffer.alloc(0), open: () => '' },
    sandbox: true,
    log: () => {},
    connections: {
      kubeconfigFiles: [kubeconfigPath],
      aws: { configFile: sandbox.awsConfigPath, credentialsFile: awsCredentialsPath },
      env: {},
    },
    sourceTuning: { kubeconfigPollMs: 200, awsConfigPollMs: 200, awsIntervalMs: 2_000, backoff: { initialMs: 200, maxMs: 1_000, resetAfterMs: 10_000 } },
  });
});

afterAll(async () => {
  await engine?.close();
  await sandbox?.stop();
  process.env = savedEnv;
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('one cluster however many contexts reach it', () => {
  it('shows exactly one cluster entity per cluster and each object once, and lists every context with its state', async () => {
    const clusters = adminContexts().map((c) => c.context.cluster).sort();
    await until('every context live', async () => {
      const { sources } = await call('sources.list', {});
      const kube = sources.filter((s) => s.kind === 'kubernetes');
      return kube.length === original.contexts.length && kube.every((s) => s.state === 'live') ? true : undefined;
    }, 60_000);
    const snap = await until('every cluster listed', async () => {
      const s = await call('estate.snapshot', {});
      return s.entities.filter((e) => e.kind === 'cluster').length === clusters.length && s.entities.some((e) => e.kind === 'pod') ? s : undefined;
    });
    expect(snap.entities.filter((e) => e.kind === 'cluster').map((e) => e.name).sort()).toEqual(clusters);
    // Each object once: no two entities name the same cluster/namespace/kind/name.
    const names = snap.entities.filter((e) => parseKubeId(e.id)?.shape === 'object').map((e) => e.id);
    expect(new Set(names).size).toBe(names.length);
    for (const cluster of snap.entities.filter((e) => e.kind === 'cluster')) {
      expect(String(cluster.status.contexts)).toContain(`${cluster.name}-viewer`);
      // No object is stated by a second context of the same cluster.
      const stating = new Set(snap.entities.filter((e) => e.id.startsWith(`${cluster.id}/`)).map((e) => e.sourceId));
      expect(stating.size).toBe(1);
    }
    const { sources } = await call('sources.list', {});
    const viewer = sources.find((s) => s.id === `k8s:${adminContexts()[1]!.name}-viewer`)!;
    expect(viewer).toMatchObject({ state: 'live', reason: expect.stringMatching(/^Same cluster as/) });
  });
});

describe('a kubeconfig rewritten while the engine runs', () => {
  it('uses a rotated token and an added context for the very next plan, without a restart', async () => {
    const first = adminContexts()[0]!;
    const target = `k8s:${first.context.cluster}/${await aDeploymentOf(first.context.cluster)}`;
    // The admin context's token has expired: the plan cannot act as it, and the viewer may not scale.
    await expect(call('operations.plan', { kind: 'scale', target, params: { replicas: 2 }, context: first.name })).rejects.toMatchObject({ code: 'unauthorized' });
    // Objects are read through the context the cluster is watched through: the viewer, for now.
    expect((await call('objects.get', { entityId: target })).context).toBe(`${first.name}-viewer`);

    // The token is rotated in the file (as `aws eks get-token` or an SSO login would).
    const rotated = clone(original);
    rotated.contexts.push({ name: 'break-glass', context: { cluster: first.context.cluster, user: 'break-glass-user' } });
    rotated.users.push({ name: 'break-glass-user', user: { token: original.users.find((u) => u.name === first.context.user)!.user.token } });
    writeKubeconfig(rotated);

    // Named, because once the added break-glass context is live it is an equal way in and, first
    // by name, the one a plan without a context goes through.
    const plan = await until('a plan through the rotated admin context', async () => (await call('operations.plan', { kind: 'scale', target, params: { replicas: 2 }, context: first.name })).plan);
    expect(plan).toMatchObject({ context: first.name, actingAs: first.context.user, state: 'ready' });

    // The cluster is watched again through a context that reads the most (ties: the first by
    // name, which is now the added break-glass context), and the object view and the logs read
    // through it, with credentials only the rewritten kubeconfig has: the admin context's old
    // token gets 401, and break-glass did not exist before.
    const view = await until('the object view to read through a rewritten admin context', async () => {
      const read = await call('objects.get', { entityId: target });
      return read.context !== `${first.name}-viewer` ? read : undefined;
    });
    expect(['break-glass', first.name]).toContain(view.context);
    expect(view).toMatchObject({ kind: 'Deployment', yaml: expect.stringContaining('kind: Deployment') });
    const logs = await readLogs(target);
    expect(logs.error).toBeUndefined();
    expect(logs.lines).toBeGreaterThan(0);
    // The added context is a way into the same cluster, usable at once.
    const viaBreakGlass = await until('the added context live', async () => {
      const { sources } = await call('sources.list', {});
      return sources.find((s) => s.id === 'k8s:break-glass' && s.state === 'live');
    });
    expect(viaBreakGlass.enabled).toBe(true);
    const { plan: glass } = await call('operations.plan', { kind: 'scale', target, params: { replicas: 2 }, context: 'break-glass' });
    expect(glass).toMatchObject({ context: 'break-glass', actingAs: 'break-glass-user' });
    // Still one cluster entity for it, which lists the new way in.
    const cluster = await until('the cluster to list the added context', async () => {
      const found = (await call('estate.snapshot', {})).entities.filter((e) => e.kind === 'cluster' && e.name === first.context.cluster);
      return found.length === 1 && String(found[0]!.status.contexts).includes('break-glass (as break-glass-user)') ? found : undefined;
    });
    expect(cluster).toHaveLength(1);
  });
});

describe('AWS credentials rewritten while the engine runs', () => {
  it('are used by the next CloudWatch discovery and chart, without a restart', async () => {
    const source = await until('the AWS profile to be refused', async () => {
      const found = (await call('sources.list', {})).sources.find((s) => s.kind === 'aws');
      return found && (found.state === 'unauthorized' || found.state === 'error') ? found : undefined;
    });
    expect(source.reason).toMatch(/security token|credentials|InvalidClientTokenId/i);

    // The key is rotated in the credentials file, as `aws configure` or an SSO login would.
    rewrite(awsCredentialsPath, awsCredentials);
    await until('the AWS profile live', async () => {
      const found = (await call('sources.list', {})).sources.find((s) => s.id === source.id);
      return found?.state === 'live' ? found : undefined;
    });
    // A chart of a load balancer the discovery found reads CloudWatch through the same renewed client.
    const alb = await until('a load balancer discovered', async () => (await call('estate.snapshot', {})).entities.find((e) => e.kind === 'loadbalancer'));
    const query = (await call('metrics.panels', { entityId: alb.id })).panels.flatMap((p) => p.queries).find((q) => q.source === source.id);
    expect(query).toBeDefined();
    const end = Date.now();
    const result = await call('metrics.query', { source: query!.source, query: query!.query, start: end - 3_600_000, end, maxPoints: 60 });
    expect(result.stale, result.note).toBe(false);
    expect(result.series.some((s) => s.points.some(([, v]) => v !== null))).toBe(true);
  });
});

/** Reads an entity's logs once (no follow), as the log view does, until the streams end. */
async function readLogs(entityId: string): Promise<{ lines: number; error?: string }> {
  const batches: LogBatch[] = [];
  const opened = engine.router.subscribe('logs.follow', { entityId, follow: false, tailLines: 20 }, (message) => batches.push(message as LogBatch));
  if (!opened.ok) throw new Error(opened.error.message);
  try {
    await until('the logs to end', () => (batches.some((b) => b.done) ? true : undefined));
  } finally {
    opened.close();
  }
  const error = batches.find((b) => b.error)?.error;
  return { lines: batches.reduce((n, b) => n + b.lines.length, 0), ...(error ? { error } : {}) };
}

async function aDeploymentOf(cluster: string): Promise<string> {
  const deployment = await until('a deployment listed', async () =>
    (await call('estate.snapshot', {})).entities.find((e) => e.kind === 'deployment' && e.id.startsWith(`k8s:${cluster}/`)),
  );
  const parsed = parseKubeId(deployment.id);
  if (parsed?.shape !== 'object') throw new Error(`not an object id: ${deployment.id}`);
  return `${parsed.namespace}/Deployment/${parsed.name}`;
}
