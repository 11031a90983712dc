// Watch-event ingestion, the figure ARCHITECTURE.md asks to improve: events per second through
// the Kubernetes provider's own watch parsing + slimming + mapping + estate sink, next to plain
// JSON.parse over the same bytes. The ratio (ingest / JSON.parse) is the figure.
//
//   npm run build:node
//   node --expose-gc test/bench/watch-ingest.js [--pods 2000] [--rounds 10]
//
// The stream is realistic pod MODIFIED events (a pod as an API server sends it: managedFields,
// probes, env, volumes, status with conditions and container statuses; ~5 KB each), fed through
// the real Reflector by a client that replays the bytes as a socket and Node's http client hand
// them on: one call per event, 64 KB a read, the event loop free between reads.
// Each figure is the best of five runs (the EstateState one into a fresh engine each time), with
// the CPU time beside the wall time: on a loaded machine the wall clock measures the others too.
// JSON.parse is timed again beside every EstateState run, so the ratio's two figures come from
// the same minutes: a shared machine's speed can drift by a third within a few.
// Plain JavaScript over the compiled engine in out/ (DAYTWO_OUT overrides). Asserts nothing.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { compiledEngine } from './compiled.js';
import { feedWatch } from './watch-wire.js';
import { podEvent } from './watch-pods.js';

const { values: args } = parseArgs({
  options: { pods: { type: 'string', default: '2000' }, rounds: { type: 'string', default: '10' } },
});
const podCount = Number(args.pods);
const rounds = Number(args.rounds);

const load = compiledEngine('electron/engine/providers/kubernetes/reflector.js');
const { Reflector } = await load('electron/engine/providers/kubernetes/reflector.js');
const { ClusterEstate } = await load('electron/engine/providers/kubernetes/cluster-estate.js');
const { nameOf, toRecord } = await load('electron/engine/providers/kubernetes/records.js');
const { WatchDecoder } = await load('electron/engine/providers/kubernetes/watch-decoder.js');
const { createEngine } = await load('electron/engine/engine.js');

// Build the stream: each round modifies every pod once.
const lines = [];
for (let round = 0; round < rounds; round++) {
  for (let i = 0; i < podCount; i++) lines.push(JSON.stringify(podEvent(i, round, podCount)));
}
const bytes = Buffer.from(lines.join('\n') + '\n', 'utf8');
lines.length = 0;
const events = podCount * rounds;

/** Plain JSON.parse of every event line: decode each line from the Buffer and parse it, nothing else. */
function parseOnly() {
  let n = 0;
  let start = 0;
  let newline = bytes.indexOf(10, start);
  while (newline >= 0) {
    JSON.parse(bytes.toString('utf8', start, newline));
    n++;
    start = newline + 1;
    newline = bytes.indexOf(10, start);
  }
  return n;
}

/**
 * The provider's own path: Reflector watch parsing → toRecord → ClusterEstate → sink; with
 * `decoder`, the lines read in its worker as the engine's sources wire it. Timed from the first
 * byte to the last event applied to the estate (with a worker that is after the wire is done).
 */
async function ingest(sink, decoder = null) {
  const estate = new ClusterEstate({ context: 'bench', sourceId: 'k8s:bench', sink, hints: { clusterName: 'bench', server: 'https://bench' } });
  let streamed = 0;
  let started = 0;
  let done;
  const finished = new Promise((resolve) => (done = resolve));
  const client = {
    server: 'https://bench',
    async getJson() {
      return { metadata: { resourceVersion: '1' }, items: [] };
    },
    async stream(_path, _query, signal, onData) {
      if (streamed++ > 0) {
        // The replay is over; idle like an open watch until the bench stops the reflector.
        return new Promise((_resolve, reject) => signal.addEventListener('abort', () => reject(new Error('aborted'))));
      }
      started = performance.now();
      await feedWatch(bytes, onData);
    },
  };
  // Every event is a MODIFIED: the last one applied is the end of the run.
  const inner = estate.sinkFor('Pod');
  let applied = 0;
  const counted = {
    replace: (records) => inner.replace(records),
    upsert: (record) => {
      applied++;
      inner.upsert(record);
    },
    remove: (record) => inner.remove(record),
    removeNamed: (namespace, name, record) => inner.removeNamed(namespace, name, record),
    batch: (handle) => {
      inner.batch(handle);
      if (applied === events) done(performance.now() - started);
    },
  };
  // As cluster-source.ts wires it: the held records lend a watch update its unchanged labels and owners.
  const held = estate.heldRecords('Pod');
  const reflector = new Reflector({
    client,
    resource: { kind: 'Pod', path: '/api/v1/pods', namespaced: true },
    toRecord: (raw) => toRecord('Pod', raw, held),
    nameOf,
    decode: decoder?.for('Pod', held),
    sink: counted,
    onStatus: () => {},
    inactivityMs: 600_000,
  });
  reflector.start();
  const ms = await finished;
  await reflector.stop();
  return { ms, pods: estate.count('Pod') };
}

const countingSink = { n: 0, replace() {}, apply(_s, _scope, change) { this.n += change.upsert?.length ?? 0; }, recordEvents() {}, forgetSource() {} };

function rate(n, ms) {
  return Math.round((n / ms) * 1000).toLocaleString('en');
}

console.log(`watch stream: ${events.toLocaleString('en')} pod MODIFIED events, ${(bytes.length / 1e6).toFixed(1)} MB (${Math.round(bytes.length / events)} B/event)`);
// The engine's decoder (a worker thread, as sources/start-sources.ts makes it), and reading on
// the engine's thread (what a reflector does without one) beside it.
const decoder = new WatchDecoder();
if (!decoder.threaded) throw new Error('No compiled watch decoder worker: run npm run build:node first.');
// One warm-up of each, then the measured runs.
parseOnly();
await ingest({ ...countingSink });
await ingest({ ...countingSink }, decoder);
const runs = 5;
const cpuMs = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};
/** Wall and CPU ms of `work` (CPU of this process, the worker thread included); CPU time is what a loaded machine does not inflate. */
async function timed(work) {
  globalThis.gc?.();
  const cpu = cpuMs();
  const t = performance.now();
  const result = await work();
  return { ms: result?.ms ?? performance.now() - t, cpu: cpuMs() - cpu };
}
const best = (a, b) => ({ ms: Math.min(a.ms, b.ms), cpu: Math.min(a.cpu, b.cpu) });
const none = () => ({ ms: Infinity, cpu: Infinity });
let parse = none();
const counting = { here: none(), worker: none() };
for (let r = 0; r < runs; r++) {
  parse = best(parse, await timed(() => parseOnly()));
  counting.here = best(counting.here, await timed(() => ingest({ ...countingSink })));
  counting.worker = best(counting.worker, await timed(() => ingest({ ...countingSink }, decoder)));
}

// Through the engine's real estate state (the EstateSink the engine wires), store included; as
// often as the others, each into a fresh engine made before the clock starts.
const sealer = { unavailableReason: 'bench', seal() { throw new Error('no'); }, open() { throw new Error('no'); } };
const state = { here: none(), worker: none() };
for (let r = 0; r < runs; r++) {
  parse = best(parse, await timed(() => parseOnly()));
  for (const way of ['here', 'worker']) {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'daytwo-bench-watch-'));
    const engine = createEngine({ mode: 'host', version: 'bench', dataDir, readOnly: false, sealer, log: () => {} });
    engine.sources.upsert({ id: 'k8s:bench', kind: 'kubernetes', name: 'bench', location: 'bench', state: 'live', reason: '', lastSyncAt: null, enabled: true, sandbox: false });
    state[way] = best(state[way], await timed(() => ingest(engine.estate, way === 'worker' ? decoder : null)));
    await new Promise((resolve) => setTimeout(resolve, 200));
    await engine.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}
await decoder.close();

const parseMs = parse.ms;
const line = (label, run) => `${label.padEnd(58)} ${rate(events, run.ms).padStart(7)} events/s  (${run.ms.toFixed(0)} ms)  ratio ${(parseMs / run.ms).toFixed(2)} of JSON.parse`;
console.log(`${'JSON.parse alone:'.padEnd(58)} ${rate(events, parseMs).padStart(7)} events/s  (${parseMs.toFixed(0)} ms)`);
console.log(line('reflector + mapping (counting sink), on the thread:', counting.here));
console.log(line('reflector + mapping (counting sink), worker:', counting.worker));
console.log(line('reflector + mapping + EstateState, on the thread:', state.here));
// The engine's own path; scale.js reads this line.
console.log(line('reflector + mapping + engine EstateState:', state.worker));
const cpu = (run) => `${run.cpu.toFixed(0)} ms (${(parse.cpu / run.cpu).toFixed(2)})`;
console.log(`CPU time, best of ${runs}: JSON.parse ${parse.cpu.toFixed(0)} ms; counting sink ${cpu(counting.here)} on the thread, ${cpu(counting.worker)} with the worker; EstateState ${cpu(state.here)} on the thread, ${cpu(state.worker)} with the worker; load ${os.loadavg().map((l) => l.toFixed(1)).join(' ')}`);
