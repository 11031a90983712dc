import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { KubeConfig } from '@kubernetes/client-node';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MethodName, Params, Result } from '../../shared/api/contract.js';
import type { Revision } from '../../shared/api/operations.js';
import { createEngine } from '../../electron/engine/engine.js';
import type { Engine } from '../../electron/engine/engine.js';
import { passphraseSealer } from '../../electron/engine/connections/vault.js';
import { clusterAccessFromKubeConfig } from '../../electron/engine/operations/cluster-access.js';
import { databaseFileName } from '../../electron/engine/store/database.js';
import { startSandbox } from '../../electron/engine/sandbox/start.js';

/**
 * Given the sandbox estate (a real Kubernetes API that kubectl accepts), an operator plans,
 * confirms and runs operations through Daytwo's API exactly as the UI or a script would, and
 * kubectl, looking at the same cluster, sees what happened.
 */

const run = promisify(execFile);
const onprem = 'dc1-onprem'; // matches none of the default production patterns
const prod = 'shop-prod-eks';

let sandbox: { kubeconfigPath: string; stop(): Promise<void> | void };
let engine: Engine;
let dir: string;
let kubeconfig: KubeConfig;
const offline = new Set<string>();

async function kubectl(...args: string[]): Promise<string> {
  const { stdout } = await run('kubectl', ['--kubeconfig', sandbox.kubeconfigPath, ...args], { timeout: 30_000 });
  return stdout.trim();
}

/** Calls the API as a script would; a refusal rejects with the engine's error (code + message). */
async function call<M extends MethodName>(method: M, params: Params<M>): Promise<Result<M>> {
  const outcome = await engine.router.call(method, params, { transport: 'internal' });
  if (!outcome.ok) throw Object.assign(new Error(outcome.error.message), { code: outcome.error.code });
  return outcome.result as Result<M>;
}

function viewerContextFor(cluster: string): string {
  const context = kubeconfig.contexts.find((c) => c.name.includes('viewer') && c.cluster === kubeconfig.getContextObject(cluster)?.cluster);
  if (!context) throw new Error(`The sandbox kubeconfig has no viewer context for ${cluster}.`);
  return context.name;
}

async function replicasSeenByKubectl(context: string, namespace: string, name: string): Promise<string> {
  return kubectl('--context', context, '-n', namespace, 'get', 'deployment', name, '-o', 'jsonpath={.spec.replicas}/{.status.readyReplicas}');
}

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'daytwo-operations-'));
  sandbox = await startSandbox({ port: 0, outDir: path.join(dir, 'sandbox'), seed: 7 });
  kubeconfig = new KubeConfig();
  kubeconfig.loadFromFile(sandbox.kubeconfigPath);
  engine = createEngine({
    mode: 'host',
    version: 'test',
    dataDir: path.join(dir, 'data'),
    readOnly: false,
    sealer: passphraseSealer(undefined),
    clusterAccess: clusterAccessFromKubeConfig(kubeconfig, (context) => !offline.has(context)),
    operationTuning: { pollIntervalMs: 200, verifyTimeoutMs: 90_000 },
  });
});

afterAll(async () => {
  await engine?.close();
  await sandbox?.stop();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

describe('operations against the sandbox', () => {
  it('scales a Deployment up and back down, and kubectl sees each', async () => {
    const target = `k8s:${onprem}/erp/Deployment/warehouse-ui`;
    const before = await kubectl('--context', onprem, '-n', 'erp', 'get', 'deployment', 'warehouse-ui', '-o', 'jsonpath={.spec.replicas}');

    const { plan } = await call('operations.plan', { kind: 'scale', target, params: { replicas: 4 } });
    expect(plan.diff.changes).toEqual([{ field: 'spec.replicas', before, after: '4' }]);
    expect(plan.dryRunPassed).toBe(true);
    expect(plan.confirmation.level).toBe('acknowledge');
    const { operation } = await call('operations.execute', { planId: plan.id, confirmation: plan.confirmation.expected, wait: true });
    expect(operation.state).toBe('succeeded');
    expect(operation.steps.length).toBeGreaterThan(1);
    expect(await replicasSeenByKubectl(onprem, 'erp', 'warehouse-ui')).toBe('4/4');

    const down = await call('operations.plan', { kind: 'scale', target, params: { replicas: 2 } });
    const done = await call('operations.execute', { planId: down.plan.id, confirmation: 'confirm', wait: true });
    expect(done.operation.state).toBe('succeeded');
    expect(await replicasSeenByKubectl(onprem, 'erp', 'warehouse-ui')).toBe('2/2');
  });

  it('refuses to execute a plan whose target changed since it was planned', async () => {
    const target = `k8s:${onprem}/erp/Deployment/warehouse-ui`;
    const { plan } = await call('operations.plan', { kind: 'scale', target, params: { replicas: 5 } });
    await kubectl('--context', onprem, '-n', 'erp', 'scale', 'deployment/warehouse-ui', '--replicas=3');
    await expect(call('operations.execute', { planId: plan.id, confirmation: 'confirm' })).rejects.toMatchObject({
      code: 'conflict',
      message: expect.stringMatching(/changed since this plan was made \(replicas=2 → replicas=3\)/),
    });
    expect(await kubectl('--context', onprem, '-n', 'erp', 'get', 'deployment', 'warehouse-ui', '-o', 'jsonpath={.spec.replicas}')).toBe('3');
    await kubectl('--context', onprem, '-n', 'erp', 'scale', 'deployment/warehouse-ui', '--replicas=2');
  });

  it('plans with a server-side dry run that changes nothing', async () => {
    const get = () => kubectl('--context', onprem, '-n', 'erp', 'get', 'deployment', 'stock-sync', '-o', 'jsonpath={.spec.replicas} {.metadata.resourceVersion} {.metadata.generation}');
    const before = await get();
    const { plan } = await call('operations.plan', { kind: 'scale', target: `k8s:${onprem}/erp/Deployment/stock-sync`, params: { replicas: 0 } });
    expect(plan.risks.map((r) => r.code)).toContain('scale-to-zero');
    expect(plan.confirmation).toMatchObject({ level: 'type-name', expected: 'stock-sync' });
    expect(await get()).toBe(before);
  });

  it('asks for the name typed on a production context, and refuses anything else', async () => {
    const target = `k8s:${prod}/shop/Deployment/catalog-api`;
    const before = await replicasSeenByKubectl(prod, 'shop', 'catalog-api');
    const { plan } = await call('operations.plan', { kind: 'scale', target, params: { replicas: 20 } });
    expect(plan.risks.map((r) => r.code)).toEqual(expect.arrayContaining(['production', 'hpa-override']));
    expect(plan.confirmation).toMatchObject({ level: 'type-name', expected: 'catalog-api' });
    await expect(call('operations.execute', { planId: plan.id, confirmation: 'confirm' })).rejects.toMatchObject({
      code: 'forbidden',
      message: expect.stringMatching(/type "catalog-api"/),
    });
    expect(await replicasSeenByKubectl(prod, 'shop', 'catalog-api')).toBe(before);
  });

  it('refuses a scale through the viewer with the missing permission named, and picks the admin context when none is named', async () => {
    const viewer = viewerContextFor(onprem);
    const before = await replicasSeenByKubectl(onprem, 'erp', 'inventory-api');
    // One cluster, two ways in: the operator names the viewer's.
    const target = `k8s:${onprem}/erp/Deployment/inventory-api`;
    await expect(call('operations.plan', { kind: 'scale', target, params: { replicas: 5 }, context: viewer })).rejects.toMatchObject({
      code: 'forbidden',
      message: expect.stringMatching(new RegExp(`on context "${viewer}" may not patch deployments/scale in namespace erp`)),
    });
    // Named nothing: the plan chooses the context whose user may, and says which and as whom.
    const { plan } = await call('operations.plan', { kind: 'scale', target, params: { replicas: 5 } });
    expect(plan).toMatchObject({ context: onprem, actingAs: kubeconfig.getContextObject(onprem)?.user });
    await expect(call('operations.plan', { kind: 'scale', target, params: { replicas: 5 }, context: 'nowhere' })).rejects.toMatchObject({ code: 'bad_request', message: expect.stringMatching(/does not reach/) });
    expect(await replicasSeenByKubectl(onprem, 'erp', 'inventory-api')).toBe(before);
    // kubectl, asked the same question as the same user, agrees.
    await expect(kubectl('--context', viewer, '-n', 'erp', 'auth', 'can-i', 'patch', 'deployments', '--subresource=scale')).rejects.toThrow();
  });

  it('rolls back a bad `kubectl set image`, and kubectl rollout history and the running image agree', async () => {
    const ns = ['--context', onprem, '-n', 'erp'];
    const container = await kubectl(...ns, 'get', 'deployment', 'inventory-api', '-o', 'jsonpath={.spec.template.spec.containers[0].name}');
    const good = await kubectl(...ns, 'get', 'deployment', 'inventory-api', '-o', 'jsonpath={.spec.template.spec.containers[0].image}');
    await kubectl(...ns, 'set', 'image', 'deployment/inventory-api', `${container}=registry.dc1.internal/erp/inventory-api:6.5.0-broken`);

    // The controller creates the new ReplicaSet (revision) on its next pass; wait for it to exist.
    let revisions: Revision[] = [];
    for (;;) {
      ({ revisions } = await call('operations.history', { target: `k8s:${onprem}/erp/Deployment/inventory-api` }));
      if (revisions.some((r) => r.current)) break;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const current = revisions.find((r) => r.current);
    const previous = revisions.find((r) => r.images.includes(good));
    expect(current?.images).toEqual(['registry.dc1.internal/erp/inventory-api:6.5.0-broken']);
    expect(previous).toBeDefined();

    const { plan } = await call('operations.plan', { kind: 'rollback', target: `k8s:${onprem}/erp/Deployment/inventory-api`, params: { revision: previous!.revision } });
    expect(plan.diff.changes).toContainEqual({ field: `spec.template.spec.containers[${container}].image`, before: 'registry.dc1.internal/erp/inventory-api:6.5.0-broken', after: good });
    const { operation } = await call('operations.execute', { planId: plan.id, confirmation: 'confirm', wait: true });
    expect(operation.state).toBe('succeeded');

    expect(await kubectl(...ns, 'get', 'deployment', 'inventory-api', '-o', 'jsonpath={.spec.template.spec.containers[0].image}')).toBe(good);
    const history = await kubectl(...ns, 'rollout', 'history', 'deployment/inventory-api');
    const latest = Math.max(...[...history.matchAll(/^(\d+)\s/gm)].map((m) => Number(m[1])));
    expect(await kubectl(...ns, 'rollout', 'history', 'deployment/inventory-api', `--revision=${latest}`)).toContain(good);
    // The rolled-back-to revision moved to the top: it is no longer listed under its old number.
    expect(history).not.toMatch(new RegExp(`^${previous!.revision}\\s`, 'm'));
    // Pods of the broken revision may still be terminating (as in a real cluster); every pod that stays runs the good image.
    const pods = JSON.parse(await kubectl(...ns, 'get', 'pods', '-l', 'app.kubernetes.io/name=inventory-api', '-o', 'json')) as {
      items: { metadata: { deletionTimestamp?: string }; spec: { containers: { image: string }[] } }[];
    };
    const staying = pods.items.filter((pod) => !pod.metadata.deletionTimestamp);
    expect(new Set(staying.map((pod) => pod.spec.containers[0]?.image))).toEqual(new Set([good]));
  });

  it('restarts a Deployment once however often its plan is executed', async () => {
    const ns = ['--context', onprem, '-n', 'erp'];
    const target = `k8s:${onprem}/erp/Deployment/stock-sync`;
    const revisionOf = () => kubectl(...ns, 'get', 'deployment', 'stock-sync', '-o', "jsonpath={.metadata.annotations['deployment\\.kubernetes\\.io/revision']}");
    const before = Number(await revisionOf());
    const { plan } = await call('operations.plan', { kind: 'restart', target, params: {} });

    // A double click and a retry after a dropped connection: three calls, one plan id.
    const [first, second] = await Promise.all([
      call('operations.execute', { planId: plan.id, confirmation: 'confirm' }),
      call('operations.execute', { planId: plan.id, confirmation: 'confirm' }),
    ]);
    const third = await call('operations.execute', { planId: plan.id, confirmation: 'confirm', wait: true });
    expect(second.operation.id).toBe(first.operation.id);
    expect(third.operation.id).toBe(first.operation.id);
    expect(third.operation.state).toBe('succeeded');

    expect(Number(await revisionOf())).toBe(before + 1);
    const restartedAt = await kubectl(...ns, 'get', 'deployment', 'stock-sync', '-o', "jsonpath={.spec.template.metadata.annotations['kubectl\\.kubernetes\\.io/restartedAt']}");
    expect(restartedAt).not.toBe('');
    // The engine's own retry of a write whose answer was lost sends this same patch again: it starts no second rollout.
    await kubectl(...ns, 'patch', 'deployment', 'stock-sync', '--type=strategic', '-p', JSON.stringify({ spec: { template: { metadata: { annotations: { 'kubectl.kubernetes.io/restartedAt': restartedAt } } } } }));
    expect(Number(await revisionOf())).toBe(before + 1);
    const { entries } = await call('audit.list', { target });
    expect(entries.filter((e) => e.plan.id === plan.id)).toHaveLength(1);
  });

  it('drains a node with a PodDisruptionBudget in the way: waits on it, and reports it when the deadline passes', async () => {
    const ns = ['--context', onprem, '-n', 'erp'];
    // A budget no eviction can satisfy: every stock-sync pod must stay up.
    const replicas = await kubectl(...ns, 'get', 'deployment', 'stock-sync', '-o', 'jsonpath={.spec.replicas}');
    await kubectl(...ns, 'create', 'poddisruptionbudget', 'stock-sync-hold', '--selector=app.kubernetes.io/name=stock-sync', `--min-available=${replicas}`);
    const node = (await kubectl(...ns, 'get', 'pods', '-l', 'app.kubernetes.io/name=stock-sync', '-o', 'jsonpath={.items[0].spec.nodeName}')).trim();
    const target = `k8s:${onprem}/Node/${node}`;

    const { plan } = await call('operations.plan', { kind: 'drain', target, params: { timeoutSeconds: 4 } });
    expect(plan.risks.find((r) => r.code === 'pdb-violation')?.message).toContain('erp/stock-sync-hold');
    const blocked = await call('operations.execute', { planId: plan.id, confirmation: plan.confirmation.expected, wait: true });
    expect(blocked.operation.state).toBe('timed-out');
    expect(blocked.operation.outcome).toMatch(/waiting on disruption budgets for erp\/stock-sync-/);
    expect(await kubectl('--context', onprem, 'get', 'node', node, '-o', 'jsonpath={.spec.unschedulable}')).toBe('true');

    // With the budget gone, a fresh plan drains the node.
    await kubectl(...ns, 'delete', 'poddisruptionbudget', 'stock-sync-hold');
    const again = await call('operations.plan', { kind: 'drain', target, params: {} });
    const drained = await call('operations.execute', { planId: again.plan.id, confirmation: again.plan.confirmation.expected, wait: true });
    expect(drained.operation.state).toBe('succeeded');
    const left = await kubectl('--context', onprem, 'get', 'pods', '-A', '--field-selector', `spec.nodeName=${node}`, '-o', 'jsonpath={range .items[*]}{.metadata.ownerReferences[0].kind}{"\\n"}{end}');
    expect(left.split('\n').filter((kind) => kind !== '' && kind !== 'DaemonSet')).toEqual([]);

    const uncordon = await call('operations.plan', { kind: 'uncordon', target, params: {} });
    expect((await call('operations.execute', { planId: uncordon.plan.id, confirmation: 'confirm', wait: true })).operation.state).toBe('succeeded');
    expect(['', 'false']).toContain(await kubectl('--context', onprem, 'get', 'node', node, '-o', 'jsonpath={.spec.unschedulable}'));
  });

  it('pauses and resumes a rollout, scales a StatefulSet, changes an HPA range on production, and deletes a pod', async () => {
    const run = async (kind: Params<'operations.plan'>['kind'], target: string, params: Record<string, unknown> = {}) => {
      const { plan } = await call('operations.plan', { kind, target, params } as Params<'operations.plan'>);
      return (await call('operations.execute', { planId: plan.id, confirmation: plan.confirmation.expected, wait: true })).operation;
    };
    const erp = ['--context', onprem, '-n', 'erp'];
    expect((await run('pause', `k8s:${onprem}/erp/Deployment/warehouse-ui`)).state).toBe('succeeded');
    expect(await kubectl(...erp, 'get', 'deployment', 'warehouse-ui', '-o', 'jsonpath={.spec.paused}')).toBe('true');
    expect((await run('resume', `k8s:${onprem}/erp/Deployment/warehouse-ui`)).state).toBe('succeeded');
    expect(['', 'false']).toContain(await kubectl(...erp, 'get', 'deployment', 'warehouse-ui', '-o', 'jsonpath={.spec.paused}'));

    expect((await run('scale', `k8s:${onprem}/erp/StatefulSet/erp-cache`, { replicas: 2 })).state).toBe('succeeded');
    expect(await kubectl(...erp, 'get', 'statefulset', 'erp-cache', '-o', 'jsonpath={.spec.replicas}/{.status.readyReplicas}')).toBe('2/2');

    // Production: the HPA's name is what has to be typed.
    const hpa = `k8s:${prod}/shop/HorizontalPodAutoscaler/catalog-api`;
    const { plan } = await call('operations.plan', { kind: 'hpa-range', target: hpa, params: { minReplicas: 3, maxReplicas: 8 } });
    expect(plan.confirmation).toMatchObject({ level: 'type-name', expected: 'catalog-api' });
    await call('operations.execute', { planId: plan.id, confirmation: 'catalog-api', wait: true });
    expect(await kubectl('--context', prod, '-n', 'shop', 'get', 'hpa', 'catalog-api', '-o', 'jsonpath={.spec.minReplicas}-{.spec.maxReplicas}')).toBe('3-8');

    const pod = await kubectl(...erp, 'get', 'pods', '-l', 'app.kubernetes.io/name=inventory-api', '-o', 'jsonpath={.items[0].metadata.name}');
    const deleted = await run('delete-pod', `k8s:${onprem}/erp/Pod/${pod}`);
    expect(deleted.state).toBe('succeeded');
    await expect(kubectl(...erp, 'get', 'pod', pod)).rejects.toThrow(/NotFound|not found/);
  });

  it('keeps a plan made while the source is offline as a draft, and re-plans it against live state before confirming', async () => {
    const target = `k8s:${onprem}/erp/Deployment/warehouse-ui`;
    offline.add(onprem);
    try {
      await expect(call('operations.plan', { kind: 'scale', target, params: { replicas: 3 } })).rejects.toMatchObject({ code: 'unavailable', message: expect.stringMatching(/not live/) });
      const { plan: draft } = await call('operations.plan', { kind: 'scale', target, params: { replicas: 3 }, keepDraft: true });
      expect(draft.state).toBe('draft');
      expect((await call('operations.list', {})).drafts.map((p) => p.id)).toContain(draft.id);
      await expect(call('operations.execute', { planId: draft.id, confirmation: 'confirm' })).rejects.toMatchObject({ code: 'conflict', message: expect.stringMatching(/Re-plan/) });
      offline.delete(onprem);
      const { plan } = await call('operations.replan', { planId: draft.id });
      expect(plan.state).toBe('ready');
      expect(plan.diff.changes).toEqual([{ field: 'spec.replicas', before: '2', after: '3' }]);
      expect((await call('operations.list', {})).drafts.map((p) => p.id)).not.toContain(draft.id);
    } finally {
      offline.delete(onprem);
    }
  });

  it('records every operation in a hash chain, and an edited row makes audit.verify fail at that row', async () => {
    const { entries } = await call('audit.list', {});
    expect(entries.length).toBeGreaterThanOrEqual(5);
    const entry = entries.find((e) => e.what.kind === 'scale')!;
    expect(entry.who.osUser).not.toBe('');
    expect(entry.who.kubeUser).toBe(kubeconfig.getContextObject(onprem)?.user);
    expect(await call('audit.verify', {})).toMatchObject({ ok: true, brokenAt: null });

    const { jsonl, count } = await call('audit.export', {});
    expect(jsonl.trimEnd().split('\n')).toHaveLength(count);

    // Someone opens the database with sqlite3 and quietly changes who did it.
    const raw = new Database(path.join(dir, 'data', databaseFileName));
    try {
      raw.exec('DROP TRIGGER audit_log_no_update');
      const row = raw.prepare('SELECT record FROM audit_log WHERE seq = 2').get() as { record: string };
      const record = JSON.parse(row.record) as { who: { osUser: string } };
      record.who.osUser = 'someone-else';
      raw.prepare('UPDATE audit_log SET record = ? WHERE seq = 2').run(JSON.stringify(record));
    } finally {
      raw.close();
    }
    const verdict = await call('audit.verify', {});
    expect(verdict).toMatchObject({ ok: false, brokenAt: 2 });
  });
});

describe('a read-only host', () => {
  it('refuses every operation before anything runs', async () => {
    const readOnly = createEngine({
      mode: 'host',
      version: 'test',
      dataDir: path.join(dir, 'read-only'),
      readOnly: true,
      sealer: passphraseSealer(undefined),
      clusterAccess: clusterAccessFromKubeConfig(kubeconfig),
    });
    try {
      const outcome = await readOnly.router.call('operations.plan', { kind: 'cordon', target: `k8s:${onprem}/Node/x`, params: {} }, { transport: 'http' });
      expect(outcome).toMatchObject({ ok: false, error: { code: 'forbidden' } });
      const execute = await readOnly.router.call('operations.execute', { planId: 'plan-x', confirmation: 'confirm' }, { transport: 'http' });
      expect(execute).toMatchObject({ ok: false, error: { code: 'forbidden' } });
      // Reading the record stays possible on a war-room screen.
      expect(await readOnly.router.call('audit.verify', {}, { transport: 'http' })).toMatchObject({ ok: true });
    } finally {
      await readOnly.close();
    }
  });
});
