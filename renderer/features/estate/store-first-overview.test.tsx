import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { ApiClient } from '../../../shared/api/client.js';
import { ApiError } from '../../../shared/api/errors.js';
import type { EstateFrame, EstateOverviewAnswer, PackedEstateSnapshot } from '../../../shared/api/estate.js';
import { packEstateSnapshot } from '../../../shared/estate/packed-snapshot.js';
import type { Entity } from '../../../shared/estate/model.js';
import type * as StoreModule from './store.js';

// A fresh store per test: it holds the page's one estate in module state.
let store: typeof StoreModule;

/**
 * The console opening on the overview: it asks the engine for its overview beside the snapshot,
 * shows that while the snapshot travels, and unpacks the snapshot only once that overview is on
 * the screen (or there is none, or the wait is over), then hands over to its own index.
 */

const pod: Entity = {
  id: 'k8s:prod/shop/Pod/a',
  kind: 'pod',
  name: 'a',
  parentId: null,
  sourceId: 'kubernetes:prod',
  labels: {},
  annotations: {},
  health: 'failing',
  healthReason: 'CrashLoopBackOff',
  status: {},
  observedAt: 1,
};

const answer: EstateOverviewAnswer = {
  health: 'failing',
  counts: { failing: 1, degraded: 0, unknown: 0, healthy: 0 },
  total: 1,
  clouds: [],
  clusters: [],
  namespaces: [],
  namespaceCount: 0,
  problemCount: 1,
  rows: [],
  rowCount: 1,
  extras: [],
  sources: [],
  asOf: 5,
  frame: 0,
};

let overview: () => Promise<EstateOverviewAnswer>;
let asked: number;
let snapshotArrives: (value: PackedEstateSnapshot) => void;
let stop: (() => void) | null;

beforeEach(async () => {
  vi.resetModules();
  const { setApiClient } = await import('../../api/api-client.js');
  store = await import('./store.js');
  overview = () => Promise.resolve(answer);
  asked = 0;
  const snapshot = new Promise<PackedEstateSnapshot>((resolve) => (snapshotArrives = resolve));
  const client: ApiClient = {
    call: (async (method: string) => {
      if (method === 'estate.overview') return overview();
      if (method === 'estate.packedSnapshot') return (asked++, snapshot);
      throw new Error(`unexpected ${method}`);
    }) as ApiClient['call'],
    subscribe: ((_topic: string, _params: unknown, _onMessage: (frame: EstateFrame) => void) => () => {}) as ApiClient['subscribe'],
  };
  setApiClient(client);
  stop = null;
});

afterEach(() => {
  stop?.();
});

const settle = (ms = 0) => new Promise((resolve) => setTimeout(resolve, ms));
const packed = () => packEstateSnapshot({ entities: [pod], relations: [], sources: [], asOf: 7, frame: 0 });

describe('the overview drawn from the engine while the estate loads', () => {
  it('holds the engine’s overview, asks for the snapshot once it is drawn, then answers from its own index', async () => {
    const { estateIndex, firstOverviewDrawn, startEstate, useEstateStore } = store;
    stop = startEstate({ overviewFirst: true });
    await settle();
    expect(useEstateStore.getState()).toMatchObject({ phase: 'loading', firstOverview: answer, asOf: 5 });
    // Not yet: taking the snapshot in would hold the page before the overview reaches the screen.
    expect(asked).toBe(0);
    firstOverviewDrawn();
    await settle();
    expect(asked).toBe(1);
    snapshotArrives(packed());
    await settle();
    expect(estateIndex.entities.has(pod.id)).toBe(true);
    expect(useEstateStore.getState()).toMatchObject({ phase: 'ready', firstOverview: null, asOf: 7 });
  });

  it('waits for the console’s script too, when told to', async () => {
    const { estateIndex, firstOverviewDrawn, startEstate } = store;
    let scriptHere!: () => void;
    const script = new Promise<void>((resolve) => (scriptHere = resolve));
    stop = startEstate({ overviewFirst: true, snapshotAfter: script });
    await settle();
    firstOverviewDrawn();
    await settle();
    expect(asked).toBe(0);
    scriptHere();
    await settle();
    expect(asked).toBe(1);
    snapshotArrives(packed());
    await settle();
    expect(estateIndex.entities.has(pod.id)).toBe(true);
  });

  it('asks for the snapshot at once when the engine has no overview to give', async () => {
    const { estateIndex, startEstate, useEstateStore } = store;
    let overviews = 0;
    overview = () => (overviews++, Promise.reject(new ApiError('unavailable', 'a parent cycle')));
    stop = startEstate({ overviewFirst: true });
    await settle();
    expect(asked).toBe(1);
    snapshotArrives(packed());
    await settle();
    expect(estateIndex.entities.has(pod.id)).toBe(true);
    expect(useEstateStore.getState()).toMatchObject({ phase: 'ready', firstOverview: null });
    expect(overviews).toBe(1);
  });

  it('does not wait for a drawing that never comes (the page went elsewhere) longer than a moment', async () => {
    const { estateIndex, startEstate, useEstateStore } = store;
    stop = startEstate({ overviewFirst: true });
    await settle(500);
    expect(asked).toBe(0);
    expect(useEstateStore.getState().firstOverview).toBe(answer);
    await settle(1_200);
    expect(asked).toBe(1);
    snapshotArrives(packed());
    await settle();
    expect(estateIndex.entities.has(pod.id)).toBe(true);
    expect(useEstateStore.getState().firstOverview).toBeNull();
  });

  it('asks for the snapshot at once on a page that does not open on the overview', async () => {
    const { startEstate, useEstateStore } = store;
    stop = startEstate();
    await settle();
    expect(asked).toBe(1);
    expect(useEstateStore.getState().firstOverview).toBeNull();
  });
});
