// The log view's memory bound: a view keeps at most 100,000 lines (shared/logs/log-buffer.ts),
// dropping the oldest, so a day-long follow of a chatty workload cannot grow without limit.
// This feeds 300,000 realistic lines through the engine's line parser into the buffer in
// batches, as logs.follow delivers them, and prints the heap the full buffer holds.
//
//   npm run build:node
//   node --expose-gc test/bench/log-buffer.js [--lines 300000] [--capacity 100000]
//
// Plain JavaScript over the compiled code in out/ (DAYTWO_OUT overrides). Prints figures; the
// stated bound is printed beside the measured figure; nothing is asserted.
import fs from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';

const { values: args } = parseArgs({
  options: { lines: { type: 'string', default: '300000' }, capacity: { type: 'string', default: '100000' } },
});
const total = Number(args.lines);
const capacity = Number(args.capacity);
/** The bound we state for a full 100,000-line view of ~150-character lines. */
const boundMb = 80;

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const out = path.resolve(process.env.DAYTWO_OUT ?? path.join(repo, 'out'));
if (typeof globalThis.gc !== 'function') {
  console.error('Run with node --expose-gc, so heap figures are measured after a collection.');
  process.exit(2);
}
if (!fs.existsSync(path.join(out, 'shared/logs/log-buffer.js'))) {
  console.error(`No compiled code under ${out}; run npm run build:node first.`);
  process.exit(2);
}
const { LogBuffer } = await import(pathToFileURL(path.join(out, 'shared/logs/log-buffer.js')).href);
const { parseLogLine } = await import(pathToFileURL(path.join(out, 'electron/engine/logs/log-line.js')).href);

const pods = ['web-7d9f8c6b5-2xkqp', 'web-7d9f8c6b5-8mzrt', 'web-7d9f8c6b5-q4lnc'];
const paths = ['/api/cart', '/api/checkout', '/api/orders/{id}', '/healthz', '/api/search'];
const start = Date.parse('2026-11-30T00:00:00Z');
function wireLine(i) {
  const ms = start + i * 7;
  const stamp = `${new Date(ms).toISOString().slice(0, 19)}.${String((ms % 1000) * 1_000_000 + (i % 1_000_000)).padStart(9, '0')}Z`;
  const status = i % 97 === 0 ? 500 : 200;
  const colour = status === 500 ? '\u001b[31m' : '\u001b[32m';
  return `${stamp} ${colour}level=${status === 500 ? 'error' : 'info'}\u001b[0m msg="request handled" method=GET path=${paths[i % paths.length]} status=${status} duration_ms=${(i * 13) % 900} trace_id=${(i * 2654435761 >>> 0).toString(16).padStart(8, '0')}${i}`;
}

const heapMb = () => {
  globalThis.gc();
  globalThis.gc();
  return process.memoryUsage().heapUsed / 1024 / 1024;
};

const baseline = heapMb();
const buffer = new LogBuffer(capacity);
const batch = 500;
let appendMs = 0;
let parseMs = 0;
let textChars = 0;
for (let i = 0; i < total; i += batch) {
  const t0 = performance.now();
  const lines = [];
  for (let j = i; j < Math.min(total, i + batch); j++) {
    const parsed = parseLogLine(wireLine(j));
    lines.push({ pod: pods[j % pods.length], container: 'app', time: parsed.time, stamp: parsed.stamp, text: parsed.text });
  }
  const t1 = performance.now();
  buffer.append(lines);
  appendMs += performance.now() - t1;
  parseMs += t1 - t0;
}
for (const line of buffer.all()) textChars += line.text.length;
const held = heapMb() - baseline;

console.log(`log buffer: ${total.toLocaleString()} lines fed in batches of ${batch}, capacity ${capacity.toLocaleString()}`);
console.log(`  held: ${buffer.length.toLocaleString()} lines, dropped (oldest, with a note in the view): ${buffer.dropped.toLocaleString()}`);
console.log(`  average line: ${(textChars / buffer.length).toFixed(0)} characters of text`);
console.log(`  heap held by the full buffer: ${held.toFixed(1)} MB (${((held * 1024 * 1024) / buffer.length).toFixed(0)} bytes a line); stated bound ${boundMb} MB: ${held <= boundMb ? 'within' : 'EXCEEDED'}`);
console.log(`  parsing the wire format: ${((parseMs / total) * 1000).toFixed(2)} µs a line; appending: ${((appendMs / total) * 1000).toFixed(2)} µs a line`);
