import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MethodName, Params, Result } from '../../shared/api/contract.js';
import { createEngine } from '../../electron/engine/engine.js';
import type { Engine } from '../../electron/engine/engine.js';
import { passphraseSealer } from '../../electron/engine/connections/vault.js';
import { FlagBoard } from '../../electron/engine/flags/flag-board.js';
import { UnleashConnections } from '../../electron/engine/sources/unleash-connections.js';
import type { Entity } from '../../shared/estate/model.js';
import { startPostgres, startUnleash, unleashUnavailable } from './helpers/unleash.js';
import type { RunningPostgres, RunningUnleash } from './helpers/unleash.js';

/**
 * Given a real unleash-server (npm) on a real PostgreSQL, with a feature on in `production`
 * at a 50% flexible rollout, the operator connects Daytwo to it (the token goes to the vault),
 * switches the feature off from Daytwo, and Unleash's own Admin API agrees. The production
 * environment asked for the feature's name typed; a plan executed without it was refused.
 */

let dir: string;
let pg: RunningPostgres | undefined;
let unleash: RunningUnleash | undefined;
let engine: Engine;
let startupMs = 0;

async function call<M extends MethodName>(method: M, params: Params<M>): Promise<Result<M>> {
  const outcome = await engine.router.call(method, params, { transport: 'internal' });
  if (!outcome.ok) throw Object.assign(new Error(outcome.error.message), { code: outcome.error.code, field: outcome.error.field });
  return outcome.result as Result<M>;
}

/** Unleash's Admin API, read with a plain fetch: what Unleash itself says, not what Daytwo says. */
async function admin(method: string, route: string, body?: unknown): Promise<unknown> {
  const response = await fetch(`${unleash!.url}${route}`, {
    method,
    headers: { Authorization: unleash!.adminToken, 'Content-Type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  if (!response.ok) throw new Error(`${method} ${route}: ${response.status} ${await response.text()}`);
  const text = await response.text();
  return text ? JSON.parse(text) : undefined;
}

interface FeatureBody {
  environments: { name: string; enabled: boolean; strategies: { id: string; parameters: Record<string, string>; variants: { name: string; weight: number; weightType: string }[] }[] }[];
}

async function productionOf(feature: string) {
  const body = (await admin('GET', `/api/admin/projects/default/features/${feature}`)) as FeatureBody;
  return body.environments.find((e) => e.name === 'production')!;
}

const target = () => `unleash:${unleash!.url}/projects/default/features/new-checkout`;

describe.skipIf(unleashUnavailable !== null)(`Unleash through its Admin API${unleashUnavailable ? ` (skipped: ${unleashUnavailable})` : ''}`, () => {
  beforeAll(async () => {
    const started = Date.now();
    pg = await startPostgres();
    unleash = await startUnleash(pg);
    startupMs = Date.now() - started;
    console.log(`PostgreSQL and unleash-server started in ${startupMs} ms`);
    await admin('POST', '/api/admin/projects/default/features', { name: 'new-checkout', type: 'release' });
    await admin('POST', '/api/admin/projects/default/features/new-checkout/environments/production/strategies', {
      name: 'flexibleRollout',
      parameters: { rollout: '50', stickiness: 'default', groupId: 'new-checkout' },
      variants: [
        { name: 'blue', weight: 500, weightType: 'variable', stickiness: 'default' },
        { name: 'green', weight: 500, weightType: 'variable', stickiness: 'default' },
      ],
    });
    await admin('POST', '/api/admin/projects/default/features/new-checkout/environments/production/on');
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'daytwo-flags-unleash-'));
    engine = createEngine({
      mode: 'host',
      version: 'test',
      dataDir: path.join(dir, 'data'),
      readOnly: false,
      sealer: passphraseSealer('unleash-test-passphrase'),
      log: () => {},
      operationTuning: { pollIntervalMs: 200, verifyTimeoutMs: 30_000 },
    });
  }, 180_000);

  afterAll(async () => {
    await engine?.close();
    await unleash?.stop();
    await pg?.stop();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('refuses a wrong token with a clear error, and keeps a right one in the vault, never in an answer', async () => {
    await expect(call('flags.connectUnleash', { url: unleash!.url, token: '*:*.not-the-token' })).rejects.toMatchObject({
      code: 'forbidden',
      field: 'token',
      message: expect.stringContaining('refused the API token (401)'),
    });
    await expect(call('flags.connectUnleash', { url: 'http://127.0.0.1:9', token: unleash!.adminToken })).rejects.toMatchObject({ code: 'unavailable', message: expect.stringContaining('Could not reach Unleash') });
    const { connection, persisted } = await call('flags.connectUnleash', { url: `${unleash!.url}/api/admin/`, token: unleash!.adminToken });
    expect(persisted).toBe(true);
    expect(connection).toMatchObject({ url: unleash!.url, state: 'live', actingAs: 'daytwo-test' });
    const listed = await call('flags.unleashConnections', {});
    expect(JSON.stringify(listed)).not.toContain(unleash!.adminToken.slice(4));
    expect(engine.vault.get(`unleash-token:${unleash!.url}`)).toBe(unleash!.adminToken);
  });

  it('switches a production toggle off only with the typed name, and Unleash agrees', async () => {
    const { plan } = await call('operations.plan', { kind: 'unleash-flag', target: target(), params: { environment: 'production', enabled: false } });
    expect(plan.diff.changes).toEqual([{ field: 'production.enabled', before: 'true', after: 'false' }]);
    expect(plan.risks.map((r) => r.code)).toEqual(['production', 'flag-users']);
    expect(plan.confirmation).toMatchObject({ level: 'type-name', expected: 'new-checkout' });
    expect(plan.actingAs).toBe('daytwo-test');

    await expect(call('operations.execute', { planId: plan.id, confirmation: 'confirm' })).rejects.toMatchObject({ code: 'forbidden', message: expect.stringContaining('type "new-checkout"') });
    expect((await productionOf('new-checkout')).enabled).toBe(true);

    const { operation } = await call('operations.execute', { planId: plan.id, confirmation: 'new-checkout', wait: true });
    expect(operation.state).toBe('succeeded');
    expect((await productionOf('new-checkout')).enabled).toBe(false);
    // The other environment is as it was.
    const body = (await admin('GET', '/api/admin/projects/default/features/new-checkout')) as FeatureBody;
    expect(body.environments.find((e) => e.name === 'development')?.enabled).toBe(false);

    const { entries } = await call('audit.list', { kind: 'unleash-flag' });
    expect(entries[0]).toMatchObject({ target: target(), outcome: { result: 'succeeded' }, plan: { confirmation: 'type-name' } });
    expect(entries[0]!.who.kubeUser).toBe('daytwo-test');
  });

  it('changes the rollout percentage and the variant, and reads them back from Unleash', async () => {
    const { plan } = await call('operations.plan', { kind: 'unleash-flag', target: target(), params: { environment: 'production', rolloutPercentage: 10, variant: 'green' } });
    expect(plan.diff.changes).toEqual([
      { field: 'production.flexibleRollout.rollout', before: '50%', after: '10%' },
      { field: 'production.flexibleRollout.variants', before: 'blue variable, green variable', after: 'green for everybody' },
    ]);
    const { operation } = await call('operations.execute', { planId: plan.id, confirmation: 'new-checkout', wait: true });
    expect(operation.state).toBe('succeeded');
    const production = await productionOf('new-checkout');
    expect(production.strategies[0]?.parameters).toMatchObject({ rollout: '10', stickiness: 'default', groupId: 'new-checkout' });
    expect(production.strategies[0]?.variants.map((v) => [v.name, v.weightType, v.weight])).toEqual([
      ['blue', 'fix', 0],
      ['green', 'variable', 1000],
    ]);
    // Changing the rollout does not switch the feature back on.
    expect(production.enabled).toBe(false);
  });

  it("shows the feature on a service that names it, with each Unleash environment's state", async () => {
    const workload = 'k8s:shop-prod-eks/shop/Deployment/checkout';
    // The board as the engine wires it, over the same vault, with one annotated workload.
    const board = new FlagBoard({
      serviceOf: async () => ({ workloads: [workload], catalogFlags: null }),
      entity: (id) => (id === workload ? ({ annotations: { 'daytwo.io/feature-flags': 'unleash:new-checkout, unleash:default/missing' } } as unknown as Entity) : undefined),
      clusters: { contextsOf: () => [], kubeConfigFor: () => undefined, isLive: () => false },
      unleash: new UnleashConnections(engine.vault),
      isProduction: () => false,
    });
    const { flags, problems } = await board.forService('checkout');
    expect(flags).toHaveLength(1);
    expect(flags[0]).toMatchObject({ backend: 'unleash', key: 'new-checkout', usedBy: [workload] });
    expect(flags[0]!.environments).toEqual([
      { environment: 'development', production: false, enabled: false, variant: null, variants: [], rollout: null, target: target(), params: { environment: 'development' } },
      { environment: 'production', production: true, enabled: false, variant: 'green', variants: ['blue', 'green'], rollout: 10, target: target(), params: { environment: 'production' } },
    ]);
    expect(problems).toEqual([`Unleash at ${unleash!.url} has no feature missing in project default.`]);
  });

  it('refuses what Unleash does not have, with the field to fix', async () => {
    await expect(call('operations.plan', { kind: 'unleash-flag', target: target(), params: { environment: 'staging', enabled: true } })).rejects.toMatchObject({ code: 'bad_request', field: 'params.environment' });
    await expect(call('operations.plan', { kind: 'unleash-flag', target: target(), params: { environment: 'production', variant: 'purple' } })).rejects.toMatchObject({ code: 'bad_request', field: 'params.variant' });
    await expect(call('operations.plan', { kind: 'unleash-flag', target: `unleash:${unleash!.url}/projects/default/features/no-such`, params: { environment: 'production', enabled: true } })).rejects.toMatchObject({ code: 'not_found' });
    await expect(call('operations.plan', { kind: 'unleash-flag', target: 'unleash:http://127.0.0.1:9/projects/default/features/x', params: { environment: 'production', enabled: true } })).rejects.toMatchObject({ code: 'unavailable' });
  });
});
