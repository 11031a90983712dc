// Estate figures for the performance budgets in ARCHITECTURE.md: how fast the cached estate
// comes back from the store at start, and how much engine heap 10,000 pods take.
//
//   npm run build:node
//   node --expose-gc test/bench/estate-ingest.js [--pods 10000] [--clusters 4]
//
// Plain JavaScript over the compiled engine in out/ (DAYTWO_OUT overrides), because the bench
// must run under plain Node without a TypeScript loader. Prints figures; asserts nothing.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { execFileSync } from 'node:child_process';

const { values: args } = parseArgs({
  options: {
    pods: { type: 'string', default: '10000' },
    clusters: { type: 'string', default: '4' },
    // Internal: start an engine on an existing cache and print its heap, in a process of its own.
    'heap-of': { type: 'string' },
  },
});
const podCount = Number(args.pods);
const clusterCount = Number(args.clusters);

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const out = path.resolve(process.env.DAYTWO_OUT ?? path.join(repo, 'out'));
const load = (file) => import(pathToFileURL(path.join(out, file)).href);

if (typeof globalThis.gc !== 'function') {
  console.error('Run with node --expose-gc, so heap figures are measured after a collection.');
  process.exit(2);
}
if (!fs.existsSync(path.join(out, 'electron/engine/engine.js'))) {
  console.error(`No compiled engine under ${out}; run npm run build:node first.`);
  process.exit(2);
}

const { createEngine } = await load('electron/engine/engine.js');
const { relation } = await load('shared/estate/model.js');
const { regionId } = await load('shared/estate/ids.js');

const sealer = {
  unavailableReason: 'the bench keeps no secrets',
  seal: () => {
    throw new Error('unused');
  },
  open: () => {
    throw new Error('unused');
  },
};

/** Facts shaped like the Kubernetes provider's: labels, status and relations of realistic size. */
function clusterFacts(c, pods) {
  const ctx = `bench-${c}`;
  const sourceId = `kubernetes:${ctx}`;
  const now = Date.now();
  const base = (id, kind, parentId, name, extra = {}) => ({
    id,
    kind,
    name,
    parentId,
    sourceId,
    labels: {},
    annotations: {},
    health: 'healthy',
    healthReason: '',
    status: {},
    observedAt: now,
    ...extra,
  });
  const scopes = { clusters: [], namespaces: [], nodes: [], deployments: [], replicasets: [], pods: [] };
  scopes.clusters.push({ entity: base(`k8s:${ctx}`, 'cluster', regionId('aws', '123456789012', `eu-west-${(c % 3) + 1}`), ctx) });
  const nodes = Math.max(1, Math.ceil(pods / 100));
  for (let n = 0; n < nodes; n++) {
    scopes.nodes.push({
      entity: base(`k8s:${ctx}/Node/ip-10-0-${c}-${n}.eu-west-1.compute.internal`, 'node', `k8s:${ctx}`, `ip-10-0-${c}-${n}`, {
        labels: { 'topology.kubernetes.io/zone': `eu-west-1${'abc'[n % 3]}`, 'node.kubernetes.io/instance-type': 'm6i.2xlarge' },
        status: { ready: true, cpuMilli: 8000, memoryMi: 32768 },
        healthReason: 'Ready',
      }),
    });
  }
  const namespaces = 10;
  const perDeployment = 25;
  for (let ns = 0; ns < namespaces; ns++) {
    scopes.namespaces.push({ entity: base(`k8s:${ctx}/team-${ns}`, 'namespace', `k8s:${ctx}`, `team-${ns}`) });
  }
  for (let p = 0; p < pods; p++) {
    const ns = `team-${p % namespaces}`;
    const d = Math.floor(p / perDeployment);
    const app = `svc-${d}`;
    const deployment = `k8s:${ctx}/${ns}/Deployment/${app}`;
    const rs = `k8s:${ctx}/${ns}/ReplicaSet/${app}-7d9f8c6b5`;
    const labels = {
      'app.kubernetes.io/name': app,
      'app.kubernetes.io/part-of': `product-${d % 20}`,
      'pod-template-hash': '7d9f8c6b5',
      team: `team-${p % namespaces}`,
    };
    if (p % perDeployment === 0) {
      scopes.deployments.push({
        entity: base(deployment, 'deployment', `k8s:${ctx}/${ns}`, app, {
          labels,
          annotations: { 'kubernetes.io/change-cause': `deploy ${app} v1.42.${d}` },
          status: { replicas: perDeployment, readyReplicas: perDeployment, image: `registry.example/${app}:1.42.${d}` },
          healthReason: `${perDeployment} of ${perDeployment} ready`,
        }),
      });
      scopes.replicasets.push({
        entity: base(rs, 'replicaset', `k8s:${ctx}/${ns}`, `${app}-7d9f8c6b5`, { labels }),
        relations: [relation('owns', deployment, rs, sourceId)],
      });
    }
    const pod = `k8s:${ctx}/${ns}/Pod/${app}-7d9f8c6b5-${p.toString(36).padStart(5, 'x')}`;
    const node = scopes.nodes[p % nodes].entity.id;
    scopes.pods.push({
      entity: base(pod, 'pod', `k8s:${ctx}/${ns}`, pod.slice(pod.lastIndexOf('/') + 1), {
        labels,
        status: {
          phase: 'Running',
          ready: true,
          restarts: p % 7,
          image: `registry.example/${app}:1.42.${d}`,
          nodeName: node.slice(node.lastIndexOf('/') + 1),
          podIP: `10.${c}.${(p >> 8) & 255}.${p & 255}`,
        },
        healthReason: 'Running, all containers ready',
      }),
      relations: [relation('owns', rs, pod, sourceId), relation('runs-on', pod, node, sourceId)],
    });
  }
  return { sourceId, ctx, scopes };
}

const mb = (bytes) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;
const ms = (t) => `${t.toFixed(0)} ms`;
function heapAfterGc() {
  globalThis.gc();
  globalThis.gc();
  return process.memoryUsage().heapUsed;
}

if (args['heap-of']) {
  const baseline = heapAfterGc();
  const engine = createEngine({ mode: 'host', version: 'bench', dataDir: args['heap-of'], readOnly: true, sealer, log: () => {} });
  const loaded = heapAfterGc();
  console.log(JSON.stringify({ baseline, loaded, entities: engine.estate.size }));
  await engine.close();
  process.exit(0);
}

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'daytwo-estate-bench-'));
const startEngine = () => createEngine({ mode: 'host', version: 'bench', dataDir, readOnly: true, sealer, log: () => {} });

try {
  // 1. Fill the cache the way providers would: one relist per kind per cluster, then one frame.
  const perCluster = Math.ceil(podCount / clusterCount);
  let engine = startEngine();
  let factCount = 0;
  const clusters = Array.from({ length: clusterCount }, (_, c) =>
    clusterFacts(c, Math.min(perCluster, podCount - c * perCluster)),
  );
  const ingestStart = performance.now();
  for (const { sourceId, ctx, scopes } of clusters) {
    engine.sources.upsert({
      id: sourceId,
      kind: 'kubernetes',
      name: ctx,
      location: `https://${ctx}.example:6443`,
      state: 'live',
      reason: 'Watching',
      lastSyncAt: Date.now(),
      enabled: true,
      sandbox: true,
    });
    for (const [scope, facts] of Object.entries(scopes)) {
      engine.estate.replace(sourceId, scope, facts);
      factCount += facts.length;
    }
  }
  const applied = performance.now();
  engine.estate.flush();
  const flushed = performance.now();
  const entityCount = engine.estate.size;
  // Closing writes what the per-frame write limit left for later frames.
  await engine.close();
  const written = performance.now();

  // 2. A restart: how soon the cached estate is served, before any provider runs.
  const openStart = performance.now();
  engine = startEngine();
  const opened = performance.now();
  const answer = await engine.router.call('estate.snapshot', {}, { transport: 'internal' });
  const answered = performance.now();
  if (!answer.ok) throw new Error(`estate.snapshot failed: ${answer.error.message}`);
  const bytes = Buffer.byteLength(JSON.stringify(answer.result));
  const snapshotPods = answer.result.entities.filter((e) => e.kind === 'pod').length;

  // 3. A watch burst: every pod modified once (a rollout restart), through the sink, one frame.
  const burst = [];
  for (const entity of answer.result.entities) {
    if (entity.kind === 'pod') burst.push({ sourceId: entity.sourceId, entity: { ...entity, observedAt: Date.now() } });
  }
  const burstStart = performance.now();
  for (const { sourceId, entity } of burst) engine.estate.apply(sourceId, 'pods', { upsert: [{ entity }] });
  const burstApplied = performance.now();
  engine.estate.flush();
  await engine.close();
  const burstFlushed = performance.now();

  // Heap in a fresh process: this one still holds the generated facts and the API answer.
  const heap = JSON.parse(
    execFileSync(process.execPath, ['--expose-gc', fileURLToPath(import.meta.url), '--heap-of', dataDir], {
      env: { ...process.env, DAYTWO_OUT: out },
      encoding: 'utf8',
    }),
  );
  const dbBytes = fs.statSync(path.join(dataDir, 'daytwo.sqlite')).size;
  console.log(`estate bench: ${podCount} pods in ${clusterCount} clusters (${entityCount} entities with derived ones), Node ${process.version}`);
  console.log(`  first ingest: ${factCount} facts applied in ${ms(applied - ingestStart)}, first frame cut in ${ms(flushed - applied)}, all written in ${ms(written - applied)}; store file ${mb(dbBytes)}`);
  console.log(`  snapshot load from the store (engine start with cache): ${ms(opened - openStart)}`);
  console.log(`  estate.snapshot through the router (validated): ${ms(answered - opened)}, ${snapshotPods} pods, ${mb(bytes)} of JSON`);
  console.log(
    `  engine heap after starting on the cache: ${mb(heap.loaded)} (${mb(heap.baseline)} before the engine started, so ${mb(heap.loaded - heap.baseline)} for ${heap.entities} entities)`,
  );
  console.log(`  watch burst: ${burst.length} pod updates applied in ${ms(burstApplied - burstStart)}, cut and written in ${ms(burstFlushed - burstApplied)} (${Math.round(burst.length / ((burstFlushed - burstStart) / 1000))} updates/s through the state)`);
} finally {
  fs.rmSync(dataDir, { recursive: true, force: true });
}
