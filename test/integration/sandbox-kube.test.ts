import { execFile, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import * as k8s from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { type RunningSandbox, startSandbox } from '../../electron/engine/sandbox/start.js';

const run = promisify(execFile);
const KUBECTL = '/usr/bin/kubectl';

let sandbox: RunningSandbox;
let dir: string;

async function kubectl(args: string[], options: { binary?: string } = {}): Promise<string> {
  try {
    const { stdout } = await run(options.binary ?? KUBECTL, ['--cache-dir', join(dir, 'cache'), ...args], {
      env: { ...process.env, KUBECONFIG: sandbox.kubeconfigPath, HOME: dir },
      maxBuffer: 64 * 1024 * 1024,
    });
    return stdout;
  } catch (e) {
    const err = e as { stderr?: string; stdout?: string; code?: number };
    throw Object.assign(new Error(`kubectl ${args.join(' ')} failed (${err.code}): ${err.stderr ?? ''}${err.stdout ?? ''}`), { stderr: err.stderr ?? '', code: err.code });
  }
}

async function until<T>(what: string, probe: () => Promise<T | undefined>, seconds = 30): Promise<T> {
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
  dir = await mkdtemp(join(tmpdir(), 'daytwo-sandbox-kube-'));
  sandbox = await startSandbox({ port: 0, outDir: join(dir, 'out'), seed: 7 });
});

afterAll(async () => {
  await sandbox?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('given the sandbox estate, an operator with kubectl', () => {
  test('sees every cluster as its own context, with cloud-shaped nodes', async () => {
    const contexts = (await kubectl(['config', 'get-contexts', '-o', 'name'])).trim().split('\n');
    expect(contexts).toEqual(expect.arrayContaining(['shop-prod-eks', 'shop-prod-gke', 'dc1-onprem', 'shop-prod-eks-viewer']));

    const eks = await kubectl(['--context', 'shop-prod-eks', 'get', 'nodes', '-o', 'jsonpath={range .items[*]}{.spec.providerID} {.metadata.labels.eks\\.amazonaws\\.com/nodegroup}{"\\n"}{end}']);
    for (const line of eks.trim().split('\n')) expect(line).toMatch(/^aws:\/\/\/us-east-1[a-c]\/i-0[0-9a-f]{16} \S+$/);
    const gke = await kubectl(['--context', 'shop-prod-gke', 'get', 'nodes', '-L', 'cloud.google.com/gke-nodepool']);
    expect(gke).toMatch(/^NAME\s+STATUS\s+ROLES\s+AGE\s+VERSION\s+GKE-NODEPOOL/);
    expect(gke).toContain('default-pool');
    const onprem = await kubectl(['--context', 'dc1-onprem', 'get', 'nodes']);
    expect(onprem).toMatch(/k8s-cp-01\.dc1\.internal\s+Ready\s+control-plane/);

    const pods = await kubectl(['--context', 'shop-prod-eks', 'get', 'pods', '-n', 'shop']);
    expect(pods.split('\n')[0]).toMatch(/^NAME\s+READY\s+STATUS\s+RESTARTS\s+AGE$/);
    expect(pods).toMatch(/recommendations-\S+\s+0\/1\s+CrashLoopBackOff/);
    expect(await kubectl(['--context', 'dc1-onprem', 'get', 'pods', '-n', 'erp'])).toMatch(/report-builder-\S+\s+0\/1\s+Pending/);
    expect(await kubectl(['--context', 'shop-prod-gke', 'get', 'hpa,pdb', '-n', 'search'])).toContain('horizontalpodautoscaler.autoscaling/search-api');
  });

  test('describes a deployment with its ReplicaSets, template and conditions', async () => {
    const out = await kubectl(['--context', 'shop-prod-eks', 'describe', 'deployment', 'storefront', '-n', 'shop']);
    expect(out).toMatch(/Selector:\s+app\.kubernetes\.io\/instance=storefront,app\.kubernetes\.io\/name=storefront/);
    expect(out).toMatch(/Available\s+True\s+MinimumReplicasAvailable/);
    expect(out).toMatch(/NewReplicaSet:\s+storefront-\S+ \(4\/4 replicas created\)/);
    const ingress = await kubectl(['--context', 'shop-prod-eks', 'get', 'ingress', 'storefront', '-n', 'shop', '-o', 'json']);
    const hostname = JSON.parse(ingress).status.loadBalancer.ingress[0].hostname as string;
    const lb = sandbox.world.services.find((s) => s.id === 'shop-prod-eks/shop/storefront')?.loadBalancer ?? '';
    expect(hostname.startsWith(lb.split('/')[1] ?? 'missing')).toBe(true);
  });

  test('scales a deployment and waits for the rollout', async () => {
    await kubectl(['--context', 'shop-prod-eks', 'scale', 'deployment', 'cart-api', '-n', 'shop', '--replicas=5']);
    const out = await kubectl(['--context', 'shop-prod-eks', 'rollout', 'status', 'deployment/cart-api', '-n', 'shop', '--timeout=40s']);
    expect(out).toContain('deployment "cart-api" successfully rolled out');
    expect(await kubectl(['--context', 'shop-prod-eks', 'get', 'deployment', 'cart-api', '-n', 'shop', '-o', 'jsonpath={.status.readyReplicas}'])).toBe('5');
  });

  test('a bad image crash-loops, and rollout undo recovers without a new ReplicaSet', async () => {
    const ctx = ['--context', 'shop-prod-eks', '-n', 'shop'];
    const replicaSetsBefore = (await kubectl([...ctx, 'get', 'rs', '-l', 'app.kubernetes.io/name=orders-api', '-o', 'name'])).trim().split('\n');
    // The team publishes a build that exits on start; its tag says nothing about it.
    const published = await fetch(`http://127.0.0.1:${sandbox.port}/sandbox/registry/images`, { method: 'POST', body: JSON.stringify({ image: 'ghcr.io/daytwo-shop/orders-api:5.1.0', behaviour: 'crashes' }) });
    expect(published.status).toBe(200);
    await kubectl([...ctx, 'set', 'image', 'deployment/orders-api', 'orders-api=ghcr.io/daytwo-shop/orders-api:5.1.0']);
    const crashing = await until('a crash-looping orders-api pod', async () => {
      const out = await kubectl([...ctx, 'get', 'pods', '-l', 'app.kubernetes.io/name=orders-api']);
      return /CrashLoopBackOff/.test(out) ? out : undefined;
    });
    expect(crashing).toMatch(/0\/1\s+CrashLoopBackOff\s+1 \(/);
    await expect(kubectl([...ctx, 'rollout', 'status', 'deployment/orders-api', '--timeout=2s'])).rejects.toThrow(/timed out/);
    const events = await kubectl([...ctx, 'get', 'events', '--field-selector', 'reason=BackOff']);
    expect(events).toMatch(/Back-off restarting failed container orders-api/);

    await kubectl([...ctx, 'rollout', 'undo', 'deployment/orders-api']);
    expect(await kubectl([...ctx, 'rollout', 'status', 'deployment/orders-api', '--timeout=40s'])).toContain('successfully rolled out');
    const replicaSetsAfter = (await kubectl([...ctx, 'get', 'rs', '-l', 'app.kubernetes.io/name=orders-api', '-o', 'name'])).trim().split('\n');
    expect(replicaSetsAfter.length).toBe(replicaSetsBefore.length + 1);
    const history = await kubectl([...ctx, 'rollout', 'history', 'deployment/orders-api']);
    expect(history).toMatch(/REVISION\s+CHANGE-CAUSE\n2\s+<none>\n3\s+<none>/);
    expect(await kubectl([...ctx, 'get', 'deployment', 'orders-api', '-o', 'jsonpath={.spec.template.spec.containers[0].image}'])).toBe('ghcr.io/daytwo-shop/orders-api:5.0.1');
  });

  test('rollout restart replaces every pod', async () => {
    const ctx = ['--context', 'shop-prod-gke', '-n', 'media'];
    const before = await kubectl([...ctx, 'get', 'pods', '-l', 'app.kubernetes.io/name=media-api', '-o', 'name']);
    await kubectl([...ctx, 'rollout', 'restart', 'deployment/media-api']);
    expect(await kubectl([...ctx, 'rollout', 'status', 'deployment/media-api', '--timeout=40s'])).toContain('successfully rolled out');
    const after = await until('old pods to be gone', async () => {
      const out = await kubectl([...ctx, 'get', 'pods', '-l', 'app.kubernetes.io/name=media-api', '-o', 'name']);
      return out.trim().split('\n').length === 2 ? out : undefined;
    });
    for (const pod of before.trim().split('\n')) expect(after).not.toContain(pod);
  });

  test('get -w streams changes as table rows', async () => {
    const child = spawn(KUBECTL, ['--cache-dir', join(dir, 'cache'), '--context', 'dc1-onprem', 'get', 'pods', '-n', 'erp', '-w'], {
      env: { ...process.env, KUBECONFIG: sandbox.kubeconfigPath, HOME: dir },
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    try {
      await until('the initial list', async () => (output.includes('inventory-api') ? true : undefined));
      await kubectl(['--context', 'dc1-onprem', 'scale', 'deployment', 'warehouse-ui', '-n', 'erp', '--replicas=3']);
      await until('a new warehouse-ui pod running', async () => (/warehouse-ui-\S+\s+1\/1\s+Running\s+0\s+\d+s/.test(output) ? true : undefined));
    } finally {
      child.kill();
    }
    expect(output.split('\n').filter((l) => l.startsWith('NAME')).length).toBe(1);
    expect(output).toMatch(/warehouse-ui-\S+\s+0\/1\s+(Pending|ContainerCreating)/);
  });

  test('top pods reads metrics.k8s.io', async () => {
    const out = await kubectl(['--context', 'shop-prod-eks', 'top', 'pods', '-n', 'payments']);
    expect(out).toMatch(/^NAME\s+CPU\(cores\)\s+MEMORY\(bytes\)/);
    expect(out).toMatch(/ledger-db-0\s+\d+m\s+\d+Mi/);
    expect(await kubectl(['--context', 'shop-prod-eks', 'top', 'nodes'])).toMatch(/ip-10-0-\S+\s+\d+m\s+\d+%\s+\d+Mi\s+\d+%/);
  });

  test('auth can-i answers for both users, and agrees with what the API refuses', async () => {
    const canI = async (context: string, ...args: string[]) => {
      try {
        return (await kubectl(['--context', context, 'auth', 'can-i', ...args])).trim();
      } catch (e) {
        return String((e as Error).message).includes('no') ? 'no' : `error: ${(e as Error).message}`;
      }
    };
    expect(await canI('shop-prod-eks', 'delete', 'pods', '-n', 'shop')).toBe('yes');
    expect(await canI('shop-prod-eks-viewer', 'list', 'pods', '-n', 'shop')).toBe('yes');
    expect(await canI('shop-prod-eks-viewer', 'delete', 'pods', '-n', 'shop')).toBe('no');
    expect(await canI('shop-prod-eks-viewer', 'patch', 'deployments.apps', '-n', 'shop')).toBe('no');
    await expect(kubectl(['--context', 'shop-prod-eks-viewer', 'scale', 'deployment', 'storefront', '-n', 'shop', '--replicas=1'])).rejects.toThrow(
      /Forbidden.*User "sandbox-viewer" cannot patch resource "deployments\/scale" in API group "apps" in the namespace "shop"/,
    );
    expect(await kubectl(['--context', 'shop-prod-eks-viewer', 'get', 'deployment', 'storefront', '-n', 'shop', '-o', 'name'])).toBe('deployment.apps/storefront\n');
  });

  test('--dry-run=server validates and leaves nothing behind', async () => {
    const ctx = ['--context', 'shop-prod-eks', '-n', 'shop'];
    expect(await kubectl([...ctx, 'create', 'deployment', 'canary', '--image=nginx:1.27', '--dry-run=server', '-o', 'name'])).toBe('deployment.apps/canary\n');
    await expect(kubectl([...ctx, 'get', 'deployment', 'canary'])).rejects.toThrow(/NotFound/);
    await kubectl([...ctx, 'scale', 'deployment', 'storefront', '--replicas=9', '--dry-run=server']);
    await kubectl([...ctx, 'delete', 'pod', '-l', 'app.kubernetes.io/name=checkout-api', '--dry-run=server']);
    expect(await kubectl([...ctx, 'get', 'deployment', 'storefront', '-o', 'jsonpath={.spec.replicas}'])).toBe('4');
    expect(await kubectl([...ctx, 'get', 'pods', '-l', 'app.kubernetes.io/name=checkout-api', '-o', 'jsonpath={.items[*].metadata.deletionTimestamp}'])).toBe('');
    await expect(kubectl([...ctx, 'create', 'deployment', 'Bad_Name', '--image=nginx', '--dry-run=server'])).rejects.toThrow(/Invalid value: "Bad_Name"/);
  });

  test('older and newer kubectl versions accept it', async () => {
    for (const version of ['1.27', '1.33']) {
      const out = await kubectl(['--context', 'shop-prod-eks', 'get', 'deployments', '-n', 'payments'], { binary: `/usr/lib/google-cloud-sdk/bin/kubectl.${version}` });
      expect(out).toMatch(/payments-api\s+3\/3\s+3\s+3/);
    }
  });
});

describe('given the sandbox estate, a client-node informer', () => {
  test('sees adds, updates and deletes', async () => {
    const kc = new k8s.KubeConfig();
    kc.loadFromFile(sandbox.kubeconfigPath);
    kc.setCurrentContext('shop-prod-gke');
    const core = kc.makeApiClient(k8s.CoreV1Api);
    const apps = kc.makeApiClient(k8s.AppsV1Api);
    const informer = k8s.makeInformer(kc, '/api/v1/namespaces/search/pods', () => core.listNamespacedPod({ namespace: 'search' }));
    const added: string[] = [];
    const updated: string[] = [];
    const deleted: string[] = [];
    informer.on('add', (p) => added.push(p.metadata?.name ?? ''));
    informer.on('update', (p) => updated.push(p.metadata?.name ?? ''));
    informer.on('delete', (p) => deleted.push(p.metadata?.name ?? ''));
    await informer.start();
    try {
      const initial = added.length;
      expect(initial).toBeGreaterThan(5);
      await apps.patchNamespacedDeploymentScale(
        { name: 'indexer', namespace: 'search', body: { spec: { replicas: 3 } } },
        k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.MergePatch),
      );
      const newPod = await until('the informer to see a new indexer pod', async () => added.slice(initial).find((n) => n.startsWith('indexer-')));
      await until('the new pod to be updated as it starts', async () => (updated.includes(newPod) ? true : undefined));
      await core.deleteNamespacedPod({ name: newPod, namespace: 'search' });
      await until('the delete', async () => (deleted.includes(newPod) ? true : undefined));
    } finally {
      await informer.stop();
    }
  });
});
