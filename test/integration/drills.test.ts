import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEngine, type Engine } from '../../electron/engine/engine.js';
import { sandboxScrapeConfigs } from '../../electron/engine/sandbox/prometheus/scrape-config.js';
import { startSandbox, type RunningSandbox } from '../../electron/engine/sandbox/start.js';
import type { MethodName, Params } from '../../shared/api/contract.js';
import type { Drill } from '../../shared/api/drills.js';
import type { Run } from '../../shared/api/runbooks.js';
import { eventually, prometheusAvailable, startPrometheus, type RunningPrometheus } from './helpers/prometheus.js';
import { noSecrets, routerCaller } from './helpers/engine.js';

/**
 * A game day on the sandbox, through the engine's router as the UI calls it: a bad-deploy drill
 * with two named participants taking turns at one console. Alice acknowledges and declares the
 * drill incident; Bob rolls back through the bundled bad-deploy runbook. The scores are checked
 * against the sandbox's own record of the injection and of its recovery condition, not against
 * anything the drill service computed for itself. Prometheus evaluates the runbook's checks.
 */
if (!prometheusAvailable) console.log('Skipping the drills test: /usr/bin/prometheus is not installed (apt-get install prometheus).');

const CLUSTER = 'shop-prod-eks';

let dir: string;
let sandbox: RunningSandbox;
let prometheus: RunningPrometheus;
let engine: Engine;
let base: string;

const sealer = noSecrets;

const call = routerCaller(() => engine);

async function refused<M extends MethodName>(method: M, params: Params<M>): Promise<{ code: string; message: string }> {
  const outcome = await engine.router.call(method, params, { transport: 'internal' });
  if (outcome.ok) throw new Error(`${method} was expected to be refused`);
  return outcome.error;
}

interface SandboxScenario {
  status: string;
  run: { status: string; startedAt: string; holdingSince: string | null; recoveredAt: string | null } | null;
}

async function sandboxScenario(name: string): Promise<SandboxScenario> {
  return (await (await fetch(`${base}/sandbox/scenarios/${name}`, { headers: { Authorization: `Bearer ${sandbox.adminToken}` } })).json()) as SandboxScenario;
}

function step(r: Run, id: string) {
  const s = r.steps.find((x) => x.id === id);
  if (!s) throw new Error(`no step ${id}`);
  return s;
}

const seconds = (ms: number | null) => (ms === null ? null : Math.round(ms / 1000));

beforeAll(async () => {
  if (!prometheusAvailable) return;
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'daytwo-drills-'));
  sandbox = await startSandbox({ port: 0, outDir: path.join(dir, 'sandbox'), seed: 42 });
  base = `http://127.0.0.1:${sandbox.port}`;
  prometheus = await startPrometheus(path.join(dir, 'prometheus'), { scrapeConfigs: sandboxScrapeConfigs(`127.0.0.1:${sandbox.port}`, [CLUSTER]) });
  engine = createEngine({
    mode: 'host',
    version: 'test',
    dataDir: path.join(dir, 'data'),
    readOnly: false,
    sealer,
    sandbox: true,
    sandboxAdmin: { url: base, token: sandbox.adminToken },
    log: () => {},
    connections: { kubeconfigFiles: [sandbox.kubeconfigPath], prometheusUrls: [prometheus.url], env: {} },
    sourceTuning: { prometheusIntervalMs: 1_000, backoff: { initialMs: 200, maxMs: 1_000, resetAfterMs: 10_000 } },
    metricsTuning: { alertIntervalMs: 1_000 },
    operationTuning: { pollIntervalMs: 250, verifyTimeoutMs: 120_000 },
  });
  await eventually(`k8s:${CLUSTER} live`, async () => (engine.sources.get(`k8s:${CLUSTER}`)?.state === 'live' ? true : undefined));
}, 180_000);

afterAll(async () => {
  await engine?.close();
  await prometheus?.stop();
  await sandbox?.stop();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

describe.skipIf(!prometheusAvailable)('a bad-deploy drill with two participants', () => {
  let drill: Drill;
  let deployment: string;
  let namespace: string;

  it('lists the sandbox scenarios with their recovery and par times', async () => {
    const { scenarios } = await call('drills.scenarios', {});
    const badDeploy = scenarios.find((s) => s.name === 'bad-deploy');
    expect(badDeploy?.recovery.holdForMs).toBe(30_000);
    expect(badDeploy?.parMs).toEqual({ detect: 180_000, declare: 300_000, identify: 480_000, mitigate: 720_000 });
  });

  it('starts the scenario on the sandbox and keeps the injection time the sandbox recorded', async () => {
    ({ drill } = await call('drills.start', {
      scenario: 'bad-deploy',
      participants: [
        { name: 'Alice', role: 'commander' },
        { name: 'Bob', role: 'operations' },
      ],
    }));
    const injection = drill.injections[0]!;
    const onSandbox = await sandboxScenario('bad-deploy');
    expect(onSandbox.status).toBe('running');
    expect(injection.at).toBe(Date.parse(onSandbox.run!.startedAt));
    const m = /^k8s:([^/]+)\/([^/]+)\/Deployment\/(.+)$/.exec(injection.entityId)!;
    expect(m[1]).toBe(CLUSTER);
    namespace = m[2]!;
    deployment = m[3]!;
    expect(drill.acting).toBe('Alice');
  });

  it('refuses an operation against a context that is not a sandbox source while the drill runs', async () => {
    const error = await refused('operations.plan', { kind: 'restart', target: 'k8s:prod-eu/shop/Deployment/checkout', params: {} });
    expect(error.code).toBe('forbidden');
    expect(error.message).toContain(`Drill ${drill.id} is running`);
    expect(error.message).toContain('"prod-eu" is not one');
  });

  it('Alice declares the drill incident and acknowledges it; Bob rolls back through the bundled runbook', async () => {
    const { incident } = await call('incidents.declare', { title: 'Checkout errors', severity: 'SEV2', kind: 'drill', impacted: [drill.injections[0]!.entityId] });
    const { incident: acked } = await call('incidents.update', { id: incident.id, milestones: { acknowledged: Date.now() } });
    await call('incidents.update', { id: incident.id, status: 'identified' });
    await call('drills.control', { id: drill.id, action: 'hint', text: 'Look at the newest ReplicaSet.' });

    await call('drills.control', { id: drill.id, action: 'turn', participant: 'Bob' });
    const { run } = await call('runs.start', { runbookId: 'bad-deploy', parameters: { context: CLUSTER, namespace, deployment }, incidentId: incident.id });
    const checked = await eventually('the error ratio above 0.02', async () => {
      const { run: now } = await call('runs.step', { runId: run.id, stepId: 'errors-high', action: 'recheck' });
      return step(now, 'errors-high').check?.passed ? now : undefined;
    }, 120, 1_000);
    expect(checked.state).toBe('running');
    await call('runs.step', { runId: run.id, stepId: 'errors-high', action: 'complete' });
    await call('runs.step', { runId: run.id, stepId: 'confirm-release', action: 'complete', note: 'newest image exits 1' });
    const { run: atRollback } = await call('runs.get', { id: run.id });
    const { plan } = await call('operations.getPlan', { id: step(atRollback, 'rollback').planId! });
    const { run: rolledBack } = await call('runs.step', { runId: run.id, stepId: 'rollback', action: 'execute', confirmation: plan.confirmation.expected });
    expect(step(rolledBack, 'rollback').state).toBe('done');

    const { drill: now } = await call('drills.get', { id: drill.id });
    expect(now.incidentId).toBe(incident.id);
    expect(acked.milestones.acknowledged).toBeDefined();
  }, 300_000);

  it('ends mitigated when the recovery condition has held for its holdFor, scoring against the recorded times to the second', async () => {
    const ended = await eventually('the drill mitigated', async () => {
      const got = await call('drills.get', { id: drill.id });
      return got.drill.state === 'mitigated' ? got : undefined;
    }, 300, 1_000);
    const onSandbox = await sandboxScenario('bad-deploy');
    expect(onSandbox.run!.status).toBe('recovered');
    const injectedAt = Date.parse(onSandbox.run!.startedAt);
    const { incident } = await call('incidents.get', { id: ended.drill.incidentId! });
    const score = Object.fromEntries(ended.score.milestones.map((m) => [m.milestone, m]));

    const declaredAt = incident.milestones.declared!.at;
    const acknowledgedAt = incident.milestones.acknowledged!.at;
    expect(seconds(score['declare']!.ms)).toBe(seconds(declaredAt - injectedAt));
    expect(seconds(score['detect']!.ms)).toBe(seconds(Math.min(declaredAt, acknowledgedAt) - injectedAt));
    // Mitigation is when the scenario's own recovery condition started holding, as the sandbox saw it.
    expect(seconds(score['mitigate']!.ms)).toBe(seconds(Date.parse(onSandbox.run!.holdingSince!) - injectedAt));
    expect(Date.parse(onSandbox.run!.recoveredAt!) - Date.parse(onSandbox.run!.holdingSince!)).toBeGreaterThanOrEqual(30_000);
    expect(score['identify']!.ms).not.toBeNull();
    expect(score['mitigate']!.parMs).toBe(720_000);

    expect(score['detect']!.by).toBe('Alice');
    expect(score['declare']!.by).toBe('Alice');
    expect(score['mitigate']!.by).toBe('Bob');
    const bob = ended.score.perParticipant.find((p) => p.name === 'Bob')!;
    expect(bob).toMatchObject({ role: 'operations', actions: 1, unrelatedActions: 0 });
    expect(bob.milestones).toEqual(['mitigate']);
    expect(ended.score.perParticipant.find((p) => p.name === 'Alice')!.milestones).toEqual(['detect', 'declare', 'identify']);
    expect(ended.score.runbooksUsed).toEqual(['bad-deploy']);
    expect(ended.drill.events.some((e) => e.kind === 'hint' && e.detail === 'Look at the newest ReplicaSet.')).toBe(true);
  }, 320_000);

  it('keeps the drill incident out of the real incident figures', async () => {
    const { drill: done } = await call('drills.get', { id: drill.id });
    const real = await call('incidents.list', { kind: 'real' });
    expect(real.incidents.map((i) => i.id)).not.toContain(done.incidentId);
    const drills = await call('incidents.list', { kind: 'drill' });
    expect(drills.incidents.map((i) => i.id)).toContain(done.incidentId);
  });

  it('writes the report in Markdown and JSON with both clocks, the milestones and the debrief', async () => {
    await call('drills.control', { id: drill.id, action: 'debrief', question: 'What told you first?' });
    const report = await call('drills.report', { id: drill.id });
    expect(report.markdown).toContain('| mitigate |');
    expect(report.markdown).toContain('What told you first?');
    expect(report.markdown).toMatch(/\| \d{4}-\d\d-\d\dT[\d:]+Z \| \+00:00 \| injected/);
    expect(JSON.parse(fs.readFileSync(report.files.json, 'utf8')).drill.id).toBe(drill.id);
    expect(fs.readFileSync(report.files.markdown, 'utf8')).toBe(report.markdown);
    const { drills } = await call('drills.list', {});
    expect(drills[0]).toMatchObject({ id: drill.id, scenario: 'bad-deploy', state: 'mitigated' });
  });
});

describe.skipIf(!prometheusAvailable)('abort', () => {
  it('stops every scenario and verifies the sandbox back at steady state', async () => {
    const { drill } = await call('drills.start', { scenario: 'bad-deploy', participants: [{ name: 'Carol', role: 'commander' }] });
    await call('drills.control', { id: drill.id, action: 'inject', scenario: 'traffic-surge' });
    await eventually('the bad deploy to bite', async () => ((await (await fetch(`${base}/sandbox/steady`, { headers: { Authorization: `Bearer ${sandbox.adminToken}` } })).json()) as { steady: boolean }).steady ? undefined : true);
    const { drill: aborted } = await call('drills.control', { id: drill.id, action: 'abort' });
    expect(aborted.state).toBe('aborted');
    for (const name of ['bad-deploy', 'traffic-surge']) expect((await sandboxScenario(name)).status).toBe('stopped');
    // Within the scenario's stated recovery time: its holdFor plus the time alarms take to clear.
    const steady = await eventually('steady state verified', async () => {
      const { drill: now } = await call('drills.get', { id: drill.id });
      return now.steady?.verifiedAt ? now : undefined;
    }, 240, 1_000);
    expect(steady.steady!.problems).toEqual([]);
    const direct = (await (await fetch(`${base}/sandbox/steady`, { headers: { Authorization: `Bearer ${sandbox.adminToken}` } })).json()) as { steady: boolean };
    expect(direct.steady).toBe(true);
    // Once ended, the operations guard lets go.
    const error = await refused('operations.plan', { kind: 'restart', target: 'k8s:prod-eu/shop/Deployment/checkout', params: {} });
    expect(error.message).not.toContain('Drill');
  }, 300_000);
});
