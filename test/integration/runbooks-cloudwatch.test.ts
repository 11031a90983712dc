import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEngine, type Engine } from '../../electron/engine/engine.js';
import type { CloudSideInternals } from '../../electron/engine/sandbox/cloud.js';
import { startSandbox, type RunningSandbox } from '../../electron/engine/sandbox/start.js';
import type { Run } from '../../shared/api/runbooks.js';
import { noSecrets, routerCaller } from './helpers/engine.js';
import { eventually } from './helpers/prometheus.js';

/**
 * A runbook check against the sandbox's CloudWatch, through the engine's own metrics path
 * (MetricsService.query → GetMetricData with the AWS SDK): the bundled saturated-dependency
 * runbook, offered on an incident whose impacted entity is a managed database, with its
 * instance filled from the estate; the database's CPUUtilization check reads a value and a
 * chart, fails on a normal day, and passes on a re-check once a traffic surge on the API in
 * front of it has pinned the CPU above 80%.
 */

let dir: string;
let sandbox: RunningSandbox;
let engine: Engine;
let dbInstance: string;
let api: string;
const call = routerCaller(() => engine);

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'daytwo-runbooks-cw-'));
  sandbox = await startSandbox({ port: 0, outDir: path.join(dir, 'sandbox'), seed: 42 });
  // The API that fronts a managed database drives its CPU with its traffic (about 40% on a normal day).
  const fronting = sandbox.world.services.find((s) => s.dbInstance);
  if (!fronting?.dbInstance) throw new Error('The sandbox has no service in front of a managed database.');
  api = fronting.id;
  dbInstance = fronting.dbInstance;
  engine = createEngine({
    mode: 'host',
    version: 'test',
    dataDir: path.join(dir, 'data'),
    readOnly: false,
    sealer: noSecrets,
    sandbox: true,
    log: () => {},
    connections: { kubeconfigFiles: [sandbox.kubeconfigPath], aws: { configFile: sandbox.awsConfigPath, credentialsFile: sandbox.awsCredentialsPath }, prometheusUrls: [], env: {} },
    sourceTuning: { awsIntervalMs: 2_000, backoff: { initialMs: 200, maxMs: 1_000, resetAfterMs: 10_000 }, connectTimeoutMs: 2_000 },
    metricsTuning: { alertIntervalMs: 1_000, cloudWatchRetry: { baseMs: 50, maxMs: 200, attempts: 10 } },
  });
  await eventually(`the database ${dbInstance} in the estate`, async () => (engine.estate.find({ kinds: ['database'] }).some((e) => e.name === dbInstance) ? true : undefined));
}, 120_000);

afterAll(async () => {
  await engine?.close();
  await sandbox?.stop();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

describe('CloudWatch checks', () => {
  let runId: string;

  it('offers saturated-dependency on an incident whose impacted entity is the database, with its instance filled', async () => {
    const database = engine.estate.find({ kinds: ['database'] }).find((e) => e.name === dbInstance)!;
    const { incident } = await call('incidents.declare', { title: `${dbInstance} saturated`, severity: 'SEV2', impacted: [database.id] });
    const { offers } = await call('runbooks.forIncident', { incidentId: incident.id });
    const offer = offers.find((o) => o.runbook.id === 'saturated-dependency');
    expect(offer?.parameters.dbInstance).toBe(dbInstance);
    const { run } = await call('runs.start', { runbookId: 'saturated-dependency', parameters: { ...offer!.parameters, namespace: 'shop', service: 'storefront' }, incidentId: incident.id });
    runId = run.id;
    // The PromQL check has no Prometheus to ask, and says so; ticking it moves on.
    expect(run.steps[0]?.check?.note).toBe('No Prometheus source is configured.');
    await call('runs.step', { runId, stepId: 'slow', action: 'complete' });
  }, 60_000);

  it('reads the database CPU from CloudWatch with a chart: below 80% on a normal day, so the check fails', async () => {
    const { run } = await call('runs.get', { id: runId });
    const check = run.steps.find((s) => s.id === 'database-hot')!.check!;
    expect(check.query).toBe(`AWS/RDS CPUUtilization Average {DBInstanceIdentifier=${dbInstance}}`);
    expect(check.value).toBeGreaterThan(0);
    expect(check.value).toBeLessThan(80);
    expect(check.passed).toBe(false);
    expect(check.points.length).toBeGreaterThan(1);
  });

  it('passes on a re-check once the traffic in front of the database triples and pins its CPU', async () => {
    (sandbox.cloud as CloudSideInternals).scenarios.start('traffic-surge', api);
    const passed = await eventually(
      'the CPU check to pass',
      async () => {
        const { run } = await call('runs.step', { runId, stepId: 'database-hot', action: 'recheck' });
        const check = run.steps.find((s) => s.id === 'database-hot')!.check!;
        expect(check.query).toBe(`AWS/RDS CPUUtilization Average {DBInstanceIdentifier=${dbInstance}}`);
        return check.passed ? run : undefined;
      },
      60,
      2_000,
    );
    const check = passed.steps.find((s) => s.id === 'database-hot')!.check!;
    expect(check.value).toBeGreaterThan(80);
    expect(check.stale).toBe(false);
    expect(check.points.length).toBeGreaterThan(1);
    const records = (passed as Run).steps.find((s) => s.id === 'database-hot')!.records.filter((r) => r.what === 'checked');
    expect(records.at(-1)?.outputs).toMatchObject({ passed: true });
  }, 150_000);

  it('says which region has no AWS source rather than guessing', async () => {
    const folder = path.join(dir, 'team-runbooks');
    fs.mkdirSync(folder, { recursive: true });
    fs.writeFileSync(
      path.join(folder, 'elsewhere.md'),
      ['---', 'title: Elsewhere', '---', '', '```check', 'id: cpu', 'title: CPU', 'cloudwatch:', '  namespace: AWS/RDS', '  metric: CPUUtilization', '  stat: Average', '  region: mars-north-1', 'expect: "< 80"', '```', ''].join('\n'),
    );
    await call('settings.set', { patch: { runbookDirs: [folder] } });
    const { run } = await call('runs.start', { runbookId: 'elsewhere', parameters: {} });
    expect(run.steps[0]?.check).toMatchObject({ value: null, passed: false, note: 'No AWS source in mars-north-1 is configured.' });
    await call('settings.set', { patch: { runbookDirs: [] } });
  });
});
