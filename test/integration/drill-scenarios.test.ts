import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { CloudWatchClient, GetMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import { KubeConfig } from '@kubernetes/client-node';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createEngine, type Engine } from '../../electron/engine/engine.js';
import { clusterAccessFromKubeConfig } from '../../electron/engine/operations/cluster-access.js';
import { startSandbox, type RunningSandbox } from '../../electron/engine/sandbox/start.js';
import { parseRunbook } from '../../electron/engine/runbooks/parse-runbook.js';
import type { Params } from '../../shared/api/contract.js';
import { noSecrets, routerCaller } from './helpers/engine.js';
import { sandboxScrapeConfigs } from '../../electron/engine/sandbox/prometheus/scrape-config.js';
import { writeKubePrometheusRules } from './helpers/kube-prometheus-rules.js';
import { eventually, prometheusAvailable, startPrometheus, type RunningPrometheus } from './helpers/prometheus.js';

/**
 * The drill scenarios written for humans to diagnose, each played on the sandbox: its effects
 * seen through the surfaces a responder uses (kubectl, the /metrics kube-state-metrics and
 * application series, CloudWatch over the SDK), then recovered with the operation its bundled
 * runbook names, planned and executed through the engine, until the scenario's own recovery
 * condition has held for its holdFor. Simulated time runs at real speed.
 */

const run = promisify(execFile);

let dir: string;
let sandbox: RunningSandbox;
let engine: Engine;
let base: string;
let prometheus: RunningPrometheus | undefined;
if (!prometheusAvailable) console.log('The drill scenarios test skips its kube-prometheus alert checks: /usr/bin/prometheus is not installed (apt-get install prometheus).');
const call = routerCaller(() => engine);

interface ScenarioRunView {
  status: string;
  run: {
    status: string;
    target: string;
    targetRef: { cluster: string; namespace: string; name: string };
    impactSeenAt: string | null;
    holdingSince: string | null;
    recoveredAt: string | null;
    recovery: { reached: boolean; conditions: { name: string; met: boolean; detail: string }[] };
  } | null;
}

async function admin(method: 'GET' | 'POST', suffix: string): Promise<ScenarioRunView> {
  const res = await fetch(`${base}/sandbox/scenarios${suffix}`, { method, headers: { Authorization: `Bearer ${sandbox.adminToken}` } });
  if (res.status !== 200) throw new Error(`${method} ${suffix}: ${res.status} ${await res.text()}`);
  return (await res.json()) as ScenarioRunView;
}

async function kubectlJson<T>(context: string, ...args: string[]): Promise<T> {
  const { stdout } = await run('kubectl', ['--kubeconfig', sandbox.kubeconfigPath, '--context', context, ...args, '-o', 'json'], { timeout: 30_000, maxBuffer: 64 * 1024 * 1024 });
  return JSON.parse(stdout) as T;
}

/** The samples of one metric on /metrics whose labels include every given pair. */
async function samples(metric: string, labels: Record<string, string>): Promise<{ line: string; value: number }[]> {
  const text = await (await fetch(`${base}/metrics`)).text();
  const pairs = Object.entries(labels).map(([k, v]) => `${k}="${v}"`);
  return text
    .split('\n')
    .filter((line) => line.startsWith(`${metric}{`) && pairs.every((p) => line.includes(p)))
    .map((line) => ({ line, value: Number(line.slice(line.lastIndexOf(' ') + 1)) }));
}

/** Over a short window of real (= simulated) time: the share of a service's requests slower than `le` seconds, and the share that failed. */
async function golden(namespace: string, service: string, le: string, windowMs = 3000): Promise<{ slow: number; errors: number }> {
  const read = async () => {
    const count = (await samples('http_request_duration_seconds_count', { namespace, service })).reduce((n, s) => n + s.value, 0);
    const fast = (await samples('http_request_duration_seconds_bucket', { namespace, service, le })).reduce((n, s) => n + s.value, 0);
    const all = (await samples('http_requests_total', { namespace, service })).reduce((n, s) => n + s.value, 0);
    const failed = (await samples('http_requests_total', { namespace, service })).filter((s) => /code="5\d\d"/.test(s.line)).reduce((n, s) => n + s.value, 0);
    return { count, fast, all, failed };
  };
  const a = await read();
  await new Promise((r) => setTimeout(r, windowMs));
  const b = await read();
  const requests = b.count - a.count;
  return { slow: requests > 0 ? 1 - (b.fast - a.fast) / requests : 0, errors: b.all > a.all ? (b.failed - a.failed) / (b.all - a.all) : 0 };
}

/** Plans an operation, then executes it with the confirmation the plan asks for, waiting for its verification. */
async function planAndExecute(params: Params<'operations.plan'>): Promise<string> {
  const { plan } = await call('operations.plan', params);
  expect(plan.dryRunPassed).toBe(true);
  const { operation } = await call('operations.execute', { planId: plan.id, confirmation: plan.confirmation.expected, wait: true });
  return operation.state;
}

/** The operation a bundled runbook's action step performs, read from the runbook itself. */
function runbookAction(name: string): { operation: string; params: Record<string, unknown> } {
  const file = path.join('resources', 'runbooks', `${name}.md`);
  const book = parseRunbook({ id: name, origin: 'bundled', path: file, text: fs.readFileSync(file, 'utf8') });
  const action = book.steps.find((s) => s.type === 'action');
  if (!action || action.type !== 'action') throw new Error(`${file} has no action step`);
  return { operation: action.operation, params: action.params ?? {} };
}

/**
 * A kube-prometheus alert pending (its `for: 15m` runs on Prometheus's own wall clock, which no
 * sandbox clock hurries) with these labels; skipped without Debian's Prometheus.
 */
async function alertPending(alert: string, labels: Record<string, string>): Promise<void> {
  if (!prometheus) return;
  const url = prometheus.url;
  await eventually(`${alert} pending for ${JSON.stringify(labels)}`, async () => {
    const body = (await (await fetch(`${url}/api/v1/alerts`)).json()) as { data: { alerts: { labels: Record<string, string>; state: string }[] } };
    return body.data.alerts.find((a) => a.labels.alertname === alert && Object.entries(labels).every(([k, v]) => a.labels[k] === v)) ? true : undefined;
  }, 60, 1000);
}

async function recovered(name: string): Promise<NonNullable<ScenarioRunView['run']>> {
  let last: unknown;
  try {
    return await eventually(`${name} recovered`, async () => {
      const view = await admin('GET', `/${name}`);
      last = view.run?.recovery;
      return view.run?.status === 'recovered' ? view.run : undefined;
    }, 240, 1000);
  } catch (error) {
    // Which condition never held is what a person needs from this failure.
    throw new Error(`${(error as Error).message} Recovery last seen: ${JSON.stringify(last)}`);
  }
}

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'daytwo-drill-scn-'));
  sandbox = await startSandbox({ port: 0, outDir: path.join(dir, 'sandbox'), seed: 42 });
  base = `http://127.0.0.1:${sandbox.port}`;
  if (prometheusAvailable) {
    // kube-prometheus's rules, unchanged, over every sandbox cluster (as federation presents them, with a cluster label).
    const { files } = writeKubePrometheusRules(path.join(dir, 'rules'));
    prometheus = await startPrometheus(path.join(dir, 'prometheus'), { scrapeConfigs: sandboxScrapeConfigs(`127.0.0.1:${sandbox.port}`, sandbox.world.clusters.map((c) => c.name), { clusterLabel: true }), ruleFiles: files });
  }
  const kubeconfig = new KubeConfig();
  kubeconfig.loadFromFile(sandbox.kubeconfigPath);
  engine = createEngine({
    mode: 'host',
    version: 'test',
    dataDir: path.join(dir, 'data'),
    readOnly: false,
    sealer: noSecrets,
    clusterAccess: clusterAccessFromKubeConfig(kubeconfig, () => true),
    operationTuning: { pollIntervalMs: 250, verifyTimeoutMs: 150_000 },
  });
}, 120_000);

// A scenario left running by a failed test would load the next one's target: stop them all, as a drill's abort does.
afterEach(async () => {
  if (!sandbox) return;
  await fetch(`${base}/sandbox/stop`, { method: 'POST', headers: { Authorization: `Bearer ${sandbox.adminToken}` } }).catch(() => undefined);
});

afterAll(async () => {
  await engine?.close();
  await prometheus?.stop();
  await sandbox?.stop();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

interface PodList {
  items: {
    metadata: { name: string; labels?: Record<string, string> };
    spec: { nodeName?: string; containers: { resources?: { limits?: { memory?: string } } }[] };
    status: {
      phase: string;
      conditions?: { type: string; status: string; reason?: string; message?: string }[];
      containerStatuses?: { restartCount: number; state: { waiting?: { reason: string } }; lastState: { terminated?: { reason: string; exitCode: number } } }[];
    };
  }[];
}

describe('drill scenarios on the sandbox', () => {
  it('every new scenario has a bundled runbook that passes lint and names the recovering operation', () => {
    expect(runbookAction('oom-killed').operation).toBe('rollback');
    expect(runbookAction('pods-pending').operation).toBe('scale');
    expect(runbookAction('hpa-maxed-out').operation).toBe('hpa-range');
    expect(runbookAction('dependency-latency').operation).toBe('restart');
  });

  it('oom-killed: new pods are OOMKilled (137) and crash-loop; a rollback recovers', { timeout: 300_000 }, async () => {
    const started = await admin('POST', '/oom-killed/start');
    const { cluster, namespace, name } = started.run!.targetRef;
    const selector = `app.kubernetes.io/name=${name}`;
    const killed = await eventually('a container OOMKilled', async () => {
      const pods = await kubectlJson<PodList>(cluster, '-n', namespace, 'get', 'pods', '-l', selector);
      return pods.items.find((p) => p.status.containerStatuses?.some((c) => c.lastState.terminated?.reason === 'OOMKilled' && c.state.waiting?.reason === 'CrashLoopBackOff'));
    }, 60, 1000);
    const status = killed.status.containerStatuses![0]!;
    expect(status.lastState.terminated!.exitCode).toBe(137);
    expect(status.restartCount).toBeGreaterThanOrEqual(1);
    expect(killed.spec.containers[0]!.resources!.limits!.memory).toMatch(/^\d+Mi$/);
    const reasons = await samples('kube_pod_container_status_last_terminated_reason', { namespace, pod: killed.metadata.name, reason: 'OOMKilled' });
    expect(reasons.map((s) => s.value)).toContain(1);
    expect((await samples('kube_pod_container_status_restarts_total', { namespace, pod: killed.metadata.name }))[0]!.value).toBeGreaterThanOrEqual(1);
    const events = await kubectlJson<{ items: { reason: string; involvedObject: { name: string } }[] }>(cluster, '-n', namespace, 'get', 'events', '--field-selector', `involvedObject.name=${killed.metadata.name}`);
    expect(events.items.map((e) => e.reason)).toContain('BackOff');
    await alertPending('KubePodCrashLooping', { cluster, namespace, pod: killed.metadata.name });

    // The runbook's action: roll back to the revision before the limit change.
    const deployment = await kubectlJson<{ metadata: { annotations: Record<string, string> } }>(cluster, '-n', namespace, 'get', 'deployment', name);
    const revision = Number(deployment.metadata.annotations['deployment.kubernetes.io/revision']) - 1;
    expect(runbookAction('oom-killed').operation).toBe('rollback');
    expect(await planAndExecute({ kind: 'rollback', target: `k8s:${cluster}/${namespace}/Deployment/${name}`, params: { revision } })).toBe('succeeded');
    const done = await recovered('oom-killed');
    expect(Date.parse(done.recoveredAt!) - Date.parse(done.holdingSince!)).toBeGreaterThanOrEqual(20_000);
    expect(done.recovery.conditions.find((c) => c.name === 'noOomKills')?.met).toBe(true);
  });

  it('pods-pending: pods past the cluster\'s capacity stay Pending with the scheduler\'s reason; scaling back recovers', { timeout: 300_000 }, async () => {
    const replicasBefore = new Map(sandbox.world.services.map((s) => [s.id, sandbox.world.replicas(s.id).desired]));
    const started = await admin('POST', '/pods-pending/start');
    const { cluster, namespace, name } = started.run!.targetRef;
    const before = sandbox.world.services.find((s) => s.id === started.run!.target)!;
    expect(before.tier).toBe('worker');
    const pending = await eventually('pods Pending, Unschedulable', async () => {
      const pods = await kubectlJson<PodList>(cluster, '-n', namespace, 'get', 'pods', '-l', `app.kubernetes.io/name=${name}`, '--field-selector', 'status.phase=Pending');
      const unschedulable = pods.items.filter((p) => !p.spec.nodeName && p.status.conditions?.some((c) => c.type === 'PodScheduled' && c.status === 'False' && c.reason === 'Unschedulable'));
      return unschedulable.length >= 4 ? unschedulable : undefined;
    }, 60, 1000);
    const message = pending[0]!.status.conditions!.find((c) => c.type === 'PodScheduled')!.message!;
    expect(message).toMatch(/^0\/\d+ nodes are available: .*\d+ Insufficient (cpu|memory).*\. preemption: 0\/\d+ nodes are available: /);
    const events = await kubectlJson<{ items: { reason: string; type: string; message: string; source?: { component?: string } }[] }>(cluster, '-n', namespace, 'get', 'events', '--field-selector', `involvedObject.name=${pending[0]!.metadata.name},reason=FailedScheduling`);
    expect(events.items[0]).toMatchObject({ type: 'Warning', message });
    expect((await samples('kube_pod_status_phase', { namespace, pod: pending[0]!.metadata.name, phase: 'Pending' }))[0]!.value).toBe(1);
    await alertPending('KubePodNotReady', { cluster, namespace, pod: pending[0]!.metadata.name });

    // The runbook's action: scale back to what the workload ran before.
    const replicas = replicasBefore.get(started.run!.target)!;
    expect(sandbox.world.replicas(started.run!.target).desired).toBeGreaterThan(replicas + 4);
    expect(runbookAction('pods-pending').operation).toBe('scale');
    expect(await planAndExecute({ kind: 'scale', target: `k8s:${cluster}/${namespace}/Deployment/${name}`, params: { replicas } })).toBe('succeeded');
    const done = await recovered('pods-pending');
    expect(done.recovery.conditions.find((c) => c.name === 'noPendingPods')?.met).toBe(true);
  });

  it('hpa-maxed-out: the HPA is pinned at maxReplicas with ScalingLimited/TooManyReplicas and latency degrades; raising the max recovers', { timeout: 300_000 }, async () => {
    const calm = await golden('shop', 'catalog-api', '0.1');
    const started = await admin('POST', '/hpa-maxed-out/start');
    const { cluster, namespace, name } = started.run!.targetRef;
    expect(`${namespace}/${name}`).toBe('shop/catalog-api');
    interface Hpa {
      spec: { minReplicas: number; maxReplicas: number };
      status: { currentReplicas: number; desiredReplicas: number; conditions?: { type: string; status: string; reason: string; message: string }[] };
    }
    const pinned = await eventually('the HPA pinned at its maximum', async () => {
      const hpa = await kubectlJson<Hpa>(cluster, '-n', namespace, 'get', 'hpa', name);
      const limited = hpa.status.conditions?.find((c) => c.type === 'ScalingLimited');
      return hpa.status.desiredReplicas === hpa.spec.maxReplicas && hpa.status.currentReplicas === hpa.spec.maxReplicas && limited?.status === 'True' ? { hpa, limited } : undefined;
    }, 120, 1000);
    expect(pinned.limited).toMatchObject({ reason: 'TooManyReplicas', message: 'the desired replica count is more than the maximum replica count' });
    const labels = { namespace, horizontalpodautoscaler: name };
    const current = await samples('kube_horizontalpodautoscaler_status_current_replicas', labels);
    const max = await samples('kube_horizontalpodautoscaler_spec_max_replicas', labels);
    expect(current[0]!.value).toBe(max[0]!.value);
    await alertPending('KubeHpaMaxedOut', { cluster, namespace, horizontalpodautoscaler: name });
    const hot = await golden(namespace, name, '0.1');
    expect(hot.slow).toBeGreaterThan(calm.slow * 2);

    // Room for the demand at any time of day (the daily wave moves it by ±30%).
    const raised = pinned.hpa.spec.maxReplicas * 3;
    expect(runbookAction('hpa-maxed-out').operation).toBe('hpa-range');
    expect(await planAndExecute({ kind: 'hpa-range', target: `k8s:${cluster}/${namespace}/HorizontalPodAutoscaler/${name}`, params: { minReplicas: pinned.hpa.spec.minReplicas, maxReplicas: raised } })).toBe('succeeded');
    const done = await recovered('hpa-maxed-out');
    const after = await kubectlJson<Hpa>(cluster, '-n', namespace, 'get', 'hpa', name);
    expect(after.status.currentReplicas).toBeGreaterThan(pinned.hpa.spec.maxReplicas);
    expect(done.recovery.conditions.find((c) => c.name === 'latencyP99BelowBaseline')?.met).toBe(true);
    await admin('POST', '/hpa-maxed-out/stop');
  });

  it('dependency-latency: the API slows, its callers slow and time out (Prometheus and CloudWatch); restarting it recovers', { timeout: 300_000 }, async () => {
    const started = await admin('POST', '/dependency-latency/start');
    const { cluster, namespace, name } = started.run!.targetRef;
    const caller = sandbox.world.services.find((s) => s.dependsOn.includes(started.run!.target) && s.loadBalancer)!;
    expect(caller).toBeDefined();
    const slow = await eventually('the API slow', async () => {
      const g = await golden(namespace, name, '1');
      return g.slow > 0.5 ? g : undefined;
    }, 30, 500);
    expect(slow.errors).toBeLessThan(0.02);
    const callerSignals = await eventually('its caller slow and failing', async () => {
      const g = await golden(caller.namespace, caller.name, '0.5');
      return g.slow > 0.3 && g.errors > 0.05 ? g : undefined;
    }, 30, 500);
    expect(callerSignals.errors).toBeGreaterThan(0.05);

    // CloudWatch, through the SDK configured only by the profile the sandbox wrote.
    const client = new CloudWatchClient({ region: 'us-east-1', credentials: credentialsFromProfile(), endpoint: endpointFromProfile() });
    try {
      // The newest minute carries the fault once enough of it has passed; the minutes before it do not.
      const values = await eventually('TargetResponseTime p99 of the caller to double', async () => {
        const now = Date.now();
        const data = await client.send(new GetMetricDataCommand({
          StartTime: new Date(now - 10 * 60_000),
          EndTime: new Date(now + 60_000),
          MetricDataQueries: [{ Id: 'p99', MetricStat: { Metric: { Namespace: 'AWS/ApplicationELB', MetricName: 'TargetResponseTime', Dimensions: [{ Name: 'LoadBalancer', Value: caller.loadBalancer! }] }, Period: 60, Stat: 'p99' } }],
          ScanBy: 'TimestampDescending',
        }));
        const v = data.MetricDataResults?.[0]?.Values ?? [];
        return v.length > 2 && v[0]! > v[v.length - 1]! * 2 ? v : undefined;
      }, 40, 2000);
      expect(values[0]!).toBeGreaterThan(values[values.length - 1]! * 2);
    } finally {
      client.destroy();
    }

    expect(runbookAction('dependency-latency').operation).toBe('restart');
    expect(await planAndExecute({ kind: 'restart', target: `k8s:${cluster}/${namespace}/Deployment/${name}`, params: {} })).toBe('succeeded');
    const done = await recovered('dependency-latency');
    expect(done.recovery.conditions.find((c) => c.name === 'callersLatencyP99BelowBaseline')?.met).toBe(true);
    await admin('POST', '/dependency-latency/stop');
  });
});

function credentialsFromProfile(): { accessKeyId: string; secretAccessKey: string } {
  const text = fs.readFileSync(sandbox.awsCredentialsPath, 'utf8');
  return { accessKeyId: /aws_access_key_id = (\S+)/.exec(text)?.[1] ?? '', secretAccessKey: /aws_secret_access_key = (\S+)/.exec(text)?.[1] ?? '' };
}

function endpointFromProfile(): string {
  return /endpoint_url = (\S+)/.exec(fs.readFileSync(sandbox.awsConfigPath, 'utf8'))?.[1] ?? '';
}
