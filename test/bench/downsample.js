// Downsampling for charts: the time to bring 1,000,000 points down to 1,000 with the engine's
// min/max buckets (shared/metrics/downsample.ts), which keep every pixel column's extremes.
//
//   npm run build:node
//   node test/bench/downsample.js [--points 1000000] [--max 1000] [--rounds 20]
//
// The input has noise, one-sample spikes and a gap, as real series do. Prints the median and
// best of the rounds after warm-up, and checks the output size and that a spike survived.
// Plain JavaScript over the compiled code in out/ (DAYTWO_OUT overrides). Asserts nothing timed.
import fs from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';

const { values: args } = parseArgs({
  options: { points: { type: 'string', default: '1000000' }, max: { type: 'string', default: '1000' }, rounds: { type: 'string', default: '20' } },
});
const n = Number(args.points);
const maxPoints = Number(args.max);
const rounds = Number(args.rounds);

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const out = path.resolve(process.env.DAYTWO_OUT ?? path.join(repo, 'out'));
const file = path.join(out, 'shared/metrics/downsample.js');
if (!fs.existsSync(file)) {
  console.error(`No compiled code under ${out}; run npm run build:node first.`);
  process.exit(2);
}
const { downsample } = await import(pathToFileURL(file).href);

const step = 1000;
const t = new Float64Array(n);
const v = new Float64Array(n);
let seed = 1;
const random = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
for (let i = 0; i < n; i++) {
  t[i] = 1_700_000_000_000 + i * step;
  v[i] = 100 + 20 * Math.sin(i / 5000) + random() * 5;
  if (i % 99_991 === 0) v[i] = 10_000; // a one-sample spike every ~100k points
  if (i > n * 0.6 && i < n * 0.62) v[i] = NaN; // a gap
}
const start = t[0];
const end = t[n - 1];

for (let i = 0; i < 5; i++) downsample(t, v, start, end, maxPoints, 2 * step);
const times = [];
let result = [];
for (let i = 0; i < rounds; i++) {
  const t0 = performance.now();
  result = downsample(t, v, start, end, maxPoints, 2 * step);
  times.push(performance.now() - t0);
}
times.sort((a, b) => a - b);
const median = times[Math.floor(times.length / 2)];
const spikes = result.filter((p) => p[1] === 10_000).length;
const gaps = result.filter((p) => p[1] === null).length;
console.log(`downsample ${n.toLocaleString('en')} points → ≤ ${maxPoints} (min/max buckets)`);
console.log(`  median ${median.toFixed(2)} ms, best ${times[0].toFixed(2)} ms over ${rounds} rounds (${((n / median) * 1000 / 1e6).toFixed(0)} M points/s)`);
console.log(`  output ${result.length} points, ${spikes} of ${Math.ceil(n / 99_991)} spikes kept, ${gaps} gap marker(s)`);
