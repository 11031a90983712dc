import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MethodName, Params, Result } from '../../shared/api/contract.js';
import { createEngine } from '../../electron/engine/engine.js';
import type { Engine } from '../../electron/engine/engine.js';
import { startSandbox } from '../../electron/engine/sandbox/start.js';

/**
 * Given a sandbox cluster where the OpenFeature operator's FeatureFlag CRD is installed, a team
 * applies an upstream-style FeatureFlag with kubectl and names it on its Deployment. The operator
 * sees the flag on the service, switches it off from Daytwo through the guarded operation, and
 * kubectl agrees it is DISABLED; the audit log and the service's timeline record it.
 */

const run = promisify(execFile);
const onprem = 'dc1-onprem'; // matches none of the default production patterns
const prod = 'shop-prod-eks';

let dir: string;
let sandbox: Awaited<ReturnType<typeof startSandbox>>;
let engine: Engine;

/** kubectl, or one of the versioned clients the CI image carries (the oldest and newest we promise). */
async function kubectl(context: string, args: string[], stdin?: string, version?: '1.27' | '1.33'): Promise<string> {
  const binary = version && fs.existsSync(`/usr/lib/google-cloud-sdk/bin/kubectl.${version}`) ? `/usr/lib/google-cloud-sdk/bin/kubectl.${version}` : 'kubectl';
  const cache = ['--cache-dir', path.join(dir, `kubectl-cache-${version ?? 'default'}`)];
  const child = run(binary, ['--kubeconfig', sandbox.kubeconfigPath, ...cache, '--context', context, ...args], { encoding: 'utf8', timeout: 60_000 });
  if (stdin !== undefined) {
    child.child.stdin?.write(stdin);
    child.child.stdin?.end();
  }
  return (await child).stdout.trim();
}

async function call<M extends MethodName>(method: M, params: Params<M>): Promise<Result<M>> {
  const outcome = await engine.router.call(method, params, { transport: 'internal' });
  if (!outcome.ok) throw Object.assign(new Error(outcome.error.message), { code: outcome.error.code, field: outcome.error.field });
  return outcome.result as Result<M>;
}

async function until<T>(what: string, probe: () => Promise<T | undefined> | T | undefined, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** An upstream-style manifest, as the OpenFeature operator's own examples write them. */
function featureFlagManifest(namespace: string, name: string): string {
  return `apiVersion: core.openfeature.dev/v1beta1
kind: FeatureFlag
metadata:
  name: ${name}
  namespace: ${namespace}
  labels:
    app: open-feature-demo
spec:
  flagSpec:
    flags:
      new-welcome-banner:
        state: ENABLED
        variants:
          'on': true
          'off': false
        defaultVariant: 'on'
      hex-color:
        state: ENABLED
        variants:
          red: c05543
          green: 2f5230
          blue: 0d507b
        defaultVariant: red
        targeting:
          if:
            - in: ["@example.com", { var: email }]
            - blue
            - null
`;
}

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'daytwo-flags-of-'));
  // A team that keeps its flags in the catalog instead of on the Deployment.
  fs.mkdirSync(path.join(dir, 'catalog'));
  fs.writeFileSync(
    path.join(dir, 'catalog', 'catalog-info.yaml'),
    `apiVersion: backstage.io/v1alpha1
kind: Component
metadata:
  name: catalog-api
  annotations:
    backstage.io/kubernetes-id: catalog-api
    daytwo.io/feature-flags: "openfeature:catalog-flags#new-welcome-banner"
spec:
  type: service
  lifecycle: production
  owner: team-shop
`,
  );
  sandbox = await startSandbox({ port: 0, outDir: path.join(dir, 'sandbox'), seed: 7 });
  engine = createEngine({
    mode: 'host',
    version: 'test',
    dataDir: path.join(dir, 'data'),
    readOnly: false,
    sealer: { unavailableReason: 'tests keep no secrets', seal: () => Buffer.alloc(0), open: () => '' },
    sandbox: true,
    log: () => {},
    catalogDirs: [path.join(dir, 'catalog')],
    scorecardSettleMs: 100,
    operationTuning: { pollIntervalMs: 200, verifyTimeoutMs: 60_000 },
    connections: { kubeconfigFiles: [sandbox.kubeconfigPath], aws: { configFile: sandbox.awsConfigPath, credentialsFile: sandbox.awsCredentialsPath }, env: {} },
  });
  await until('Kubernetes sources live', () => (engine.sources.list().filter((s) => s.kind === 'kubernetes').every((s) => s.state === 'live') ? true : undefined));
}, 120_000);

afterAll(async () => {
  await engine?.close();
  await sandbox?.stop();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

describe('OpenFeature FeatureFlag resources', () => {
  it('serves the real CRD: kubectl applies an upstream manifest, and the schema refuses a state flagd does not know', async () => {
    expect(await kubectl(onprem, ['api-resources', '--api-group=core.openfeature.dev', '-o', 'name'])).toBe('featureflags.core.openfeature.dev');
    expect(await kubectl(onprem, ['apply', '-f', '-'], featureFlagManifest('erp', 'warehouse-flags'), '1.27')).toBe('featureflag.core.openfeature.dev/warehouse-flags created');
    expect(await kubectl(onprem, ['apply', '-f', '-'], featureFlagManifest('erp', 'warehouse-flags'), '1.33')).toBe('featureflag.core.openfeature.dev/warehouse-flags unchanged');
    expect(await kubectl(onprem, ['-n', 'erp', 'get', 'ff', 'warehouse-flags', '-o', 'jsonpath={.spec.flagSpec.flags.hex-color.targeting.if[1]}'])).toBe('blue');
    const bad = featureFlagManifest('erp', 'broken-flags').replace('state: ENABLED', 'state: MAYBE');
    await expect(kubectl(onprem, ['apply', '-f', '-'], bad)).rejects.toThrow(/spec\.flagSpec\.flags\.new-welcome-banner\.state: Unsupported value: "MAYBE": supported values: "ENABLED", "DISABLED"/);
    const noVariants = featureFlagManifest('erp', 'broken-flags').replace(/ {8}variants:\n {10}'on': true\n {10}'off': false\n/, '');
    await expect(kubectl(onprem, ['apply', '-f', '-'], noVariants)).rejects.toThrow(/spec\.flagSpec\.flags\.new-welcome-banner\.variants: Required value/);
  });

  it('shows the flag on the service that names it, switches it off through the operation, and kubectl agrees', async () => {
    await kubectl(onprem, ['-n', 'erp', 'annotate', 'deployment', 'warehouse-ui', 'daytwo.io/feature-flags=openfeature:warehouse-flags', '--overwrite']);
    const workload = `k8s:${onprem}/erp/Deployment/warehouse-ui`;
    const serviceId = await until('the service of warehouse-ui in the catalog', async () => (await call('catalog.list', {})).services.find((s) => s.workloads.some((w) => w.id === workload))?.id);
    const { flags } = await until('the annotation seen', async () => {
      const answer = await call('flags.forService', { serviceId });
      return answer.flags.length === 2 ? answer : undefined;
    });
    const banner = flags.find((f) => f.key === 'new-welcome-banner')!;
    expect(banner).toMatchObject({ backend: 'openfeature', source: 'FeatureFlag erp/warehouse-flags', usedBy: [workload] });
    expect(banner.environments).toEqual([
      { environment: onprem, production: false, enabled: true, variant: 'on', variants: ['off', 'on'], rollout: null, target: `k8s:${onprem}/erp/FeatureFlag/warehouse-flags`, params: { flag: 'new-welcome-banner' } },
    ]);

    const { plan } = await call('operations.plan', { kind: 'openfeature-flag', target: banner.environments[0]!.target, params: { flag: 'new-welcome-banner', state: 'DISABLED' } });
    expect(plan.dryRunPassed).toBe(true);
    expect(plan.diff.changes).toEqual([
      { field: 'spec.flagSpec.flags.new-welcome-banner.state', before: 'ENABLED', after: 'DISABLED' },
      { field: 'used by', before: null, after: 'Deployment warehouse-ui' },
    ]);
    expect(plan.risks.map((r) => r.code)).toEqual(['flag-users']);
    expect(plan.confirmation.level).toBe('acknowledge');
    const before = await kubectl(onprem, ['-n', 'erp', 'get', 'featureflag', 'warehouse-flags', '-o', 'jsonpath={.spec.flagSpec.flags.new-welcome-banner.state}']);
    expect(before).toBe('ENABLED'); // the dry run changed nothing

    const { operation } = await call('operations.execute', { planId: plan.id, confirmation: plan.confirmation.expected, wait: true });
    expect(operation.state).toBe('succeeded');
    const yaml = await kubectl(onprem, ['-n', 'erp', 'get', 'featureflags', 'warehouse-flags', '-o', 'yaml'], undefined, '1.33');
    expect(await kubectl(onprem, ['-n', 'erp', 'get', 'featureflags', 'warehouse-flags', '-o', 'yaml'], undefined, '1.27')).toBe(yaml);
    expect(yaml).toMatch(/new-welcome-banner:\n\s+defaultVariant: "?on"?\n\s+state: DISABLED/);
    // The other flag, its variants and its targeting are as they were.
    expect(yaml).toMatch(/hex-color:\n\s+defaultVariant: red\n\s+state: ENABLED/);
    expect(await kubectl(onprem, ['-n', 'erp', 'get', 'ff', 'warehouse-flags', '-o', 'jsonpath={.spec.flagSpec.flags.hex-color.targeting.if[1]}'])).toBe('blue');

    const { entries } = await call('audit.list', { kind: 'openfeature-flag' });
    expect(entries[0]).toMatchObject({ target: `k8s:${onprem}/erp/FeatureFlag/warehouse-flags`, outcome: { result: 'succeeded' } });
    expect(entries[0]!.what.summary).toContain('Switch off flag "new-welcome-banner"');
    // The run lands on the timeline of the Deployment that uses the flag, not only on the resource.
    const detail = await until('the operation on the workload timeline', async () => {
      const d = await call('estate.entity', { id: workload });
      return d.events.some((e) => e.kind === 'operation') ? d : undefined;
    });
    expect(detail.events.find((e) => e.kind === 'operation')?.message).toContain(`audit #${entries[0]!.seq}`);

    const after = await call('flags.forService', { serviceId });
    expect(after.flags.find((f) => f.key === 'new-welcome-banner')?.environments[0]?.enabled).toBe(false);
  });

  it('changes a default variant, refusing one the flag does not have', async () => {
    const target = `k8s:${onprem}/erp/FeatureFlag/warehouse-flags`;
    await expect(call('operations.plan', { kind: 'openfeature-flag', target, params: { flag: 'hex-color', defaultVariant: 'purple' } })).rejects.toMatchObject({
      code: 'bad_request',
      message: expect.stringContaining('its variants are blue, green, red'),
    });
    await expect(call('operations.plan', { kind: 'openfeature-flag', target, params: { flag: 'no-such-flag', state: 'DISABLED' } })).rejects.toMatchObject({ code: 'bad_request' });
    const { plan } = await call('operations.plan', { kind: 'openfeature-flag', target, params: { flag: 'hex-color', defaultVariant: 'green' } });
    const { operation } = await call('operations.execute', { planId: plan.id, confirmation: 'confirm', wait: true });
    expect(operation.state).toBe('succeeded');
    expect(await kubectl(onprem, ['-n', 'erp', 'get', 'ff', 'warehouse-flags', '-o', 'jsonpath={.spec.flagSpec.flags.hex-color.defaultVariant}'])).toBe('green');
  });

  it('asks for the name typed on a production cluster, and refuses a plan executed without it', async () => {
    await kubectl(prod, ['apply', '-f', '-'], featureFlagManifest('shop', 'catalog-flags'));
    const target = `k8s:${prod}/shop/FeatureFlag/catalog-flags`;
    // Named in catalog-info.yaml, one flag of the resource: shown on the service, as production.
    const serviceId = await until('catalog-api in the catalog', async () => (await call('catalog.list', {})).services.find((s) => s.declared?.entityRef === 'component:default/catalog-api')?.id);
    const listed = await until('the catalog-named flag', async () => {
      const answer = await call('flags.forService', { serviceId });
      return answer.flags.length > 0 ? answer : undefined;
    });
    expect(listed.flags.map((f) => f.key)).toEqual(['new-welcome-banner']);
    expect(listed.flags[0]!.environments.find((e) => e.environment === prod)).toMatchObject({ production: true, enabled: true, target });
    const { plan } = await call('operations.plan', { kind: 'openfeature-flag', target, params: { flag: 'new-welcome-banner', state: 'DISABLED' } });
    expect(plan.risks.map((r) => r.code)).toContain('production');
    expect(plan.confirmation).toMatchObject({ level: 'type-name', expected: 'catalog-flags' });
    await expect(call('operations.execute', { planId: plan.id, confirmation: 'confirm' })).rejects.toMatchObject({ code: 'forbidden' });
    expect(await kubectl(prod, ['-n', 'shop', 'get', 'ff', 'catalog-flags', '-o', 'jsonpath={.spec.flagSpec.flags.new-welcome-banner.state}'])).toBe('ENABLED');
    const { operation } = await call('operations.execute', { planId: plan.id, confirmation: 'catalog-flags', wait: true });
    expect(operation.state).toBe('succeeded');
    expect(await kubectl(prod, ['-n', 'shop', 'get', 'ff', 'catalog-flags', '-o', 'jsonpath={.spec.flagSpec.flags.new-welcome-banner.state}'])).toBe('DISABLED');
  });
});
