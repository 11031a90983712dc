import { describe, expect, it } from 'vitest';
import type { CallOutcome, Transport } from '../../../shared/api/transport.js';
import { withEarlyCall } from '../../../renderer/api/early-call.js';

/** A transport that records every call and answers each with its own sequence number. */
function recording(): Transport & { calls: [string, unknown][] } {
  const calls: [string, unknown][] = [];
  return {
    calls,
    call(method, params): Promise<CallOutcome> {
      calls.push([method, params]);
      return Promise.resolve({ ok: true, result: calls.length });
    },
    subscribe: (topic, params, onMessage) => {
      calls.push([`subscribe ${topic}`, params]);
      onMessage('hello');
      return () => {};
    },
  };
}

describe('an early call', () => {
  it('is sent at once and answers the first identical call, and only that one', async () => {
    const inner = recording();
    const transport = withEarlyCall(inner, 'estate.overview', {});
    expect(inner.calls).toEqual([['estate.overview', {}]]);

    await expect(transport.call('estate.overview', {})).resolves.toEqual({ ok: true, result: 1 });
    expect(inner.calls).toHaveLength(1);
    // A second ask is a fresh call: the early answer is not handed out twice.
    await expect(transport.call('estate.overview', {})).resolves.toEqual({ ok: true, result: 2 });
    expect(inner.calls).toHaveLength(2);
  });

  it('does not answer a call with other parameters or another method', async () => {
    const inner = recording();
    const transport = withEarlyCall(inner, 'estate.entity', { id: 'a' });
    await expect(transport.call('estate.entity', { id: 'b' })).resolves.toEqual({ ok: true, result: 2 });
    await expect(transport.call('sources.list', {})).resolves.toEqual({ ok: true, result: 3 });
    await expect(transport.call('estate.entity', { id: 'a' })).resolves.toEqual({ ok: true, result: 1 });
    expect(inner.calls.map(([m, p]) => `${m} ${JSON.stringify(p)}`)).toEqual([
      'estate.entity {"id":"a"}',
      'estate.entity {"id":"b"}',
      'sources.list {}',
    ]);
  });

  it('passes subscriptions through', () => {
    const inner = recording();
    const seen: unknown[] = [];
    withEarlyCall(inner, 'estate.overview', {}).subscribe('estate.subscribe', {}, (m) => seen.push(m), () => {});
    expect(seen).toEqual(['hello']);
    expect(inner.calls.at(-1)).toEqual(['subscribe estate.subscribe', {}]);
  });
});
