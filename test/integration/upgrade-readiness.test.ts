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
import type { ReadinessReport } from '../../shared/api/upgrades.js';
import { noSecrets, routerCaller } from './helpers/engine.js';
import { eventually } from './helpers/prometheus.js';

/**
 * Upgrade readiness and the guided rolling node upgrade, against the sandbox's on-premises
 * cluster (a 1.29 control plane): a FlowSchema written at flowcontrol v1beta3 (removed in 1.32),
 * a single-replica Deployment and a PodDisruptionBudget no eviction can satisfy are each
 * reported by name; then the old nodes are replaced by a node group at 1.30 through the bundled
 * runbook, which stops (resumably) on the blocking budget and finishes once it is relaxed.
 */

const CLUSTER = 'dc1-onprem';
const NS = 'erp';
const run = promisify(execFile);

let dir: string;
let sandbox: RunningSandbox;
let engine: Engine;
const call = routerCaller(() => engine);

async function kubectl(...args: string[]): Promise<string> {
  const { stdout } = await run('kubectl', ['--kubeconfig', sandbox.kubeconfigPath, '--context', CLUSTER, ...args], { timeout: 30_000 });
  return stdout.trim();
}

async function kubectlApply(manifest: string): Promise<string> {
  const file = path.join(dir, `manifest-${Math.random().toString(36).slice(2)}.yaml`);
  fs.writeFileSync(file, manifest);
  return kubectl('apply', '-f', file);
}

async function admin(method: string, pathname: string, body?: object): Promise<Record<string, unknown>> {
  const res = await fetch(`http://127.0.0.1:${sandbox.port}${pathname}`, {
    method,
    headers: { authorization: `Bearer ${sandbox.adminToken}`, 'content-type': 'application/json' },
    ...(body ? { body: JSON.stringify(body) } : {}),
  });
  const json = (await res.json()) as Record<string, unknown>;
  if (!res.ok) throw new Error(`${method} ${pathname}: ${res.status} ${JSON.stringify(json)}`);
  return json;
}

function startEngine(): Engine {
  const main = new KubeConfig();
  main.loadFromFile(sandbox.kubeconfigPath);
  const created = createEngine({
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
      isLive: (context) => created.sources.get(`k8s:${context}`)?.state === 'live',
    },
    operationTuning: { pollIntervalMs: 250, verifyTimeoutMs: 120_000 },
  });
  return created;
}

async function untilLive(): Promise<void> {
  await eventually(`k8s:${CLUSTER} live`, async () => (engine.sources.get(`k8s:${CLUSTER}`)?.state === 'live' && engine.estate.get(`k8s:${CLUSTER}/${NS}/Deployment/stock-sync`) ? true : undefined));
}

async function report(targetVersion?: string): Promise<ReadinessReport> {
  return (await call('upgrades.readiness', { cluster: CLUSTER, ...(targetVersion ? { targetVersion } : {}) })).report;
}

function names(r: ReadinessReport, category: string): string[] {
  return r.findings.filter((f) => f.category === category).flatMap((f) => f.objects.map((o) => `${o.kind}:${o.namespace ?? ''}/${o.name}`));
}

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'daytwo-upgrade-'));
  sandbox = await startSandbox({ port: 0, outDir: path.join(dir, 'sandbox'), seed: 7 });
  engine = startEngine();
  await untilLive();
}, 180_000);

afterAll(async () => {
  await engine?.close();
  await sandbox?.stop();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

describe('upgrade readiness of a cluster', () => {
  it('names the object written at a removed API version, the single-replica workload and the blocking PodDisruptionBudget', async () => {
    // Discovery lists the deprecated version beside v1, as a 1.29 control plane does.
    const groups = JSON.parse(await kubectl('get', '--raw', '/apis/flowcontrol.apiserver.k8s.io')) as { versions: { groupVersion: string }[]; preferredVersion: { groupVersion: string } };
    expect(groups.versions.map((v) => v.groupVersion)).toEqual(['flowcontrol.apiserver.k8s.io/v1', 'flowcontrol.apiserver.k8s.io/v1beta3']);
    expect(groups.preferredVersion.groupVersion).toBe('flowcontrol.apiserver.k8s.io/v1');
    await kubectlApply(`apiVersion: flowcontrol.apiserver.k8s.io/v1beta3
kind: FlowSchema
metadata:
  name: erp-batch-jobs
spec:
  priorityLevelConfiguration:
    name: workload-low
  matchingPrecedence: 9000
  distinguisherMethod:
    type: ByUser
  rules:
    - subjects:
        - kind: ServiceAccount
          serviceAccount: {name: stock-sync, namespace: erp}
      resourceRules:
        - verbs: ["*"]
          apiGroups: ["*"]
          resources: ["*"]
          namespaces: ["*"]
`);
    // Read at v1, the object says v1 (the server converts); its last-applied says what was written.
    expect(await kubectl('get', 'flowschemas.v1.flowcontrol.apiserver.k8s.io', 'erp-batch-jobs', '-o', 'jsonpath={.apiVersion}')).toBe('flowcontrol.apiserver.k8s.io/v1');

    await kubectl('-n', NS, 'create', 'deployment', 'label-printer', '--image=registry.dc1.internal/erp/stock-sync:6.4.0', '--replicas=1');
    const replicas = await kubectl('-n', NS, 'get', 'deployment', 'stock-sync', '-o', 'jsonpath={.spec.replicas}');
    await kubectl('-n', NS, 'create', 'poddisruptionbudget', 'stock-sync-all', '--selector=app.kubernetes.io/name=stock-sync', `--min-available=${replicas}`);

    const r = await eventually('the budget to allow no disruption', async () => {
      const now = await report('1.30');
      return names(now, 'drain-blocked').length > 0 && names(now, 'drain-downtime').includes(`Deployment:${NS}/label-printer`) ? now : undefined;
    }, 60);
    expect(r.controlPlaneVersion).toMatch(/^v1\.29\./);
    expect(r.currentMinor).toBe('1.29');
    expect(r.targetMinor).toBe('1.30');
    expect(r.deprecatedServed).toEqual([{ groupVersion: 'flowcontrol.apiserver.k8s.io/v1beta3', removedIn: '1.32' }]);

    const removed = r.findings.find((f) => f.category === 'removed-api')!;
    expect(removed.objects).toEqual([{ kind: 'FlowSchema', namespace: null, name: 'erp-batch-jobs', entityId: null }]);
    expect(removed.severity).toBe('warning'); // removed in 1.32, after this upgrade to 1.30
    expect(removed.action).toContain('flowcontrol.apiserver.k8s.io/v1');
    // For an upgrade to 1.32 it is a blocker (after going through 1.30 and 1.31).
    const to132 = await report('1.32');
    expect(to132.findings.find((f) => f.category === 'removed-api')?.severity).toBe('blocker');
    expect(to132.findings.find((f) => f.category === 'version-skew' && f.severity === 'blocker')?.action).toContain('1.30');

    const single = r.findings.find((f) => f.category === 'drain-downtime' && f.objects.some((o) => o.name === 'label-printer'))!;
    expect(single.severity).toBe('warning');
    expect(single.objects.find((o) => o.name === 'label-printer')).toMatchObject({ kind: 'Deployment', namespace: NS });

    const blocked = r.findings.find((f) => f.category === 'drain-blocked')!;
    expect(blocked.severity).toBe('blocker');
    expect(blocked.objects.map((o) => `${o.kind}:${o.namespace}/${o.name}`)).toEqual([`PodDisruptionBudget:${NS}/stock-sync-all`, `Deployment:${NS}/stock-sync`]);
    expect(blocked.objects[1]!.entityId).toBe(`k8s:${CLUSTER}/${NS}/Deployment/stock-sync`);
    // The blocked workload is not reported twice.
    expect(names(r, 'drain-downtime')).not.toContain(`Deployment:${NS}/stock-sync`);

    // Every worker and control-plane kubelet is at 1.29: behind the target, to be replaced.
    expect(r.nodes.every((n) => n.minor === '1.29' && n.old)).toBe(true);
    expect(r.guidedUpgrade.runbookId).toBe('node-upgrade');
  }, 120_000);

  it('refuses a cluster nothing reaches, and a version that is not one, with structured errors', async () => {
    const nowhere = await engine.router.call('upgrades.readiness', { cluster: 'no-such-cluster' }, { transport: 'internal' });
    expect(nowhere.ok ? null : nowhere.error.code).toBe('not_found');
    const bad = await engine.router.call('upgrades.readiness', { cluster: CLUSTER, targetVersion: '2.0' }, { transport: 'internal' });
    expect(bad.ok ? null : bad.error.code).toBe('bad_request');
  });
});

function step(r: Run, id: string) {
  const s = r.steps.find((x) => x.id === id);
  if (!s) throw new Error(`no step ${id}`);
  return s;
}

function current(r: Run): string {
  return r.steps[r.current]!.id;
}

/** Executes the run's current action with the confirmation its plan asks for. */
async function executeCurrent(r: Run): Promise<Run> {
  const id = current(r);
  const { plan } = await call('operations.getPlan', { id: step(r, id).planId! });
  return (await call('runs.step', { runId: r.id, stepId: id, action: 'execute', confirmation: plan.confirmation.expected })).run;
}

/** Re-checks the current check until it passes, then completes it: the wait between nodes. */
async function untilHealthy(r: Run): Promise<Run> {
  const id = current(r);
  const passed = await eventually(`"${step(r, id).title}" to pass`, async () => {
    const { run: now } = await call('runs.step', { runId: r.id, stepId: id, action: 'recheck' });
    return step(now, id).check?.passed ? now : undefined;
  }, 240, 500);
  expect(step(passed, id).check!.value).toBe(0);
  return (await call('runs.step', { runId: r.id, stepId: id, action: 'complete' })).run;
}

describe('the guided rolling node upgrade', () => {
  let runId: string;
  let oldNodes: string[];
  const healthyBetween: string[] = [];

  it('starts from the readiness report once the control plane is at 1.30 and a 1.30 node group is Ready', async () => {
    // A workload that cannot run anywhere would hold the health check for ever: the seeded estate has one.
    await kubectl('-n', NS, 'scale', 'deployment', 'report-builder', '--replicas=0');
    await admin('POST', `/sandbox/clusters/${CLUSTER}/version`, { gitVersion: 'v1.30.6' });
    const { nodes: added } = (await admin('POST', `/sandbox/clusters/${CLUSTER}/node-groups`, { name: 'workers-v1-30', kubeletVersion: 'v1.30.6', count: 3 })) as { nodes: string[] };
    expect(added).toHaveLength(3);
    expect(await kubectl('get', 'node', added[0]!, '-o', 'jsonpath={.status.nodeInfo.kubeletVersion}')).toBe('v1.30.6');

    const r = await report('1.30');
    expect(r.controlPlaneVersion).toBe('v1.30.6');
    oldNodes = r.nodes.filter((n) => n.old && !n.controlPlane).map((n) => n.name);
    expect(oldNodes.length).toBeGreaterThanOrEqual(3);
    expect(r.nodes.filter((n) => added.includes(n.name)).every((n) => !n.old && n.ready)).toBe(true);
    expect(r.guidedUpgrade.parameters.nodes).toBe(oldNodes.join(','));

    const { run: started } = await call('runs.start', { runbookId: r.guidedUpgrade.runbookId, parameters: { ...r.guidedUpgrade.parameters, drainTimeoutSeconds: 8 } });
    runId = started.id;
    expect(current(started)).toBe('replacement-ready');
    const { run: next } = await call('runs.step', { runId, stepId: 'replacement-ready', action: 'complete' });
    expect(current(await untilHealthy(next))).toBe('cordon');
  }, 300_000);

  it('cordons and drains each old node in turn, waiting for every workload to be healthy between nodes, and stops on the drain a budget blocks', async () => {
    let r = (await call('runs.get', { id: runId })).run;
    for (;;) {
      expect(current(r)).toBe('cordon');
      const node = String(r.parameters.node);
      r = await executeCurrent(r);
      expect(current(r)).toBe('drain');
      r = await executeCurrent(r);
      if (current(r) === 'drain') break; // the drain did not succeed: the run waits on it
      expect(current(r)).toBe('healthy');
      r = await untilHealthy(r);
      healthyBetween.push(node);
    }
    const drain = step(r, 'drain');
    expect(drain.state).toBe('failed');
    expect(r.state).toBe('running');
    const { operation } = await call('operations.get', { id: drain.operationId! });
    expect(operation.state).toBe('timed-out');
    expect(operation.outcome).toMatch(/waiting on disruption budgets for erp\/stock-sync-/);
    // kubectl sees what a real API server says to the eviction.
    const blockedNode = String(r.parameters.node);
    const pod = (await kubectl('-n', NS, 'get', 'pods', '-l', 'app.kubernetes.io/name=stock-sync', '--field-selector', `spec.nodeName=${blockedNode}`, '-o', 'jsonpath={.items[0].metadata.name}')).trim();
    const refused = await run('kubectl', ['--kubeconfig', sandbox.kubeconfigPath, '--context', CLUSTER, 'drain', blockedNode, '--ignore-daemonsets', '--delete-emptydir-data', `--pod-selector=app.kubernetes.io/name=stock-sync`, '--timeout=3s'], { timeout: 30_000 }).then(
      () => '',
      (e: { stderr?: string }) => e.stderr ?? '',
    );
    expect(refused).toContain("Cannot evict pod as it would violate the pod's disruption budget.");
    expect(pod).not.toBe('');
  }, 600_000);

  it('keeps its place across a restart of the engine, resumes once the budget is relaxed, and finishes with every old node drained', async () => {
    await engine.close();
    engine = startEngine();
    let r = (await call('runs.get', { id: runId })).run;
    expect(current(r)).toBe('drain');
    expect(step(r, 'drain').state).toBe('failed');
    await untilLive();

    await kubectl('-n', NS, 'patch', 'poddisruptionbudget', 'stock-sync-all', '--type=merge', '-p', '{"spec":{"minAvailable":1}}');
    r = (await call('runs.step', { runId, stepId: 'drain', action: 'replan' })).run;
    for (;;) {
      expect(current(r)).toBe('drain');
      r = await executeCurrent(r);
      expect(step(r, 'drain').state).toBe('done');
      expect(current(r)).toBe('healthy');
      healthyBetween.push(String(r.parameters.node));
      r = await untilHealthy(r);
      if (r.state === 'finished' || current(r) === 'finished') break;
      expect(current(r)).toBe('cordon');
      r = await executeCurrent(r);
    }
    expect(current(r)).toBe('finished');
    expect(healthyBetween).toEqual(oldNodes);
    const loop = step(r, 'next-node').records.filter((x) => x.what === 'answered');
    expect(loop.map((x) => x.inputs.item ?? x.inputs.outcome)).toEqual([...oldNodes, 'done']);
    r = (await call('runs.step', { runId, stepId: 'finished', action: 'complete' })).run;
    expect(r.state).toBe('finished');

    // The old nodes are empty but for DaemonSet pods: the node group removes them, and the cluster is at 1.30 throughout.
    for (const node of oldNodes) await admin('DELETE', `/sandbox/clusters/${CLUSTER}/nodes/${encodeURIComponent(node)}`);
    const after = await report('1.30');
    expect(after.nodes.filter((n) => !n.controlPlane).every((n) => n.minor === '1.30')).toBe(true);
    expect(after.findings.filter((f) => f.category === 'drain-blocked')).toEqual([]);
  }, 600_000);
});
