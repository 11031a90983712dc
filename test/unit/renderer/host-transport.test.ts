import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createHostTransport } from '../../../renderer/api/host-transport.js';
import type { LinkState } from '../../../renderer/api/link-state.js';

/** A stand-in for the browser's WebSocket: the test plays the engine's side. */
class FakeSocket {
  static readonly CONNECTING = 0;
  static readonly OPEN = 1;
  static readonly CLOSED = 3;
  static made: FakeSocket[] = [];
  readyState = FakeSocket.CONNECTING;
  sent: unknown[] = [];
  onopen: (() => void) | null = null;
  onclose: (() => void) | null = null;
  onmessage: ((event: { data: string }) => void) | null = null;
  constructor(
    readonly url: string,
    readonly protocols: string[],
  ) {
    FakeSocket.made.push(this);
  }
  send(data: string) {
    this.sent.push(JSON.parse(data));
  }
  close() {
    this.drop();
  }
  open() {
    this.readyState = FakeSocket.OPEN;
    this.onopen?.();
  }
  push(frame: unknown) {
    this.onmessage?.({ data: JSON.stringify(frame) });
  }
  drop() {
    this.readyState = FakeSocket.CLOSED;
    this.onclose?.();
  }
}

const latest = () => FakeSocket.made.at(-1)!;

function jsonResponse(status: number, body: unknown) {
  return new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } });
}

function makeTransport(fetchImpl: typeof fetch = vi.fn<typeof fetch>()) {
  const states: LinkState[] = [];
  const link = createHostTransport({
    origin: 'http://127.0.0.1:4000',
    token: 'tok',
    WebSocket: FakeSocket as unknown as typeof WebSocket,
    fetch: fetchImpl,
    random: () => 0.5,
  });
  link.onState((s) => states.push(s));
  return { link, states };
}

describe('the host transport', () => {
  beforeEach(() => {
    FakeSocket.made = [];
    vi.useFakeTimers();
  });
  afterEach(() => vi.useRealTimers());

  it('opens one socket with the token as a subprotocol', () => {
    makeTransport();
    expect(FakeSocket.made).toHaveLength(1);
    expect(latest().url).toBe('ws://127.0.0.1:4000/api/ws');
    expect(latest().protocols).toEqual(['daytwo.v1', 'bearer.tok']);
  });

  it('multiplexes subscriptions and stops delivering after unsubscribe', () => {
    const { link } = makeTransport();
    latest().open();
    const a: unknown[] = [];
    const b: unknown[] = [];
    const closeA = link.transport.subscribe('sources.subscribe', {}, (m) => a.push(m), () => {});
    link.transport.subscribe('sources.subscribe', {}, (m) => b.push(m), () => {});
    const [first, second] = latest().sent as Array<{ id: string }>;
    latest().push({ type: 'message', id: first!.id, message: 1 });
    latest().push({ type: 'message', id: second!.id, message: 2 });
    closeA();
    latest().push({ type: 'message', id: first!.id, message: 3 });
    expect(a).toEqual([1]);
    expect(b).toEqual([2]);
    expect(latest().sent.at(-1)).toEqual({ type: 'unsubscribe', id: first!.id });
  });

  it('after a drop, backs off, reconnects and re-opens every subscription under its id', async () => {
    const { link, states } = makeTransport();
    latest().open();
    const received: unknown[] = [];
    link.transport.subscribe('sources.subscribe', {}, (m) => received.push(m), () => {});
    const { id } = latest().sent[0] as { id: string };

    latest().drop();
    expect(states.at(-1)).toMatchObject({ status: 'reconnecting', attempt: 1 });
    await vi.advanceTimersByTimeAsync(1000);
    expect(FakeSocket.made).toHaveLength(2);
    latest().open();
    expect(latest().sent).toEqual([{ type: 'subscribe', id, topic: 'sources.subscribe', params: {} }]);
    expect(states.at(-1)).toMatchObject({ status: 'open' });
    latest().push({ type: 'message', id, message: 'fresh' });
    expect(received).toEqual(['fresh']);
  });

  it('stops retrying when the engine no longer accepts the token', async () => {
    const fetchImpl = vi.fn<typeof fetch>(async () =>
      jsonResponse(401, { error: { code: 'unauthorized', message: 'Missing or wrong token' } }),
    );
    const { states } = makeTransport(fetchImpl);
    latest().drop(); // refused before it ever opened
    await vi.advanceTimersByTimeAsync(0);
    expect(states.at(-1)).toMatchObject({ status: 'unauthorized' });
    await vi.advanceTimersByTimeAsync(60_000);
    expect(FakeSocket.made).toHaveLength(1);
  });

  it('turns HTTP answers into call outcomes, keeping the engine\'s message', async () => {
    const fetchImpl = vi
      .fn<typeof fetch>()
      .mockResolvedValueOnce(jsonResponse(200, { result: { settings: {} } }))
      .mockResolvedValueOnce(
        jsonResponse(403, { error: { code: 'forbidden', message: 'settings.set changes things, and this Daytwo was started read-only.' } }),
      )
      .mockRejectedValueOnce(new TypeError('Failed to fetch'))
      .mockResolvedValueOnce(new Response('<html>', { status: 502 }));
    const { link } = makeTransport(fetchImpl);

    expect(await link.transport.call('settings.get', {})).toEqual({ ok: true, result: { settings: {} } });
    expect(await link.transport.call('settings.set', { patch: {} })).toEqual({
      ok: false,
      error: { code: 'forbidden', message: 'settings.set changes things, and this Daytwo was started read-only.' },
    });
    expect(await link.transport.call('app.info', {})).toMatchObject({ ok: false, error: { code: 'unavailable' } });
    expect(await link.transport.call('app.info', {})).toMatchObject({ ok: false, error: { code: 'internal', message: /HTTP 502/ } });

    const [url, init] = fetchImpl.mock.calls[0]!;
    expect(url).toBe('http://127.0.0.1:4000/api/settings.get');
    expect(init?.headers).toMatchObject({ Authorization: 'Bearer tok', 'Content-Type': 'application/json' });
  });
});
