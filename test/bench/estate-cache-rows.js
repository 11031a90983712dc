// What a row of the estate cache costs to write: the store's own write (EstateStore.write, one
// transaction a frame) of changed pods scattered over a cache of many, beside a plain upsert of
// the same rows (the INSERT … ON CONFLICT DO UPDATE the store used before it updated bodies
// first). Under watch churn the engine writes thousands of these a second on its own thread.
//
//   npm run build:node
//   node test/bench/estate-cache-rows.js [--pods 50000] [--batch 2500] [--rounds 5]
//
// Each figure is the median of `rounds`, alternating the two ways on fresh files so both meet
// the same machine. Plain JavaScript over the compiled engine in out/ (DAYTWO_OUT overrides).
// Asserts nothing.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { compiledEngine } from './compiled.js';

const { values: args } = parseArgs({
  options: { pods: { type: 'string', default: '50000' }, batch: { type: 'string', default: '2500' }, rounds: { type: 'string', default: '5' } },
});
const podCount = Number(args.pods);
const batchSize = Number(args.batch);
const rounds = Number(args.rounds);

const load = compiledEngine('electron/engine/store/estate-store.js');
const { openStore } = await load('electron/engine/store/database.js');
const { EstateStore } = await load('electron/engine/store/estate-store.js');
const { EventStore } = await load('electron/engine/store/event-store.js');

const clusters = 5;
/** A pod's entity as the Kubernetes provider makes it (about 600 bytes of JSON). */
function podEntity(i, restarts) {
  const app = `svc-${i % 40}`;
  const namespace = `team-${i % 8}`;
  const sourceId = `k8s:cluster-${i % clusters}`;
  const name = `${app}-7d9f8b6c5d-${i.toString(36).padStart(5, 'x')}`;
  return {
    id: `${sourceId}/${namespace}/Pod/${name}`,
    kind: 'pod',
    name,
    parentId: `${sourceId}/${namespace}/ReplicaSet/${app}-7d9f8b6c5d`,
    sourceId,
    labels: { app, 'app.kubernetes.io/name': app, 'app.kubernetes.io/part-of': 'shop', 'pod-template-hash': '7d9f8b6c5d', team: namespace },
    annotations: {},
    health: restarts % 7 === 0 ? 'degraded' : 'healthy',
    healthReason: `ready (${restarts} restarts)`,
    status: { phase: 'Running', ready: true, restarts, nodeName: `ip-10-0-${i % 50}-${i % 200}.eu-west-1.compute.internal`, image: `registry.example.com/shop/${app}:1.42.${i % 3}`, reason: null },
    observedAt: 1_767_000_000_000 + restarts,
  };
}

const write = (upserts) => ({ upserts, removes: [], sources: [], forgetSources: [], events: [] });

/** A fresh cache holding every pod, and a way to write a batch of changed ones into it. */
function cacheOf(way) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'daytwo-bench-rows-'));
  const db = openStore(dir);
  const store = new EstateStore(db, new EventStore(db));
  for (let i = 0; i < podCount; i += batchSize) {
    const rows = [];
    for (let j = i; j < Math.min(podCount, i + batchSize); j++) rows.push({ entity: podEntity(j, 0), scope: 'Pod', relations: null });
    store.write(write(rows));
  }
  const upsert = db.prepare(
    `INSERT INTO estate_entities (id, source_id, scope, body) VALUES (?, ?, ?, ?)
     ON CONFLICT (id) DO UPDATE SET source_id = excluded.source_id, scope = excluded.scope, body = excluded.body`,
  );
  const upsertAll = db.transaction((rows) => {
    for (const { entity, scope } of rows) upsert.run(entity.id, entity.sourceId, scope, JSON.stringify(entity));
  });
  const close = () => {
    db.close();
    fs.rmSync(dir, { recursive: true, force: true });
  };
  return { writeRows: way === 'store' ? (rows) => store.write(write(rows)) : upsertAll, close };
}

/** µs a row to write `batches` batches of changed pods, spread over the cache as a watch changes them. */
function measure(way, round) {
  const cache = cacheOf(way);
  const batches = Math.max(1, Math.round(podCount / 5 / batchSize));
  const prepared = [];
  for (let b = 0; b < batches; b++) {
    const rows = [];
    for (let j = 0; j < batchSize; j++) rows.push({ entity: podEntity(((b * batchSize + j) * 7919 + round) % podCount, round + 1), scope: 'Pod', relations: null });
    prepared.push(rows);
  }
  const started = performance.now();
  for (const rows of prepared) cache.writeRows(rows);
  const us = ((performance.now() - started) * 1000) / (batches * batchSize);
  cache.close();
  return us;
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const times = { store: [], upsert: [] };
for (let r = 0; r < rounds; r++) {
  for (const way of r % 2 === 0 ? ['store', 'upsert'] : ['upsert', 'store']) times[way].push(measure(way, r));
}
console.log(`estate cache rows: ${podCount.toLocaleString('en')} pods cached, changed pods written ${batchSize.toLocaleString('en')} a transaction; median of ${rounds} on ${os.cpus().length} cores, load ${os.loadavg().map((l) => l.toFixed(1)).join(' ')}`);
console.log(`  EstateStore.write (body updated in place):  ${median(times.store).toFixed(1).padStart(6)} µs a row  (${times.store.map((t) => t.toFixed(1)).join(', ')})`);
console.log(`  plain upsert of the same rows:              ${median(times.upsert).toFixed(1).padStart(6)} µs a row  (${times.upsert.map((t) => t.toFixed(1)).join(', ')})`);
