// estate.snapshot through the router at 10k, 30k and 50k pods: the time the API takes to hand a
// view the whole estate, with the contract check sampled (what runs, docs/architecture.md) and
// with it on every call (what ran before), plus the JSON a transport then writes.
//
//   npm run build:node
//   node test/bench/estate-snapshot.js [--sizes 10000,30000,50000]
//
// Plain JavaScript over the compiled engine in out/ (DAYTWO_OUT overrides). Prints figures; asserts nothing.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';

const { values: args } = parseArgs({ options: { sizes: { type: 'string', default: '10000,30000,50000' } } });
const sizes = args.sizes.split(',').map(Number);
const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const out = path.resolve(process.env.DAYTWO_OUT ?? path.join(repo, 'out'));
const load = (file) => import(pathToFileURL(path.join(out, file)).href);
if (!fs.existsSync(path.join(out, 'electron/engine/engine.js'))) {
  console.error(`No compiled engine under ${out}; run npm run build:node first.`);
  process.exit(2);
}
const { createEngine } = await load('electron/engine/engine.js');
const { relation } = await load('shared/estate/model.js');
const ids = await load('shared/estate/ids.js');

const sealer = { unavailableReason: 'the bench keeps no secrets', seal: () => Buffer.alloc(0), open: () => '' };

/** Pods shaped like the Kubernetes provider's, in deployments of 10, over 3 clusters. */
function feed(engine, pods) {
  const now = Date.now();
  for (let c = 0; c < 3; c++) {
    const key = ids.clusterKey(`bench-${c}`);
    const sourceId = ids.kubeSourceId(`bench-${c}`);
    const e = (id, kind, parentId, name, extra = {}) => ({
      entity: { id, kind, name, parentId, sourceId, labels: {}, annotations: {}, health: 'healthy', healthReason: 'Running, ready', status: {}, observedAt: now, ...extra.entity },
      relations: extra.relations ?? [],
    });
    const clusterId = ids.clusterId(key);
    const perCluster = Math.ceil(pods / 3);
    const facts = { cluster: [e(clusterId, 'cluster', null, `bench-${c}`)], namespaces: [], deployments: [], pods: [] };
    for (let ns = 0; ns < 20; ns++) facts.namespaces.push(e(ids.namespaceId(key, `ns-${ns}`), 'namespace', clusterId, `ns-${ns}`));
    for (let d = 0; d < perCluster / 10; d++) {
      const ns = `ns-${d % 20}`;
      const deployment = ids.kubeObjectId(key, 'Deployment', ns, `app-${d}`);
      facts.deployments.push(e(deployment, 'deployment', ids.namespaceId(key, ns), `app-${d}`, {
        entity: { labels: { 'app.kubernetes.io/name': `app-${d}`, 'app.kubernetes.io/part-of': `product-${d % 40}` }, status: { replicas: 10, readyReplicas: 10 } },
      }));
      for (let p = 0; p < 10; p++) {
        const name = `app-${d}-7d4f9c-${p.toString(36).padStart(5, 'x')}`;
        const pod = ids.kubeObjectId(key, 'Pod', ns, name);
        facts.pods.push(e(pod, 'pod', deployment, name, {
          entity: { labels: { app: `app-${d}`, 'pod-template-hash': '7d4f9c' }, status: { phase: 'Running', restarts: 0, nodeName: `node-${p}`, image: `registry/app-${d}:1.2.3` } },
          relations: [relation('owns', deployment, pod, sourceId), relation('runs-on', pod, ids.kubeObjectId(key, 'Node', null, `node-${p}`), sourceId)],
        }));
      }
    }
    for (const [scope, list] of Object.entries(facts)) engine.estate.replace(sourceId, scope, list);
  }
  engine.estate.flush();
}

async function time(engine, runs) {
  const times = [];
  let bytes = 0;
  let jsonMs = 0;
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    const outcome = await engine.router.call('estate.snapshot', {}, { transport: 'internal' });
    times.push(performance.now() - t0);
    if (!outcome.ok) throw new Error(outcome.error.message);
    const t1 = performance.now();
    bytes = JSON.stringify(outcome.result).length;
    jsonMs = performance.now() - t1;
  }
  times.sort((a, b) => a - b);
  return { median: times[Math.floor(times.length / 2)], bytes, jsonMs };
}

console.log(`estate.snapshot, ${os.cpus().length} cores, load ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}`);
for (const pods of sizes) {
  for (const every of [20, 1]) {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'daytwo-bench-snapshot-'));
    const engine = createEngine({ mode: 'host', version: 'bench', dataDir: dir, readOnly: false, sealer, log: () => {}, contractSampleEvery: every });
    feed(engine, pods);
    // every=20: the first calls are the unchecked ones a first paint makes; every=1 checks each.
    const { median, bytes, jsonMs } = await time(engine, every === 1 ? 3 : 5);
    console.log(
      `${String(pods).padStart(6)} pods (${engine.estate.size} entities): ${every === 1 ? 'checked every call ' : 'sampled (1 in 20)  '} median ${median.toFixed(0).padStart(5)} ms; JSON ${(bytes / 1e6).toFixed(1)} MB in ${jsonMs.toFixed(0)} ms`,
    );
    await engine.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
