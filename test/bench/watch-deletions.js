// A burst's deletions through the watch path alone: 5,000 pod DELETED events (a `deletecollection`
// as the API server streams it) through the real Reflector and ClusterEstate, in 64 KB chunks,
// into a sink that only counts, so neither the estate state, frames nor SQLite are in the figure.
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
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';

const { values: args } = parseArgs({ options: { pods: { type: 'string', default: '5000' }, runs: { type: 'string', default: '6' } } });
const podCount = Number(args.pods);
const runs = Number(args.runs);

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const out = path.resolve(process.env.DAYTWO_OUT ?? path.join(repo, 'out'));
const load = (file) => import(pathToFileURL(path.join(out, file)).href);
if (!fs.existsSync(path.join(out, 'electron/engine/providers/kubernetes/reflector.js'))) {
  console.error(`No compiled engine under ${out}; run npm run build:node first.`);
  process.exit(2);
}
const { Reflector } = await load('electron/engine/providers/kubernetes/reflector.js');
const { ClusterEstate } = await load('electron/engine/providers/kubernetes/cluster-estate.js');
const { toRecord, nameOf } = await load('electron/engine/providers/kubernetes/records.js');

/** A bare pod as the API server sends it (burst-engine.js's shape). */
function pod(i) {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name: `burst-${i}`,
      namespace: 'scale-burst',
      uid: `uid-scale-burst-${i}`,
      resourceVersion: '2',
      creationTimestamp: '2025-01-01T09:00:00Z',
      labels: { burst: 'yes', app: 'scale-burst' },
      managedFields: [{ manager: 'kubelet', operation: 'Update', apiVersion: 'v1', time: '2025-01-01T09:00:05Z', fieldsType: 'FieldsV1', subresource: 'status', fieldsV1: { 'f:status': { 'f:conditions': {}, 'f:containerStatuses': {}, 'f:phase': {}, 'f:podIP': {} } } }],
    },
    spec: {
      nodeName: `node-0-${i % 60}`,
      containers: [{ name: 'app', image: 'registry.k8s.io/pause:3.10', resources: { requests: { cpu: '10m' } }, terminationMessagePath: '/dev/termination-log', imagePullPolicy: 'IfNotPresent' }],
      restartPolicy: 'Always',
      dnsPolicy: 'ClusterFirst',
      serviceAccountName: 'default',
      tolerations: [{ key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 }],
    },
    status: {
      phase: 'Running',
      conditions: [
        { type: 'Initialized', status: 'True', lastTransitionTime: '2025-01-01T09:00:00Z' },
        { type: 'Ready', status: 'True', lastTransitionTime: '2025-01-01T09:00:05Z' },
      ],
      podIP: `10.1.${i % 250}.7`,
      startTime: '2025-01-01T09:00:00Z',
      containerStatuses: [{ name: 'app', state: { running: { startedAt: '2025-01-01T09:00:05Z' } }, ready: true, restartCount: 0, image: 'registry.k8s.io/pause:3.10', containerID: 'containerd://0123456789abcdef', started: true }],
      qosClass: 'Burstable',
    },
  };
}

const objects = Array.from({ length: podCount }, (_, i) => pod(i));
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
      for (let at = 0; at < bytes.length; at += 64 * 1024) onData(bytes.subarray(at, at + 64 * 1024));
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
