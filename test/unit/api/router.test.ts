import { describe, expect, it } from 'vitest';
import { createRouter } from '../../../electron/engine/api/router.js';
import type { Handlers, TopicHandlers } from '../../../electron/engine/api/router.js';
import { defaultSettings } from '../../../shared/api/app.js';
import type { Settings } from '../../../shared/api/app.js';

function routerWith(readOnly: boolean, calls: string[] = []) {
  let settings = { ...defaultSettings };
  const handlers = {
    'app.info': () => ({
      name: 'Daytwo',
      version: '1',
      mode: 'host',
      readOnly,
      dataDir: '/tmp/x',
      sandbox: false,
      startedAt: 0,
    }),
    'settings.get': () => ({ settings }),
    'settings.set': ({ patch }: { patch: Partial<Settings> }) => {
      calls.push('settings.set');
      settings = { ...settings, ...patch };
      return { settings };
    },
    'sources.list': () => ({ sources: [] }),
  } as unknown as Handlers;
  const topicHandlers = { 'sources.subscribe': (_p: unknown, push: (m: unknown) => void) => (push({ sources: [] }), () => {}) };
  return createRouter({ handlers, topicHandlers: topicHandlers as unknown as TopicHandlers, readOnly, log: () => {} });
}

describe('the API router', () => {
  it('runs no handler when parameters fail validation', async () => {
    const calls: string[] = [];
    const outcome = await routerWith(false, calls).call('settings.set', { patch: { productionPatterns: 'prod' } }, { transport: 'internal' });
    expect(outcome).toMatchObject({ ok: false, error: { code: 'bad_request', field: 'patch.productionPatterns' } });
    expect(calls).toEqual([]);
  });

  it('refuses a mutation on a read-only engine before validating or running it', async () => {
    const calls: string[] = [];
    const outcome = await routerWith(true, calls).call('settings.set', { patch: { theme: 'dark' } }, { transport: 'internal' });
    expect(outcome).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    expect(calls).toEqual([]);
  });

  it('names an unknown method', async () => {
    const outcome = await routerWith(false).call('estate.destroy', {}, { transport: 'internal' });
    expect(outcome).toMatchObject({ ok: false, error: { code: 'unknown_method' } });
    if (!outcome.ok) expect(outcome.error.message).toContain('estate.destroy');
  });

  it('does not treat inherited object keys as methods', async () => {
    const outcome = await routerWith(false).call('constructor', {}, { transport: 'internal' });
    expect(outcome).toMatchObject({ ok: false, error: { code: 'unknown_method' } });
  });

  it('reports a handler result that breaks the contract as an internal error', async () => {
    const router = createRouter({
      handlers: { 'sources.list': () => ({ sources: 'oops' }) } as unknown as Handlers,
      topicHandlers: {} as TopicHandlers,
      readOnly: false,
      log: () => {},
    });
    const outcome = await router.call('sources.list', {}, { transport: 'internal' });
    expect(outcome).toMatchObject({ ok: false, error: { code: 'internal' } });
  });

  it('refuses a subscription with bad parameters', () => {
    const opened = routerWith(false).subscribe('sources.subscribe', { extra: 1 }, () => {});
    expect(opened.ok).toBe(false);
  });
});

describe('a subscription whose handler throws', () => {
  it('fails that subscription with a structured error instead of throwing into the transport', () => {
    const logged: string[] = [];
    const topicHandlers = {
      'operations.watch': () => {
        throw new Error('boom');
      },
    } as unknown as TopicHandlers;
    const router = createRouter({ handlers: {} as Handlers, topicHandlers, readOnly: false, log: (m) => logged.push(m) });
    const opened = router.subscribe('operations.watch', { id: 'op-x' }, () => {});
    expect(opened.ok).toBe(false);
    if (!opened.ok) expect(opened.error.toBody()).toEqual({ code: 'internal', message: 'operations.watch failed: boom' });
    expect(logged).toEqual(['operations.watch failed']);
  });
});
