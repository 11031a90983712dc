// Incident timeline figures: how long `incidents.timeline` takes to assemble a 50,000-item
// timeline (events of a deployment's pods from the event store, audit entries, notes) through
// the router, as the view asks for it, and how big the answer is.
//
//   npm run build:node
//   node test/bench/incident-timeline.js [--events 50000] [--pods 200]
//
// Plain JavaScript over the compiled engine in out/ (DAYTWO_OUT overrides). Prints figures; asserts nothing.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';

const { values: args } = parseArgs({ options: { events: { type: 'string', default: '50000' }, pods: { type: 'string', default: '200' } } });
const eventCount = Number(args.events);
const podCount = Number(args.pods);
const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const out = path.resolve(process.env.DAYTWO_OUT ?? path.join(repo, 'out'));
if (!fs.existsSync(path.join(out, 'electron/engine/engine.js'))) {
  console.error(`No compiled engine under ${out}; run npm run build:node first.`);
  process.exit(2);
}
const { createEngine } = await import(pathToFileURL(path.join(out, 'electron/engine/engine.js')).href);
const { passphraseSealer } = await import(pathToFileURL(path.join(out, 'electron/engine/connections/vault.js')).href);

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'daytwo-bench-timeline-'));
const engine = createEngine({ mode: 'host', version: 'bench', dataDir: dir, readOnly: false, sealer: passphraseSealer(undefined), log: () => {} });
try {
  const source = 'k8s:bench';
  const ns = 'k8s:bench/shop';
  const deployment = `${ns}/Deployment/api`;
  const replicaSet = `${ns}/ReplicaSet/api-1`;
  const entity = (id, kind, parentId) => ({ id, kind, name: id.split('/').pop(), parentId, sourceId: source, labels: {}, annotations: {}, health: 'healthy', healthReason: '', status: {}, observedAt: Date.now() });
  const pods = Array.from({ length: podCount }, (_, i) => `${ns}/Pod/api-1-${i}`);
  engine.estate.replace(source, 'bench', [
    { entity: entity(deployment, 'deployment', ns) },
    { entity: entity(replicaSet, 'replicaset', deployment), relations: [{ id: `owns:${deployment}->${replicaSet}`, kind: 'owns', from: deployment, to: replicaSet, sourceId: source }] },
    ...pods.map((id) => ({ entity: entity(id, 'pod', replicaSet), relations: [{ id: `owns:${replicaSet}->${id}`, kind: 'owns', from: replicaSet, to: id, sourceId: source }] })),
  ]);
  const t0 = Date.now() - 3_600_000;
  const batch = [];
  for (let i = 0; i < eventCount; i++) {
    const at = t0 + Math.floor((i / eventCount) * 3_000_000);
    batch.push({ id: `e${i}`, sourceId: source, entityId: pods[i % pods.length], kind: 'kubernetes', type: i % 3 ? 'normal' : 'warning', reason: i % 3 ? 'Pulled' : 'BackOff', message: `event ${i}`, count: 1, firstAt: at, lastAt: at });
    if (batch.length === 5000) {
      engine.estate.recordEvents(source, batch.splice(0));
      engine.estate.flush();
    }
  }
  engine.estate.recordEvents(source, batch.splice(0));
  engine.estate.flush();
  const declared = await engine.router.call('incidents.declare', { title: 'bench', severity: 'SEV3', impacted: [deployment], detectedAt: t0 + 60_000 }, { transport: 'internal' });
  const id = declared.result.incident.id;
  for (let i = 0; i < 50; i++) await engine.router.call('incidents.note', { incidentId: id, text: `note ${i}` }, { transport: 'internal' });

  const runs = [];
  let answer;
  for (let i = 0; i < 5; i++) {
    const start = performance.now();
    answer = await engine.router.call('incidents.timeline', { id, limit: 100_000 }, { transport: 'internal' });
    runs.push(performance.now() - start);
  }
  runs.sort((a, b) => a - b);
  const bytes = Buffer.byteLength(JSON.stringify(answer.result));
  console.log(`incidents.timeline: ${answer.result.total} items (${eventCount} events over ${podCount} pods, 50 notes)`);
  console.log(`  assemble + validate through the router: median ${runs[2].toFixed(0)} ms, best ${runs[0].toFixed(0)} ms, worst ${runs[4].toFixed(0)} ms`);
  console.log(`  answer: ${(bytes / 1e6).toFixed(1)} MB of JSON`);
  console.log(`  load: ${os.loadavg().map((l) => l.toFixed(1)).join(' ')} on ${os.cpus().length} cores`);
} finally {
  await engine.close();
  fs.rmSync(dir, { recursive: true, force: true });
}
