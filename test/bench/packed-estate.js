// The engine's cost of `estate.packedSnapshot` with the packed estate kept ready (PackedEstate)
// against packing the whole snapshot per request (what ran before), on an EstateState holding
// N pods in deployments of 10 over 5 clusters: CPU ms for a request after nothing changed, after
// a frame of 1,000 pod updates, after 5,000 removals, and the whole start (the estate arriving
// in pages of 500, a request every 20 pages, as the bench's poller does) with and without it.
//
//   npm run build:node
//   node --expose-gc test/bench/packed-estate.js [--pods 50000]
//
// Plain JavaScript over the compiled engine in out/ (DAYTWO_OUT overrides). Prints figures; asserts nothing.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';

const { values: args } = parseArgs({ options: { pods: { type: 'string', default: '50000' } } });
const pods = Number(args.pods);
const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const out = path.resolve(process.env.DAYTWO_OUT ?? path.join(repo, 'out'));
const load = (file) => import(pathToFileURL(path.join(out, file)).href);
const { EstateState } = await load('electron/engine/state/estate-state.js');
const { PackedEstate } = await load('electron/engine/state/packed-estate.js');
const { SourceRegistry } = await load('electron/engine/sources/source-registry.js');
const { openStore } = await load('electron/engine/store/database.js');
const { packEstateSnapshot } = await load('shared/estate/packed-snapshot.js');
const { relation } = await load('shared/estate/model.js');

const cpuMs = (work) => {
  const before = process.cpuUsage();
  const result = work();
  const used = process.cpuUsage(before);
  return { ms: (used.user + used.system) / 1000, result };
};

function podFacts(c, from, to, restarts = 0) {
  const sourceId = `kubernetes:bench-${c}`;
  const facts = [];
  for (let i = from; i < to; i++) {
    const d = Math.floor(i / 10);
    const ns = `ns-${d % 40}`;
    const id = `k8s:bench-${c}/${ns}/Pod/app-${d}-7d4f9c-${i}`;
    const owner = `k8s:bench-${c}/${ns}/ReplicaSet/app-${d}-7d4f9c`;
    facts.push({
      entity: {
        id, kind: 'pod', name: `app-${d}-7d4f9c-${i}`, parentId: owner, sourceId,
        labels: { app: `app-${d}`, 'pod-template-hash': '7d4f9c' }, annotations: {},
        health: 'healthy', healthReason: 'Running, ready',
        status: { phase: 'Running', restarts, nodeName: `node-${i % 60}`, image: `registry/app-${d}:1.2.3`, podIP: `10.${c}.${(i >> 8) & 255}.${i & 255}` },
        observedAt: 1_700_000_000_000 + i,
      },
      relations: [relation('owns', owner, id, sourceId), relation('runs-on', id, `k8s:bench-${c}/Node/node-${i % 60}`, sourceId)],
    });
  }
  return facts;
}

function run(withPacked) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'daytwo-bench-packed-'));
  const db = openStore(dir);
  const state = new EstateState({ db, sources: new SourceRegistry(), frameMs: 1e9 });
  const packed = withPacked ? new PackedEstate(state, { settleMs: 1e9, maxWaitMs: 1e9 }) : null;
  const ask = () => (packed ? packed.snapshot() : packEstateSnapshot(state.snapshot()));
  const perCluster = pods / 5;
  let pages = 0;
  const start = cpuMs(() => {
    for (let c = 0; c < 5; c++) {
      for (let from = 0; from < perCluster; from += 500) {
        state.apply(`kubernetes:bench-${c}`, 'pods', { upsert: podFacts(c, from, Math.min(perCluster, from + 500)) });
        state.flush();
        if (++pages % 20 === 0) ask();
      }
    }
  });
  const first = cpuMs(ask);
  const again = cpuMs(ask);
  state.apply('kubernetes:bench-0', 'pods', { upsert: podFacts(0, 0, 1000, 1) });
  state.flush();
  const afterUpdates = cpuMs(ask);
  state.apply('kubernetes:bench-1', 'pods', { remove: podFacts(1, 0, 5000).map((f) => f.entity.id) });
  state.flush();
  const afterRemovals = cpuMs(ask);
  const json = cpuMs(() => JSON.stringify({ result: afterRemovals.result }).length);
  // What holding it ready costs: the heap with the estate (and the packer) live, results dropped.
  first.result = again.result = afterUpdates.result = afterRemovals.result = null;
  globalThis.gc?.();
  const heapMb = process.memoryUsage().heapUsed / 1e6;
  packed?.close();
  state.close();
  db.close();
  fs.rmSync(dir, { recursive: true, force: true });
  return { start: start.ms, first: first.ms, again: again.ms, afterUpdates: afterUpdates.ms, afterRemovals: afterRemovals.ms, json: json.ms, bytes: json.result, heapMb };
}

console.log(`packed estate, ${pods} pods, ${os.cpus().length} cores, load ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}`);
for (const withPacked of [false, true, false, true]) {
  const r = run(withPacked);
  const f = (v) => `${v.toFixed(0)} ms`;
  console.log(
    `${withPacked ? 'kept ready (PackedEstate)   ' : 'packed per request (before)'}: start with a request every 20 pages ${f(r.start)}; request ${f(r.first)}, unchanged ${f(r.again)}, after 1,000 updates ${f(r.afterUpdates)}, after 5,000 removals ${f(r.afterRemovals)}; JSON ${(r.bytes / 1e6).toFixed(1)} MB in ${f(r.json)}; heap ${r.heapMb.toFixed(0)} MB (CPU; load ${os.loadavg()[0].toFixed(2)})`,
  );
}
