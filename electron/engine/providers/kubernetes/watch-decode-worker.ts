import { parentPort } from 'node:worker_threads';
import { nameOf, specReadsOf, stopPooling, toRecord } from './records.js';
import type { KubeRecord } from './records.js';
import { resourceTypes } from './kinds.js';
import type { WatchedKind } from './kinds.js';
import { readRun } from './watch-lines.js';
import type { LineReader } from './watch-lines.js';
import type { DecodeReply, DecodeRequest } from './watch-decoder.js';

/**
 * The watch decoder's worker thread (`watch-decoder.ts`): reads runs of watch lines into items
 * with the mapping the engine's thread would use, so JSON.parse and the mapping of a watch run
 * beside the estate's work instead of before it. It holds nothing between runs but the mapping's
 * string pools; the engine's thread takes each record into its own (`adoptRecord`).
 */
stopPooling();

const readers = new Map<WatchedKind, LineReader<KubeRecord>>(resourceTypes.map((r) => [r.kind, { toRecord: (raw: unknown) => toRecord(r.kind, raw), nameOf, specReads: specReadsOf(r.kind) }]));

parentPort?.on('message', (request: DecodeRequest) => {
  let reply: DecodeReply;
  try {
    const reader = readers.get(request.kind);
    if (!reader) throw new Error(`No mapping for kind ${String(request.kind)}.`);
    const data = Buffer.from(request.lines.buffer, request.lines.byteOffset, request.lines.byteLength);
    reply = { id: request.id, items: JSON.stringify(readRun(data, reader, request.byName)), lines: request.lines };
  } catch (error) {
    reply = { id: request.id, error: error instanceof Error ? error.message : String(error), lines: request.lines };
  }
  // The lines go back with their items: the engine's thread reads a deletion's line from them if its sink asks.
  parentPort?.postMessage(reply, [request.lines.buffer as ArrayBuffer]);
});
