import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import yaml from 'js-yaml';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { type RunningSandbox, startSandbox } from '../../electron/engine/sandbox/start.js';

/**
 * The sandbox as a new user meets it with a real kubectl, old and new: a plain `kubectl apply
 * -f` of a multi-kind manifest with a CRD, explain, raw requests, server-side apply conflicts,
 * a bad image tag, crash logs and describe output with the API server's defaults.
 */

const run = promisify(execFile);
const MANIFEST = join(import.meta.dirname, 'fixtures', 'guestbook.yaml');
const VERSIONS = [
  { version: '1.27', context: 'shop-prod-eks' },
  { version: '1.33', context: 'shop-prod-gke' },
];

let sandbox: RunningSandbox;
let dir: string;

async function kubectl(version: string, args: string[], input?: string): Promise<string> {
  const binary = `/usr/lib/google-cloud-sdk/bin/kubectl.${version}`;
  try {
    const child = run(binary, ['--cache-dir', join(dir, `cache-${version}`), ...args], { env: { ...process.env, KUBECONFIG: sandbox.kubeconfigPath, HOME: dir }, maxBuffer: 16 * 1024 * 1024 });
    if (input !== undefined) child.child.stdin?.end(input);
    const { stdout, stderr } = await child;
    return stdout + stderr;
  } catch (e) {
    const err = e as { stderr?: string; stdout?: string; code?: number };
    throw Object.assign(new Error(`kubectl ${version} ${args.join(' ')} failed (${err.code}): ${err.stderr ?? ''}${err.stdout ?? ''}`), { output: `${err.stdout ?? ''}${err.stderr ?? ''}` });
  }
}

async function until<T>(what: string, probe: () => Promise<T | undefined>, seconds = 40): Promise<T> {
  const deadline = Date.now() + seconds * 1000;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch (e) {
      last = e;
    }
    await new Promise((r) => setTimeout(r, 300));
  }
  throw new Error(`Timed out waiting for ${what}${last ? `: ${String(last)}` : ''}`);
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'daytwo-sandbox-kubectl-'));
  sandbox = await startSandbox({ port: 0, outDir: join(dir, 'out'), seed: 11 });
});

afterAll(async () => {
  await sandbox?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

test('each cluster has its own address, shared by its admin and viewer contexts', async () => {
  const config = yaml.load(await readFile(sandbox.kubeconfigPath, 'utf8')) as {
    clusters: { name: string; cluster: { server: string; 'certificate-authority-data': string } }[];
    contexts: { name: string; context: { cluster: string } }[];
  };
  const servers = config.clusters.map((c) => c.cluster.server);
  expect(new Set(servers).size).toBe(servers.length);
  for (const s of servers) expect(s).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
  const admin = config.contexts.find((c) => c.name === 'shop-prod-eks');
  const viewer = config.contexts.find((c) => c.name === 'shop-prod-eks-viewer');
  expect(viewer?.context.cluster).toBe(admin?.context.cluster);
});

describe.each(VERSIONS)('kubectl $version against $context', ({ version, context }) => {
  const k = (args: string[], input?: string) => kubectl(version, ['--context', context, ...args], input);
  const ns = (args: string[]) => k(['-n', 'guestbook', ...args]);

  test('plain `kubectl apply -f` of a multi-kind manifest with a CRD and its instance', async () => {
    // As on a real cluster, the instance of a CRD created in the same run cannot be mapped
    // until the CRD exists; the usual second apply creates it.
    let first: string;
    try {
      first = await k(['apply', '-f', MANIFEST]);
    } catch (e) {
      first = (e as { output: string }).output;
      expect(first).toContain('ensure CRDs are installed first');
    }
    expect(first).not.toMatch(/error validating|--validate=false|failed to download openapi/);
    expect(first).toContain('deployment.apps/frontend created');
    expect(first).toContain('customresourcedefinition.apiextensions.k8s.io/greetings.example.com created');
    const second = await k(['apply', '-f', MANIFEST]);
    expect(second).toContain('greeting.example.com/welcome created');
    expect(second).toContain('deployment.apps/frontend unchanged');

    expect(await ns(['get', 'greetings', 'welcome', '-o', 'jsonpath={.spec.message}'])).toBe('Welcome to the guestbook');
    expect(await ns(['get', 'gr', '-o', 'name'])).toBe('greeting.example.com/welcome\n');
    expect(await ns(['get', 'serviceaccounts', '-o', 'name'])).toBe('serviceaccount/default\nserviceaccount/frontend\n');
    const secret = JSON.parse(await ns(['get', 'secret', 'redis-auth', '-o', 'json'])) as { type: string; data: Record<string, string>; stringData?: unknown };
    expect(secret.type).toBe('Opaque');
    expect(Buffer.from(secret.data.password ?? '', 'base64').toString()).toBe('s3cr3t-value');
    expect(secret.stringData).toBeUndefined();
    await until('frontend to be available', async () => ((await ns(['get', 'deployment', 'frontend', '-o', 'jsonpath={.status.availableReplicas}'])) === '2' ? true : undefined));
    const slices = await ns(['get', 'endpointslices', '-l', 'kubernetes.io/service-name=frontend', '-o', 'jsonpath={range .items[*].endpoints[*]}{.conditions.ready} {end}']);
    expect(slices.trim().split(' ')).toEqual(['true', 'true']);
  });

  test('raw requests reach the cluster: discovery lists the CRD group', async () => {
    const groups = JSON.parse(await k(['get', '--raw', '/apis'])) as { groups: { name: string }[] };
    expect(groups.groups.map((g) => g.name)).toEqual(expect.arrayContaining(['apps', 'batch', 'rbac.authorization.k8s.io', 'discovery.k8s.io', 'apiextensions.k8s.io', 'example.com']));
    const sa = JSON.parse(await k(['get', '--raw', '/api/v1/namespaces/guestbook/serviceaccounts/default'])) as { metadata: { name: string } };
    expect(sa.metadata.name).toBe('default');
    expect(await k(['api-resources', '--api-group=example.com', '-o', 'name'])).toBe('greetings.example.com\n');
  });

  test('explain reads the served OpenAPI, for built-in kinds and the CRD', async () => {
    const spec = await k(['explain', 'deployment.spec']);
    expect(spec).toMatch(/KIND:\s+Deployment/);
    expect(spec).toContain('DeploymentSpec is the specification of the desired behavior of the');
    expect(spec).toMatch(/replicas\s+<integer>/);
    expect(spec).toMatch(/template\s+<PodTemplateSpec> -required-/);
    const custom = await k(['explain', 'greetings.spec']);
    expect(custom).toContain('What to say, and to whom.');
    expect(custom).toMatch(/message\s+<string>/);
  });

  test('server-side apply records field managers and reports a conflict', async () => {
    const manifest = (replicas: number) => `apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: guestbook}
spec:
  replicas: ${replicas}
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers: [{name: web, image: "nginx:1.27"}]
`;
    expect(await k(['apply', '--server-side', '-f', '-'], manifest(2))).toContain('deployment.apps/web serverside-applied');
    const conflict = await k(['apply', '--server-side', '--field-manager=ci-pipeline', '-f', '-'], manifest(4)).then(
      () => '',
      (e: { output: string }) => e.output,
    );
    expect(conflict).toContain('Apply failed with 1 conflict: conflict with "kubectl" using apps/v1: .spec.replicas');
    expect(await ns(['get', 'deployment', 'web', '-o', 'jsonpath={.spec.replicas}'])).toBe('2');
    await k(['apply', '--server-side', '--field-manager=ci-pipeline', '--force-conflicts', '-f', '-'], manifest(4));
    const deployment = JSON.parse(await ns(['get', 'deployment', 'web', '-o', 'json', '--show-managed-fields'])) as { spec: { replicas: number }; metadata: { managedFields: { manager: string; operation: string }[] } };
    expect(deployment.spec.replicas).toBe(4);
    expect(deployment.metadata.managedFields.map((m) => `${m.manager}/${m.operation}`)).toEqual(expect.arrayContaining(['kubectl/Apply', 'ci-pipeline/Apply']));
  });

  test('an image tag the registry does not have fails to pull, and the rollout does not finish', async () => {
    await ns(['set', 'image', 'deployment/redis', 'redis=redis:7.2-does-not-exist']);
    const pods = await until('a pod in ImagePullBackOff', async () => {
      const out = await ns(['get', 'pods', '-l', 'app=redis']);
      return /ImagePullBackOff/.test(out) ? out : undefined;
    });
    expect(pods).toMatch(/redis-\S+\s+0\/1\s+ImagePullBackOff/);
    const events = await ns(['get', 'events', '--field-selector', 'reason=Failed', '-o', 'jsonpath={range .items[*]}{.message}{"\\n"}{end}']);
    expect(events).toContain('Failed to pull image "redis:7.2-does-not-exist"');
    expect(events).toContain('Error: ImagePullBackOff');
    await expect(ns(['rollout', 'status', 'deployment/redis', '--timeout=3s'])).rejects.toThrow(/timed out/);
  });

  test('logs: the previous container of a crash-looping pod, followed to its end; tail and timestamps', async () => {
    await ns(['run', 'crasher', '--image=busybox:1.36', '--labels=sandbox.daytwo.dev/behaviour=crash']);
    await until('crasher to have restarted', async () => (Number(await ns(['get', 'pod', 'crasher', '-o', 'jsonpath={.status.containerStatuses[0].restartCount}'])) >= 1 ? true : undefined));
    const previous = await ns(['logs', '-f', '--previous', 'crasher']);
    expect(previous).toContain('panic: invalid configuration: missing required key database.url');
    expect(previous).toContain('goroutine 1 [running]:');
    await expect(ns(['logs', '--previous', 'deployment/frontend'])).rejects.toThrow(/previous terminated container "php-redis" in pod "frontend-\S+" not found/);

    const frontend = (await ns(['get', 'pods', '-l', 'app=frontend', '-o', 'name'])).trim().split('\n')[0] as string;
    const tail = (await ns(['logs', frontend, '--tail=2', '--timestamps'])).trim().split('\n');
    expect(tail.length).toBeLessThanOrEqual(2);
    for (const line of tail) expect(line).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}Z level=/);
    expect(await ns(['logs', frontend, '--all-containers', '--since=1h'])).toContain('msg="starting');
  });

  test('describe shows what the API server defaulted', async () => {
    const deployment = await ns(['describe', 'deployment', 'frontend']);
    expect(deployment).toMatch(/StrategyType:\s+RollingUpdate/);
    expect(deployment).toMatch(/RollingUpdateStrategy:\s+25% max unavailable, 25% max surge/);
    expect(deployment).toMatch(/Port:\s+80\/TCP/);
    expect(deployment).toContain('http-get http://:80/ delay=2s timeout=1s period=10s #success=1 #failure=3');
    const service = await ns(['describe', 'service', 'frontend']);
    expect(service).toMatch(/Type:\s+LoadBalancer/);
    expect(service).toMatch(/NodePort:\s+<unset>\s+3\d{4}\/TCP/);
    await until('a load balancer address', async () => (/LoadBalancer Ingress:\s+\S+/.test(await ns(['describe', 'service', 'frontend'])) ? true : undefined));
  });
});

test('an on-prem LoadBalancer Service stays pending, as without a cloud controller', async () => {
  const k = (args: string[], input?: string) => kubectl('1.33', ['--context', 'dc1-onprem', ...args], input);
  await k(['apply', '-f', '-'], 'apiVersion: v1\nkind: Service\nmetadata: {name: edge, namespace: default}\nspec:\n  type: LoadBalancer\n  selector: {app: edge}\n  ports: [{port: 443, targetPort: 8443}]\n');
  await new Promise((r) => setTimeout(r, 4000));
  expect(await k(['get', 'service', 'edge'])).toMatch(/edge\s+LoadBalancer\s+\S+\s+<pending>/);
});
