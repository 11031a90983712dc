// A burst's deletions through the watch path alone: 5,000 pod DELETED events (a `deletecollection`
// as the API server streams it) through the real Reflector and ClusterEstate, handed on as the
// wire does (watch-wire.js), into a sink that only counts, so neither the estate state, frames
// nor SQLite are in the figure.
// Prints the CPU time of each run in one process: the first runs on code V8 has not optimised
// yet (what an engine's first burst meets), the later ones on warm code. `burst-engine.js`
// measures the whole engine's share; this isolates the part `deleted-line.ts` and the Reflector's
// `removeNamed` path change. Deterministic: no randomness, no network.
//
//   npm run build:node
//   node test/bench/watch-deletions.js [--pods 5000] [--runs 6]
//
// Plain JavaScript over the compiled engine in out/ (DAYTWO_OUT overrides; a build without
// `nameOf` maps every deletion, so the same script measures the build before). Asserts nothing.
import os from 'node:os';
import { parseArgs } from 'node:util';
import { pod } from './bench-objects.js';
import { compiledEngine } from './compiled.js';
import { feedWatch } from './watch-wire.js';

const { values: args } = parseArgs({ options: { pods: { type: 'string', default: '5000' }, runs: { type: 'string', default: '6' } } });
const podCount = Number(args.pods);
const runs = Number(args.runs);

const load = compiledEngine('electron/engine/providers/kubernetes/reflector.js');
const { Reflector } = await load('electron/engine/providers/kubernetes/reflector.js');
const { ClusterEstate } = await load('electron/engine/providers/kubernetes/cluster-estate.js');
const { toRecord, nameOf } = await load('electron/engine/providers/kubernetes/records.js');

// The burst's bare pods, as burst-engine.js and scale.js delete them.
const objects = Array.from({ length: podCount }, (_, i) => pod(0, 'scale-burst', `burst-${i}`, i, null, { burst: 'yes', app: 'scale-burst' }));
const bytes = Buffer.from(objects.map((o) => JSON.stringify({ type: 'DELETED', object: o })).join('\n') + '\n', 'utf8');
const cpuMs = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};
const countingSink = { replace() {}, apply() {}, recordEvents() {}, forgetSource() {} };

/** One run: a cluster holding the pods (listed through the Reflector), then every one deleted; the CPU ms of the deletions. */
async function runOnce() {
  const estate = new ClusterEstate({ context: 'bench', sourceId: 'k8s:bench', sink: countingSink, hints: { clusterName: 'bench', server: 'https://bench' } });
  let finished;
  const done = new Promise((resolve) => (finished = resolve));
  let streams = 0;
  const client = {
    server: 'https://bench',
    async getJson() {
      return { metadata: { resourceVersion: '1' }, items: objects };
    },
    async stream(_path, _query, signal, onData) {
      const abort = new Promise((_resolve, reject) => signal.addEventListener('abort', () => reject(new Error('aborted'))));
      if (streams++ > 0) return abort;
      const before = cpuMs();
      await feedWatch(bytes, onData, signal);
      finished(cpuMs() - before);
      return abort;
    },
  };
  // As cluster-source.ts wires it.
  const held = estate.heldRecords('Pod');
  const reflector = new Reflector({ client, resource: { kind: 'Pod', path: '/api/v1/pods', namespaced: true }, toRecord: (raw) => toRecord('Pod', raw, held), nameOf, sink: estate.sinkFor('Pod'), onStatus: () => {}, inactivityMs: 600_000 });
  reflector.start();
  const ms = await done;
  await reflector.stop();
  return { ms, left: estate.count('Pod') };
}

const load0 = os.loadavg();
console.log(`watch deletions: ${podCount.toLocaleString('en')} pod DELETED events, ${(bytes.length / 1e6).toFixed(1)} MB; ${os.cpus().length} cores, load ${load0.map((l) => l.toFixed(1)).join(' ')}`);
const figures = [];
for (let r = 0; r < runs; r++) {
  const { ms, left } = await runOnce();
  if (left !== 0) throw new Error(`${left} pods were not removed`);
  figures.push(ms);
}
console.log(`CPU per run: ${figures.map((ms) => `${ms.toFixed(0)} ms`).join(', ')} (first: cold code; best ${Math.min(...figures).toFixed(0)} ms)`);
console.log(`load at end ${os.loadavg().map((l) => l.toFixed(1)).join(' ')}`);
