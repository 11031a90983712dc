import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEngine, type Engine } from '../../electron/engine/engine.js';
import { parseExport, planReplay, type ReplayPlan } from '../../electron/engine/drills/replay-plan.js';
import type { CloudSideInternals } from '../../electron/engine/sandbox/cloud.js';
import { startSandbox, type RunningSandbox } from '../../electron/engine/sandbox/start.js';
import type { Drill } from '../../shared/api/drills.js';
import type { TimelineItem } from '../../shared/api/incidents.js';
import { noSecrets, routerCaller } from './helpers/engine.js';
import { eventually } from './helpers/prometheus.js';

/**
 * A recorded incident replayed as a drill. A real (kind `real`) incident from the sandbox's
 * bad deploy is declared from its CloudWatch alarm, handled and exported; its timeline.json is
 * then replayed against another service of the estate at 4× and at 1×. What the engine sees of
 * the replay (Kubernetes Events through its watch, alarm transitions through CloudWatch's
 * DescribeAlarmHistory, on the drill incident's timeline) must arrive in the recorded order with
 * the recorded spacing, divided by the speed, to within a second.
 */

const CLUSTER = 'shop-prod-eks';

let dir: string;
let sandbox: RunningSandbox;
let engine: Engine;
let base: string;
const call = routerCaller(() => engine);

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'daytwo-replay-'));
  sandbox = await startSandbox({ port: 0, outDir: path.join(dir, 'sandbox'), seed: 42 });
  base = `http://127.0.0.1:${sandbox.port}`;
  engine = createEngine({
    mode: 'host',
    version: 'test',
    dataDir: path.join(dir, 'data'),
    readOnly: false,
    sealer: noSecrets,
    sandbox: true,
    sandboxAdmin: { url: base, token: sandbox.adminToken },
    log: () => {},
    connections: { kubeconfigFiles: [sandbox.kubeconfigPath], aws: { configFile: sandbox.awsConfigPath, credentialsFile: sandbox.awsCredentialsPath }, env: {} },
    sourceTuning: { awsIntervalMs: 1_000, backoff: { initialMs: 200, maxMs: 1_000, resetAfterMs: 10_000 } },
    metricsTuning: { alertIntervalMs: 1_000 },
    operationTuning: { pollIntervalMs: 250, verifyTimeoutMs: 120_000 },
  });
  await eventually(`k8s:${CLUSTER} live`, async () => (engine.sources.get(`k8s:${CLUSTER}`)?.state === 'live' ? true : undefined));
}, 180_000);

afterAll(async () => {
  await engine?.close();
  await sandbox?.stop();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

const admin = (pathname: string, method = 'GET') => fetch(`${base}${pathname}`, { method, headers: { Authorization: `Bearer ${sandbox.adminToken}` } }).then((r) => r.json() as Promise<Record<string, unknown>>);

/** Which timeline item a replayed step became: the same reason, about an object of the same kind (or the alarm's transition). */
function matches(step: ReplayPlan['steps'][number], item: TimelineItem): boolean {
  if (step.kind === 'alarm') return item.kind === 'alarm' && item.what.includes(`-${step.alarm}: `) && item.what.includes(`→ ${step.state}`);
  return item.kind !== 'alarm' && item.kind !== 'alert' && item.what.startsWith(`${step.reason}: `) && (item.entityId ?? '').includes(`/${step.involved.kind}/`);
}

describe('a recorded bad-deploy incident replayed as a drill', () => {
  let exportJson: string;
  let plan: ReplayPlan;
  let replayTarget: string;
  let leadIn: number;

  it('records a real incident from the bad deploy and exports it', async () => {
    const started = (await admin('/sandbox/scenarios/bad-deploy/start', 'POST')) as { run: { target: string; startedAt: string } };
    const scenarioStart = Date.parse(started.run.startedAt);
    const [cluster, namespace, name] = started.run.target.split('/') as [string, string, string];
    const deployment = `k8s:${cluster}/${namespace}/Deployment/${name}`;
    const alert = await eventually('the 5xx alarm firing', async () => (await call('alerts.list', {})).alerts.find((a) => a.origin === 'cloudwatch-alarm' && a.state === 'firing' && a.name.endsWith(`${name}-5xx-high`)), 300, 1_000);
    const { incident } = await call('incidents.declare', { title: `5xx on ${name}`, severity: 'SEV2', impacted: [deployment, ...alert.entityIds], alertIds: [alert.id], detectedAt: alert.since ?? undefined });
    await call('incidents.update', { id: incident.id, milestones: { acknowledged: Date.now() } });
    await call('incidents.update', { id: incident.id, status: 'identified' });
    await admin('/sandbox/scenarios/bad-deploy/stop', 'POST');
    await call('incidents.update', { id: incident.id, status: 'mitigated' });
    await new Promise((r) => setTimeout(r, 5_000));
    await call('incidents.update', { id: incident.id, status: 'resolved' });
    const exported = await call('incidents.export', { id: incident.id });
    exportJson = fs.readFileSync(path.join(exported.folder, 'timeline.json'), 'utf8');
    const bundle = parseExport(exportJson);
    expect(bundle.signals?.map((s) => s.signal)).toEqual(expect.arrayContaining(['traffic', 'errors']));

    // Replay from just before the rollout, so the whole story plays and the sandbox's start-up does not.
    leadIn = Math.ceil(((alert.since ?? Date.now()) - scenarioStart) / 1000) + 2;
    plan = planReplay(bundle, leadIn * 1000);
    expect(plan.sourceId).toBe(deployment);
    expect(plan.steps.filter((s) => s.kind === 'alarm').map((s) => s.kind === 'alarm' && s.state)).toContain('ALARM');
    expect(plan.steps.filter((s) => s.kind === 'event').length).toBeGreaterThanOrEqual(3);
    expect(plan.original.declare).not.toBeNull();
    // Another API behind a load balancer: it has a 5xx alarm for the replayed transitions to land on.
    replayTarget = sandbox.world.services
      .filter((s) => s.id !== started.run.target && s.loadBalancer && s.workloadKind === 'Deployment' && s.cluster === CLUSTER)
      .sort((a, b) => b.baseRps - a.baseRps)[0]!.id;
  }, 420_000);

  for (const speed of [4, 1]) {
    it(`replays it at ${speed}×: the alerts and events arrive in order, spaced as recorded ÷ ${speed} to within a second`, async () => {
      const { drill } = await call('drills.fromIncident', { exportJson, target: replayTarget, speed, leadInSeconds: leadIn, participants: [{ name: 'Trainee', role: 'commander' }] });
      try {
        await replayed(drill, speed);
      } finally {
        // A failed check must not leave the drill running for the next speed.
        const { drill: now } = await call('drills.get', { id: drill.id });
        if (now.state === 'running' || now.state === 'paused') await call('drills.control', { id: drill.id, action: 'abort' });
      }
    }, 420_000);
  }

  async function replayed(drill: Drill, speed: number): Promise<void> {
    {
      const replay = drill.replay!;
      expect(replay).toMatchObject({ speed, events: plan.steps.filter((s) => s.kind === 'event').length, signals: true });
      const [cluster, namespace, name] = replayTarget.split('/') as [string, string, string];
      const alarmEntity = await eventually('the target alarm in the estate', async () => engine.estate.find({ kinds: ['alarm'] }).find((e) => e.name === `${cluster}-${namespace}-${name}-5xx-high`));
      const { incident } = await call('incidents.declare', { title: `Replay at ${speed}×`, severity: 'SEV2', kind: 'drill', impacted: [drill.injections[0]!.entityId, alarmEntity.id] });

      // Mid-replay the sandbox's load model follows the recorded shape.
      await eventually('the recorded shape driving the target', async () => {
        const effects = (sandbox.cloud as CloudSideInternals).load.effectsOn(replayTarget);
        return effects.loadFactor !== 1 || (effects.extraErrorRatio ?? 0) > 0 ? true : undefined;
      }, 60, 500);

      const expected = plan.steps;
      const arrived = await eventually(
        'every replayed step on the drill incident timeline',
        async () => {
          const { items } = await call('incidents.timeline', { id: incident.id, start: replay.startedAt - 1_000, limit: 10_000 });
          const used = new Set<number>();
          const found: TimelineItem[] = [];
          for (const step of expected) {
            const due = replay.startedAt + step.atMs / speed;
            let best = -1;
            items.forEach((item, i) => {
              if (used.has(i) || !matches(step, item)) return;
              if (best < 0 || Math.abs(item.occurredAt - due) < Math.abs(items[best]!.occurredAt - due)) best = i;
            });
            if (best < 0) return undefined;
            used.add(best);
            found.push(items[best]!);
          }
          return found;
        },
        Math.ceil((replay.endsAt - Date.now()) / 1000) + 60,
        1_000,
      );

      // Same order and spacing: each step's distance from the one before, against the recording's ÷ speed.
      for (let i = 1; i < expected.length; i++) {
        const recorded = (expected[i]!.atMs - expected[i - 1]!.atMs) / speed;
        const seen = arrived[i]!.occurredAt - arrived[i - 1]!.occurredAt;
        const step = expected[i]!;
        const what = step.kind === 'event' ? step.reason : step.alarm;
        expect(Math.abs(seen - recorded), `step ${i} (${step.kind} ${what}): ${seen} ms after the previous, recorded ${recorded} ms`).toBeLessThanOrEqual(1_000);
      }
      // And from the replay's zero, which the sandbox put on a whole second.
      expect(Math.abs(arrived[0]!.occurredAt - (replay.startedAt + expected[0]!.atMs / speed))).toBeLessThanOrEqual(1_000);

      // kubectl sees the replayed Events through the cluster's API.
      // Asynchronously: the sandbox answers from this process.
      const { stdout } = await promisify(execFile)('kubectl', ['--kubeconfig', sandbox.kubeconfigPath, '--context', CLUSTER, 'get', 'events', '-n', namespace, '-o', 'json'], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
      const events = JSON.parse(stdout) as { items: Array<{ reportingComponent?: string; involvedObject: { name: string } }> };
      expect(events.items.filter((e) => e.reportingComponent === 'daytwo-replay' && e.involvedObject.name.startsWith(name)).length).toBeGreaterThanOrEqual(replay.events);

      // The trainees declare and mitigate; the report sets them beside the original responders.
      await call('incidents.update', { id: incident.id, status: 'identified' });
      await call('incidents.update', { id: incident.id, status: 'mitigated' });
      const ended = await eventually('the replay drill mitigated', async () => {
        const got = await call('drills.get', { id: drill.id });
        return got.drill.state === 'mitigated' ? got : undefined;
      });
      const rows = Object.fromEntries(ended.score.replay!.map((r) => [r.milestone, r]));
      expect(rows['declare']!.originalMs).toBe(plan.original.declare);
      expect(rows['declare']!.originalScaledMs).toBe(Math.round(plan.original.declare! / speed));
      expect(rows['mitigate']!.traineesMs).not.toBeNull();
      const report = await call('drills.report', { id: drill.id });
      expect(report.markdown).toContain('## Replay: the original responders beside the trainees');
      expect(report.markdown).toMatch(new RegExp(`\\| declare \\| [+-]\\d\\d:\\d\\d \\| [+-]\\d\\d:\\d\\d \\| [+-]\\d\\d:\\d\\d \\|`));
      const steady = (await admin('/sandbox/replay')) as { replay: { status: string } };
      expect(steady.replay.status).not.toBe('running');
    }
  }

  it('refuses an export that is not one, with the reason', async () => {
    const outcome = await engine.router.call('drills.fromIncident', { exportJson: '{"items": 3}', participants: [{ name: 'T', role: 'commander' }] }, { transport: 'internal' });
    expect(outcome.ok).toBe(false);
    if (!outcome.ok) expect(outcome.error).toMatchObject({ code: 'bad_request', field: 'exportJson' });
  });
});
