// The event store at a million events: how long "events of these entities between t1 and t2,
// newest first" takes for one pod, a deployment with its 10 pods, and a namespace of 1,000
// entities, first page and a deep page.
//
//   npm run build:node
//   node test/bench/event-store.js [--events 1000000]
//
// Plain JavaScript over the compiled engine in out/. Prints figures; asserts nothing.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';

const { values: args } = parseArgs({ options: { events: { type: 'string', default: '1000000' } } });
const total = Number(args.events);
const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const out = path.resolve(process.env.DAYTWO_OUT ?? path.join(repo, 'out'));
const load = (file) => import(pathToFileURL(path.join(out, file)).href);
const { openStore } = await load('electron/engine/store/database.js');
const { EventStore } = await load('electron/engine/store/event-store.js');

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'daytwo-bench-events-'));
const db = openStore(dir);
const now = Date.now();
const store = new EventStore(db, { now: () => now });
const entities = 50_000;
const entity = (i) => `k8s:bench/ns-${i % 50}/Pod/pod-${i}`;
const kinds = ['kubernetes', 'kubernetes', 'kubernetes', 'alarm', 'alert', 'operation'];

const t0 = performance.now();
const batch = [];
for (let i = 0; i < total; i++) {
  // Spread over the last 20 days, so the 30-day retention keeps them all.
  const at = now - Math.floor((i / total) * 20 * 86_400_000);
  batch.push({ id: `e${i}`, sourceId: 'k8s:bench', kind: kinds[i % kinds.length], entityId: entity(i % entities), type: i % 7 ? 'normal' : 'warning', reason: 'Pulled', message: `event ${i}`, count: 1, firstAt: at, lastAt: at });
  if (batch.length === 10_000) store.append(batch.splice(0));
}
store.append(batch.splice(0));
const loadMs = performance.now() - t0;

function timed(label, query) {
  const runs = [];
  let page;
  for (let i = 0; i < 7; i++) {
    const t = performance.now();
    page = store.query(query);
    runs.push(performance.now() - t);
  }
  runs.sort((a, b) => a - b);
  console.log(`${label.padEnd(58)} ${runs[3].toFixed(2).padStart(7)} ms median (${page.events.length} events)`);
  return page;
}

console.log(`${store.count()} events over ${entities} entities, appended in ${(loadMs / 1000).toFixed(1)} s; ${os.cpus().length} cores, load ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}`);
timed('one pod, all time, newest 200', { entityIds: [entity(123)] });
timed('one pod, last 24 h', { entityIds: [entity(123)], from: now - 86_400_000, to: now });
const deployment = Array.from({ length: 11 }, (_, i) => entity(1000 + i));
timed('a deployment and its 10 pods, last 7 days, newest 200', { entityIds: deployment, from: now - 7 * 86_400_000, to: now });
const namespace = Array.from({ length: 1000 }, (_, i) => entity(i * 50));
const first = timed('a namespace of 1,000 entities, last 7 days, newest 200', { entityIds: namespace, from: now - 7 * 86_400_000, to: now });
timed('  … its next page (cursor)', { entityIds: namespace, from: now - 7 * 86_400_000, to: now, cursor: first.nextCursor });
timed('a namespace of 1,000 entities, alarms and alerts only', { entityIds: namespace, kinds: ['alarm', 'alert'] });
db.close();
fs.rmSync(dir, { recursive: true, force: true });
