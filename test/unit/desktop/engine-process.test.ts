import { EventEmitter } from 'node:events';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { databaseFileName } from '../../../electron/engine/store/database.js';
import { dataKeySealer, serveEngine } from '../../../electron/engine/process.js';
import type { EnginePort, ParentPort, PortMessageEvent, StartMessage } from '../../../electron/engine/process.js';
import type { PortReply } from '../../../shared/api/bridge.js';

/** A window's end of the channel, as the engine process sees it (Electron's MessagePortMain). */
class FakePort extends EventEmitter implements EnginePort {
  readonly replies: PortReply[] = [];
  started = false;
  postMessage(message: unknown): void {
    this.replies.push(message as PortReply);
  }
  start(): void {
    this.started = true;
  }
  close(): void {
    this.emit('close');
  }
  send(data: unknown): void {
    this.emit('message', { data, ports: [] } satisfies PortMessageEvent);
  }
}

class FakeParent extends EventEmitter implements ParentPort {
  readonly toMain: unknown[] = [];
  postMessage(message: unknown): void {
    this.toMain.push(message);
  }
  send(data: unknown, ports: EnginePort[] = []): void {
    this.emit('message', { data, ports } satisfies PortMessageEvent);
  }
}

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

function startMessage(overrides: Partial<StartMessage> = {}): StartMessage {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'daytwo-engine-process-'));
  dirs.push(dataDir);
  return { type: 'start', version: '1.2.3', dataDir, readOnly: false, vault: { unavailableReason: 'no keychain in tests' }, ...overrides };
}

function engineProcess() {
  const parent = new FakeParent();
  const exits: number[] = [];
  const logged: string[] = [];
  serveEngine(parent, {
    exit: (code) => exits.push(code),
    log: (message) => logged.push(message),
    chooseEstate: async () => ({ connections: {}, sandbox: null }),
  });
  const connect = () => {
    const port = new FakePort();
    parent.send({ type: 'connect' }, [port]);
    return port;
  };
  return { parent, exits, logged, connect };
}

async function settle(): Promise<void> {
  await new Promise((resolve) => setImmediate(resolve));
}

describe('the engine process', () => {
  it('starts the engine when main says so and answers a window on its port', async () => {
    const { parent, connect } = engineProcess();
    const start = startMessage();
    parent.send(start);
    await settle();
    expect(parent.toMain).toEqual([{ type: 'ready' }]);

    const window = connect();
    expect(window.started).toBe(true);
    window.send({ type: 'call', id: 'c1', method: 'app.info', params: {} });
    await settle();
    expect(window.replies).toEqual([
      { type: 'result', id: 'c1', outcome: { ok: true, result: expect.objectContaining({ mode: 'desktop', version: '1.2.3', dataDir: start.dataDir }) } },
    ]);
  });

  it('validates parameters in the engine, so a bad request changes nothing', async () => {
    const { parent, connect } = engineProcess();
    parent.send(startMessage({ readOnly: true }));
    const window = connect();
    window.send({ type: 'call', id: 'c1', method: 'settings.set', params: { patch: { theme: 'dark' } } });
    window.send({ type: 'call', id: 'c2', method: 'settings.get', params: { extra: 1 } });
    await settle();
    expect(window.replies).toEqual([
      { type: 'result', id: 'c1', outcome: { ok: false, error: expect.objectContaining({ code: 'forbidden' }) } },
      { type: 'result', id: 'c2', outcome: { ok: false, error: expect.objectContaining({ code: 'bad_request' }) } },
    ]);
  });

  it('answers malformed frames with an error when it can tell who sent them, and ignores the rest', () => {
    const { parent, connect } = engineProcess();
    parent.send(startMessage());
    const window = connect();
    window.send({ type: 'call', id: 'c1', method: 7 });
    window.send({ type: 'exec', id: 'c2', command: 'rm -rf /' });
    window.send('garbage');
    window.send(null);
    expect(window.replies).toEqual([
      { type: 'error', id: 'c1', error: { code: 'bad_request', message: 'Malformed request frame.' } },
      { type: 'error', id: 'c2', error: { code: 'bad_request', message: 'Malformed request frame.' } },
    ]);
  });

  it('pushes subscription messages until the window unsubscribes or goes away', async () => {
    const { parent, connect } = engineProcess();
    parent.send(startMessage());
    await settle();
    const window = connect();
    window.send({ type: 'subscribe', id: 's1', topic: 'sources.subscribe', params: {} });
    await settle();
    expect(window.replies).toEqual([{ type: 'message', id: 's1', message: { sources: expect.any(Array) } }]);
    window.send({ type: 'subscribe', id: 's1', topic: 'sources.subscribe', params: {} });
    await settle();
    expect(window.replies[1]).toMatchObject({ type: 'error', id: 's1', error: { code: 'conflict' } });
    window.send({ type: 'subscribe', id: 's2', topic: 'no.such.topic', params: {} });
    await settle();
    expect(window.replies[2]).toMatchObject({ type: 'error', id: 's2', error: { code: 'unknown_method' } });
    window.send({ type: 'unsubscribe', id: 's1' });
    window.close();
    window.send({ type: 'call', id: 'c9', method: 'app.info', params: {} });
    await settle();
    expect(window.replies).toHaveLength(3);
  });

  it('answers a subscription to an unknown operation with not_found and goes on serving (issue 10)', async () => {
    const { parent, connect, exits } = engineProcess();
    parent.send(startMessage({ vault: { key: Buffer.alloc(32, 3).toString('base64') } }));
    await settle();
    const window = connect();
    window.send({ type: 'subscribe', id: 's1', topic: 'operations.watch', params: { id: 'op-nobody-started' } });
    window.send({ type: 'call', id: 'c1', method: 'app.info', params: {} });
    await settle();
    expect(window.replies).toEqual([
      { type: 'error', id: 's1', error: { code: 'not_found', message: 'There is no operation op-nobody-started.' } },
      { type: 'result', id: 'c1', outcome: expect.objectContaining({ ok: true }) },
    ]);
    expect(exits).toEqual([]);
  });

  it('says why on every call when the store cannot be opened, and leaves the file alone', async () => {
    const start = startMessage();
    const file = path.join(start.dataDir, databaseFileName);
    fs.writeFileSync(file, 'this is not a SQLite database, it is an operator’s notes');
    const { parent, connect } = engineProcess();
    parent.send(start);
    await settle();
    expect(parent.toMain).toEqual([{ type: 'failed', message: expect.stringMatching(/could not start/) }]);
    const window = connect();
    window.send({ type: 'call', id: 'c1', method: 'app.info', params: {} });
    await settle();
    expect(window.replies[0]).toMatchObject({ type: 'result', outcome: { ok: false, error: { code: 'unavailable' } } });
    expect(fs.readFileSync(file, 'utf8')).toMatch(/operator’s notes/);
  });

  it('ignores control messages that are not from the protocol', () => {
    const { parent, logged } = engineProcess();
    parent.send({ type: 'start', dataDir: 42 });
    parent.send({ type: 'eval', code: '1' });
    expect(parent.toMain).toEqual([]);
    expect(logged).toHaveLength(2);
  });

  it('closes the engine and exits when main asks it to stop', async () => {
    const { parent, exits } = engineProcess();
    parent.send(startMessage());
    parent.send({ type: 'stop' });
    await settle();
    expect(exits).toEqual([0]);
  });
});

describe('the vault data key sealer', () => {
  const key = Buffer.alloc(32, 7);

  it('round-trips a secret and never stores it in clear', () => {
    const sealer = dataKeySealer(key);
    const sealed = sealer.seal('prometheus-bearer-token-123');
    expect(sealed.toString('latin1')).not.toContain('prometheus-bearer-token');
    expect(sealer.open(sealed)).toBe('prometheus-bearer-token-123');
    expect(sealer.seal('same')).not.toEqual(sealer.seal('same'));
  });

  it('refuses a tampered blob or the wrong key', () => {
    const sealed = dataKeySealer(key).seal('secret');
    const tampered = Buffer.from(sealed);
    tampered[tampered.length - 1] = (tampered[tampered.length - 1] ?? 0) ^ 1;
    expect(() => dataKeySealer(key).open(tampered)).toThrow();
    expect(() => dataKeySealer(Buffer.alloc(32, 8)).open(sealed)).toThrow();
    expect(() => dataKeySealer(Buffer.alloc(16))).toThrow(/32 bytes/);
  });
});
