import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { strFromU8, unzipSync } from 'fflate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MethodName, Params, Result } from '../../shared/api/contract.js';
import type { Alert } from '../../shared/api/metrics.js';
import type { Engine } from '../../electron/engine/engine.js';
import { startSandbox } from '../../electron/engine/sandbox/start.js';
import type { RunningSandbox } from '../../electron/engine/sandbox/start.js';
import { alertmanagerAvailable, postAlert, startAlertmanager } from './helpers/alertmanager.js';
import type { RunningAlertmanager } from './helpers/alertmanager.js';
import { eventually } from './helpers/prometheus.js';
import { sandboxTestEngine } from './helpers/engine.js';

/**
 * The worst hour, against the sandbox and Debian's real Alertmanager: the bad-deploy scenario
 * rolls out a broken image whose pods crash-loop; an alert about a crash-looping pod reaches
 * Alertmanager (posted as Prometheus posts it); the on-call declares an incident from it in
 * Daytwo. The timeline holds, in order, the rollout, the pods' Kubernetes events and the alert;
 * a rollback from Daytwo adds the operation; the export verifies and holds no secret.
 */

let dir: string;
let sandbox: RunningSandbox;
let alertmanager: RunningAlertmanager | null = null;
let engine: Engine;

async function call<M extends MethodName>(method: M, params: Params<M>): Promise<Result<M>> {
  const outcome = await engine.router.call(method, params, { transport: 'internal' });
  if (!outcome.ok) throw Object.assign(new Error(outcome.error.message), { code: outcome.error.code });
  return outcome.result as Result<M>;
}

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'daytwo-incidents-'));
  sandbox = await startSandbox({ port: 0, outDir: path.join(dir, 'sandbox'), seed: 42 });
  if (alertmanagerAvailable) alertmanager = await startAlertmanager(path.join(dir, 'alertmanager'));
  else console.log('prometheus-alertmanager is not installed: the incident is declared from the CloudWatch alarm instead.');
  engine = sandboxTestEngine(dir, {
    connections: {
      kubeconfigFiles: [sandbox.kubeconfigPath],
      aws: { configFile: sandbox.awsConfigPath, credentialsFile: sandbox.awsCredentialsPath },
      alertmanagerUrls: alertmanager ? [alertmanager.url] : [],
      env: {},
    },
    sourceTuning: { awsIntervalMs: 2_000, prometheusIntervalMs: 1_000 },
    metricsTuning: { alertIntervalMs: 1_000 },
    operationTuning: { pollIntervalMs: 200, verifyTimeoutMs: 90_000 },
  });
}, 120_000);

afterAll(async () => {
  await engine?.close();
  await alertmanager?.stop();
  await sandbox?.stop();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

describe('an incident from a bad deploy', () => {
  it('declared from the alert, its timeline writes itself; a rollback and the export follow', async () => {
    const start = await (await fetch(`http://127.0.0.1:${sandbox.port}/sandbox/scenarios/bad-deploy/start`, { method: 'POST', headers: { Authorization: `Bearer ${sandbox.adminToken}` } })).json();
    const [cluster, namespace, name] = (start as { run: { target: string } }).run.target.split('/') as [string, string, string];
    const deployment = `k8s:${cluster}/${namespace}/Deployment/${name}`;
    await eventually('the deployment in the estate', async () => engine.estate.get(deployment));

    // A pod of the new ReplicaSet crash-loops: kube-prometheus's KubePodCrashLooping would name it.
    const crashing = await eventually(
      'a crash-looping pod',
      async () =>
        engine.estate
          .snapshot()
          .entities.find((e) => e.kind === 'pod' && e.id.startsWith(`k8s:${cluster}/${namespace}/Pod/${name}-`) && /CrashLoopBackOff|crash/i.test(e.healthReason)),
      240,
    );

    let alert: Alert;
    if (alertmanager) {
      await postAlert(
        alertmanager.url,
        { alertname: 'KubePodCrashLooping', severity: 'warning', namespace, pod: crashing.name, container: name, cluster },
        {
          summary: 'Pod is crash looping.',
          description: `Pod ${namespace}/${crashing.name} (${name}) is in waiting state (reason: "CrashLoopBackOff").`,
          runbook_url: 'https://runbooks.prometheus-operator.dev/runbooks/kubernetes/kubepodcrashlooping',
        },
      );
      alert = await eventually('the Alertmanager alert in alerts.list, linked to the pod', async () =>
        (await call('alerts.list', {})).alerts.find((a) => a.origin === 'alertmanager-alert' && a.entityIds.includes(crashing.id)),
      );
      expect(alert).toMatchObject({ name: 'KubePodCrashLooping', state: 'firing', receivers: ['sre-oncall'], runbookUrl: expect.stringContaining('kubepodcrashlooping') });
    } else {
      alert = await eventually('the 5xx alarm firing', async () => (await call('alerts.list', {})).alerts.find((a) => a.origin === 'cloudwatch-alarm' && a.state === 'firing'), 240);
    }

    const { incident } = await call('incidents.declare', {
      title: `${alert.name} on ${name}`,
      severity: 'SEV2',
      impacted: alert.entityIds,
      alertIds: [alert.id],
      detectedAt: alert.since ?? undefined,
    });
    const timeline = await eventually('rollout, pod events and the alert on the timeline', async () => {
      const { items } = await call('incidents.timeline', { id: incident.id });
      const firstOf = (kind: string, test: (what: string) => boolean = () => true) => items.findIndex((i) => i.kind === kind && test(i.what));
      const rollout = firstOf('rollout', (w) => w.startsWith('ScalingReplicaSet'));
      const pod = firstOf('pod', (w) => /BackOff|Back-off|restarting failed container/i.test(w));
      const alertLine = firstOf('alert', (w) => w.includes(alert.name));
      return rollout >= 0 && pod >= 0 && (alertLine >= 0 || !alertmanager) ? { items, rollout, pod, alertLine } : undefined;
    });
    expect(timeline.rollout).toBeLessThan(timeline.pod);
    if (alertmanager) expect(timeline.pod).toBeLessThan(timeline.alertLine);

    // The rollback, from Daytwo, lands on the timeline from the audit log.
    const { revisions } = await call('operations.history', { target: deployment });
    const previous = revisions.find((r) => !r.current && !r.images.some((i) => i.includes('broken')));
    expect(previous).toBeDefined();
    const { plan } = await call('operations.plan', { kind: 'rollback', target: deployment, params: { revision: previous!.revision } });
    const { operation } = await call('operations.execute', { planId: plan.id, confirmation: plan.confirmation.expected, wait: true });
    expect(operation.state).toBe('succeeded');
    const { items: afterRollback } = await call('incidents.timeline', { id: incident.id, kinds: ['operation'] });
    expect(afterRollback.map((i) => i.what)).toEqual([expect.stringMatching(/^Roll Deployment .* back .* succeeded/)]);

    if (alertmanager) {
      // A silence planned and executed from Daytwo: amtool, asking the same Alertmanager, sees it.
      const target = `alertmanager:${alertmanager.url}`;
      const { plan: silencePlan } = await call('operations.plan', {
        kind: 'silence',
        target,
        params: { matchers: [{ name: 'alertname', value: 'KubePodCrashLooping' }, { name: 'namespace', value: namespace }], durationMinutes: 60, comment: `${incident.id}: rolled back, waiting for pods to settle` },
      });
      expect(silencePlan.diff.summary).toMatch(/^Silence 1 alert \(KubePodCrashLooping\) matching alertname="KubePodCrashLooping", namespace=/);
      expect(silencePlan.risks.map((r) => r.code)).toContain('pages-someone');
      const silenced = await call('operations.execute', { planId: silencePlan.id, confirmation: silencePlan.confirmation.expected, wait: true });
      expect(silenced.operation.state).toBe('succeeded');
      const query = execFileSync('amtool', ['--alertmanager.url', alertmanager.url, 'silence', 'query', '-o', 'json', 'alertname=KubePodCrashLooping'], { encoding: 'utf8' });
      const found = (JSON.parse(query) as Array<{ id: string; comment: string; status: { state: string } }>).filter((s) => s.comment.startsWith(incident.id));
      expect(found).toHaveLength(1);
      expect(found[0]!.status.state).toBe('active');
      // Executing the same plan again acts no further (the plan id is the idempotency key).
      await call('operations.execute', { planId: silencePlan.id, confirmation: silencePlan.confirmation.expected, wait: true });
      expect(JSON.parse(execFileSync('amtool', ['--alertmanager.url', alertmanager.url, 'silence', 'query', '-o', 'json'], { encoding: 'utf8' })) as unknown[]).toHaveLength(1);

      const { plan: expirePlan } = await call('operations.plan', { kind: 'expire-silence', target, params: { silenceId: found[0]!.id } });
      expect((await call('operations.execute', { planId: expirePlan.id, confirmation: expirePlan.confirmation.expected, wait: true })).operation.state).toBe('succeeded');
      const after = JSON.parse(execFileSync('amtool', ['--alertmanager.url', alertmanager.url, 'silence', 'query', '--expired', '-o', 'json'], { encoding: 'utf8' })) as Array<{ id: string }>;
      expect(after.map((s) => s.id)).toContain(found[0]!.id);
      const { items: silenceLines } = await call('incidents.timeline', { id: incident.id, kinds: ['operation'] });
      expect(silenceLines.map((i) => i.what)).toEqual([
        expect.stringMatching(/^Roll Deployment .* back .* succeeded/),
        expect.stringMatching(/^Silence 1 alert .* succeeded/),
        expect.stringMatching(/^Expire silence .* succeeded/),
      ]);
    }

    await call('incidents.note', { incidentId: incident.id, text: 'Rolled back; errors falling.' });
    await call('incidents.update', { id: incident.id, status: 'resolved' });

    const exported = await call('incidents.export', { id: incident.id });
    const verify = execFileSync('node', [path.join(exported.folder, 'verify-audit.mjs'), engine.db.name], { encoding: 'utf8' });
    expect(verify).toMatch(alertmanager ? /^verified 3 entries against / : /^verified 1 entries against /);
    const report = fs.readFileSync(path.join(exported.folder, 'report.md'), 'utf8');
    expect(report).toContain('## Actions taken');
    expect(report).toMatch(/Roll Deployment .* back/);

    // No credential, token or secret from the estate's connection files appears anywhere in it.
    const secrets = [
      ...fs.readFileSync(sandbox.kubeconfigPath, 'utf8').matchAll(/^\s*(?:token|client-key-data|password):\s*(\S+)/gm),
      ...fs.readFileSync(sandbox.awsCredentialsPath, 'utf8').matchAll(/^\s*aws_(?:secret_access_key|session_token)\s*=\s*(\S+)/gm),
    ].map((m) => m[1]!);
    expect(secrets.length).toBeGreaterThan(0);
    const files = fs.readdirSync(exported.folder, { recursive: true, withFileTypes: true }).filter((f) => f.isFile());
    const texts = files.map((f) => fs.readFileSync(path.join(f.parentPath, f.name), 'utf8'));
    // And the zip, opened as a reader would open it.
    for (const bytes of Object.values(unzipSync(new Uint8Array(Buffer.from(exported.zipBase64, 'base64'))))) texts.push(strFromU8(bytes));
    expect(texts.length).toBe(files.length * 2);
    for (const secret of secrets) for (const text of texts) expect(text.includes(secret), `a secret from the connection files is in the export`).toBe(false);
  }, 420_000);
});
