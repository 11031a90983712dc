import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ApiClient } from '../../../shared/api/client.js';
import type { EstateFrame, EstateSnapshot } from '../../../shared/api/estate.js';
import { packEstateSnapshot } from '../../../shared/estate/packed-snapshot.js';
import type { Entity } from '../../../shared/estate/model.js';
import { setApiClient } from '../../api/api-client.js';
import { estateIndex, startEstate } from './store.js';

/**
 * The console's side of the delta protocol (shared/api/estate.ts) against a scripted engine:
 * the snapshot may be cut before the subscription opens (the page asks for it as early as it
 * can), and the subscription's first message then says a frame the snapshot does not hold.
 */

const pod = (name: string): Entity => ({
  id: `k8s:prod/shop/Pod/${name}`,
  kind: 'pod',
  name,
  parentId: null,
  sourceId: 'kubernetes:prod',
  labels: {},
  annotations: {},
  health: 'healthy',
  healthReason: 'Running, ready',
  status: {},
  observedAt: 1,
});

const emptyFrame = (frame: number): EstateFrame => ({ frame, asOf: 1, upserted: [], removed: [], relationsUpserted: [], relationsRemoved: [], events: [] });

let engine: { frame: number; entities: Entity[]; snapshots: number; push: ((frame: EstateFrame) => void) | null };
let stop: () => void;

beforeEach(() => {
  engine = { frame: 0, entities: [], snapshots: 0, push: null };
  const client: ApiClient = {
    call: (async (method: string) => {
      if (method !== 'estate.packedSnapshot') throw new Error(`unexpected ${method}`);
      engine.snapshots++;
      const snapshot: EstateSnapshot = { entities: [...engine.entities], relations: [], sources: [], asOf: 1, frame: engine.frame };
      return packEstateSnapshot(snapshot);
    }) as ApiClient['call'],
    subscribe: ((_topic: string, _params: unknown, onMessage: (frame: EstateFrame) => void) => {
      engine.push = onMessage;
      return () => (engine.push = null);
    }) as ApiClient['subscribe'],
  };
  setApiClient(client);
});

afterEach(() => {
  stop();
  setApiClient(null);
});

const settle = () => new Promise((resolve) => setTimeout(resolve, 0));

/** The engine cuts a frame with one new pod; subscribers hear it if they are subscribed. */
function newPod(name: string, heard: boolean): EstateFrame {
  engine.frame++;
  const entity = pod(name);
  engine.entities.push(entity);
  const frame: EstateFrame = { ...emptyFrame(engine.frame), upserted: [entity] };
  if (heard) engine.push!(frame);
  return frame;
}

describe('the estate feed as the console opens', () => {
  it('asks again when the subscription opens one frame past the snapshot it got, instead of taking that empty first message for the frame', async () => {
    engine.entities.push(pod('a'));
    stop = startEstate();
    await settle();
    expect(estateIndex.entities.has(pod('a').id)).toBe(true);
    // A frame the console never hears (its subscription is not open yet), then the first message.
    newPod('b', false);
    engine.push!(emptyFrame(engine.frame));
    await settle();
    expect(engine.snapshots).toBe(2);
    expect(estateIndex.entities.has(pod('b').id)).toBe(true);
    newPod('c', true);
    expect(estateIndex.entities.has(pod('c').id)).toBe(true);
  });

  it('takes a first message at the snapshot’s own frame as nothing missed, and is one feed however often it is started', async () => {
    stop = startEstate();
    expect(startEstate()).toBe(stop);
    engine.push!(emptyFrame(engine.frame));
    await settle();
    newPod('d', true);
    await settle();
    expect(engine.snapshots).toBe(1);
    expect(estateIndex.entities.has(pod('d').id)).toBe(true);
  });
});
