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
