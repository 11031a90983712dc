import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import yaml from 'js-yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CloudSideInternals } from '../../electron/engine/sandbox/cloud.js';
import { sandboxScrapeConfigs } from '../../electron/engine/sandbox/prometheus/scrape-config.js';
import { startSandbox, type RunningSandbox } from '../../electron/engine/sandbox/start.js';
import { alertmanagerAvailable, startAlertmanager, type RunningAlertmanager } from './helpers/alertmanager.js';
import { eventually, prometheusAvailable, startPrometheus, type RunningPrometheus } from './helpers/prometheus.js';

/**
 * kube-prometheus's own rules as the yardstick for the sandbox's series. Debian's Prometheus
 * scrapes one sandbox cluster as kube-prometheus-stack scrapes a cluster (kube-state-metrics,
 * the kubelet's cAdvisor, the applications; no `cluster` label) and loads the three
 * PrometheusRule specs from ../shared/fixtures/kube-prometheus/ unchanged. The recording rules
 * must produce series, and a bad deploy must raise the alerts an operator would get.
 *
 * The alerts in question wait out `for: 15m`, and Prometheus measures that on its own wall clock,
 * which no sandbox clock can hurry. So against the unchanged rules the test asserts the alerts
 * are pending with the labels and annotations they will fire with. To see one reach
 * Alertmanager, a second group holds KubePodCrashLooping exactly as the fixture has it except
 * `for: 0s`; Debian's Alertmanager must then list it with its runbook_url, summary, namespace
 * and pod.
 */
const available = prometheusAvailable && alertmanagerAvailable;
if (!available) console.log('Skipping the kube-prometheus rules test: it needs Debian’s prometheus and prometheus-alertmanager (apt-get install prometheus prometheus-alertmanager).');

const FIXTURES = path.resolve(import.meta.dirname, '../../../shared/fixtures/kube-prometheus');
const CLUSTER = 'shop-prod-eks';
const run = promisify(execFile);

interface Rule {
  name: string;
  type: 'recording' | 'alerting';
  health: string;
  lastError?: string;
  query: string;
  alerts?: { labels: Record<string, string>; annotations: Record<string, string>; state: string }[];
}
interface RuleGroup {
  name: string;
  file: string;
  rules: Rule[];
}
interface FixtureRule {
  alert?: string;
  record?: string;
  for?: string;
  [key: string]: unknown;
}
interface FixtureGroup {
  name: string;
  rules: FixtureRule[];
}

let dir: string;
let sandbox: RunningSandbox;
let prometheus: RunningPrometheus;
let alertmanager: RunningAlertmanager;
const fixtureGroups: FixtureGroup[] = [];
/** The deployment the bad-deploy scenario broke. */
let broken: string;

async function query(promql: string): Promise<{ metric: Record<string, string>; value: [number, string] }[]> {
  const res = await fetch(`${prometheus.url}/api/v1/query?query=${encodeURIComponent(promql)}`);
  const body = (await res.json()) as { status: string; data?: { result: { metric: Record<string, string>; value: [number, string] }[] }; error?: string };
  if (body.status !== 'success') throw new Error(`PromQL ${promql}: ${body.error}`);
  return body.data?.result ?? [];
}

async function ruleGroups(): Promise<RuleGroup[]> {
  const res = await fetch(`${prometheus.url}/api/v1/rules`);
  return ((await res.json()) as { data: { groups: RuleGroup[] } }).data.groups;
}

async function alertsNamed(name: string, group?: string): Promise<NonNullable<Rule['alerts']>> {
  const groups = await ruleGroups();
  return groups.filter((g) => group === undefined || g.name === group).flatMap((g) => g.rules.filter((r) => r.name === name).flatMap((r) => r.alerts ?? []));
}

beforeAll(async () => {
  if (!available) return;
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'daytwo-kube-prometheus-'));
  // Each PrometheusRule's spec is a Prometheus rules file as it stands.
  const ruleFiles: string[] = [];
  for (const file of fs.readdirSync(FIXTURES).filter((f) => f.endsWith('.yaml')).sort()) {
    const rule = yaml.load(fs.readFileSync(path.join(FIXTURES, file), 'utf8')) as { spec: { groups: FixtureGroup[] } };
    fixtureGroups.push(...rule.spec.groups);
    const out = path.join(dir, file);
    fs.writeFileSync(out, yaml.dump(rule.spec));
    ruleFiles.push(out);
  }
  const crashLooping = fixtureGroups.flatMap((g) => g.rules).find((r) => r.alert === 'KubePodCrashLooping');
  if (!crashLooping) throw new Error('The fixture no longer has KubePodCrashLooping.');
  const immediate = path.join(dir, 'crashlooping-for-0s.yaml');
  fs.writeFileSync(immediate, yaml.dump({ groups: [{ name: 'daytwo-test-crashlooping-for-0s', rules: [{ ...crashLooping, for: '0s' }] }] }));
  ruleFiles.push(immediate);

  sandbox = await startSandbox({ outDir: path.join(dir, 'sandbox'), seed: 42 });
  // The release goes out before Prometheus starts, as if it had been watching for a while: the
  // replicas-mismatch rule asks that the updated count has not changed in 10 minutes.
  const target = (sandbox.cloud as CloudSideInternals).scenarios.start('bad-deploy').target;
  if (target.cluster !== CLUSTER) throw new Error(`bad-deploy chose ${target.id}, outside ${CLUSTER}.`);
  broken = target.name;
  // With 3 replicas, the default maxUnavailable of 25% rounds down to 0: a stuck rollout keeps
  // every old pod, stays fully available, and KubeDeploymentReplicasMismatch rightly stays quiet,
  // as on a real cluster. A team that lets one pod go while rolling does see the mismatch.
  const context = sandbox.world.clusters.find((c) => c.name === CLUSTER)!.context;
  await run('kubectl', ['--kubeconfig', sandbox.kubeconfigPath, '--context', context, '-n', target.namespace, 'patch', 'deployment', broken, '-p', '{"spec":{"strategy":{"rollingUpdate":{"maxUnavailable":1}}}}']);
  let last = '';
  await eventually('the rollout to stall below its desired count', async () => {
    const crashing = [...sandbox.world.pods()].some((p) => p.serviceId === target.id && p.crashing && p.restarts > 0);
    const r = sandbox.world.replicas(target.id);
    const now = JSON.stringify(r);
    const settled = crashing && r.available < r.desired && now === last;
    last = now;
    return settled ? true : undefined;
  }, 120, 1_000);
  alertmanager = await startAlertmanager(path.join(dir, 'alertmanager'));
  prometheus = await startPrometheus(path.join(dir, 'prometheus'), {
    scrapeConfigs: sandboxScrapeConfigs(`127.0.0.1:${sandbox.port}`, [CLUSTER]),
    ruleFiles,
    alertmanagers: [alertmanager.url],
  });
  await eventually('every target to be scraped', async () => {
    const res = await fetch(`${prometheus.url}/api/v1/targets`);
    const body = (await res.json()) as { data: { activeTargets: { health: string; lastError: string; labels: Record<string, string> }[] } };
    const targets = body.data.activeTargets;
    if (targets.length !== 3 || targets.some((t) => t.health !== 'up')) throw new Error(JSON.stringify(targets.map((t) => [t.labels.job, t.health, t.lastError])));
    return targets;
  });
}, 120_000);

afterAll(async () => {
  await prometheus?.stop();
  await alertmanager?.stop();
  await sandbox?.stop();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

describe.skipIf(!available)('kube-prometheus rules over the sandbox', () => {
  it('scrapes one cluster as kube-prometheus does: the usual jobs and labels, no cluster label', async () => {
    const jobs = await query('count by (job) ({__name__=~"kube_pod_info|container_cpu_usage_seconds_total|http_requests_total"})');
    expect(jobs.map((j) => j.metric.job)).toEqual(expect.arrayContaining(['kube-state-metrics', 'kubelet', 'storefront']));
    expect(await query('count({__name__=~"kube_.+|container_.+|http_.+", cluster!=""})')).toEqual([]);
    const cpu = await query('container_cpu_usage_seconds_total{job="kubelet", metrics_path="/metrics/cadvisor", image!=""}');
    expect(cpu.length).toBeGreaterThan(10);
    expect(Object.keys(cpu[0]!.metric)).toEqual(expect.arrayContaining(['namespace', 'pod', 'container', 'image', 'node', 'instance']));
  });

  it('loads the three rule files unchanged, and every rule evaluates without error', async () => {
    // A group with its own longer interval (kube-apiserver-availability.rules: 3m) first runs
    // somewhere within that interval; every other group runs each second.
    const slow = new Set(fixtureGroups.filter((g) => typeof (g as { interval?: string }).interval === 'string').map((g) => g.name));
    const groups = await eventually('every group to be evaluated', async () => {
      const g = await ruleGroups();
      return g.length === fixtureGroups.length + 1 && g.every((x) => slow.has(x.name) || x.rules.every((r) => r.health !== 'unknown')) ? g : undefined;
    });
    expect(groups.map((g) => g.name).sort()).toEqual([...fixtureGroups.map((g) => g.name), 'daytwo-test-crashlooping-for-0s'].sort());
    const rules = groups.flatMap((g) => g.rules);
    expect(rules.length).toBe(fixtureGroups.reduce((n, g) => n + g.rules.length, 0) + 1);
    const failing = groups.flatMap((g) => g.rules.filter((r) => r.health === 'err').map((r) => `${g.name}/${r.name}: ${r.lastError}`));
    expect(failing).toEqual([]);
  });

  it('produces series from the recording rules over kube-state-metrics and cAdvisor', async () => {
    const wanted = [
      'node_namespace_pod_container:container_cpu_usage_seconds_total:sum_irate',
      'node_namespace_pod_container:container_cpu_usage_seconds_total:sum_rate5m',
      'node_namespace_pod_container:container_memory_working_set_bytes',
      'node_namespace_pod_container:container_memory_rss',
      'cluster:namespace:pod_cpu:active:kube_pod_container_resource_requests',
      'cluster:namespace:pod_memory:active:kube_pod_container_resource_limits',
      'namespace_cpu:kube_pod_container_resource_requests:sum',
      'namespace_memory:kube_pod_container_resource_requests:sum',
      'namespace_workload_pod:kube_pod_owner:relabel',
    ];
    const counts = await eventually('the recording rules to have series', async () => {
      const found = await Promise.all(wanted.map(async (name) => [name, (await query(`count(${name})`))[0]?.value[1]] as const));
      const empty = found.filter(([, n]) => n === undefined).map(([name]) => name);
      if (empty.length > 0) throw new Error(`no series yet for ${empty.join(', ')}`);
      return Object.fromEntries(found.map(([name, n]) => [name, Number(n)]));
    }, 90);
    console.log('kube-prometheus recording rules with series:', counts);
    // The workload relabelling joins pods to their Deployment through the ReplicaSet.
    const workload = await query(`namespace_workload_pod:kube_pod_owner:relabel{workload_type="deployment", workload="storefront"}`);
    expect(workload.length).toBeGreaterThan(0);
    expect(workload.every((s) => s.metric.pod!.startsWith('storefront-') && s.metric.namespace === 'shop')).toBe(true);
    // Per-container CPU joined to the node the pod runs on.
    const cpu = await query(`node_namespace_pod_container:container_cpu_usage_seconds_total:sum_irate{container="storefront"}`);
    expect(cpu.every((s) => s.metric.node !== undefined && s.metric.node !== '')).toBe(true);
  });

  it('holds KubePodCrashLooping and KubeDeploymentReplicasMismatch pending on the bad deploy, with the labels they will fire with', async () => {
    const fixtureGroup = fixtureGroups.find((g) => g.rules.some((r) => r.alert === 'KubePodCrashLooping'))!.name;
    const crash = await eventually('KubePodCrashLooping to be pending', async () => {
      const a = (await alertsNamed('KubePodCrashLooping', fixtureGroup)).filter((x) => x.labels.container === broken);
      return a.length > 0 ? a : undefined;
    });
    // for: 15m has not elapsed on Prometheus's clock: pending, not firing.
    expect(crash.every((a) => a.state === 'pending')).toBe(true);
    expect(crash[0]!.labels).toMatchObject({ alertname: 'KubePodCrashLooping', severity: 'warning', job: 'kube-state-metrics', reason: 'CrashLoopBackOff', container: broken });
    expect(crash[0]!.labels.pod).toMatch(new RegExp(`^${broken}-`));
    expect(crash[0]!.labels.namespace).toBeTruthy();
    expect(crash[0]!.labels.cluster).toBeUndefined();
    expect(crash[0]!.annotations.runbook_url).toBe('https://runbooks.prometheus-operator.dev/runbooks/kubernetes/kubepodcrashlooping');

    const mismatch = await eventually('KubeDeploymentReplicasMismatch to be pending', async () => {
      const a = (await alertsNamed('KubeDeploymentReplicasMismatch')).filter((x) => x.labels.deployment === broken);
      return a.length > 0 ? a : undefined;
    });
    expect(mismatch[0]).toMatchObject({ state: 'pending', labels: { deployment: broken, job: 'kube-state-metrics', severity: 'warning' } });
    // Healthy deployments stay quiet.
    const others = (await alertsNamed('KubeDeploymentReplicasMismatch')).filter((x) => x.labels.deployment === 'storefront');
    expect(others).toEqual([]);
  });

  it('holds KubeDeploymentRolloutStuck pending once the rollout passes its progress deadline', async () => {
    const context = sandbox.world.clusters.find((c) => c.name === CLUSTER)!.context;
    const service = sandbox.world.services.find((s) => s.cluster === CLUSTER && s.name === broken)!;
    // A short deadline, set as an operator would, so the controller gives up within the test.
    await run('kubectl', ['--kubeconfig', sandbox.kubeconfigPath, '--context', context, '-n', service.namespace, 'patch', 'deployment', broken, '-p', '{"spec":{"progressDeadlineSeconds":3}}']);
    const stuck = await eventually('KubeDeploymentRolloutStuck to be pending', async () => {
      const a = (await alertsNamed('KubeDeploymentRolloutStuck')).filter((x) => x.labels.deployment === broken);
      return a.length > 0 ? a : undefined;
    });
    expect(stuck[0]).toMatchObject({ state: 'pending', labels: { condition: 'Progressing', status: 'false', namespace: service.namespace } });
  });

  it('delivers KubePodCrashLooping to Alertmanager with its runbook, summary, namespace and pod', async () => {
    const delivered = await eventually('Alertmanager to have KubePodCrashLooping', async () => {
      const a = await alertmanager.alerts(['alertname="KubePodCrashLooping"', `container="${broken}"`]);
      return a.length > 0 ? a : undefined;
    });
    const alert = delivered[0]!;
    expect(alert.annotations).toMatchObject({ runbook_url: 'https://runbooks.prometheus-operator.dev/runbooks/kubernetes/kubepodcrashlooping', summary: 'Pod is crash looping.' });
    expect(alert.annotations.description).toContain(`(${broken}) is in waiting state (reason: "CrashLoopBackOff")`);
    expect(alert.labels.pod).toMatch(new RegExp(`^${broken}-`));
    expect(alert.labels.namespace).toBe(sandbox.world.services.find((s) => s.cluster === CLUSTER && s.name === broken)!.namespace);
    expect(alert.status.state).toBe('active');
  });
});
