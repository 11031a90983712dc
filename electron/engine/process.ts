import crypto from 'node:crypto';
import { z } from 'zod';
import { createEngine } from './engine.js';
import { busyWhileBursting, startMemoryReducer } from './memory-reducer.js';
import type { Engine, EngineOptions } from './engine.js';
import { auditKeyFromDataKey } from './store/audit-checkpoint.js';
import type { SecretSealer } from './connections/vault.js';
import { chooseEstate } from './sources/default-estate.js';
import type { EstateChoice } from './sources/default-estate.js';
import type { PortReply } from '../../shared/api/bridge.js';
import type { CallOutcome } from '../../shared/api/transport.js';
import type { Caller } from './api/router.js';
import type { ScreenGrant } from './screens/screen-links.js';

/** The desktop's own wall window ("Present on another display"): a screen, not a link, so it never expires. */
const desktopWall: ScreenGrant = { screenId: 'desktop-wall', incidentId: null };

/**
 * The engine's own process on the desktop (Electron's utilityProcess), so a 20,000-pod parse
 * never freezes a window. Electron-free: it speaks to main over `process.parentPort` and to
 * each window over a MessagePort main hands it, using only the shapes below, so it runs and
 * is tested under plain Node with fake ports.
 *
 * main → engine (parentPort):  start (once), connect (with one port per window page), stop.
 * engine → main (parentPort):  ready | failed.
 * window ⇄ engine (port):      PortRequest / PortReply from shared/api/bridge.ts.
 */

export interface PortMessageEvent {
  data: unknown;
  ports: readonly EnginePort[];
}

/** The slice of Electron's MessagePortMain the engine uses. */
export interface EnginePort {
  on(event: 'message', listener: (event: PortMessageEvent) => void): unknown;
  on(event: 'close', listener: () => void): unknown;
  postMessage(message: unknown): void;
  start(): void;
  close(): void;
}

/** The slice of Electron's process.parentPort the engine uses. */
export interface ParentPort {
  on(event: 'message', listener: (event: PortMessageEvent) => void): unknown;
  postMessage(message: unknown): void;
}

export const StartMessage = z.object({
  type: z.literal('start'),
  version: z.string(),
  dataDir: z.string().min(1),
  readOnly: z.boolean(),
  /**
   * The vault's data key (base64, 32 bytes), unwrapped by main with safeStorage; or why
   * there is none, in which case secrets stay in memory for this run.
   */
  vault: z.union([z.object({ key: z.string() }), z.object({ unavailableReason: z.string() })]),
});
export type StartMessage = z.infer<typeof StartMessage>;

export type EngineStatusMessage = { type: 'ready' } | { type: 'failed'; message: string };

const ControlMessage = z.discriminatedUnion('type', [
  StartMessage,
  /** `wall`: the port of a wallboard window, read-only and redacted like a screen link. */
  z.object({ type: z.literal('connect'), wall: z.boolean().optional() }),
  z.object({ type: z.literal('stop') }),
]);

const FrameId = z.string().min(1).max(128);
/** Frames from a renderer are untrusted input: parsed here before anything reaches the router. */
const PortRequestFrame = z.discriminatedUnion('type', [
  z.object({ type: z.literal('call'), id: FrameId, method: z.string().max(200), params: z.unknown() }),
  z.object({ type: z.literal('subscribe'), id: FrameId, topic: z.string().max(200), params: z.unknown() }),
  z.object({ type: z.literal('unsubscribe'), id: FrameId }),
]);

export interface ServeOptions {
  create?: (options: EngineOptions) => Engine;
  /** Which estate to connect to; default: the user's connections, or the built-in sandbox when there are none. */
  chooseEstate?: (dataDir: string) => Promise<EstateChoice>;
  exit?: (code: number) => void;
  log?: (message: string, error?: unknown) => void;
  /** Called once the engine has started (the process's memory reducer watches its estate). */
  started?: (engine: Engine) => void;
}

/**
 * AES-256-GCM under the vault's data key. The key itself is stored only sealed by the OS
 * keychain through safeStorage (electron/desktop/safe-storage-sealer.ts): envelope encryption,
 * as Chromium's own os_crypt does, which keeps Vault's synchronous seal/open in this process.
 */
export function dataKeySealer(key: Buffer): SecretSealer {
  if (key.length !== 32) throw new Error('The vault data key must be 32 bytes.');
  return {
    unavailableReason: null,
    seal(plaintext) {
      const iv = crypto.randomBytes(12);
      const cipher = crypto.createCipheriv('aes-256-gcm', key, iv);
      const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
      return Buffer.concat([iv, cipher.getAuthTag(), body]);
    },
    open(sealed) {
      const decipher = crypto.createDecipheriv('aes-256-gcm', key, sealed.subarray(0, 12));
      decipher.setAuthTag(sealed.subarray(12, 28));
      return Buffer.concat([decipher.update(sealed.subarray(28)), decipher.final()]).toString('utf8');
    },
  };
}

function memoryOnlySealer(reason: string): SecretSealer {
  return {
    unavailableReason: reason,
    seal() {
      throw new Error('This vault cannot persist secrets.');
    },
    open() {
      throw new Error('This vault cannot read persisted secrets.');
    },
  };
}

export function serveEngine(parent: ParentPort, options: ServeOptions = {}): void {
  const create = options.create ?? createEngine;
  const choose =
    options.chooseEstate ?? ((dataDir: string) => chooseEstate({ dataDir, prometheusUrls: [], sandbox: 'auto' }));
  let estate: EstateChoice | null = null;
  let starting = false;
  // Frames that arrive while the engine starts wait for it, in order, instead of failing.
  let started: Promise<void> = Promise.resolve();
  const exit = options.exit ?? ((code: number) => process.exit(code));
  const log = options.log ?? ((message: string, error?: unknown) => console.error(`[engine] ${message}`, error ?? ''));
  let engine: Engine | null = null;
  let unavailable = 'The engine is still starting.';

  const status = (message: EngineStatusMessage) => parent.postMessage(message);

  parent.on('message', (event) => {
    const parsed = ControlMessage.safeParse(event.data);
    if (!parsed.success) {
      log('ignored a malformed message from main', parsed.error);
      return;
    }
    const message = parsed.data;
    switch (message.type) {
      case 'start': {
        if (engine || starting) return;
        starting = true;
        started = start(message);
        return;
      }
      case 'connect': {
        const port = event.ports[0];
        if (port) attach(port, message.wall === true ? { transport: 'ipc', screen: desktopWall } : { transport: 'ipc' });
        return;
      }
      case 'stop': {
        const closing = (engine?.close() ?? Promise.resolve()).then(() => estate?.sandbox?.stop());
        engine = null;
        unavailable = 'The engine has stopped.';
        void closing.catch((error: unknown) => log('close failed', error)).finally(() => exit(0));
        return;
      }
    }
  });

  async function start(message: StartMessage): Promise<void> {
    try {
      estate = await choose(message.dataDir);
      const dataKey = 'key' in message.vault ? Buffer.from(message.vault.key, 'base64') : null;
      const sealer = 'key' in message.vault ? dataKeySealer(dataKey!) : memoryOnlySealer(message.vault.unavailableReason);
      // The audit checkpoints are sealed with a key derived from the same safeStorage-held data key.
      const auditKey = dataKey ? auditKeyFromDataKey(dataKey) : null;
      engine = create({
        mode: 'desktop',
        version: message.version,
        dataDir: message.dataDir,
        readOnly: message.readOnly,
        sealer,
        auditKey,
        log,
        sandbox: estate.sandbox !== null,
        ...(estate.sandbox ? { sandboxAdmin: { url: `http://127.0.0.1:${estate.sandbox.port}`, token: estate.sandbox.adminToken } } : {}),
        connections: estate.connections,
      });
      options.started?.(engine);
      status({ type: 'ready' });
    } catch (error) {
      // A corrupt or newer database lands here: every call then says why, nothing is wiped.
      unavailable = `The engine could not start: ${error instanceof Error ? error.message : String(error)}`;
      log('start failed', error);
      await estate?.sandbox?.stop();
      status({ type: 'failed', message: unavailable });
    }
  }

  /** One port per window page; its subscriptions end when the page goes away. */
  function attach(port: EnginePort, caller: Caller): void {
    const subscriptions = new Map<string, () => void>();
    let open = true;
    const reply = (frame: PortReply) => {
      if (open) port.postMessage(frame);
    };

    port.on('message', (event) => {
      const parsed = PortRequestFrame.safeParse(event.data);
      if (!parsed.success) {
        const id = (event.data as { id?: unknown } | null)?.id;
        if (typeof id === 'string') {
          reply({ type: 'error', id, error: { code: 'bad_request', message: 'Malformed request frame.' } });
        }
        return;
      }
      const frame = parsed.data;
      void started.then(() => serve(frame));
    });

    function serve(frame: z.infer<typeof PortRequestFrame>): void {
      switch (frame.type) {
        case 'call': {
          const answer: Promise<CallOutcome> = engine
            ? engine.router.call(frame.method, frame.params, caller)
            : Promise.resolve({ ok: false, error: { code: 'unavailable', message: unavailable } });
          void answer.then((outcome) => reply({ type: 'result', id: frame.id, outcome }));
          return;
        }
        case 'subscribe': {
          if (!engine) {
            reply({ type: 'error', id: frame.id, error: { code: 'unavailable', message: unavailable } });
            return;
          }
          if (subscriptions.has(frame.id)) {
            reply({ type: 'error', id: frame.id, error: { code: 'conflict', message: `Subscription ${frame.id} is already open.` } });
            return;
          }
          const opened = engine.router.subscribe(
            frame.topic,
            frame.params,
            (message) => reply({ type: 'message', id: frame.id, message }),
            caller,
          );
          if (opened.ok) subscriptions.set(frame.id, opened.close);
          else reply({ type: 'error', id: frame.id, error: opened.error.toBody() });
          return;
        }
        case 'unsubscribe': {
          subscriptions.get(frame.id)?.();
          subscriptions.delete(frame.id);
          return;
        }
      }
    }
    port.on('close', () => {
      open = false;
      for (const close of subscriptions.values()) close();
      subscriptions.clear();
    });
    port.start();
  }
}

// Inside Electron's utilityProcess, parentPort exists; under plain Node (tests) it does not.
const parentPort = (process as NodeJS.Process & { parentPort?: ParentPort }).parentPort;
if (parentPort) {
  serveEngine(parentPort, {
    started: (engine) => startMemoryReducer((message) => console.error(`[engine] ${message}`), busyWhileBursting((listener) => engine.estate.subscribe(listener))),
  });
}
