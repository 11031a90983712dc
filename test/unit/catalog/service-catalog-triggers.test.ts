import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Source } from '../../../shared/api/sources.js';
import type { EstateEvent } from '../../../shared/estate/event.js';
import { ServiceCatalog } from '../../../electron/engine/catalog/service-catalog.js';
import { EstateState } from '../../../electron/engine/state/estate-state.js';
import { SourceRegistry } from '../../../electron/engine/sources/source-registry.js';
import type { StoreDatabase } from '../../../electron/engine/store/database.js';
import { clusterFact, deploymentFact, entity, kubernetesSource, podFact, sourceOf, tempDataDir } from '../state/estate-fixtures.js';
import { catalogOptions } from './catalog-options.js';

/**
 * A scorecard pass reads the estate's entities and relations, the Kubernetes events the checks
 * count, and which sources are live; at 50,000 pods it costs 0.6 s of CPU. What else changes in
 * a settled estate (events of other reasons, each cluster confirming it is in sync) asks for
 * none, and a change held back while a cluster lists is taken once the list is over.
 */

const prod = 'shop-prod';
let data: ReturnType<typeof tempDataDir>;
let db: StoreDatabase;
let state: EstateState;
let sources: Source[];
let listing: boolean;
const sourceListeners = new Set<() => void>();
let catalog: ServiceCatalog;

function sourcesChange(change: Partial<Source>): void {
  sources = [kubernetesSource(prod, change)];
  for (const listener of sourceListeners) listener();
}

function event(reason: string, n: number): EstateEvent {
  const t = Date.now() - 60_000;
  return { id: `shop/web-0.${n}`, sourceId: sourceOf(prod), kind: 'kubernetes', entityId: `k8s:${prod}/shop/Pod/web-0`, type: 'warning', reason, message: reason, count: 1, firstAt: t, lastAt: t };
}

/** How many passes begin within a while after `change`. */
async function passesAfter(change: () => void, waitMs = 150): Promise<number> {
  const passes = vi.spyOn(catalog as unknown as { refreshInSlices(): void }, 'refreshInSlices');
  change();
  await new Promise((r) => setTimeout(r, waitMs));
  const n = passes.mock.calls.length;
  passes.mockRestore();
  return n;
}

/** The catalog as the engine wires it, with a pass every `refreshEveryMs` whatever happens. */
async function startCatalog(refreshEveryMs: number): Promise<void> {
  catalog = new ServiceCatalog(
    catalogOptions(db, state, prod, {
      onSourcesChange: (listener) => {
        sourceListeners.add(listener);
        return () => sourceListeners.delete(listener);
      },
      holdWhile: () => listing,
      sources: () => sources,
      settleMs: 1,
      refreshEveryMs,
    }),
  );
  await catalog.start();
  // The frames of the set-up are behind us.
  await new Promise((r) => setTimeout(r, 100));
}

beforeEach(async () => {
  data = tempDataDir();
  db = data.open();
  state = new EstateState({ db, sources: new SourceRegistry(), frameMs: 5 });
  state.replace(sourceOf(prod), 'cluster', [clusterFact(prod)]);
  state.replace(sourceOf(prod), 'namespaces', [{ entity: entity(`k8s:${prod}/shop`, 'namespace', `k8s:${prod}`, sourceOf(prod)) }]);
  state.replace(sourceOf(prod), 'deployments', [deploymentFact(prod, 'shop', 'web', { app: 'web' })]);
  state.replace(sourceOf(prod), 'pods', [podFact(prod, 'shop', 'web-0', { owner: `k8s:${prod}/shop/Deployment/web`, node: 'n1' })]);
  sources = [kubernetesSource(prod, { state: 'live' })];
  listing = false;
  await startCatalog(60_000);
});

afterEach(() => {
  catalog.close();
  sourceListeners.clear();
  state.close();
  db.close();
  data.remove();
});

describe('what asks the catalog for a scorecard pass', () => {
  it('not a frame of events the checks do not count, nor a cluster confirming it is in sync', async () => {
    expect(await passesAfter(() => state.recordEvents(sourceOf(prod), [event('Pulled', 1)]))).toBe(0);
    expect(await passesAfter(() => sourcesChange({ lastSyncAt: 1_700_000_200_000, reason: 'Watching 14 kinds; 1 pod.' }))).toBe(0);
  });

  it('a changed entity, a BackOff event, and a source going offline or coming back', async () => {
    expect(await passesAfter(() => state.replace(sourceOf(prod), 'pods', [podFact(prod, 'shop', 'web-0', { owner: `k8s:${prod}/shop/Deployment/web`, node: 'n2' })]))).toBe(1);
    expect(await passesAfter(() => state.recordEvents(sourceOf(prod), [event('BackOff', 2)]))).toBe(1);
    expect(await passesAfter(() => sourcesChange({ state: 'offline' }))).toBe(1);
    expect(await passesAfter(() => sourcesChange({ state: 'live' }))).toBe(1);
  });

  it('a change during a list once the list is over, even if the sources end as they began', async () => {
    listing = true;
    expect(await passesAfter(() => state.replace(sourceOf(prod), 'pods', []))).toBe(0);
    listing = false;
    expect(await passesAfter(() => sourcesChange({ lastSyncAt: 1_700_000_300_000 }))).toBe(1);
  });

  it('nothing at all, every refreshEveryMs, for checks that read a time window; but not during a list', async () => {
    catalog.close();
    await startCatalog(200);
    expect(await passesAfter(() => {}, 1_000)).toBeGreaterThanOrEqual(2);
    listing = true;
    expect(await passesAfter(() => {}, 1_000)).toBe(0);
    listing = false;
  });

  it('after a pass, not before three times what it cost, even when its slices came round slowly', async () => {
    // A pass that costs 30 ms of the event loop in three steps, on an event loop something else
    // keeps busy 25 ms a turn, while the estate changes every 5 ms.
    const spans: { start: number; end: number }[] = [];
    const internals = catalog as unknown as { evaluation(): Generator<void, void, void> };
    internals.evaluation = function* () {
      const span = { start: performance.now(), end: NaN };
      spans.push(span);
      for (let step = 0; step < 3; step++) {
        const until = performance.now() + 10;
        while (performance.now() < until) {
          // the step's cost
        }
        yield;
      }
      span.end = performance.now();
    };
    let busy = true;
    const neighbour = () => {
      const until = performance.now() + 25;
      while (performance.now() < until) {
        // someone else's work on the same event loop
      }
      if (busy) setTimeout(neighbour, 0);
    };
    neighbour();
    let n = 0;
    const changes = setInterval(() => state.replace(sourceOf(prod), 'pods', [podFact(prod, 'shop', 'web-0', { owner: `k8s:${prod}/shop/Deployment/web`, node: `n${n++}` })]), 5);
    await new Promise((r) => setTimeout(r, 1_500));
    clearInterval(changes);
    busy = false;
    const ended = spans.filter((s) => !Number.isNaN(s.end));
    expect(ended.length).toBeGreaterThanOrEqual(2);
    for (let i = 1; i < spans.length; i++) expect(spans[i]!.start - spans[i - 1]!.end, `rest before pass ${i + 1}`).toBeGreaterThanOrEqual(3 * 30);
  });

  it('a pass takes at most half a core: between slices it rests as long as the slice took', async () => {
    // Steps of 10 ms: a slice takes two (it stops once 15 ms have gone), then the third waits.
    const steps: { start: number; end: number }[] = [];
    const internals = catalog as unknown as { evaluation(): Generator<void, void, void>; refreshInSlices(): void };
    internals.evaluation = function* () {
      for (let step = 0; step < 3; step++) {
        const start = performance.now();
        while (performance.now() < start + 10) {
          // the step's cost
        }
        steps.push({ start, end: performance.now() });
        yield;
      }
    };
    internals.refreshInSlices();
    await new Promise((r) => setTimeout(r, 200));
    expect(steps).toHaveLength(3);
    const slice = steps[1]!.end - steps[0]!.start;
    expect(steps[2]!.start - steps[1]!.end).toBeGreaterThanOrEqual(slice - 2);
  });
});

