import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KubeConfig } from '@kubernetes/client-node';
import { createEngine } from '../../electron/engine/engine.js';
import type { Engine } from '../../electron/engine/engine.js';
import { startSandbox } from '../../electron/engine/sandbox/start.js';
import type { EstateSnapshot } from '../../shared/api/estate.js';
import type { Entity } from '../../shared/estate/model.js';
import { clusterId, clusterKey } from '../../shared/estate/ids.js';
import { noSecrets } from './helpers/engine.js';

/**
 * The estate against the sandbox over its real wire protocols: what Daytwo shows of each
 * context equals what kubectl says, changes made with kubectl arrive through the watch, a
 * sandbox that goes away turns its sources offline while the cached estate keeps serving,
 * and coming back reconciles without ghosts or duplicates.
 */

const seed = 7;
let dir: string;
let sandbox: Awaited<ReturnType<typeof startSandbox>>;
let engine: Engine | null = null;
let contexts: string[] = [];
const clusterOfContext = new Map<string, string>();
const savedEnv = { ...process.env };

const sealer = noSecrets;

function openEngine(): Engine {
  return createEngine({
    mode: 'host',
    version: 'test',
    dataDir: path.join(dir, 'data'),
    readOnly: false,
    sealer,
    sandbox: true,
    log: () => {},
    connections: {
      kubeconfigFiles: [sandbox.kubeconfigPath],
      aws: { configFile: sandbox.awsConfigPath, credentialsFile: sandbox.awsCredentialsPath },
      env: {},
    },
    // Quick retries so "back online" is seen in seconds; production backs off up to 30 s.
    sourceTuning: { backoff: { initialMs: 200, maxMs: 1_000, resetAfterMs: 10_000 }, awsIntervalMs: 2_000, connectTimeoutMs: 2_000, kubeconfigPollMs: 500 },
  });
}

async function snapshot(e: Engine): Promise<EstateSnapshot> {
  const outcome = await e.router.call('estate.snapshot', {}, { transport: 'internal' });
  if (!outcome.ok) throw new Error(outcome.error.message);
  return outcome.result as EstateSnapshot;
}

const run = promisify(execFile);

/** kubectl, asynchronously: the sandbox answers from this very process, so blocking it would deadlock. */
async function kubectl(context: string, ...args: string[]): Promise<string> {
  const { stdout } = await run('kubectl', ['--kubeconfig', sandbox.kubeconfigPath, '--context', context, ...args], { encoding: 'utf8', timeout: 30_000 });
  return stdout;
}

async function kubectlNames(context: string, resource: string): Promise<string[]> {
  const out = await kubectl(context, 'get', resource, '-A', '-o', 'jsonpath={range .items[*]}{.metadata.namespace}/{.metadata.name}{"\\n"}{end}');
  return out.split('\n').filter(Boolean).sort();
}

/**
 * The entities of the cluster a context reaches. Contexts of one cluster (admin and viewer)
 * show one copy of it, whichever context Daytwo watches it through.
 */
function entitiesOf(snap: EstateSnapshot, context: string, kind: Entity['kind']): Entity[] {
  const cluster = clusterOfContext.get(context) ?? context;
  return snap.entities.filter((e) => e.kind === kind && e.id.startsWith(`${clusterId(clusterKey(cluster))}/`));
}

/** `namespace/name` of an entity id `k8s:<context>/<namespace>/<Kind>/<name>` (nodes: `/name`). */
function nsName(e: Entity): string {
  const parts = e.id.split('/');
  return parts.length === 4 ? `${parts[1]}/${parts[3]}` : `/${parts[2]}`;
}

async function until<T>(what: string, probe: () => Promise<T | undefined> | T | undefined, timeoutMs = 20_000): Promise<T> {
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

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'daytwo-estate-'));
  sandbox = await startSandbox({ port: 0, outDir: path.join(dir, 'sandbox'), seed });
  // The AWS SDK's credential chain reads the shared files from the environment, as for any user.
  process.env.AWS_CONFIG_FILE = sandbox.awsConfigPath;
  process.env.AWS_SHARED_CREDENTIALS_FILE = sandbox.awsCredentialsPath;
  const kc = new KubeConfig();
  kc.loadFromFile(sandbox.kubeconfigPath);
  contexts = kc.getContexts().map((c) => c.name);
  for (const c of kc.getContexts()) clusterOfContext.set(c.name, c.cluster);
  engine = openEngine();
});

afterAll(async () => {
  await engine?.close();
  await sandbox?.stop();
  process.env = savedEnv;
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('the estate of the sandbox, as Daytwo sees it', () => {
  it('brings every context live and shows exactly what kubectl shows: pods, deployments, nodes', async () => {
    const e = engine!;
    expect(contexts.length).toBeGreaterThanOrEqual(3);
    await until('every Kubernetes source live', () => {
      const k8s = e.sources.list().filter((s) => s.kind === 'kubernetes');
      return k8s.length === contexts.length && k8s.every((s) => s.state === 'live') ? true : undefined;
    }, 60_000);
    // The simulation keeps moving (pods start, crash, get replaced), so compare until both agree.
    for (const context of contexts) {
      for (const [resource, kind] of [['pods', 'pod'], ['deployments', 'deployment'], ['nodes', 'node']] as const) {
        await until(`${context} ${resource} to match kubectl`, async () => {
          const fromKubectl = (await kubectl(context, 'get', resource, '-A', '-o', 'name')).split('\n').filter(Boolean).length;
          const shown = entitiesOf(await snapshot(e), context, kind).length;
          if (shown !== fromKubectl) throw new Error(`Daytwo shows ${shown}, kubectl ${fromKubectl}`);
          return true;
        });
      }
    }
    const snap = await snapshot(e);
    // No credential in anything the API serves.
    const serialized = JSON.stringify(snap);
    for (const user of new KubeConfig().getUsers()) expect(serialized).not.toContain(user.token ?? '\u0000');
  });

  it('discovers the AWS side through CloudWatch: load balancers, databases, node groups, alarms on them', async () => {
    const e = engine!;
    const aws = await until('an AWS source live', () => e.sources.list().find((s) => s.kind === 'aws' && s.state === 'live'), 30_000);
    const snap = await snapshot(e);
    const ofSource = snap.entities.filter((x) => x.sourceId === aws.id);
    expect(ofSource.some((x) => x.kind === 'loadbalancer')).toBe(true);
    expect(ofSource.some((x) => x.kind === 'database')).toBe(true);
    expect(ofSource.some((x) => x.kind === 'nodegroup')).toBe(true);
    const alarms = ofSource.filter((x) => x.kind === 'alarm');
    expect(alarms.length).toBeGreaterThan(0);
    const alarmsOn = snap.relations.filter((r) => r.kind === 'alarms-on');
    expect(alarmsOn.length).toBeGreaterThan(0);
    const ids = new Set(snap.entities.map((x) => x.id));
    expect(alarmsOn.every((r) => ids.has(r.to))).toBe(true);
  });

  it('shows a change made with kubectl through the watch: scale, delete pod', async () => {
    const e = engine!;
    const context = contexts.find((c) => !c.includes('viewer'))!;
    const snap = await snapshot(e);
    const deployment = entitiesOf(snap, context, 'deployment').find((d) => Number(d.status.replicas) >= 1)!;
    const [namespace, name] = nsName(deployment).split('/') as [string, string];
    const target = Number(deployment.status.replicas) + 2;
    await kubectl(context, 'scale', `deployment/${name}`, '-n', namespace, `--replicas=${target}`);
    await until('the scaled replica count', async () => {
      const d = (await snapshot(e)).entities.find((x) => x.id === deployment.id);
      return d?.status.replicas === target ? d : undefined;
    }, 10_000);

    const pod = entitiesOf(await snapshot(e), context, 'pod')[0]!;
    const [podNs, podName] = nsName(pod).split('/') as [string, string];
    await kubectl(context, 'delete', 'pod', podName, '-n', podNs, '--wait=false');
    await until('the deleted pod gone', async () => ((await snapshot(e)).entities.some((x) => x.id === pod.id) ? undefined : true), 10_000);
  });

  it('turns every source offline when the sandbox stops mid-watch, and keeps serving the estate', async () => {
    const e = engine!;
    const before = await snapshot(e);
    await sandbox.stop();
    await until('every source offline', () => {
      const live = e.sources.list().filter((s) => s.kind !== 'prometheus');
      return live.every((s) => s.state === 'offline') ? true : undefined;
    }, 30_000);
    const offline = e.sources.list().find((s) => s.kind === 'kubernetes')!;
    expect(offline.reason).toMatch(/unreachable/);
    expect(offline.remedy).toBeTruthy();
    expect(offline.lastSyncAt).not.toBeNull();
    const after = await snapshot(e);
    expect(after.entities.length).toBe(before.entities.length);
  });

  it('restarted with every source down, serves the cached estate at once', async () => {
    const cached = await snapshot(engine!);
    await engine!.close();
    engine = openEngine();
    const first = await snapshot(engine);
    const podIds = (s: EstateSnapshot) => s.entities.filter((x) => x.kind === 'pod').map((x) => x.id).sort();
    expect(podIds(first)).toEqual(podIds(cached));
    await until('sources offline again', () => (engine!.sources.list().filter((s) => s.kind === 'kubernetes').every((s) => s.state === 'offline') ? true : undefined), 30_000);
    expect((await snapshot(engine)).entities.length).toBe(cached.entities.length);
  });

  it('reconciles when the sandbox comes back on the same port and seed: no ghosts, no duplicates', async () => {
    // The sandbox issues a new certificate per launch and rewrites its kubeconfig; the engine
    // rereads the changed file, as it would after `aws eks update-kubeconfig`.
    const e = engine!;
    sandbox = await startSandbox({ port: sandbox.port, outDir: path.join(dir, 'sandbox'), seed });
    await until('every Kubernetes source live again', () => {
      const k8s = e.sources.list().filter((s) => s.kind === 'kubernetes');
      return k8s.every((s) => s.state === 'live') ? true : undefined;
    }, 60_000);
    const snap = await snapshot(e);
    const ids = snap.entities.map((x) => x.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const context of contexts) {
      for (const [resource, kind] of [['pods', 'pod'], ['deployments', 'deployment'], ['nodes', 'node']] as const) {
        // The estate holds exactly kubectl's objects: nothing deleted meanwhile survives, nothing twice.
        await until(`${context} ${resource} to equal kubectl's`, async () => {
          const shown = entitiesOf(await snapshot(e), context, kind).map(nsName).sort();
          const fromKubectl = (await kubectlNames(context, resource)).map((n) => (resource === 'nodes' ? `/${n.split('/')[1]}` : n));
          expect(shown).toEqual(fromKubectl);
          return true;
        });
      }
    }
  }, 180_000);
});
