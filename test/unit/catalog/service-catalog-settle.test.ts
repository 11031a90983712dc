import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ServiceCatalog } from '../../../electron/engine/catalog/service-catalog.js';
import { EstateState } from '../../../electron/engine/state/estate-state.js';
import { SourceRegistry } from '../../../electron/engine/sources/source-registry.js';
import type { StoreDatabase } from '../../../electron/engine/store/database.js';
import { clusterFact, deploymentFact, entity, podFact, sourceOf, tempDataDir } from '../state/estate-fixtures.js';
import { catalogOptions } from './catalog-options.js';

/**
 * The catalog re-evaluates no more often than it can afford, so during a burst of estate frames
 * it skips some; once the burst settles its cards must equal a full evaluation of the estate as
 * it then is, not the estate as it was at some pass in the middle. And a pass spans many turns of
 * the event loop: no card it shows may be ahead of the history it has written.
 */

const prod = 'shop-prod';
let data: ReturnType<typeof tempDataDir>;
let db: StoreDatabase;
let state: EstateState;
const catalogs: ServiceCatalog[] = [];

function catalogOver(settleMs: number): ServiceCatalog {
  const catalog = new ServiceCatalog(catalogOptions(db, state, prod, { settleMs }));
  catalogs.push(catalog);
  return catalog;
}

/** Waits until `following` holds what a full evaluation of the estate as it now is gives: list, teams and every card. */
async function settlesToFullEvaluation(following: ServiceCatalog, wanted: (want: ReturnType<ServiceCatalog['list']>) => void): Promise<void> {
  await vi.waitFor(
    () => {
      const full = catalogOver(60_000);
      full.refresh();
      const { asOf: _a, ...want } = full.list();
      const { asOf: _b, ...got } = following.list();
      wanted(full.list());
      expect(got).toEqual(want);
      expect(following.teams()).toEqual(full.teams());
      expect(want.services.map((s) => following.get(s.id))).toEqual(want.services.map((s) => full.get(s.id)));
    },
    { timeout: 10_000, interval: 100 },
  );
}

function webPods(count: number, health: 'healthy' | 'failing') {
  const web = `k8s:${prod}/shop/Deployment/web`;
  return Array.from({ length: count }, (_, i) => {
    const fact = podFact(prod, 'shop', `web-${i}`, { owner: web, node: 'n1' });
    return { ...fact, entity: { ...fact.entity, health } };
  });
}

beforeEach(() => {
  data = tempDataDir();
  db = data.open();
  state = new EstateState({ db, sources: new SourceRegistry(), frameMs: 5 });
  state.replace(sourceOf(prod), 'cluster', [clusterFact(prod)]);
  state.replace(sourceOf(prod), 'namespaces', [{ entity: entity(`k8s:${prod}/shop`, 'namespace', `k8s:${prod}`, sourceOf(prod)) }]);
  state.replace(sourceOf(prod), 'deployments', [deploymentFact(prod, 'shop', 'web', { app: 'web' }), deploymentFact(prod, 'shop', 'api', { app: 'api' })]);
  state.replace(sourceOf(prod), 'pods', webPods(3, 'healthy'));
});

afterEach(() => {
  for (const catalog of catalogs.splice(0)) catalog.close();
  state.close();
  db.close();
  data.remove();
});

describe('the catalog after a burst of estate frames', () => {
  it('ends equal to a full evaluation of the estate as it is once the frames stop', async () => {
    const following = catalogOver(1);
    await following.start();
    // A burst: the pod list changes many times, frame after frame, and a deployment goes.
    for (let round = 0; round < 40; round++) {
      state.replace(sourceOf(prod), 'pods', webPods(1 + (round % 7), round % 2 === 0 ? 'failing' : 'healthy'));
      if (round === 30) state.replace(sourceOf(prod), 'deployments', [deploymentFact(prod, 'shop', 'web', { app: 'web' }, 'failing', '0 of 3 ready')]);
      await new Promise((r) => setTimeout(r, 2));
    }

    await settlesToFullEvaluation(following, (want) => expect(want.services.length).toBeGreaterThan(0));
  });

  it('ends equal to a full evaluation after a burst whose frames make a pass under way wait', async () => {
    // Frames of 250 pods are a burst's (service-catalog.ts): a pass under way holds its slices
    // until they stop, then finishes, and the changes meanwhile ask for another.
    const others = Array.from({ length: 60 }, (_, i) => deploymentFact(prod, 'shop', `svc-${i}`, { app: `svc-${i}` }));
    state.replace(sourceOf(prod), 'deployments', [deploymentFact(prod, 'shop', 'web', { app: 'web' }), ...others]);
    const following = catalogOver(1);
    await following.start();
    for (let round = 0; round < 12; round++) {
      state.replace(sourceOf(prod), 'pods', webPods(250 + round, round % 2 === 1 ? 'failing' : 'healthy'));
      // With the burst's last frame a service arrives and web stops being ready.
      if (round === 11) {
        const late = deploymentFact(prod, 'shop', 'late', { app: 'late' });
        state.replace(sourceOf(prod), 'deployments', [deploymentFact(prod, 'shop', 'web', { app: 'web' }, 'failing', '0 of 3 ready'), ...others, late]);
      }
      await new Promise((r) => setTimeout(r, 20));
    }
    await settlesToFullEvaluation(following, (want) => {
      expect(want.services.length).toBeGreaterThan(60);
      expect(want.services.map((service) => service.name)).toContain('late');
    });
  }, 15_000);

  it('shows no card before its history row is written, at any step of a sliced pass', async () => {
    // Named to come after web, so the pass has services left to evaluate once web's card changed.
    const others = Array.from({ length: 20 }, (_, i) => deploymentFact(prod, 'shop', `x-svc-${i}`, { app: `x-svc-${i}` }));
    state.replace(sourceOf(prod), 'deployments', [deploymentFact(prod, 'shop', 'web', { app: 'web' }), ...others]);
    const catalog = catalogOver(60_000);
    await catalog.start();
    const agrees = () => {
      for (const service of catalog.list().services) {
        const card = catalog.get(service.id).scorecard;
        if (!card) continue;
        const failing = card.results.filter((r) => r.status === 'fail').map((r) => r.ruleId);
        expect(catalog.history(service.id, 1)[0]?.failing, service.id).toEqual(failing);
      }
    };
    agrees();
    // web's rollout sticks: its card changes, and the pass that sees it runs a step at a time.
    expect(catalog.get('web').scorecard?.results.find((r) => r.ruleId === 'rollout-succeeded')?.status).toBe('pass');
    state.replace(sourceOf(prod), 'deployments', [deploymentFact(prod, 'shop', 'web', { app: 'web' }, 'failing', 'rollout stuck: ProgressDeadlineExceeded'), ...others]);
    await new Promise((r) => setTimeout(r, 20));
    const pass = (catalog as unknown as { evaluation(): Generator<void, void, void> }).evaluation();
    let steps = 0;
    while (!pass.next().done) {
      steps++;
      agrees();
    }
    agrees();
    expect(steps).toBeGreaterThan(20);
    expect(catalog.get('web').scorecard?.results.find((r) => r.ruleId === 'rollout-succeeded')?.status).toBe('fail');
  });
});
