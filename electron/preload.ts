import { contextBridge, ipcRenderer } from 'electron';
import type { DaytwoBridge, PortReply, PortRequest } from '../shared/api/bridge.js';
import type { ApiErrorBody } from '../shared/api/errors.js';
import type { CallOutcome } from '../shared/api/transport.js';

/**
 * The whole bridge between the page and the privileged side: `window.daytwo`, one typed
 * transport (shared/api/transport.ts) over a MessagePort straight to the engine process.
 * The page never sees ipcRenderer, an IPC event, or the port itself: only call() and
 * subscribe() (https://www.electronjs.org/docs/latest/tutorial/context-isolation).
 *
 * This runs as a sandboxed preload, which cannot load other files: it is compiled to
 * CommonJS on its own (tsconfig.preload.json) and imports only types besides `electron`.
 */

// Repeated from bridgeChannels in shared/api/bridge.ts (a sandboxed preload cannot import it);
// test/unit/desktop/preload.test.ts keeps the two equal.
const connectChannel = 'daytwo:connect';
const enginePortChannel = 'daytwo:engine-port';
const presentChannel = 'daytwo:present';

/** The DOM MessagePort as this file uses it (the project's types carry no DOM lib). */
interface EnginePort {
  postMessage(message: PortRequest): void;
  addEventListener(type: 'message', listener: (event: { data: unknown }) => void): void;
  start(): void;
  close(): void;
}

interface Subscription {
  onMessage: (message: unknown) => void;
  onError: (error: ApiErrorBody) => void;
}

let port: EnginePort | null = null;
let queued: PortRequest[] = [];
let nextId = 0;
const pendingCalls = new Map<string, (outcome: CallOutcome) => void>();
const subscriptions = new Map<string, Subscription>();

const engineRestarted: ApiErrorBody = {
  code: 'unavailable',
  message: 'The Daytwo engine restarted; the request did not complete.',
};

function send(frame: PortRequest): void {
  if (port) port.postMessage(frame);
  else queued.push(frame); // the port arrives shortly after the page loads
}

function receive(data: unknown): void {
  if (typeof data !== 'object' || data === null) return;
  const frame = data as PortReply;
  if (typeof frame.id !== 'string') return;
  switch (frame.type) {
    case 'result': {
      const resolve = pendingCalls.get(frame.id);
      pendingCalls.delete(frame.id);
      resolve?.(frame.outcome);
      return;
    }
    case 'message':
      subscriptions.get(frame.id)?.onMessage(frame.message);
      return;
    case 'error': {
      const subscription = subscriptions.get(frame.id);
      subscriptions.delete(frame.id);
      subscription?.onError(frame.error);
      return;
    }
  }
}

// Only main can send on this channel; it does so after checking this is a window's main frame
// showing app://daytwo. A second port means the engine process was restarted.
ipcRenderer.on(enginePortChannel, (event) => {
  const next = event.ports[0] as unknown as EnginePort | undefined;
  if (!next) return;
  const previous = port;
  port = next;
  if (previous) {
    previous.close();
    for (const resolve of pendingCalls.values()) resolve({ ok: false, error: engineRestarted });
    for (const subscription of subscriptions.values()) subscription.onError(engineRestarted);
    pendingCalls.clear();
    subscriptions.clear();
  }
  next.addEventListener('message', (message) => receive(message.data));
  next.start();
  const waiting = queued;
  queued = [];
  for (const frame of waiting) next.postMessage(frame);
});
ipcRenderer.send(connectChannel);

const daytwo: DaytwoBridge = {
  call(method, params) {
    if (typeof method !== 'string') return Promise.reject(new TypeError('daytwo.call: method must be a string'));
    const id = `c${++nextId}`;
    return new Promise<CallOutcome>((resolve) => {
      pendingCalls.set(id, resolve);
      send({ type: 'call', id, method, params });
    });
  },
  subscribe(topic, params, onMessage, onError) {
    if (typeof topic !== 'string' || typeof onMessage !== 'function' || typeof onError !== 'function') {
      throw new TypeError('daytwo.subscribe(topic, params, onMessage, onError)');
    }
    const id = `s${++nextId}`;
    subscriptions.set(id, { onMessage, onError });
    send({ type: 'subscribe', id, topic, params });
    return () => {
      if (subscriptions.delete(id)) send({ type: 'unsubscribe', id });
    };
  },
  // Nothing from the page crosses: main decides the display and what the window shows.
  present: () => tellMain(presentChannel),
};

/** The page reaches main only on channels this file names, and never with arguments. */
function tellMain(channel: typeof presentChannel): void {
  ipcRenderer.send(channel);
}

contextBridge.exposeInMainWorld('daytwo', daytwo);
