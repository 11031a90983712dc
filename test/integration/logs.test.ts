import { execFile } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { KubeConfig } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MethodName, Params, Result } from '../../shared/api/contract.js';
import type { LogBatch, LogLine, LogRequest } from '../../shared/api/logs.js';
import type { Engine } from '../../electron/engine/engine.js';
import { clusterAccessFromKubeConfig } from '../../electron/engine/operations/cluster-access.js';
import { startSandbox } from '../../electron/engine/sandbox/start.js';
import { sandboxTestEngine } from './helpers/engine.js';

/**
 * Given the sandbox estate, an operator opens a workload's logs, a crashed container's previous
 * logs, a pod's events and its YAML through Daytwo's API, exactly as the UI does, and a log
 * stream whose connection is cut carries on where it stopped.
 */

const run = promisify(execFile);
const context = 'dc1-onprem';
const namespace = 'logs-demo';

let sandbox: Awaited<ReturnType<typeof startSandbox>>;
let engine: Engine;
let dir: string;
let proxy: CuttableProxy;
const logLines: string[] = [];

async function kubectl(...args: string[]): Promise<string> {
  const { stdout } = await run('kubectl', ['--kubeconfig', sandbox.kubeconfigPath, '--context', context, ...args], { timeout: 30_000 });
  return stdout.trim();
}

async function call<M extends MethodName>(method: M, params: Params<M>): Promise<Result<M>> {
  const outcome = await engine.router.call(method, params, { transport: 'internal' });
  if (!outcome.ok) throw Object.assign(new Error(outcome.error.message), { code: outcome.error.code });
  return outcome.result as Result<M>;
}

/** Opens logs.follow as the renderer does and collects every batch. */
function openLogs(params: LogRequest) {
  const batches: LogBatch[] = [];
  const opened = engine.router.subscribe('logs.follow', params, (message) => batches.push(message as LogBatch));
  if (!opened.ok) throw new Error(opened.error.message);
  const lines = () => batches.flatMap((b) => b.lines);
  return {
    batches,
    lines,
    close: opened.close,
    async until(check: () => boolean, what: string, timeoutMs = 30_000) {
      const deadline = Date.now() + timeoutMs;
      while (!check()) {
        const failed = batches.find((b) => b.error);
        if (failed) throw new Error(`logs failed: ${failed.error}`);
        if (Date.now() > deadline) throw new Error(`gave up waiting for ${what}; got ${lines().length} lines`);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    },
  };
}

/** A TCP relay in front of one cluster's API port whose connections can be cut, as a flaky network or a restarting load balancer would. */
class CuttableProxy {
  private readonly sockets = new Set<net.Socket>();
  private server = net.createServer((client) => {
    const upstream = net.connect(this.target.port, this.target.host);
    for (const s of [client, upstream]) {
      this.sockets.add(s);
      s.on('close', () => this.sockets.delete(s));
      s.on('error', () => s.destroy());
    }
    client.pipe(upstream).pipe(client);
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
  });
  port = 0;
  cuts = 0;

  constructor(private readonly target: { host: string; port: number }) {}

  async start(): Promise<void> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.port = (this.server.address() as net.AddressInfo).port;
  }

  cut(): void {
    this.cuts++;
    for (const s of this.sockets) s.destroy();
  }

  async stop(): Promise<void> {
    this.cut();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'daytwo-logs-'));
  sandbox = await startSandbox({ port: 0, outDir: path.join(dir, 'sandbox'), seed: 7 });
  const kubeconfig = new KubeConfig();
  kubeconfig.loadFromFile(sandbox.kubeconfigPath);
  // The engine reaches this one cluster through a relay the test can cut; kubectl goes direct.
  const cluster = kubeconfig.clusters.find((c) => c.name === kubeconfig.getContextObject(context)?.cluster);
  if (!cluster) throw new Error(`no cluster for ${context}`);
  const direct = new URL(cluster.server);
  proxy = new CuttableProxy({ host: direct.hostname, port: Number(direct.port) });
  await proxy.start();
  const relayed = new KubeConfig();
  relayed.loadFromOptions({
    clusters: kubeconfig.clusters.map((c) => (c.name === cluster.name ? { ...c, server: `https://127.0.0.1:${proxy.port}` } : c)),
    users: kubeconfig.users,
    contexts: kubeconfig.contexts,
    currentContext: context,
  });
  engine = sandboxTestEngine(dir, {
    log: (message) => logLines.push(message),
    connections: {
      kubeconfigFiles: [sandbox.kubeconfigPath],
      aws: { configFile: sandbox.awsConfigPath, credentialsFile: sandbox.awsCredentialsPath },
      env: {},
    },
    clusterAccess: clusterAccessFromKubeConfig(relayed),
    logTuning: { backoffMs: 100, maxBackoffMs: 400, flushMs: 50, settleMs: 2_000 },
  });

  const image = (await kubectl('-n', 'erp', 'get', 'deploy', '-o', 'jsonpath={.items[0].spec.template.spec.containers[0].image}')).split(' ')[0];
  const manifest = path.join(dir, 'logs-demo.yaml');
  fs.writeFileSync(
    manifest,
    `apiVersion: v1
kind: Namespace
metadata: {name: ${namespace}}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: ${namespace}}
spec:
  replicas: 3
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers:
      - name: app
        image: ${image}
        env:
        - name: TOKEN
          valueFrom: {secretKeyRef: {name: api-keys, key: token}}
---
apiVersion: v1
kind: Pod
metadata:
  name: crashy
  namespace: ${namespace}
  labels: {sandbox.daytwo.dev/behaviour: crash}
spec:
  containers:
  - name: app
    image: ${image}
    envFrom:
    - secretRef: {name: api-keys}
`,
  );
  await kubectl('apply', '-f', manifest);
  await kubectl('-n', namespace, 'rollout', 'status', 'deploy/web', '--timeout=60s');
}, 180_000);

afterAll(async () => {
  await engine?.close();
  await proxy?.stop();
  await sandbox?.stop();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

const ordered = (lines: LogLine[]) => lines.every((line, i) => i === 0 || lines[i - 1]!.stamp <= line.stamp);

describe('logs of the sandbox estate', () => {
  it('merges a workload’s three pods by time, each line tagged with its pod', async () => {
    const logs = openLogs({ entityId: `k8s:${context}/${namespace}/Deployment/web`, follow: false });
    await logs.until(() => logs.batches.some((b) => b.done), 'the logs to end');
    logs.close();
    const lines = logs.lines();
    expect(new Set(lines.map((l) => l.pod)).size).toBe(3);
    expect(lines.every((l) => l.pod.startsWith('web-') && l.container === 'app' && l.stamp !== '')).toBe(true);
    expect(ordered(lines)).toBe(true);
  });

  it('shows the crashed container’s previous logs', async () => {
    for (let i = 0; i < 120; i++) {
      const restarts = await kubectl('-n', namespace, 'get', 'pod', 'crashy', '-o', 'jsonpath={.status.containerStatuses[0].restartCount}');
      if (Number(restarts) >= 1) break;
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
    const logs = openLogs({ entityId: `k8s:${context}/${namespace}/Pod/crashy`, previous: true, follow: false });
    await logs.until(() => logs.batches.some((b) => b.done), 'the previous logs to end');
    logs.close();
    const lines = logs.lines();
    expect(lines.length).toBeGreaterThan(0);
    // What kubectl shows for the same container, line for line.
    const kubectlLines = (await kubectl('-n', namespace, 'logs', 'crashy', '--previous', '--timestamps')).split('\n');
    expect(lines.map((l) => l.text)).toEqual(kubectlLines.map((l) => l.slice(l.indexOf(' ') + 1)));
  });

  it('resumes a followed stream whose connection was cut, without repeating a line', async () => {
    const logs = openLogs({ entityId: `k8s:${context}/${namespace}/Deployment/web`, follow: true, tailLines: 5 });
    await logs.until(() => logs.lines().length >= 15, 'the opening tails of three pods');
    const before = logs.lines().length;
    proxy.cut();
    await logs.until(() => logs.batches.some((b) => b.streams?.some((s) => s.state === 'reconnecting')), 'the engine to notice the cut');
    await logs.until(() => logs.lines().length >= before + 6, 'new lines after the cut', 60_000);
    proxy.cut();
    await logs.until(() => logs.lines().length >= before + 12, 'new lines after a second cut', 60_000);
    logs.close();
    const lines = logs.lines();
    const keys = lines.map((l) => `${l.pod}|${l.stamp}|${l.text}`);
    expect(new Set(keys).size).toBe(keys.length);
    for (const pod of new Set(lines.map((l) => l.pod))) expect(ordered(lines.filter((l) => l.pod === pod))).toBe(true);
    // Nothing was lost either: one pod's lines are exactly what kubectl prints for the same window.
    const pod = lines[0]!.pod;
    const ours = lines.filter((l) => l.pod === pod);
    const first = ours[0]!.stamp;
    const last = ours.at(-1)!.stamp;
    const theirs = (await kubectl('-n', namespace, 'logs', pod, '--timestamps', `--since-time=${first.slice(0, 19)}Z`))
      .split('\n')
      .map((l) => ({ stamp: l.slice(0, l.indexOf(' ')), text: l.slice(l.indexOf(' ') + 1) }))
      .filter((l) => l.stamp >= first && l.stamp <= last);
    expect(ours.map((l) => `${l.stamp} ${l.text}`)).toEqual(theirs.map((l) => `${l.stamp} ${l.text}`));
    // The engine said what happened to the streams without ever writing a credential.
    expect(logLines.some((m) => m.includes('reconnecting'))).toBe(true);
    expect(logLines.some((m) => /token|Bearer|Authorization/i.test(m))).toBe(false);
  });

  it('shows a pod’s events, and its YAML with the Secret it uses masked until revealed on purpose', async () => {
    const podId = `k8s:${context}/${namespace}/Pod/crashy`;
    const secretManifest = path.join(dir, 'secret.yaml');
    fs.writeFileSync(secretManifest, `{"apiVersion":"v1","kind":"Secret","metadata":{"name":"api-keys","namespace":"${namespace}"},"stringData":{"token":"s3cr3t-value-never-shown"}}`);
    await kubectl('apply', '-f', secretManifest);
    for (let i = 0; i < 120 && !engine.estate.get(podId); i++) await new Promise((resolve) => setTimeout(resolve, 250));
    let events: Result<'estate.entity'>['events'] = [];
    for (let i = 0; i < 120 && !events.some((e) => e.reason === 'BackOff'); i++) {
      events = (await call('estate.entity', { id: podId })).events;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    expect(events.map((e) => e.reason)).toContain('BackOff');

    const pod = await call('objects.get', { entityId: podId });
    expect(pod.yaml).toContain('kind: Pod');
    expect(pod.yaml).not.toContain('managedFields');
    expect(pod.kubectl).toBe(`kubectl --context ${context} -n ${namespace} get pod/crashy -o yaml`);
    expect(pod.summary.containers[0]?.env).toContain('all keys of secret api-keys');
    expect(pod.summary.references).toContainEqual({ kind: 'Secret', name: 'api-keys' });

    const secret = await call('objects.get', { entityId: podId, ref: { kind: 'Secret', name: 'api-keys' } });
    expect(secret.maskedKeys).toEqual(['token']);
    expect(secret.yaml).not.toContain(Buffer.from('s3cr3t-value-never-shown').toString('base64'));
    expect(secret.yaml).not.toContain('s3cr3t-value-never-shown');
    const auditedBefore = (await call('audit.list', { kind: 'reveal-secret' })).entries.length;

    const revealed = await call('objects.revealSecret', { entityId: podId, ref: { kind: 'Secret', name: 'api-keys' } });
    expect(revealed.yaml).toContain(Buffer.from('s3cr3t-value-never-shown').toString('base64'));
    const audited = (await call('audit.list', { kind: 'reveal-secret' })).entries;
    expect(audited.length).toBe(auditedBefore + 1);
    expect(audited[0]?.what.summary).toBe(`Reveal the values of Secret ${namespace}/api-keys`);
    expect((await call('audit.verify', {})).ok).toBe(true);
  });
});
