import { describe, expect, it } from 'vitest';
import { createRouter } from '../../../electron/engine/api/router.js';
import type { Handlers, TopicHandlers } from '../../../electron/engine/api/router.js';

// A snapshot that breaks the contract (an entity without most of its fields).
const broken = { entities: [{ id: 'x' }], relations: [], sources: [], asOf: 0, frame: 0 };

function router(every: number) {
  const handlers = { 'estate.snapshot': () => broken, 'sources.list': () => ({ sources: [{ id: 'not a source' }] }) } as unknown as Handlers;
  const logged: string[] = [];
  const r = createRouter({
    handlers,
    topicHandlers: {} as TopicHandlers,
    readOnly: false,
    log: (message) => logged.push(message),
    sampledResults: { methods: ['estate.snapshot'], every },
  });
  return { r, logged };
}

describe('checking the engine’s own results against the contract', () => {
  it('checks a sampled method on every Nth call only, never holding up the first', async () => {
    const { r, logged } = router(3);
    const outcomes = [];
    for (let i = 0; i < 6; i++) outcomes.push((await r.call('estate.snapshot', {}, { transport: 'internal' })).ok);
    expect(outcomes).toEqual([true, true, false, true, true, false]);
    expect(logged).toEqual(['estate.snapshot produced a result that breaks the contract', 'estate.snapshot produced a result that breaks the contract']);
  });

  it('checks every call of the other methods, and of sampled ones when every is 1', async () => {
    const { r } = router(1);
    expect((await r.call('estate.snapshot', {}, { transport: 'internal' })).ok).toBe(false);
    expect((await r.call('sources.list', {}, { transport: 'internal' })).ok).toBe(false);
  });
});
