import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { MessageChannel } from 'node:worker_threads';
import type { MessagePort } from 'node:worker_threads';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { bridgeChannels } from '../../../shared/api/bridge.js';
import type { DaytwoBridge, PortRequest } from '../../../shared/api/bridge.js';
import { createClient } from '../../../shared/api/client.js';
import { serveEngine } from '../../../electron/engine/process.js';
import type { EnginePort, ParentPort, PortMessageEvent } from '../../../electron/engine/process.js';

/**
 * The preload under plain Node with `electron` mocked (Headlamp's app/electron/preload.test.ts
 * pattern). Node's own MessageChannel stands in for the port main hands the page.
 */
const electron = vi.hoisted(() => ({
  exposed: new Map<string, unknown>(),
  listeners: new Map<string, (event: unknown, ...args: unknown[]) => void>(),
  sent: [] as unknown[][],
}));

vi.mock('electron', () => ({
  contextBridge: {
    exposeInMainWorld: (key: string, api: unknown) => electron.exposed.set(key, api),
  },
  ipcRenderer: {
    on: (channel: string, listener: (event: unknown, ...args: unknown[]) => void) => electron.listeners.set(channel, listener),
    send: (...args: unknown[]) => electron.sent.push(args),
  },
}));

const openPorts: MessagePort[] = [];

async function loadPreload(): Promise<DaytwoBridge> {
  vi.resetModules();
  electron.exposed.clear();
  electron.listeners.clear();
  electron.sent.length = 0;
  await import('../../../electron/preload.js');
  return electron.exposed.get('daytwo') as DaytwoBridge;
}

/** What main does once it has checked the sender: post a port on the engine-port channel. */
function handPort(): MessagePort {
  const { port1, port2 } = new MessageChannel();
  openPorts.push(port1, port2);
  const listener = electron.listeners.get(bridgeChannels.enginePort);
  if (!listener) throw new Error('the preload does not listen for its engine port');
  listener({ ports: [port1], sender: 'the ipc event, which must never reach the page' });
  return port2;
}

function nextFrame(engineSide: MessagePort): Promise<PortRequest> {
  return new Promise((resolve) => engineSide.once('message', resolve));
}

beforeEach(() => {
  openPorts.length = 0;
});
afterEach(() => {
  for (const port of openPorts) port.close();
});

describe('the desktop preload', () => {
  it('exposes window.daytwo with call, subscribe and present, and nothing else', async () => {
    const bridge = await loadPreload();
    expect([...electron.exposed.keys()]).toEqual(['daytwo']);
    expect(Object.keys(bridge).sort()).toEqual(['call', 'present', 'subscribe']);
    expect(JSON.stringify(Object.values(bridge).map(String))).not.toMatch(/ipcRenderer\./);
  });

  it('asks main for a port on load, on the channel main listens to', async () => {
    await loadPreload();
    expect(electron.sent).toEqual([[bridgeChannels.connect]]);
    expect(electron.listeners.has(bridgeChannels.enginePort)).toBe(true);
  });

  it('asks main to present the wallboard on the channel main listens to, passing nothing from the page', async () => {
    const bridge = await loadPreload();
    bridge.present?.();
    expect(electron.sent).toEqual([[bridgeChannels.connect], [bridgeChannels.present]]);
  });

  it('queues calls made before the port arrives and resolves them with the engine answer', async () => {
    const bridge = await loadPreload();
    const answer = bridge.call('app.info', {});
    const engine = handPort();
    const frame = await nextFrame(engine);
    expect(frame).toEqual({ type: 'call', id: expect.any(String), method: 'app.info', params: {} });
    engine.postMessage({ type: 'result', id: frame.id, outcome: { ok: true, result: { name: 'Daytwo' } } });
    await expect(answer).resolves.toEqual({ ok: true, result: { name: 'Daytwo' } });
  });

  it('delivers subscription messages without the event object, and unsubscribes', async () => {
    const bridge = await loadPreload();
    const engine = handPort();
    const received: unknown[][] = [];
    const stop = bridge.subscribe('sources.subscribe', {}, (...args) => received.push(args), () => {});
    const opened = await nextFrame(engine);
    expect(opened).toMatchObject({ type: 'subscribe', topic: 'sources.subscribe', params: {} });

    engine.postMessage({ type: 'message', id: opened.id, message: { sources: [] } });
    await vi.waitFor(() => expect(received).toEqual([[{ sources: [] }]]));

    stop();
    expect(await nextFrame(engine)).toEqual({ type: 'unsubscribe', id: opened.id });
    engine.postMessage({ type: 'message', id: opened.id, message: { sources: ['late'] } });
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(received).toHaveLength(1);
  });

  it('reports a subscription the engine refused', async () => {
    const bridge = await loadPreload();
    const engine = handPort();
    const errors: unknown[] = [];
    bridge.subscribe('no.such.topic', {}, () => {}, (error) => errors.push(error));
    const opened = await nextFrame(engine);
    engine.postMessage({ type: 'error', id: opened.id, error: { code: 'unknown_method', message: 'nope' } });
    await vi.waitFor(() => expect(errors).toEqual([{ code: 'unknown_method', message: 'nope' }]));
  });

  it('fails what was in flight when the engine restarts and main hands a new port', async () => {
    const bridge = await loadPreload();
    const first = handPort();
    const errors: unknown[] = [];
    bridge.subscribe('sources.subscribe', {}, () => {}, (error) => errors.push(error));
    const inFlight = bridge.call('app.info', {});
    await nextFrame(first);
    await nextFrame(first);

    const second = handPort();
    await expect(inFlight).resolves.toMatchObject({ ok: false, error: { code: 'unavailable' } });
    expect(errors).toEqual([expect.objectContaining({ code: 'unavailable' })]);

    const next = bridge.call('app.info', {});
    const frame = await nextFrame(second);
    second.postMessage({ type: 'result', id: frame.id, outcome: { ok: true, result: 1 } });
    await expect(next).resolves.toEqual({ ok: true, result: 1 });
  });

  it('rejects calls that are not shaped like the transport', async () => {
    const bridge = await loadPreload();
    await expect(bridge.call(42 as unknown as string, {})).rejects.toThrow(TypeError);
    expect(() => bridge.subscribe('sources.subscribe', {}, 'x' as never, () => {})).toThrow(TypeError);
  });
});

describe('a page talking to a real engine through the preload', () => {
  let dataDir: string | undefined;
  afterEach(() => {
    if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('gets app.info and the source list from the engine process', async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'daytwo-preload-'));
    const bridge = await loadPreload();

    // The engine process, driven the way main drives it: start, then connect with a port.
    const toMain: unknown[] = [];
    let control: ((event: PortMessageEvent) => void) | undefined;
    const parent: ParentPort = {
      on: (_event, listener) => (control = listener),
      postMessage: (message) => toMain.push(message),
    };
    serveEngine(parent, { exit: () => {}, log: () => {}, chooseEstate: async () => ({ connections: {}, sandbox: null }) });
    control?.({
      data: { type: 'start', version: '9.9.9', dataDir, readOnly: false, vault: { unavailableReason: 'test' } },
      ports: [],
    });
    await new Promise((resolve) => setImmediate(resolve));
    expect(toMain).toEqual([{ type: 'ready' }]);
    control?.({ data: { type: 'connect' }, ports: [asEnginePort(handPort())] });

    const client = createClient(bridge);
    const info = await client.call('app.info', {});
    expect(info).toMatchObject({ name: 'Daytwo', version: '9.9.9', mode: 'desktop', dataDir });
    const sources = await new Promise((resolve) => {
      const stop = client.subscribe('sources.subscribe', {}, (message) => {
        stop();
        resolve(message);
      });
    });
    expect(sources).toHaveProperty('sources');
    await expect(client.call('settings.set', { patch: { theme: 'purple' } } as never)).rejects.toThrow(/theme/);

    control?.({ data: { type: 'stop' }, ports: [] });
  });
});

/** Node's MessagePort hands listeners the data itself; Electron's MessagePortMain an event. */
function asEnginePort(port: MessagePort): EnginePort {
  return {
    on(event: 'message' | 'close', listener: (event: PortMessageEvent) => void) {
      if (event === 'message') port.on('message', (data: unknown) => listener({ data, ports: [] }));
      else port.on('close', () => (listener as () => void)());
      return this;
    },
    postMessage: (message) => port.postMessage(message),
    start: () => port.start(),
    close: () => port.close(),
  };
}
