import type { KubeClient } from './kube-client.js';
import { KubeApiError } from './api-error.js';
import type { ResourceType } from './kinds.js';
import { sleep } from '../../abortable-sleep.js';
import { readWatchLines } from './watch-lines.js';
import type { WatchItem, WatchRun } from './watch-lines.js';
import type { SpecReads } from './spec-trim.js';

/** What a reflector hands on: whole lists and single changes, each already slimmed by `toRecord`. */
export interface ReflectorSink<R> {
  /** A full list finished: these records are now everything of this kind. */
  replace(records: R[]): void;
  upsert(record: R): void;
  remove(record: R): void;
  /**
   * Optional: an object named by `ReflectorOptions.nameOf` is gone. `record` builds its whole
   * record, for a sink that holds nothing under that name (and reads what the object stated);
   * a sink that holds it needs no more than the name, so a deletion (5,000 at once from a
   * `deletecollection`) is not mapped. Used instead of `remove` for DELETED when both are given.
   */
  removeNamed?(namespace: string, name: string, record: () => R | null): void;
  /**
   * Optional: runs `handle`, which hands on every event of one chunk of the watch stream, so
   * the sink can settle what they changed once per chunk instead of once per event (a
   * `deletecollection` of 5,000 pods arrives as a few hundred events a chunk).
   */
  batch?(handle: () => void): void;
}

export type ReflectorPhase = 'listing' | 'watching' | 'failing';

export interface ReflectorStatus {
  phase: ReflectorPhase;
  /** True once a full list has been delivered. */
  synced: boolean;
  error: KubeApiError | null;
  /** Epoch ms of the last moment the reflector knew it was current (list done, event or bookmark). */
  lastGoodAt: number | null;
}

export interface ReflectorOptions<R> {
  client: KubeClient;
  resource: ResourceType;
  toRecord: (raw: unknown) => R | null;
  /**
   * Optional: an object's namespace and name as `toRecord`'s record has them, null exactly where
   * `toRecord` gives null; with the sink's `removeNamed` a deletion skips `toRecord`, and an API
   * server's DELETED line is not even parsed whole (`deleted-line.ts`), so it may read nothing
   * of the object but `metadata.name` and `metadata.namespace`.
   */
  nameOf?: (raw: unknown) => { namespace: string; name: string } | null;
  /** What toRecord reads of an object's spec, where that is little of a big one (`LineReader`). */
  specReads?: SpecReads;
  sink: ReflectorSink<R>;
  /**
   * Optional: reads a run of complete watch lines elsewhere (the watch decoder's worker thread,
   * `watch-decoder.ts`) and answers what each asks, as `readWatchLines` would here with
   * `toRecord` and `nameOf`. Without it the reflector reads them itself, on the turn they arrive.
   * `whole`: the run may take all of `lines`' ArrayBuffer (it starts at 0; nothing else reads
   * the rest), so a worker is handed it rather than a copy; it comes back as the run's `lines`.
   */
  decode?: (lines: Buffer, byName: boolean, whole?: boolean) => Promise<WatchRun<R>>;
  onStatus: (status: ReflectorStatus) => void;
  /** Items per list page; the API server honours `limit` + `continue`. */
  pageSize?: number;
  /** A watch that has said nothing (not even a bookmark) for this long is presumed dead. */
  inactivityMs?: number;
  backoff?: BackoffOptions;
  /** Epoch ms; injectable for tests. */
  now?: () => number;
  random?: () => number;
}

export interface BackoffOptions {
  initialMs: number;
  maxMs: number;
  /** After a watch has run this long without error, the backoff starts from the beginning again. */
  resetAfterMs: number;
}

const defaultBackoff: BackoffOptions = { initialMs: 800, maxMs: 30_000, resetAfterMs: 60_000 };

/**
 * Exponential backoff with full jitter, capped, as client-go's reflector uses between
 * list/watch attempts (https://pkg.go.dev/k8s.io/client-go/tools/cache#Reflector).
 */
export function backoffDelay(attempt: number, options: BackoffOptions, random: () => number): number {
  const ceiling = Math.min(options.maxMs, options.initialMs * 2 ** Math.min(attempt, 20));
  return Math.round(ceiling / 2 + (random() * ceiling) / 2);
}

/**
 * One resource kind of one cluster, kept current: list (paged) → watch from the list's
 * resourceVersion with bookmarks → on disconnect resume from the last resourceVersion seen →
 * on 410 Gone list again. Every error leads to another attempt after a jittered backoff; only
 * `stop()` ends it. Semantics: https://kubernetes.io/docs/reference/using-api/api-concepts/#efficient-detection-of-changes
 */
export class Reflector<R> {
  private readonly controller = new AbortController();
  private resourceVersion: string | null = null;
  private status: ReflectorStatus = { phase: 'listing', synced: false, error: null, lastGoodAt: null };
  private done: Promise<void> | null = null;
  private readonly pageSize: number;
  private readonly inactivityMs: number;
  private readonly backoff: BackoffOptions;
  private readonly now: () => number;
  private readonly random: () => number;

  constructor(private readonly options: ReflectorOptions<R>) {
    this.pageSize = options.pageSize ?? 500;
    this.inactivityMs = options.inactivityMs ?? 120_000;
    this.backoff = options.backoff ?? defaultBackoff;
    this.now = options.now ?? Date.now;
    this.random = options.random ?? Math.random;
  }

  start(): void {
    this.done ??= this.run();
  }

  /** Aborts the open list or watch and ends the loop; resolves when nothing is left running. */
  async stop(): Promise<void> {
    this.controller.abort();
    await this.done;
  }

  get current(): ReflectorStatus {
    return this.status;
  }

  private setStatus(change: Partial<ReflectorStatus>): void {
    this.status = { ...this.status, ...change };
    this.options.onStatus(this.status);
  }

  private async run(): Promise<void> {
    const signal = this.controller.signal;
    let attempt = 0;
    while (!signal.aborted) {
      const startedAt = this.now();
      try {
        if (this.resourceVersion === null) await this.list(signal);
        await this.watch(signal);
        // The server closed the watch (its timeout): resume at once from where it left off.
        attempt = 0;
        continue;
      } catch (error) {
        if (signal.aborted) break;
        const apiError = asApiError(error);
        if (apiError.status === 410 || apiError.reason === 'Expired' || apiError.reason === 'Gone') {
          // Our resourceVersion is older than the server keeps: start over with a fresh list.
          this.resourceVersion = null;
          continue;
        }
        if (this.now() - startedAt > this.backoff.resetAfterMs) attempt = 0;
        // A watch that was working and got cut is retried once straight away before the source
        // is called failing: API servers and load balancers close long connections routinely.
        if (attempt === 0 && this.status.phase === 'watching' && apiError.status === 0) {
          attempt = 1;
          continue;
        }
        this.setStatus({ phase: 'failing', error: apiError });
        await sleep(backoffDelay(attempt, this.backoff, this.random), signal);
        attempt += 1;
      }
    }
  }

  private async list(signal: AbortSignal): Promise<void> {
    if (this.status.phase !== 'failing') this.setStatus({ phase: 'listing' });
    const records: R[] = [];
    let continueToken: string | undefined;
    let resourceVersion = '';
    do {
      const query: Record<string, string> = { limit: String(this.pageSize) };
      if (continueToken) query.continue = continueToken;
      const page = (await this.options.client.getJson(this.options.resource.path, query, signal)) as ListPage;
      if (signal.aborted) return;
      for (const item of page.items ?? []) {
        const record = this.options.toRecord(item);
        if (record !== null) records.push(record);
      }
      continueToken = page.metadata?.continue || undefined;
      resourceVersion = page.metadata?.resourceVersion ?? resourceVersion;
    } while (continueToken);
    this.options.sink.replace(records);
    this.resourceVersion = resourceVersion;
    this.setStatus({ phase: 'watching', synced: true, error: null, lastGoodAt: this.now() });
  }

  private async watch(signal: AbortSignal): Promise<void> {
    const watchController = new AbortController();
    const onAbort = () => watchController.abort();
    signal.addEventListener('abort', onAbort, { once: true });
    let lastActivity = this.now();
    let inactive = false;
    const watchdog = setInterval(
      () => {
        if (this.now() - lastActivity > this.inactivityMs) {
          inactive = true;
          watchController.abort();
        }
      },
      Math.max(50, Math.min(5_000, this.inactivityMs / 4)),
    );
    // Bytes of an event line not yet ended by its newline (a line can span chunks).
    let partial: Buffer | null = null;
    let gone: KubeApiError | null = null;
    try {
      const query: Record<string, string> = {
        watch: '1',
        allowWatchBookmarks: 'true',
        resourceVersion: this.resourceVersion ?? '',
        // Like client-go: a random server-side timeout between 5 and 10 minutes, so watches of
        // many clients do not all reconnect at once.
        timeoutSeconds: String(Math.round(300 + this.random() * 300)),
      };
      const { decode, sink } = this.options;
      const byName = this.takesNamedDeletions;
      // Applies what one line of `data` asks; false once it ended the watch.
      const applyOne = (item: WatchItem<R>, data: Buffer): boolean => {
        if (gone) return false;
        const error = this.apply(item, data);
        if (!error) return true;
        gone = error;
        watchController.abort();
        return false;
      };
      // Reads and applies the complete lines of `data` from `from` on, here and now.
      const cut = (data: Buffer, from: number): boolean => {
        let ended = false;
        const rest = readWatchLines(data, from, this.options, byName, (item) => !(ended = !applyOne(item, data)));
        if (ended) return false;
        partial = rest < data.length ? data.subarray(rest) : null;
        return true;
      };
      const take = (chunk: Buffer): void => {
        if (!partial) {
          cut(chunk, 0);
          return;
        }
        const end = chunk.indexOf(10);
        if (end < 0) {
          partial = Buffer.concat([partial, chunk]);
          return;
        }
        // Only the line that spans the two chunks is joined, not the whole chunk after it.
        if (cut(Buffer.concat([partial, chunk.subarray(0, end + 1)]), 0)) cut(chunk, end + 1);
      };
      // With a decoder, a turn's complete lines go off the thread as one run, and its items come
      // back to be applied in the order the runs went: `applied` is the last run's turn.
      let applied: Promise<void> = Promise.resolve();
      // A turn's lines are copied into a buffer of their own, which goes to the worker and back.
      // A fresh one each turn (Buffer.concat) cost the engine's thread about a tenth of a watch's
      // ingestion at 10,000 events, most of it faulting in pages the allocator had just handed
      // back to the system; the last run's buffer, applied, carries the next instead.
      let spare: ArrayBuffer | null = null;
      const send = (chunks: Buffer[]): void => {
        let size = partial ? partial.length : 0;
        for (const chunk of chunks) size += chunk.length;
        const buffer = spare !== null && spare.byteLength >= size ? spare : new ArrayBuffer(runCapacity(size));
        if (buffer === spare) spare = null;
        const joined = Buffer.from(buffer, 0, size);
        let at = partial ? partial.copy(joined, 0) : 0;
        for (const chunk of chunks) at += chunk.copy(joined, at);
        const lastNewline = joined.lastIndexOf(10);
        // Copied out: the run takes the whole buffer with it.
        partial = lastNewline + 1 < size ? Buffer.from(joined.subarray(lastNewline + 1)) : null;
        if (lastNewline < 0) {
          spare ??= buffer;
          return;
        }
        const run = decode!(joined.subarray(0, lastNewline + 1), byName, true);
        applied = applied.then(() => run).then(
          async ({ items, lines }) => {
            if (signal.aborted || gone) return;
            const applyAll = () => {
              for (const item of items) if (!applyOne(item, lines)) return;
            };
            if (sink.batch) sink.batch(applyAll);
            else applyAll();
            // Applied, nothing reads the run's bytes again (a deletion's record is read from them within apply).
            if (spare === null && lines.byteOffset === 0 && lines.buffer instanceof ArrayBuffer && lines.buffer.byteLength <= MAX_SPARE_BYTES) spare = lines.buffer;
            // One run a turn of the event loop, as without a decoder: the worker's answers to a
            // burst arrive together and are taken in one go, which held the loop 106-136 ms and
            // let the estate cut two frames where it cut five.
            await new Promise((resolve) => setImmediate(resolve));
          },
          (error: unknown) => {
            gone ??= new KubeApiError(`The watch's events could not be read: ${error instanceof Error ? error.message : String(error)}`, 0, 'EDECODE');
            watchController.abort();
          },
        );
      };
      // An API server flushes every watch event as an HTTP chunk of its own, and the http client
      // hands each on by itself: a burst of 5,000 deletions was 5,000 batches, each restating the
      // namespace and the workloads it touched. What arrives in one turn of the event loop (a
      // socket read or more) is taken as one batch instead, on the same turn (setImmediate runs
      // right after the I/O callbacks), and before the watch's end is acted on.
      let arrived: Buffer[] = [];
      let scheduled = false;
      const drain = (): void => {
        scheduled = false;
        if (arrived.length === 0 || gone) return;
        const chunks = arrived;
        arrived = [];
        if (decode) {
          send(chunks);
          return;
        }
        const takeAll = () => {
          for (const chunk of chunks) if (!gone) take(chunk);
        };
        if (sink.batch) sink.batch(takeAll);
        else takeAll();
      };
      try {
        await this.options.client.stream(this.options.resource.path, query, watchController.signal, (chunk) => {
          lastActivity = this.now();
          if (gone) return;
          arrived.push(chunk);
          if (!scheduled) {
            scheduled = true;
            setImmediate(drain);
          }
        });
      } finally {
        // Events that came before the watch ended (or was cut) still happened; a stop drops them.
        if (!signal.aborted) drain();
        // And the next watch resumes from the last of them, so every run sent is applied first.
        await applied;
      }
    } catch (error) {
      if (gone) throw gone;
      if (inactive) throw new KubeApiError(`The watch said nothing for ${Math.round(this.inactivityMs / 1000)} s.`, 0, 'EINACTIVE');
      throw error;
    } finally {
      clearInterval(watchdog);
      signal.removeEventListener('abort', onAbort);
    }
    if (gone) throw gone;
  }

  /** Applies one item read off the watch; the error when the server ended the watch with one (or sent what is not JSON). */
  private apply(item: WatchItem<R>, data: Buffer): KubeApiError | null {
    if (item.type === 'error') return new KubeApiError(item.message, item.status, item.code, item.reason);
    if (item.rv) this.resourceVersion = item.rv;
    this.status.lastGoodAt = this.now();
    const { sink, toRecord } = this.options;
    switch (item.type) {
      case 'upsert':
        sink.upsert(item.record);
        break;
      case 'remove':
        sink.remove(item.record);
        break;
      case 'removeNamed': {
        const line = item.line;
        const record = line === null ? () => item.record : () => toRecord((JSON.parse(data.toString('utf8', line[0], line[1])) as { object?: unknown }).object);
        sink.removeNamed?.(item.namespace, item.name, record);
        break;
      }
      case 'progress':
        break;
    }
    return null;
  }

  /** Whether deletions go to the sink by name (both the sink and the options take part). */
  private get takesNamedDeletions(): boolean {
    return this.options.nameOf !== undefined && this.options.sink.removeNamed !== undefined;
  }
}

/** The largest run buffer a watch keeps for its next turn: a burst's bigger ones are let go. */
const MAX_SPARE_BYTES = 256 * 1024;

/** Room for a run of `size` bytes, in 64 KB steps (a socket read), so one buffer fits most turns after it. */
function runCapacity(size: number): number {
  const step = 64 * 1024;
  return Math.max(step, Math.ceil(size / step) * step);
}

interface ListPage {
  items?: unknown[];
  metadata?: { continue?: string; resourceVersion?: string };
}

function asApiError(error: unknown): KubeApiError {
  if (error instanceof KubeApiError) return error;
  if (error instanceof SyntaxError) return new KubeApiError(`The API server sent something that is not JSON: ${error.message}`, 0, 'EPARSE');
  const code = (error as NodeJS.ErrnoException).code;
  return new KubeApiError(error instanceof Error ? error.message : String(error), 0, code);
}
