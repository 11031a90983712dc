// Query → result ready for a chart: the time from a metrics.query call entering the router
// (validation, planning, fetch over loopback, cache write, downsampling, result validation) to
// the downsampled series coming back, against the sandbox's CloudWatch and, when Debian's
// Prometheus is installed, a Prometheus scraping the sandbox. Also the same query answered
// from the cache with the source switched off. Rendering is the chart's part (renderer).
//
//   npm run build:node
//   node test/bench/query-to-chart.js [--rounds 15] [--width 1000]
//
// Plain JavaScript over the compiled engine in out/ (DAYTWO_OUT overrides). Asserts nothing.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';

const { values: args } = parseArgs({ options: { rounds: { type: 'string', default: '15' }, width: { type: 'string', default: '1000' } } });
const rounds = Number(args.rounds);
const width = Number(args.width);
const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const out = path.resolve(process.env.DAYTWO_OUT ?? path.join(repo, 'out'));
const load = (file) => import(pathToFileURL(path.join(out, file)).href);
if (!fs.existsSync(path.join(out, 'electron/engine/metrics/metrics-service.js'))) {
  console.error(`No compiled engine under ${out}; run npm run build:node first.`);
  process.exit(2);
}
const { startSandbox } = await load('electron/engine/sandbox/start.js');
const { createEngine } = await load('electron/engine/engine.js');

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'daytwo-bench-q2c-'));
const sandbox = await startSandbox({ port: 0, outDir: path.join(dir, 'sandbox'), seed: 42 });
const freePort = () => new Promise((resolve) => { const s = net.createServer(); s.listen(0, '127.0.0.1', () => { const { port } = s.address(); s.close(() => resolve(port)); }); });
let prometheus = null;
let prometheusUrl = null;
if (fs.existsSync('/usr/bin/prometheus')) {
  const port = await freePort();
  prometheusUrl = `http://127.0.0.1:${port}`;
  const config = path.join(dir, 'prometheus.yml');
  fs.writeFileSync(config, `global:\n  scrape_interval: 1s\nscrape_configs:\n  - job_name: sandbox\n    static_configs:\n      - targets: ['127.0.0.1:${sandbox.port}']\n`);
  prometheus = spawn('/usr/bin/prometheus', [`--config.file=${config}`, `--storage.tsdb.path=${path.join(dir, 'prom')}`, `--web.listen-address=127.0.0.1:${port}`], { stdio: 'ignore' });
}
const sealer = { unavailableReason: 'bench', seal() { throw new Error('no'); }, open() { throw new Error('no'); } };
const engine = createEngine({
  mode: 'host', version: 'bench', dataDir: path.join(dir, 'data'), readOnly: false, sealer, sandbox: true, log: () => {},
  connections: { kubeconfigFiles: [sandbox.kubeconfigPath], aws: { configFile: sandbox.awsConfigPath, credentialsFile: sandbox.awsCredentialsPath }, prometheusUrls: prometheusUrl ? [prometheusUrl] : [], env: {} },
  sourceTuning: { awsIntervalMs: 5_000, prometheusIntervalMs: 1_000 },
});
const call = async (method, params) => {
  const r = await engine.router.call(method, params, { transport: 'internal' });
  if (!r.ok) throw new Error(`${method}: ${r.error.message}`);
  return r.result;
};
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const SERVICE = 'k8s:shop-prod-eks/shop/Service/storefront';
let panels = [];
for (let i = 0; i < 120; i++) {
  panels = (await call('metrics.panels', { entityId: SERVICE })).panels;
  const live = engine.sources.list().filter((s) => s.kind !== 'kubernetes').every((s) => s.state === 'live');
  if (live && panels.some((p) => p.queries.some((q) => q.source.startsWith('aws:'))) && (!prometheusUrl || panels.some((p) => p.queries.some((q) => q.source.startsWith('prometheus:'))))) break;
  await sleep(500);
}
if (prometheusUrl) await sleep(20_000); // some history to query

async function measure(label, q, rangeMs) {
  const times = [];
  let points = 0;
  for (let i = 0; i < rounds; i++) {
    const end = Date.now();
    const t0 = performance.now();
    const r = await call('metrics.query', { source: q.source, query: q.query, start: end - rangeMs, end, maxPoints: width });
    times.push(performance.now() - t0);
    points = r.series.reduce((n, s) => n + s.points.length, 0);
  }
  times.sort((a, b) => a - b);
  console.log(`  ${label.padEnd(52)} median ${times[Math.floor(times.length / 2)].toFixed(1).padStart(7)} ms  best ${times[0].toFixed(1).padStart(7)} ms  (${points} points)`);
}

const traffic = panels.find((p) => p.signal === 'traffic');
const cw = traffic.queries.find((q) => q.source.startsWith('aws:'));
const prom = traffic.queries.find((q) => q.source.startsWith('prometheus:'));
const latency = panels.find((p) => p.signal === 'latency').queries.find((q) => q.source.startsWith('prometheus:'));
console.log(`metrics.query → downsampled result through the router, chart width ${width}, ${rounds} rounds`);
await measure('CloudWatch RequestCount/s, 1 h', cw, 3_600_000);
await measure('CloudWatch RequestCount/s, 24 h', cw, 86_400_000);
await measure('CloudWatch RequestCount/s, 7 d', cw, 7 * 86_400_000);
if (prom) {
  await measure('Prometheus sum(rate(http_requests_total)), 1 h', prom, 3_600_000);
  await measure('Prometheus histogram_quantile p99, 1 h', latency, 3_600_000);
} else console.log('  (Prometheus not installed: its figures skipped)');
await call('sources.setEnabled', { id: cw.source, enabled: false });
await measure('CloudWatch RequestCount/s, 24 h, offline from cache', cw, 86_400_000);
console.log(`series cache: ${JSON.stringify(engine.metrics.cache.size())}`);

await engine.close();
if (prometheus) { prometheus.kill('SIGTERM'); await new Promise((r) => prometheus.once('exit', r)); }
await sandbox.stop();
fs.rmSync(dir, { recursive: true, force: true });
