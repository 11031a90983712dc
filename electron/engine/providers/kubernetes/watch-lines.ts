import { readDeletedLine } from './deleted-line.js';
import { watchLineText } from './managed-fields.js';
import type { SpecReads } from './spec-trim.js';

/**
 * What one line of a watch stream asks of a reflector, read off the wire: the same whether the
 * line was read on the engine's thread or in the watch decoder's worker (`watch-decoder.ts`),
 * so the reflector applies both alike. `rv` is the object's resourceVersion ('' when it states
 * none); `progress` is a line that only moves it on (a bookmark, an object with no name).
 */
export type WatchItem<R> =
  | { type: 'upsert' | 'remove'; rv: string; record: R }
  | {
      type: 'removeNamed';
      rv: string;
      namespace: string;
      name: string;
      /** The object's record, already made; null when `line` says where to make it from, if asked. */
      record: R | null;
      /** The DELETED line's bytes in the run it came in, read whole only if the sink asks for its record. */
      line: readonly [number, number] | null;
    }
  | { type: 'progress'; rv: string }
  /** The server's ERROR event (its Status: `status` is its code), or a line that is not JSON (`code` EBADLINE, status 0). */
  | { type: 'error'; message: string; status: number; reason: string | undefined; code?: string };

/**
 * A run of lines read: its items, and the lines themselves (`removeNamed` items point into
 * them). A decoder hands the lines back, as a worker's run is moved to it and back.
 */
export interface WatchRun<R> {
  items: WatchItem<R>[];
  lines: Buffer;
}

/** How a reflector turns an object into its record and names it (`ReflectorOptions`). */
export interface LineReader<R> {
  toRecord: (raw: unknown) => R | null;
  nameOf?: (raw: unknown) => { namespace: string; name: string } | null;
  /** What toRecord reads of an object's spec, where it reads little of a big one: the rest is not parsed (`spec-trim.ts`). */
  specReads?: SpecReads;
}

interface WatchEvent {
  type?: unknown;
  object?: { metadata?: { resourceVersion?: unknown } } | null;
}

interface StatusBody {
  code?: unknown;
  reason?: unknown;
  message?: unknown;
}

/**
 * Reads the complete lines of `data` from `from` on, handing each line's item to `each`, until
 * `each` answers false (the reflector stops at an error) or no newline is left. Returns where
 * the unfinished line starts, or where reading stopped. `byName`: deletions go to the sink by
 * name (the reflector's nameOf and its sink's removeNamed are both there).
 *
 * Lines are cut from the Buffer and decoded one at a time, so a long stream never builds (and
 * re-flattens) one big string, and without the managedFields nothing reads
 * (`managed-fields.ts`); an API server's DELETED line is not parsed whole (`deleted-line.ts`).
 * A line that is not JSON is an error item: the watch ends and resumes from the last
 * resourceVersion applied, rather than the line ending the engine.
 */
export function readWatchLines<R>(data: Buffer, from: number, reader: LineReader<R>, byName: boolean, each: (item: WatchItem<R>) => boolean): number {
  let start = from;
  let newline = data.indexOf(10, start);
  while (newline >= 0) {
    // Skip blank lines (keep-alive newlines some proxies insert).
    if (newline > start && !(newline === start + 1 && data[start] === 13)) {
      if (!each(readLine(data, start, newline, reader, byName))) return newline + 1;
    }
    start = newline + 1;
    newline = data.indexOf(10, start);
  }
  return start;
}

/**
 * Every item of a run of complete lines, up to and including the first error: what a decoder
 * answers for a run, in the worker or on the engine's thread alike.
 */
export function readRun<R>(lines: Buffer, reader: LineReader<R>, byName: boolean): WatchItem<R>[] {
  const items: WatchItem<R>[] = [];
  readWatchLines(lines, 0, reader, byName, (item) => {
    items.push(item);
    return item.type !== 'error';
  });
  return items;
}

function readLine<R>(data: Buffer, start: number, end: number, reader: LineReader<R>, byName: boolean): WatchItem<R> {
  const deleted = byName ? readDeletedLine(data, start, end) : null;
  if (deleted !== null) {
    const rv = deleted.metadata.resourceVersion ?? '';
    const name = reader.nameOf?.(deleted) ?? null;
    return name === null ? { type: 'progress', rv } : { type: 'removeNamed', rv, namespace: name.namespace, name: name.name, record: null, line: [start, end] };
  }
  let event: WatchEvent;
  try {
    event = JSON.parse(watchLineText(data, start, end, reader.specReads)) as WatchEvent;
  } catch (error) {
    return { type: 'error', message: `The watch sent a line that is not JSON (${error instanceof Error ? error.message : String(error)}).`, status: 0, reason: undefined, code: 'EBADLINE' };
  }
  const object = event?.object;
  if (event?.type === 'ERROR') {
    const status = (object ?? {}) as StatusBody;
    return {
      type: 'error',
      message: typeof status.message === 'string' ? status.message : 'The watch failed.',
      status: typeof status.code === 'number' ? status.code : 500,
      reason: typeof status.reason === 'string' ? status.reason : undefined,
    };
  }
  const stated = object?.metadata?.resourceVersion;
  const rv = typeof stated === 'string' ? stated : '';
  if (event.type === 'BOOKMARK') return { type: 'progress', rv };
  if (event.type === 'DELETED' && byName) {
    const name = reader.nameOf?.(object) ?? null;
    return name === null ? { type: 'progress', rv } : { type: 'removeNamed', rv, namespace: name.namespace, name: name.name, record: reader.toRecord(object), line: null };
  }
  const record = reader.toRecord(object);
  if (record === null) return { type: 'progress', rv };
  return { type: event.type === 'DELETED' ? 'remove' : 'upsert', rv, record };
}
