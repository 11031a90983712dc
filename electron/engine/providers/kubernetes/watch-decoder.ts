import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { adoptRecord, nameOf, specReadsOf, toRecord } from './records.js';
import type { HeldRecords, KubeRecord } from './records.js';
import type { WatchedKind } from './kinds.js';
import { readRun } from './watch-lines.js';
import { onlyDeletedLines } from './deleted-line.js';
import type { WatchItem, WatchRun } from './watch-lines.js';

/** A run of complete watch lines for the worker; `lines` is transferred there and back. */
export interface DecodeRequest {
  id: number;
  kind: WatchedKind;
  byName: boolean;
  lines: Uint8Array;
}

/**
 * The worker's answer, with the lines moved back. Items come as JSON text, not as objects: a
 * structured clone rebuilt every record key by key and cost the engine's thread most of what
 * the worker saved it, where JSON.parse of the same slim records is a fraction of that. Records
 * are plain data (`sameRecord`), so the text says exactly what the objects said
 * (`test/unit/providers/records-adopted.test.ts`).
 */
export type DecodeReply = { id: number; items: string; lines: Uint8Array } | { id: number; error: string; lines: Uint8Array };

export interface WatchDecoderOptions {
  /** The worker's script; null decodes on the calling thread. The default is the compiled one beside this module. */
  script?: URL | null;
  /**
   * Bytes sent and not yet answered past which a run is read on the calling thread instead: a
   * watch faster than the worker then has both threads reading it, and slows to the engine's
   * own pace rather than queueing without bound.
   */
  maxInFlightBytes?: number;
  log?: (message: string) => void;
}

interface Pending {
  resolve: (run: WatchRun<KubeRecord>) => void;
  reject: (error: Error) => void;
  bytes: number;
}

/**
 * Reads watch lines for every reflector of the engine in one worker thread, so a watch's
 * JSON.parse and mapping (two thirds of ingesting an event) run on the second core while the
 * engine's thread applies the previous run to the estate. One worker, started on first use:
 * runs are answered in the order they were sent, which the reflectors rely on only per watch
 * (each applies its own runs in the order it sent them).
 *
 * Where no worker can run (the compiled script is absent, as under the unit tests, which run
 * the TypeScript sources; or the worker failed or exited), runs are read on the calling thread
 * by the same `readRun`, so a watch says the same either way. Records from the worker
 * are taken into this thread's pools (`adoptRecord`) before the reflector sees them.
 */
export class WatchDecoder {
  private worker: Worker | null = null;
  /** Why runs are read here for good: the worker could not start, failed, or the decoder closed. */
  private off: string | null;
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private inFlightBytes = 0;
  private readonly script: URL | null;
  private readonly maxInFlightBytes: number;

  constructor(private readonly options: WatchDecoderOptions = {}) {
    this.script = options.script === undefined ? new URL('./watch-decode-worker.js', import.meta.url) : options.script;
    this.maxInFlightBytes = options.maxInFlightBytes ?? 32 * 1024 * 1024;
    this.off = this.script === null || !fs.existsSync(fileURLToPath(this.script)) ? 'no compiled worker script' : null;
  }

  /** Whether runs go to the worker (false once it is off for good). */
  get threaded(): boolean {
    return this.off === null;
  }

  /** The reflector's `decode` for one kind of one cluster: `held` lends the estate's records to the records adopted. */
  for(kind: WatchedKind, held?: HeldRecords): (lines: Buffer, byName: boolean, whole?: boolean) => Promise<WatchRun<KubeRecord>> {
    // Started with the first watch wired, not at its first event: a burst is no time to load a thread.
    this.started();
    const reader = { toRecord: (raw: unknown) => toRecord(kind, raw, held), nameOf, specReads: specReadsOf(kind) };
    const here = (lines: Buffer, byName: boolean): WatchRun<KubeRecord> => ({ items: readRun(lines, reader, byName), lines });
    return (lines, byName, whole = false) => {
      const worker = this.started();
      // A run of deletions by name is read here: each line is scanned for its name without
      // JSON.parse (`deleted-line.ts`), cheaper than the handover, and a burst of them (a
      // deletecollection) then reaches the estate a turn sooner.
      if (worker === null || this.inFlightBytes + lines.length > this.maxInFlightBytes || (byName && onlyDeletedLines(lines))) {
        try {
          return Promise.resolve(here(lines, byName));
        } catch (error) {
          return Promise.reject(error instanceof Error ? error : new Error(String(error)));
        }
      }
      return this.send(worker, kind, lines, byName, whole).then((run) => {
        for (const item of run.items) {
          if ((item.type === 'upsert' || item.type === 'remove' || item.type === 'removeNamed') && item.record !== null) item.record = adoptRecord(item.record, held);
        }
        return run;
      });
    };
  }

  /** Stops the worker; what it had not answered is refused, and later runs are read on the calling thread. */
  async close(): Promise<void> {
    this.off = 'closed';
    await this.stopWorker('the watch decoder closed');
  }

  private started(): Worker | null {
    if (this.off !== null) return null;
    if (this.worker) return this.worker;
    try {
      const worker = new Worker(this.script as URL);
      worker.unref();
      worker.on('message', (reply: DecodeReply) => this.answer(reply));
      worker.on('error', (error) => this.fail(`the watch decoder's worker failed: ${error.message}`));
      worker.on('exit', (code) => this.fail(`the watch decoder's worker exited (code ${code})`));
      this.worker = worker;
      return worker;
    } catch (error) {
      this.fail(`the watch decoder's worker could not start: ${error instanceof Error ? error.message : String(error)}`);
      return null;
    }
  }

  private send(worker: Worker, kind: WatchedKind, lines: Buffer, byName: boolean, whole: boolean): Promise<WatchRun<KubeRecord>> {
    const id = this.nextId++;
    // Moved, not copied, when the run may take its whole buffer (the reflector's turn buffer,
    // `whole`) or is one; a view of a larger one (a socket read, Buffer's pool) is copied first,
    // as a structured clone would copy all of it and a transfer would take all of it.
    const owned = lines.byteOffset === 0 && lines.buffer instanceof ArrayBuffer && (whole || lines.byteLength === lines.buffer.byteLength);
    const sent = owned ? new Uint8Array(lines.buffer, 0, lines.byteLength) : Uint8Array.from(lines);
    const request: DecodeRequest = { id, kind, byName, lines: sent };
    const bytes = lines.length;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject, bytes });
      this.inFlightBytes += bytes;
      worker.postMessage(request, [sent.buffer as ArrayBuffer]);
    });
  }

  private answer(reply: DecodeReply): void {
    const waiting = this.pending.get(reply.id);
    if (!waiting) return;
    this.pending.delete(reply.id);
    this.inFlightBytes -= waiting.bytes;
    if ('error' in reply) waiting.reject(new Error(reply.error));
    else waiting.resolve({ items: JSON.parse(reply.items) as WatchItem<KubeRecord>[], lines: Buffer.from(reply.lines.buffer, reply.lines.byteOffset, reply.lines.byteLength) });
  }

  private fail(reason: string): void {
    if (this.off === null) this.options.log?.(`${reason}; watch events are read on the engine's thread from now on.`);
    void this.stopWorker(reason);
  }

  /** Ends the worker (resolving once it has exited) and refuses what it had not answered. */
  private async stopWorker(reason: string): Promise<void> {
    this.off ??= reason;
    const worker = this.worker;
    this.worker = null;
    for (const waiting of this.pending.values()) waiting.reject(new Error(reason));
    this.pending.clear();
    this.inFlightBytes = 0;
    if (!worker) return;
    worker.removeAllListeners();
    worker.on('error', () => {});
    await worker.terminate();
  }
}
