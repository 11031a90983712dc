import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { KubeConfig } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEngine, type Engine } from '../../electron/engine/engine.js';
import { kubeConfigForContext } from '../../electron/engine/operations/cluster-access.js';
import { startSandbox, type RunningSandbox } from '../../electron/engine/sandbox/start.js';
import type { Run } from '../../shared/api/runbooks.js';
import { noSecrets, routerCaller } from './helpers/engine.js';
import { eventually } from './helpers/prometheus.js';

/**
 * The drill scenario "a PodDisruptionBudget blocking a node drain": once started, an upgrade
 * controller's drain of a node stalls on a budget that allows no disruption (kubectl sees the
 * cordon, the 429 and the Warning events); the bundled runbook's scale-up and drain let it
 * through, and the scenario's recovery condition holds.
 */

const run = promisify(execFile);
let dir: string;
let sandbox: RunningSandbox;
let engine: Engine;
const call = routerCaller(() => engine);

interface ScenarioReport {
  status: string;
  node: string | null;
  targetRef: { cluster: string; namespace: string; name: string };
  recovery: { reached: boolean; conditions: { name: string; met: boolean; detail: string }[] };
}

async function admin(method: string, pathname: string): Promise<ScenarioReport & { run?: ScenarioReport }> {
  const res = await fetch(`http://127.0.0.1:${sandbox.port}/sandbox/scenarios/${pathname}`, { method, headers: { authorization: `Bearer ${sandbox.adminToken}` } });
  const body = (await res.json()) as ScenarioReport & { run?: ScenarioReport };
  if (!res.ok) throw new Error(`${method} ${pathname}: ${res.status} ${JSON.stringify(body)}`);
  return body;
}

async function scenario(): Promise<ScenarioReport> {
  const described = await admin('GET', 'pdb-blocks-drain');
  if (!described.run) throw new Error(`no run: ${JSON.stringify(described)}`);
  return described.run;
}

function step(r: Run, id: string) {
  const s = r.steps.find((x) => x.id === id);
  if (!s) throw new Error(`no step ${id}`);
  return s;
}

const current = (r: Run) => r.steps[r.current]!.id;

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'daytwo-pdb-drill-'));
  sandbox = await startSandbox({ port: 0, outDir: path.join(dir, 'sandbox'), seed: 11 });
  const main = new KubeConfig();
  main.loadFromFile(sandbox.kubeconfigPath);
  engine = createEngine({
    mode: 'host',
    version: 'test',
    dataDir: path.join(dir, 'data'),
    readOnly: false,
    sealer: noSecrets,
    sandbox: true,
    log: () => {},
    connections: { kubeconfigFiles: [sandbox.kubeconfigPath], prometheusUrls: [], env: {} },
    clusterAccess: {
      contextsOf: (cluster) => main.getContexts().filter((c) => c.cluster === cluster && c.name === cluster).map((c) => c.name),
      kubeConfigFor: (context) => kubeConfigForContext(main, context),
      isLive: (context) => engine.sources.get(`k8s:${context}`)?.state === 'live',
    },
    operationTuning: { pollIntervalMs: 250, verifyTimeoutMs: 120_000 },
  });
}, 120_000);

afterAll(async () => {
  await engine?.close();
  await sandbox?.stop();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

describe('drill scenario: a PodDisruptionBudget blocking a node drain', () => {
  let target: ScenarioReport['targetRef'];
  let node: string;
  const kubectl = async (...args: string[]) => (await run('kubectl', ['--kubeconfig', sandbox.kubeconfigPath, '--context', target.cluster, ...args], { timeout: 30_000 })).stdout.trim();

  it('stalls the drain: the node is cordoned, the budget allows nothing, evictions get 429 and Warning events', async () => {
    const started = await admin('POST', 'pdb-blocks-drain/start');
    target = (started.run ?? started).targetRef;
    expect(target.cluster).toBe('dc1-onprem');
    const report = await eventually('the maintenance drain to start', async () => {
      const now = await scenario();
      return now.node ? now : undefined;
    });
    node = report.node!.split('/')[1]!;
    expect(report.recovery.reached).toBe(false);

    expect(await kubectl('get', 'node', node, '-o', 'jsonpath={.spec.unschedulable}')).toBe('true');
    const pdb = await eventually('the budget to allow no disruption', async () => {
      const out = await kubectl('-n', target.namespace, 'get', 'pdb', '-o', 'jsonpath={range .items[*]}{.metadata.name} {.status.disruptionsAllowed} {.spec.minAvailable}{"\\n"}{end}');
      return out.split('\n').find((l) => l.startsWith(target.name) && l.split(' ')[1] === '0');
    });
    const replicas = Number(await kubectl('-n', target.namespace, 'get', 'deployment', target.name, '-o', 'jsonpath={.spec.replicas}'));
    expect(Number(pdb.split(' ')[2])).toBe(replicas);

    const events = await eventually('EvictionBlocked events on the target pods', async () => {
      const out = await kubectl('-n', target.namespace, 'get', 'events', '--field-selector', 'reason=EvictionBlocked', '-o', 'jsonpath={range .items[*]}{.involvedObject.name}|{.type}|{.message}{"\\n"}{end}');
      const lines = out.split('\n').filter((l) => l.startsWith(`${target.name}-`));
      return lines.length ? lines : undefined;
    });
    expect(events[0]).toContain("Warning|Cannot evict pod from node");
    expect(events[0]).toContain("Cannot evict pod as it would violate the pod's disruption budget.");

    // kubectl's own drain meets the same 429 from the Eviction API.
    const stderr = await run('kubectl', ['--kubeconfig', sandbox.kubeconfigPath, '--context', target.cluster, 'drain', node, '--ignore-daemonsets', `--pod-selector=app.kubernetes.io/name=${target.name}`, '--timeout=3s'], { timeout: 30_000 }).then(
      () => '',
      (e: { stderr?: string }) => e.stderr ?? '',
    );
    expect(stderr).toContain("Cannot evict pod as it would violate the pod's disruption budget.");
    expect((await scenario()).status).toBe('running');
  }, 180_000);

  it("recovers with the bundled runbook's scale-up and drain, and the recovery condition holds", async () => {
    await eventually('the cluster in the estate', async () => (engine.estate.get(`k8s:${target.cluster}/${target.namespace}/Deployment/${target.name}`) ? true : undefined));
    const readiness = (await call('upgrades.readiness', { cluster: target.cluster })).report;
    expect(readiness.findings.find((f) => f.category === 'drain-blocked')?.objects.map((o) => o.name)).toContain(target.name);

    const replicas = Number(await kubectl('-n', target.namespace, 'get', 'deployment', target.name, '-o', 'jsonpath={.spec.replicas}'));
    let r = (await call('runs.start', { runbookId: 'pdb-blocks-drain', parameters: { context: target.cluster, namespace: target.namespace, deployment: target.name, node, replicas: replicas + 1 } })).run;
    r = (await call('runs.step', { runId: r.id, stepId: 'find-budget', action: 'complete' })).run;
    expect(current(r)).toBe('scale-up');
    const execute = async (x: Run) => {
      const { plan } = await call('operations.getPlan', { id: step(x, current(x)).planId! });
      return (await call('runs.step', { runId: x.id, stepId: current(x), action: 'execute', confirmation: plan.confirmation.expected })).run;
    };
    const pass = async (x: Run) => {
      const id = current(x);
      await eventually(`"${id}" to pass`, async () => {
        const { run: now } = await call('runs.step', { runId: x.id, stepId: id, action: 'recheck' });
        return step(now, id).check?.passed ? now : undefined;
      }, 240, 500);
      return (await call('runs.step', { runId: x.id, stepId: id, action: 'complete' })).run;
    };
    r = await execute(r);
    expect(current(r)).toBe('ready');
    r = await pass(r);
    expect(current(r)).toBe('drain');
    r = await execute(r);
    expect(step(r, 'drain').state).toBe('done');
    r = await pass(r);
    r = (await call('runs.step', { runId: r.id, stepId: 'follow-up', action: 'complete' })).run;
    expect(r.state).toBe('finished');

    const recovered = await eventually('the recovery condition to hold for its holdFor', async () => {
      const now = await scenario();
      return now.recovery.reached ? now : undefined;
    }, 120, 500);
    expect(recovered.status).toBe('recovered');
    expect(recovered.recovery.conditions.map((c) => [c.name, c.met])).toEqual([['targetReady', true], ['nodeDrained', true]]);
    expect(await kubectl('-n', target.namespace, 'get', 'pods', '-l', `app.kubernetes.io/name=${target.name}`, '--field-selector', `spec.nodeName=${node}`, '-o', 'name')).toBe('');

    // Stopping the scenario puts the budget back and returns the node to service.
    await admin('POST', 'pdb-blocks-drain/stop');
    expect(await kubectl('get', 'node', node, '-o', 'jsonpath={.spec.unschedulable}')).toBe('');
  }, 300_000);

  it('node-upgrade, the whole upgrade as a drill: the control plane at 1.30 and a 1.30 node group, not recovered while service pods remain on the old workers', async () => {
    await admin('POST', 'node-upgrade/start');
    expect(JSON.parse(await kubectl('get', '--raw', '/version')).gitVersion).toBe('v1.30.6');
    const versions = (await kubectl('get', 'nodes', '-o', 'jsonpath={range .items[*]}{.status.nodeInfo.kubeletVersion}{"\\n"}{end}')).split('\n');
    expect(versions.filter((v) => v === 'v1.30.6')).toHaveLength(3);
    const described = await admin('GET', 'node-upgrade');
    expect(described.run?.recovery.conditions.find((c) => c.name === 'oldNodesDrained')?.met).toBe(false);
    const readiness = (await call('upgrades.readiness', { cluster: target.cluster, targetVersion: '1.30' })).report;
    expect(String(readiness.guidedUpgrade.parameters.nodes).split(',').length).toBe(readiness.nodes.filter((n) => n.minor === '1.29' && !n.controlPlane).length);
    // Calling it off puts the control plane's version back.
    await admin('POST', 'node-upgrade/stop');
    expect(JSON.parse(await kubectl('get', '--raw', '/version')).gitVersion).toMatch(/^v1\.29\./);
  }, 120_000);
});
