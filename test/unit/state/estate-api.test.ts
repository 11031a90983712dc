import { afterEach, describe, expect, it } from 'vitest';
import { createEngine } from '../../../electron/engine/engine.js';
import type { Engine } from '../../../electron/engine/engine.js';
import type { SecretSealer } from '../../../electron/engine/connections/vault.js';
import { podFact, sourceOf, tempDataDir } from './estate-fixtures.js';

const noSealer: SecretSealer = {
  unavailableReason: 'tests keep no secrets',
  seal: () => {
    throw new Error('unused');
  },
  open: () => {
    throw new Error('unused');
  },
};

let data: ReturnType<typeof tempDataDir> | undefined;
let engine: Engine | undefined;

function startEngine(dir: string): Engine {
  return createEngine({ mode: 'host', version: 'test', dataDir: dir, readOnly: true, sealer: noSealer, log: () => {} });
}

afterEach(async () => {
  await engine?.close();
  data?.remove();
});

describe('the estate over the API', () => {
  it('a view subscribes, takes the snapshot, and follows frames; a read-only host still serves all of it', async () => {
    data = tempDataDir();
    engine = startEngine(data.dir);
    engine.estate.replace(sourceOf('prod'), 'pods', [podFact('prod', 'shop', 'api-1')]);

    const frames: unknown[] = [];
    const subscription = engine.router.subscribe('estate.subscribe', {}, (message) => frames.push(message));
    expect(subscription.ok).toBe(true);
    // The first message says the subscription is live and where the engine is.
    expect(frames[0]).toMatchObject({ frame: 0, upserted: [] });

    const snapshot = await engine.router.call('estate.snapshot', {}, { transport: 'internal' });
    expect(snapshot.ok && snapshot.result).toMatchObject({ frame: 0, entities: [{ id: 'k8s:prod/shop/Pod/api-1' }] });

    engine.estate.flush();
    expect(frames[1]).toMatchObject({ frame: 1, upserted: [{ id: 'k8s:prod/shop/Pod/api-1' }] });
    if (subscription.ok) subscription.close();

    const detail = await engine.router.call('estate.entity', { id: 'k8s:prod/shop/Pod/api-1' }, { transport: 'internal' });
    expect(detail.ok && detail.result).toMatchObject({ entity: { name: 'api-1' }, childCount: 0, events: [] });
  });

  it('says plainly when an entity is not known, and refuses a malformed request', async () => {
    data = tempDataDir();
    engine = startEngine(data.dir);
    expect(await engine.router.call('estate.entity', { id: 'k8s:prod/shop/Pod/gone' }, { transport: 'internal' })).toMatchObject({
      ok: false,
      error: { code: 'not_found' },
    });
    expect(await engine.router.call('estate.entity', { id: '' }, { transport: 'internal' })).toMatchObject({
      ok: false,
      error: { code: 'bad_request', field: 'id' },
    });
  });

  it('a restarted engine serves the cached estate before any provider runs', async () => {
    data = tempDataDir();
    engine = startEngine(data.dir);
    engine.estate.replace(sourceOf('prod'), 'pods', [podFact('prod', 'shop', 'api-1', { observedAt: 1_700_000_000_123 })]);
    await engine.close();

    engine = startEngine(data.dir);
    const snapshot = await engine.router.call('estate.snapshot', {}, { transport: 'internal' });
    expect(snapshot.ok && snapshot.result).toMatchObject({ entities: [{ id: 'k8s:prod/shop/Pod/api-1', observedAt: 1_700_000_000_123 }] });
  });
});
