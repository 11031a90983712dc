import type { ApiErrorBody } from '../../shared/api/errors.js';
import { readErrorBody } from '../../shared/api/error-body.js';
import type { CallOutcome, ClientFrame, Transport } from '../../shared/api/transport.js';
import { reconnectDelay } from './backoff.js';
import type { EngineLink, LinkListener, LinkState } from './link-state.js';

export interface HostTransportOptions {
  /** e.g. http://127.0.0.1:4123 */
  origin: string;
  token: string;
  WebSocket?: typeof WebSocket;
  fetch?: typeof fetch;
  random?: () => number;
  now?: () => number;
}

interface OpenSubscription {
  topic: string;
  params: unknown;
  onMessage: (message: unknown) => void;
  onError: (error: ApiErrorBody) => void;
}

/** Must match electron/host/security.ts: browsers cannot set headers on an upgrade. */
const wsProtocol = 'daytwo.v1';
const wsTokenPrefix = 'bearer.';

/**
 * Host mode: calls are HTTP POSTs; subscriptions share one WebSocket. When the socket drops,
 * it reconnects with backoff and re-opens every live subscription under the same id, so views
 * keep their listeners and simply receive a fresh first message.
 */
export function createHostTransport(options: HostTransportOptions): EngineLink & { close(): void } {
  const Socket = options.WebSocket ?? globalThis.WebSocket;
  const fetchImpl = options.fetch ?? globalThis.fetch.bind(globalThis);
  const random = options.random ?? Math.random;
  const now = options.now ?? Date.now;
  const wsUrl = `${options.origin.replace(/^http/, 'ws')}/api/ws`;

  const subscriptions = new Map<string, OpenSubscription>();
  const listeners = new Set<LinkListener>();
  let nextId = 1;
  let socket: WebSocket | null = null;
  let attempt = 0;
  let retryTimer: ReturnType<typeof setTimeout> | undefined;
  let closed = false;
  let state: LinkState = { status: 'connecting' };

  function setState(next: LinkState): void {
    state = next;
    for (const listener of listeners) listener(next);
  }

  function send(frame: ClientFrame): void {
    if (socket?.readyState === Socket.OPEN) socket.send(JSON.stringify(frame));
  }

  function connect(): void {
    if (closed) return;
    clearTimeout(retryTimer);
    retryTimer = undefined;
    let opened = false;
    const ws = new Socket(wsUrl, [wsProtocol, wsTokenPrefix + options.token]);
    socket = ws;
    ws.onopen = () => {
      opened = true;
      attempt = 0;
      setState({ status: 'open', since: now() });
      for (const [id, sub] of subscriptions) send({ type: 'subscribe', id, topic: sub.topic, params: sub.params });
    };
    ws.onmessage = (event: MessageEvent) => receive(event.data);
    ws.onclose = (event?: { code: number }) => {
      if (socket !== ws) return;
      socket = null;
      if (closed) return;
      // 4401 (electron/host/server.ts): a screen link revoked or expired; retrying cannot help.
      if (event?.code === 4401) {
        setState({ status: 'unauthorized', reason: 'This screen link was revoked or has expired. Ask the operator for a new one.' });
        return;
      }
      const lostAt = state.status === 'reconnecting' ? state.lostAt : now();
      if (!opened) {
        // The browser hides why an upgrade failed; one plain request tells a dead engine
        // from a token it no longer accepts (host restarted with a new token).
        void probe().then((refused) => (refused ? giveUp() : scheduleRetry(lostAt)));
      } else {
        scheduleRetry(lostAt);
      }
    };
  }

  function scheduleRetry(lostAt: number): void {
    if (closed) return;
    const delay = reconnectDelay(attempt, random);
    attempt += 1;
    setState({
      status: 'reconnecting',
      attempt,
      retryAt: now() + delay,
      lostAt,
      reason: 'The connection to the Daytwo engine was lost.',
    });
    retryTimer = setTimeout(connect, delay);
  }

  function giveUp(): void {
    setState({
      status: 'unauthorized',
      reason:
        'The engine no longer accepts this page\'s token; it was probably restarted. Open the new URL it printed ("Daytwo ready: …").',
    });
  }

  async function probe(): Promise<boolean> {
    const outcome = await call('app.info', {});
    return !outcome.ok && outcome.error.code === 'unauthorized';
  }

  function receive(data: unknown): void {
    let frame: unknown;
    try {
      frame = JSON.parse(String(data));
    } catch {
      return;
    }
    if (typeof frame !== 'object' || frame === null) return;
    const { type, id } = frame as { type?: unknown; id?: unknown };
    const sub = typeof id === 'string' ? subscriptions.get(id) : undefined;
    if (!sub) return;
    if (type === 'message') sub.onMessage((frame as { message?: unknown }).message);
    else if (type === 'error') {
      sub.onError(readErrorBody((frame as { error?: unknown }).error) ?? { code: 'internal', message: `The engine refused ${sub.topic}.` });
    }
  }

  async function call(method: string, params: unknown): Promise<CallOutcome> {
    let response: Response;
    try {
      response = await fetchImpl(`${options.origin}/api/${encodeURIComponent(method)}`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${options.token}` },
        body: JSON.stringify(params ?? {}),
      });
    } catch {
      return {
        ok: false,
        error: { code: 'unavailable', message: `Cannot reach the Daytwo engine at ${options.origin}. Is it still running?` },
      };
    }
    let body: unknown;
    try {
      body = await response.json();
    } catch {
      body = undefined;
    }
    if (response.ok && typeof body === 'object' && body !== null && 'result' in body) {
      return { ok: true, result: (body as { result: unknown }).result };
    }
    const error = readErrorBody((body as { error?: unknown } | undefined)?.error);
    if (error) return { ok: false, error };
    return {
      ok: false,
      error: {
        code: response.status === 401 ? 'unauthorized' : 'internal',
        message: `The engine answered ${method} with HTTP ${response.status} and no explanation.`,
      },
    };
  }

  const transport: Transport = {
    call,
    subscribe(topic, params, onMessage, onError) {
      const id = `s${nextId++}`;
      subscriptions.set(id, { topic, params, onMessage, onError });
      send({ type: 'subscribe', id, topic, params });
      return () => {
        if (subscriptions.delete(id)) send({ type: 'unsubscribe', id });
      };
    },
  };

  connect();

  return {
    kind: 'host',
    transport,
    get state() {
      return state;
    },
    onState(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    reconnectNow() {
      if (closed || socket) return;
      connect();
    },
    close() {
      closed = true;
      clearTimeout(retryTimer);
      socket?.close();
      socket = null;
    },
  };
}
