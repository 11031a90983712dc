// What reading a pod's watch line costs before JSON.parse: watchLineText (managedFields cut,
// spec trimmed: managed-fields.ts, spec-trim.ts) beside JSON.parse of the text it gives and of
// the whole line, per line, on the watch benches' pods (watch-pods.js, ~4.6 KB each).
//
//   npm run build:node
//   node test/bench/json-walk.js [--lines 20000] [--rounds 15]
//
// Each figure is the fastest of `rounds` passes over every line, the three interleaved so a
// machine that changes speed meanwhile slows all of them alike. Plain JavaScript over the
// compiled engine in out/ (DAYTWO_OUT overrides). Asserts nothing.
import os from 'node:os';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { compiledEngine } from './compiled.js';
import { podEvent } from './watch-pods.js';

const { values: args } = parseArgs({ options: { lines: { type: 'string', default: '20000' }, rounds: { type: 'string', default: '15' } } });
const count = Number(args.lines);
const rounds = Number(args.rounds);

const load = compiledEngine('electron/engine/providers/kubernetes/managed-fields.js');
const { watchLineText } = await load('electron/engine/providers/kubernetes/managed-fields.js');
const { specReadsOf } = await load('electron/engine/providers/kubernetes/records.js');
const reads = specReadsOf('Pod');

const chunks = [];
const at = [];
let offset = 0;
for (let i = 0; i < count; i++) {
  const line = Buffer.from(JSON.stringify(podEvent(i, 3, count)) + '\n');
  at.push(offset, offset + line.length - 1);
  offset += line.length;
  chunks.push(line);
}
const data = Buffer.concat(chunks);
chunks.length = 0;

const ways = {
  'watchLineText (cut and trim)': () => {
    for (let k = 0; k < at.length; k += 2) watchLineText(data, at[k], at[k + 1], reads);
  },
  'JSON.parse of that text': (texts) => {
    for (const text of texts) JSON.parse(text);
  },
  'JSON.parse of the whole line': () => {
    for (let k = 0; k < at.length; k += 2) JSON.parse(data.toString('utf8', at[k], at[k + 1]));
  },
};
const texts = [];
for (let k = 0; k < at.length; k += 2) texts.push(watchLineText(data, at[k], at[k + 1], reads));
const best = Object.fromEntries(Object.keys(ways).map((name) => [name, Infinity]));
for (let r = 0; r < rounds; r++) {
  for (const [name, run] of Object.entries(ways)) {
    const started = performance.now();
    run(texts);
    best[name] = Math.min(best[name], performance.now() - started);
  }
}
const bytes = data.length / count;
const kept = texts.reduce((sum, text) => sum + text.length, 0) / count;
console.log(`json walk: ${count.toLocaleString('en')} pod MODIFIED lines, ${Math.round(bytes)} B each (${Math.round(kept)} B after the cut and trim); fastest of ${rounds} on ${os.cpus().length} cores, load ${os.loadavg().map((l) => l.toFixed(1)).join(' ')}`);
for (const [name, ms] of Object.entries(best)) console.log(`  ${name.padEnd(32)} ${((ms * 1000) / count).toFixed(2).padStart(6)} µs a line`);
