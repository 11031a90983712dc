// A watch burst through the engine alone, the engine's share of issue 17's "a watch burst of
// 5,000 pod changes → overview and topology updated ≤ 500 ms, no frame over 100 ms": an engine
// (createEngine, host mode, its catalog and store included) holding 50,000 pods in five
// clusters, then 5,000 bare pods of one namespace deleted at once, as the scale bench's
// `deletecollection` does, arriving as watch DELETED events through the real Reflector, records
// and ClusterEstate, one HTTP chunk per event as an API server sends them, 64 KB a socket read
// with the event loop free between reads. Prints the time until the frame that carries the last deletion leaves the engine
// (serialised for the wire, as a subscriber's push), until the engine is idle again (its
// scorecard pass after the frames included), the engine's CPU time over the burst, and the
// longest the event loop was held meanwhile, and the CPU the process spent until the last frame
// left (the burst's own work, before the scorecard pass). Deterministic: no randomness, no network.
//
//   npm run build:node
//   node --expose-gc test/bench/burst-engine.js [--pods 50000] [--clusters 5] [--burst 5000] [--runs 2]
//
// Plain JavaScript over the compiled engine in out/ (DAYTWO_OUT overrides). Asserts nothing.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { meta, nodesPerCluster, pod } from './bench-objects.js';
import { compiledEngine } from './compiled.js';
import { feedWatch } from './watch-wire.js';

const { values: args } = parseArgs({
  options: {
    pods: { type: 'string', default: '50000' },
    clusters: { type: 'string', default: '5' },
    burst: { type: 'string', default: '5000' },
    runs: { type: 'string', default: '2' },
  },
});
const totalPods = Number(args.pods);
const clusterCount = Number(args.clusters);
const burstSize = Number(args.burst);
const runs = Number(args.runs);

const load = compiledEngine('electron/engine/engine.js');
const { Reflector } = await load('electron/engine/providers/kubernetes/reflector.js');
const { ClusterEstate } = await load('electron/engine/providers/kubernetes/cluster-estate.js');
const { toRecord, nameOf } = await load('electron/engine/providers/kubernetes/records.js');
const { createEngine } = await load('electron/engine/engine.js');
// The engine's watch decoder (a worker thread), as sources/start-sources.ts makes it, where the
// build has one (DAYTWO_OUT may point at an older build, which reads watch lines on its thread).
const decoder = await load('electron/engine/providers/kubernetes/watch-decoder.js').then(
  (module) => new module.WatchDecoder(),
  () => null,
);

const namespacesPerCluster = 10;
const deploymentsPerNamespace = 30;
const burstNamespace = 'scale-burst';


function node(c, i) {
  return {
    metadata: { ...meta(undefined, `node-${c}-${i}`), labels: { 'topology.kubernetes.io/zone': `dc${c}-${i % 3}`, 'node.kubernetes.io/pool': 'general' } },
    spec: { providerID: '' },
    status: { conditions: [{ type: 'Ready', status: 'True' }], nodeInfo: { kubeletVersion: 'v1.31.2' } },
  };
}

function deployment(ns, d, replicas) {
  const app = `${ns}-svc-${d}`;
  const labels = { 'app.kubernetes.io/name': app, 'app.kubernetes.io/part-of': ns, team: `team-${d % 7}` };
  const template = {
    metadata: { labels: { app, ...labels } },
    spec: { containers: [{ name: 'app', image: `registry.example.com/${app}:1.0`, readinessProbe: { httpGet: { path: '/ready', port: 8080 } }, resources: { requests: { cpu: '100m', memory: '128Mi' }, limits: { memory: '256Mi' } } }] },
  };
  return {
    metadata: { ...meta(ns, app, { generation: 1 }), labels, annotations: { 'deployment.kubernetes.io/revision': '1' } },
    spec: { replicas, selector: { matchLabels: { app } }, template },
    status: { observedGeneration: 1, replicas, readyReplicas: replicas, availableReplicas: replicas, updatedReplicas: replicas, conditions: [{ type: 'Available', status: 'True' }, { type: 'Progressing', status: 'True', reason: 'NewReplicaSetAvailable' }] },
  };
}

function replicaSet(ns, d, replicas) {
  const app = `${ns}-svc-${d}`;
  return {
    metadata: { ...meta(ns, `${app}-7d9f8b6c5d`), labels: { app, 'pod-template-hash': '7d9f8b6c5d' }, ownerReferences: [{ apiVersion: 'apps/v1', kind: 'Deployment', name: app, uid: `uid-${ns}-${app}`, controller: true }] },
    spec: { replicas, template: { spec: { containers: [{ name: 'app', image: `registry.example.com/${app}:1.0` }] } } },
    status: { replicas, readyReplicas: replicas, availableReplicas: replicas },
  };
}

function service(ns, d) {
  const app = `${ns}-svc-${d}`;
  return { metadata: { ...meta(ns, app), labels: { 'app.kubernetes.io/name': app, 'app.kubernetes.io/part-of': ns } }, spec: { type: 'ClusterIP', selector: { app } }, status: {} };
}

function endpoints(ns, d, ready) {
  return { metadata: meta(ns, `${ns}-svc-${d}`), subsets: [{ addresses: Array.from({ length: ready }, (_, i) => ({ ip: `10.1.${d}.${i}` })) }] };
}

/** One cluster's objects by kind; cluster 0 also has the burst's bare pods. */
function clusterObjects(c, podsHere) {
  const objects = { Namespace: [], Node: [], Deployment: [], ReplicaSet: [], Service: [], Endpoints: [], Pod: [], burst: [] };
  for (let i = 0; i < nodesPerCluster; i++) objects.Node.push(node(c, i));
  const perDeployment = Math.max(1, Math.round(podsHere / (namespacesPerCluster * deploymentsPerNamespace)));
  let made = 0;
  for (let n = 0; n < namespacesPerCluster; n++) {
    const ns = `team-${n}`;
    objects.Namespace.push({ metadata: meta(undefined, ns), status: { phase: 'Active' } });
    for (let d = 0; d < deploymentsPerNamespace; d++) {
      const app = `${ns}-svc-${d}`;
      objects.Deployment.push(deployment(ns, d, perDeployment));
      objects.ReplicaSet.push(replicaSet(ns, d, perDeployment));
      objects.Service.push(service(ns, d));
      objects.Endpoints.push(endpoints(ns, d, Math.min(perDeployment, 50)));
      for (let r = 0; r < perDeployment && made < podsHere; r++, made++) {
        objects.Pod.push(pod(c, ns, `${app}-7d9f8b6c5d-${r.toString(36).padStart(5, 'x')}`, made, `${app}-7d9f8b6c5d`, { app, 'pod-template-hash': '7d9f8b6c5d' }));
      }
    }
  }
  if (c === 0 && burstSize > 0) {
    objects.Namespace.push({ metadata: meta(undefined, burstNamespace), status: { phase: 'Active' } });
    for (let i = 0; i < burstSize; i++) objects.burst.push(pod(c, burstNamespace, `burst-${i}`, i, null, { burst: 'yes', app: 'scale-burst' }));
  }
  return objects;
}

function cpuMs() {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

async function runOnce() {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'daytwo-bench-burst-'));
  const sealer = { unavailableReason: 'bench', seal() { throw new Error('no'); }, open() { throw new Error('no'); } };
  const engine = createEngine({ mode: 'host', version: 'bench', dataDir, readOnly: false, sealer, log: () => {} });
  const regularPerCluster = Math.floor((totalPods - burstSize) / clusterCount);

  let release;
  const burstGo = new Promise((resolve) => (release = resolve));
  let burstBytes = Buffer.alloc(0);
  let reflector = null;
  let listed;
  const burstListed = new Promise((resolve) => (listed = resolve));
  const setupStarted = performance.now();
  for (let c = 0; c < clusterCount; c++) {
    const sourceId = `k8s:bench-${c}`;
    engine.sources.upsert({ id: sourceId, kind: 'kubernetes', name: `bench-${c}`, location: `dc${c}`, state: 'live', reason: '', lastSyncAt: Date.now(), enabled: true, sandbox: false });
    const estate = new ClusterEstate({ context: `bench-${c}`, sourceId, sink: engine.estate, hints: { clusterName: `bench-${c}`, server: `https://bench-${c}` } });
    const objects = clusterObjects(c, regularPerCluster);
    for (const kind of ['Namespace', 'Node', 'Deployment', 'ReplicaSet', 'Service', 'Endpoints']) {
      estate.sinkFor(kind).replace(objects[kind].map((o) => toRecord(kind, o)).filter(Boolean));
    }
    if (c !== 0) {
      estate.sinkFor('Pod').replace(objects.Pod.map((o) => toRecord('Pod', o)));
      continue;
    }
    // Cluster 0's pods come through a real Reflector: its list, then a watch that stays quiet until the burst.
    const items = [...objects.Pod, ...objects.burst];
    burstBytes = Buffer.from(objects.burst.map((o) => JSON.stringify({ type: 'DELETED', object: { ...o, metadata: { ...o.metadata, resourceVersion: '2' } } })).join('\n') + '\n', 'utf8');
    let streams = 0;
    const client = {
      server: 'https://bench-0',
      async getJson(_path, query) {
        const from = Number(query.continue ?? 0);
        const limit = Number(query.limit);
        const next = from + limit < items.length ? String(from + limit) : undefined;
        return { metadata: { resourceVersion: '1', continue: next }, items: items.slice(from, from + limit) };
      },
      async stream(_path, _query, signal, onData) {
        const abort = new Promise((_resolve, reject) => signal.addEventListener('abort', () => reject(new Error('aborted'))));
        if (streams++ > 0) return abort;
        listed();
        await Promise.race([burstGo, abort]);
        await feedWatch(burstBytes, onData, signal);
        return abort;
      },
    };
    // Wired as cluster-source.ts wires it (a build without `nameOf` maps every deletion).
    const held = estate.heldRecords('Pod');
    reflector = new Reflector({ client, resource: { kind: 'Pod', path: '/api/v1/pods', namespaced: true }, toRecord: (raw) => toRecord('Pod', raw, held), nameOf, decode: decoder?.for('Pod', held), sink: estate.sinkFor('Pod'), onStatus: () => {}, inactivityMs: 600_000 });
    reflector.start();
  }
  await burstListed;
  // Let the list's frames be cut and persisted and the scorecards evaluated, as a running engine has.
  const settle = async () => {
    for (let waited = 0; waited < 60; waited++) {
      const before = cpuMs();
      await new Promise((resolve) => setTimeout(resolve, 1_000));
      if (cpuMs() - before < 30) return;
    }
  };
  await settle();
  const setupMs = performance.now() - setupStarted;
  const entities = engine.estate.size;

  // The frames as they leave the engine: a subscriber's push, serialised as the WebSocket transport does.
  const burstIds = new Set(objects0BurstIds());
  let removedSeen = 0;
  let firstFrameAt = null;
  let lastFrameAt = null;
  let frames = 0;
  let lastFrameCpu = null;
  const subscription = engine.router.subscribe(
    'estate.subscribe',
    {},
    (message) => {
      const text = JSON.stringify(message);
      let hits = 0;
      for (const id of message.removed ?? []) if (burstIds.has(id)) hits++;
      if (hits === 0) return;
      frames++;
      removedSeen += hits;
      const at = performance.now();
      firstFrameAt ??= at;
      if (removedSeen >= burstIds.size) {
        lastFrameAt = at;
        lastFrameCpu = cpuMs();
      }
      void text;
    },
    { transport: 'internal' },
  );
  if (!subscription.ok) throw new Error(`could not subscribe: ${subscription.error.message}`);

  // The event loop's longest hold over the burst, and when the process last used the CPU.
  let longest = 0;
  let lastTick = performance.now();
  const lag = setInterval(() => {
    const now = performance.now();
    longest = Math.max(longest, now - lastTick);
    lastTick = now;
  }, 5);
  globalThis.gc?.();
  if (profiler) await profiler.post('Profiler.start');
  const cpuStart = cpuMs();
  const started = performance.now();
  lastTick = started;
  release();
  let lastBusyAt = started;
  let cpuAtLastBusy = cpuStart;
  let previousCpu = cpuStart;
  await new Promise((resolve) => {
    const sampler = setInterval(() => {
      const now = performance.now();
      const cpu = cpuMs();
      // Busy: more than 3 ms of CPU in the last 50 ms. An idle engine uses next to none (these
      // samplers well under 1 ms), and on a loaded machine a busy one may get only a sliver of a core.
      if (cpu - previousCpu > 3) {
        lastBusyAt = now;
        cpuAtLastBusy = cpu;
      }
      previousCpu = cpu;
      if (lastFrameAt !== null && now - lastBusyAt > 2_000) {
        clearInterval(sampler);
        resolve();
      }
      if (now - started > 120_000) {
        clearInterval(sampler);
        resolve();
      }
    }, 50);
  });
  clearInterval(lag);
  if (profiler) {
    const { profile } = await profiler.post('Profiler.stop');
    fs.writeFileSync(process.env.DAYTWO_BENCH_PROFILE, JSON.stringify(profile));
  }
  subscription.close();
  await reflector.stop();
  await engine.close();
  fs.rmSync(dataDir, { recursive: true, force: true });
  return {
    setupMs,
    entities,
    firstMs: firstFrameAt === null ? NaN : firstFrameAt - started,
    frameMs: lastFrameAt === null ? NaN : lastFrameAt - started,
    idleMs: lastBusyAt - started,
    cpuMs: cpuAtLastBusy - cpuStart,
    frameCpuMs: lastFrameCpu === null ? NaN : lastFrameCpu - cpuStart,
    longestMs: longest,
    frames,
  };

  function objects0BurstIds() {
    const ids = [];
    for (let i = 0; i < burstSize; i++) ids.push(`k8s:bench-0/${burstNamespace}/Pod/burst-${i}`);
    return ids;
  }
}

// DAYTWO_BENCH_PROFILE=file.cpuprofile: a CPU profile of the burst alone (the last run's).
let profiler = null;
if (process.env.DAYTWO_BENCH_PROFILE) {
  const inspector = await import('node:inspector/promises');
  profiler = new inspector.Session();
  profiler.connect();
  await profiler.post('Profiler.enable');
}

const load0 = os.loadavg();
console.log(`burst through the engine: ${totalPods.toLocaleString('en')} pods in ${clusterCount} clusters, ${burstSize.toLocaleString('en')} bare pods of one namespace deleted at once; watch lines read ${decoder?.threaded ? 'in the decoder\'s worker' : 'on the engine\'s thread'}; ${os.cpus().length} cores, load ${load0.map((l) => l.toFixed(1)).join(' ')}`);
for (let r = 0; r < runs; r++) {
  const result = await runOnce();
  globalThis.gc?.();
  console.log(
    `run ${r + 1}: ${result.entities.toLocaleString('en')} entities (set up in ${(result.setupMs / 1000).toFixed(1)} s); ` +
      `first frame with the burst ${result.firstMs.toFixed(0)} ms, last of it ${result.frameMs.toFixed(0)} ms (${result.frames} frames, ${result.frameCpuMs.toFixed(0)} ms CPU); ` +
      `engine idle ${result.idleMs.toFixed(0)} ms; CPU ${result.cpuMs.toFixed(0)} ms; longest hold of the event loop ${result.longestMs.toFixed(0)} ms`,
  );
}
await decoder?.close();
console.log(`load at end ${os.loadavg().map((l) => l.toFixed(1)).join(' ')}`);
