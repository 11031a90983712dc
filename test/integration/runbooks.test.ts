import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { KubeConfig } from '@kubernetes/client-node';
import yaml from 'js-yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEngine, type Engine } from '../../electron/engine/engine.js';
import { kubeConfigForContext } from '../../electron/engine/operations/cluster-access.js';
import type { CloudSideInternals } from '../../electron/engine/sandbox/cloud.js';
import { sandboxScrapeConfigs } from '../../electron/engine/sandbox/prometheus/scrape-config.js';
import { startSandbox, type RunningSandbox } from '../../electron/engine/sandbox/start.js';
import type { MethodName, Params } from '../../shared/api/contract.js';
import type { Run } from '../../shared/api/runbooks.js';
import { eventually, prometheusAvailable, startPrometheus, type RunningPrometheus } from './helpers/prometheus.js';
import { noSecrets, routerCaller } from './helpers/engine.js';

/**
 * Guided runbooks against the sandbox and Debian's Prometheus, through the engine's router as
 * the UI calls it. Prometheus scrapes one sandbox cluster as kube-prometheus-stack does and
 * evaluates kube-prometheus's own KubePodCrashLooping rule (with `for: 0s`, since Prometheus
 * measures `for` on its wall clock), so the alert the runbook is offered for is one the real
 * rule fires on the bad deploy.
 */
if (!prometheusAvailable) console.log('Skipping the runbooks test: /usr/bin/prometheus is not installed (apt-get install prometheus).');

const FIXTURES = path.resolve(import.meta.dirname, '../../../shared/fixtures/kube-prometheus');
const CLUSTER = 'shop-prod-eks';
const run = promisify(execFile);

let dir: string;
let sandbox: RunningSandbox;
let prometheus: RunningPrometheus;
let engine: Engine;
let broken: { namespace: string; name: string };

const sealer = noSecrets;

const call = routerCaller(() => engine);

async function refused<M extends MethodName>(method: M, params: Params<M>): Promise<{ code: string; message: string }> {
  const outcome = await engine.router.call(method, params, { transport: 'internal' });
  if (outcome.ok) throw new Error(`${method} was expected to be refused`);
  return outcome.error;
}

function kubectl(...args: string[]) {
  return run('kubectl', ['--kubeconfig', sandbox.kubeconfigPath, '--context', CLUSTER, ...args]);
}

/** The engine, as the host starts it, plus the approver's kubeconfig for the second person's contexts. */
function startEngine(): Engine {
  const main = new KubeConfig();
  main.loadFromFile(sandbox.kubeconfigPath);
  const approver = new KubeConfig();
  approver.loadFromFile(sandbox.approverKubeconfigPath);
  const created = createEngine({
    mode: 'host',
    version: 'test',
    dataDir: path.join(dir, 'data'),
    readOnly: false,
    sealer,
    sandbox: true,
    log: () => {},
    connections: { kubeconfigFiles: [sandbox.kubeconfigPath], prometheusUrls: [prometheus.url], env: {} },
    // The approver's contexts are on this workstation but are no estate source: operations and approvals find them here.
    clusterAccess: {
      // The contexts the main kubeconfig has for a cluster (the approver's reaches it too, but acts only when named).
      contextsOf: (cluster) => main.getContexts().filter((c) => c.cluster === cluster).map((c) => c.name).sort(),
      kubeConfigFor: (context) => kubeConfigForContext(main, context) ?? kubeConfigForContext(approver, context),
      isLive: (context) => created.sources.get(`k8s:${context}`)?.state === 'live',
    },
    sourceTuning: { prometheusIntervalMs: 1_000, backoff: { initialMs: 200, maxMs: 1_000, resetAfterMs: 10_000 } },
    metricsTuning: { alertIntervalMs: 1_000 },
    operationTuning: { pollIntervalMs: 250, verifyTimeoutMs: 120_000 },
  });
  return created;
}

async function untilLive(): Promise<void> {
  await eventually(`k8s:${CLUSTER} live with ${broken.name} in the estate`, async () => {
    const source = engine.sources.get(`k8s:${CLUSTER}`);
    if (source?.state !== 'live') throw new Error(`k8s:${CLUSTER} is ${source?.state}: ${source?.reason}`);
    return engine.estate.get(`k8s:${CLUSTER}/${broken.namespace}/Deployment/${broken.name}`) ? true : undefined;
  });
}

function step(r: Run, id: string) {
  const s = r.steps.find((x) => x.id === id);
  if (!s) throw new Error(`no step ${id}`);
  return s;
}

function current(r: Run): string {
  return r.steps[r.current]!.id;
}

beforeAll(async () => {
  if (!prometheusAvailable) return;
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'daytwo-runbooks-'));
  const rule = yaml.load(fs.readFileSync(path.join(FIXTURES, 'kubernetesControlPlane-prometheusRule.yaml'), 'utf8')) as { spec: { groups: { rules: { alert?: string }[] }[] } };
  const crashLooping = rule.spec.groups.flatMap((g) => g.rules).find((r) => r.alert === 'KubePodCrashLooping');
  if (!crashLooping) throw new Error('The fixture no longer has KubePodCrashLooping.');
  const rules = path.join(dir, 'crashlooping.yaml');
  fs.writeFileSync(rules, yaml.dump({ groups: [{ name: 'crashlooping-for-0s', rules: [{ ...crashLooping, for: '0s' }] }] }));

  sandbox = await startSandbox({ port: 0, outDir: path.join(dir, 'sandbox'), seed: 42 });
  prometheus = await startPrometheus(path.join(dir, 'prometheus'), { scrapeConfigs: sandboxScrapeConfigs(`127.0.0.1:${sandbox.port}`, [CLUSTER]), ruleFiles: [rules] });
  const target = (sandbox.cloud as CloudSideInternals).scenarios.start('bad-deploy').target;
  if (target.cluster !== CLUSTER) throw new Error(`bad-deploy chose ${target.id}, outside ${CLUSTER}.`);
  broken = { namespace: target.namespace, name: target.name };
  engine = startEngine();
  await untilLive();
}, 180_000);

afterAll(async () => {
  await engine?.close();
  await prometheus?.stop();
  await sandbox?.stop();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

describe.skipIf(!prometheusAvailable)('a bad deploy, from the alert to the closing check', () => {
  let runId: string;

  it('offers the bundled bad-deploy runbook for the KubePodCrashLooping the real rule fires, with namespace, deployment and the admin context filled', async () => {
    const alert = await eventually('KubePodCrashLooping to fire on the broken pods', async () => {
      const res = await fetch(`${prometheus.url}/api/v1/alerts`);
      const body = (await res.json()) as { data: { alerts: { labels: Record<string, string>; state: string }[] } };
      return body.data.alerts.find((a) => a.labels.alertname === 'KubePodCrashLooping' && a.state === 'firing' && a.labels.namespace === broken.namespace && a.labels.pod?.startsWith(`${broken.name}-`));
    }, 240);
    await eventually('the crashing pod in the estate', async () => (engine.estate.get(`k8s:${CLUSTER}/${broken.namespace}/Pod/${alert.labels.pod}`) ? true : undefined));
    const { offers } = await call('runbooks.forAlert', { alertname: 'KubePodCrashLooping', labels: alert.labels });
    const offer = offers.find((o) => o.runbook.id === 'bad-deploy');
    expect(offer, JSON.stringify(offers)).toBeDefined();
    expect(offer!.parameters).toMatchObject({ namespace: broken.namespace, deployment: broken.name, context: CLUSTER, errorThreshold: 0.02 });
    expect(offer!.missing).toEqual([]);
    // The generic crash-looping runbook answers it too.
    expect(offers.map((o) => o.runbook.id)).toContain('kube-pod-crash-looping');

    const { run: started } = await call('runs.start', { runbookId: 'bad-deploy', parameters: offer!.parameters, declareIncident: true });
    runId = started.id;
    expect(started.incidentId).toMatch(/^inc-/);
    expect(started.runbookHash).toBe(offer!.runbook.hash);
  }, 200_000);

  it('sees the error ratio above the threshold, follows the branch, and stops at the manual step', async () => {
    const r = await eventually('the error ratio above 0.02', async () => {
      const { run: now } = await call('runs.step', { runId, stepId: 'errors-high', action: 'recheck' });
      return step(now, 'errors-high').check?.passed ? now : undefined;
    }, 120, 1_000);
    const check = step(r, 'errors-high').check!;
    expect(check.value).toBeGreaterThan(0.02);
    expect(check.stale).toBe(false);
    expect(check.points.length).toBeGreaterThan(0);
    const { run: next } = await call('runs.step', { runId, stepId: 'errors-high', action: 'complete' });
    // The branch reads the check's result by itself and lands on the manual step.
    expect(step(next, 'users-hurt').state).toBe('done');
    expect(current(next)).toBe('confirm-release');
  }, 200_000);

  it('after the engine is stopped and started again, the run is on the same step with its history', async () => {
    await engine.close();
    engine = startEngine();
    const { run: resumed } = await call('runs.get', { id: runId });
    expect(current(resumed)).toBe('confirm-release');
    expect(step(resumed, 'errors-high').records.map((x) => x.what)).toEqual(expect.arrayContaining(['reached', 'checked', 'completed']));
    await untilLive();
  }, 120_000);

  it('plans the rollback to the previous revision, executes it once confirmed, and verifies it', async () => {
    await call('runs.step', { runId, stepId: 'confirm-release', action: 'complete', note: 'new image crashes on start' });
    const { run: atAction } = await call('runs.get', { id: runId });
    expect(current(atAction)).toBe('rollback');
    const rollback = step(atAction, 'rollback');
    expect(rollback.state).toBe('current');
    const { plan } = await call('operations.getPlan', { id: rollback.planId! });
    expect(plan.kind).toBe('rollback');
    expect(plan.state).toBe('ready');
    // The revision before the broken one, read live from the Deployment's history.
    const { revisions } = await call('operations.history', { target: plan.target });
    const broke = revisions.find((x) => x.current)!;
    expect(broke.images.some((i) => i.endsWith('-broken'))).toBe(true);
    expect(plan.params).toEqual({ revision: Math.max(...revisions.filter((x) => !x.current).map((x) => x.revision)) });
    expect(rollback.title).toBe(`Roll ${broken.name} back to revision ${String(plan.params.revision)}`);
    expect(plan.actingAs).toBe('sandbox-admin');
    const wrong = await refused('runs.step', { runId, stepId: 'rollback', action: 'execute', confirmation: 'nope' });
    expect(wrong.code).toBe('forbidden');
    const { run: after } = await call('runs.step', { runId, stepId: 'rollback', action: 'execute', confirmation: plan.confirmation.expected });
    const done = step(after, 'rollback');
    expect(done.state).toBe('done');
    const { operation } = await call('operations.get', { id: done.operationId! });
    expect(operation.state).toBe('succeeded');
    expect(current(after)).toBe('recovered');
  }, 200_000);

  it('passes the closing checks once the recovery holds, and finishes', async () => {
    await eventually('the error ratio back below 0.02', async () => {
      const { run: now } = await call('runs.step', { runId, stepId: 'recovered', action: 'recheck' });
      return step(now, 'recovered').check?.passed ? true : undefined;
    }, 150, 1_000);
    await call('runs.step', { runId, stepId: 'recovered', action: 'complete' });
    await eventually('every replica ready', async () => {
      const { run: now } = await call('runs.step', { runId, stepId: 'ready', action: 'recheck' });
      return step(now, 'ready').check?.passed ? true : undefined;
    }, 60, 1_000);
    await call('runs.step', { runId, stepId: 'ready', action: 'complete' });
    const { run: finished } = await call('runs.step', { runId, stepId: 'follow-up', action: 'skip', reason: 'ticket filed by hand' });
    expect(finished.state).toBe('finished');
  }, 200_000);

  it('puts the run and each step on the incident timeline, and the rollback in the audit log', async () => {
    const { run: finished } = await call('runs.get', { id: runId });
    const { items } = await call('incidents.timeline', { id: finished.incidentId! });
    // Run steps are timeline items of their own kind, not notes.
    const lines = items.filter((i) => i.kind === 'runbook').map((i) => i.what + ' ' + i.detail).join('\n');
    expect(items.some((i) => i.kind === 'note' && i.what.includes('Runbook run'))).toBe(false);
    for (const text of ['Started the runbook', 'Checked check step "Error ratio of', 'Completed manual step "Confirm the crash-looping pods', 'Executed action step "Roll', 'Skipped manual step "Open a ticket', 'Finished the runbook']) {
      expect(lines).toContain(text);
    }
    // The postmortem export carries them: the report's timeline and timeline.json.
    const exported = await call('incidents.export', { id: finished.incidentId! });
    expect(fs.readFileSync(path.join(exported.folder, 'report.md'), 'utf8')).toContain('Executed action step "Roll');
    const json = JSON.parse(fs.readFileSync(path.join(exported.folder, 'timeline.json'), 'utf8')) as { items: { kind: string }[] };
    expect(json.items.filter((i) => i.kind === 'runbook').length).toBeGreaterThanOrEqual(6);
    const { entries } = await call('audit.list', { kind: 'rollback' });
    const operationId = step(finished, 'rollback').operationId;
    const entry = entries.find((e) => e.operationId === operationId);
    expect(entry?.outcome.result).toBe('succeeded');
    expect(entry?.target).toBe(`k8s:${CLUSTER}/${broken.namespace}/Deployment/${broken.name}`);
  });
});

describe.skipIf(!prometheusAvailable)('two-person approval', () => {
  it('refuses the runner approving their own gated action and the viewer who may not act, and lets a second admin approve, naming both in the audit log', async () => {
    const deployment = broken.name;
    const { run: started } = await call('runs.start', {
      runbookId: 'kube-deployment-replicas-mismatch',
      parameters: { context: CLUSTER, namespace: broken.namespace, deployment },
    });
    const runId = started.id;
    await call('runs.step', { runId, stepId: 'ready', action: 'complete' });
    const { run: asked } = await call('runs.step', { runId, stepId: 'why', action: 'answer', answer: 'not-ready' });
    expect(current(asked)).toBe('second-pair-of-eyes');

    const self = await refused('runs.approve', { runId, stepId: 'second-pair-of-eyes', context: CLUSTER });
    expect(self.code).toBe('forbidden');
    expect(self.message).toContain('sandbox-admin cannot approve their own action');
    const viewer = await refused('runs.approve', { runId, stepId: 'second-pair-of-eyes', context: `${CLUSTER}-viewer` });
    expect(viewer.code).toBe('forbidden');
    expect(viewer.message).toContain('sandbox-viewer may not perform this action');

    const { run: approved } = await call('runs.approve', { runId, stepId: 'second-pair-of-eyes', context: `${CLUSTER}-approver` });
    const approval = step(approved, 'second-pair-of-eyes').records.find((x) => x.what === 'approved')!;
    expect(approval.outputs).toMatchObject({ approver: 'sandbox-approver', runner: 'sandbox-admin' });
    const { entries } = await call('audit.list', { kind: 'restart' });
    const entry = entries.find((e) => e.seq === approval.outputs.auditSeq)!;
    expect(entry.who.kubeUser).toBe('sandbox-approver');
    expect(entry.plan.diff.changes).toEqual([
      { field: 'runner', before: null, after: 'sandbox-admin' },
      { field: 'approver', before: null, after: 'sandbox-approver' },
    ]);

    expect(current(approved)).toBe('restart');
    const { plan } = await call('operations.getPlan', { id: step(approved, 'restart').planId! });
    const { run: restarted } = await call('runs.step', { runId, stepId: 'restart', action: 'execute', confirmation: plan.confirmation.expected });
    expect(step(restarted, 'restart').state).toBe('done');
    expect(restarted.state).toBe('finished');
  }, 200_000);
});

describe.skipIf(!prometheusAvailable)('offline', () => {
  it('queues an action reached with the source down, and on reconnect the re-plan shows what changed out of band; the stale plan cannot run', async () => {
    const node = engine.estate.find({ kinds: ['node'], within: `k8s:${CLUSTER}` })[0]!;
    const { run: started } = await call('runs.start', { runbookId: 'node-failure', parameters: { context: CLUSTER, node: node.name } });
    const runId = started.id;
    expect(current(started)).toBe('node-down');
    await call('sources.setEnabled', { id: `k8s:${CLUSTER}`, enabled: false });
    const { run: queued } = await call('runs.step', { runId, stepId: 'node-down', action: 'complete' });
    const cordon = step(queued, 'cordon');
    expect(cordon.state).toBe('waiting');
    const { plan: draft } = await call('operations.getPlan', { id: cordon.planId! });
    expect(draft.state).toBe('draft');

    // Someone cordons the node with kubectl while Daytwo cannot see the cluster.
    await kubectl('cordon', node.name);
    await call('sources.setEnabled', { id: `k8s:${CLUSTER}`, enabled: true });
    await untilLive();

    const stale = await refused('runs.step', { runId, stepId: 'cordon', action: 'execute', confirmation: draft.confirmation.expected });
    expect(stale.code).toBe('conflict');
    const { run: replanned, plan } = await call('runs.step', { runId, stepId: 'cordon', action: 'replan' });
    expect(plan!.state).toBe('ready');
    expect(plan!.risks.map((r) => r.code)).toContain('no-change');
    const drift = step(replanned, 'cordon').records.at(-1)!;
    expect(drift.what).toBe('replanned');
    expect(drift.outputs.drift).toMatchObject({ before: { state: 'draft' } });
    const { before, after } = drift.outputs.drift as { before: { summary: string }; after: { summary: string } };
    expect(after.summary).not.toBe(before.summary);
    await kubectl('uncordon', node.name);
  }, 200_000);
});
