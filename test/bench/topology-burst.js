// The renderer's share of issue 17's topology figures, without a sandbox or a browser: an estate
// shaped like the sandbox's `--pods N --clusters C` (tenant namespaces of web/api/worker
// Deployments, a Service selecting each, pods through ReplicaSets, pods on nodes), then the
// work a 5,000-pod burst costs the renderer from a frame's arrival (EstateIndex.apply, the
// topology's layout, grid and lines, the overview's rollup) and the work one topology frame
// costs at a few zoom levels, counted as canvas calls on a stub context (deterministic) and
// timed as CPU.
//
//   node test/bench/topology-burst.js [--pods 50000] [--clusters 5] [--rounds 5]
//
// The renderer's TypeScript is bundled for Node by rolldown (Vite's bundler) into a temp
// folder first. Prints figures; asserts nothing.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { build } from 'rolldown';

const { values: args } = parseArgs({
  options: {
    pods: { type: 'string', default: '50000' },
    clusters: { type: 'string', default: '5' },
    rounds: { type: 'string', default: '5' },
    burst: { type: 'string', default: '5000' },
  },
});
const podTarget = Number(args.pods);
const clusterCount = Number(args.clusters);
const rounds = Number(args.rounds);
const BURST = Number(args.burst);

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'daytwo-bench-topology-'));
const entry = path.join(dir, 'entry.ts');
fs.writeFileSync(
  entry,
  [
    `export { EstateIndex } from ${JSON.stringify(path.join(repo, 'renderer/features/estate/estate-index.ts'))};`,
    `export * from ${JSON.stringify(path.join(repo, 'renderer/features/topology/layout.ts'))};`,
    `export { structuralEdges } from ${JSON.stringify(path.join(repo, 'renderer/features/topology/edges.ts'))};`,
    `export { BoxGrid } from ${JSON.stringify(path.join(repo, 'renderer/features/topology/spatial-index.ts'))};`,
    `export { drawScene } from ${JSON.stringify(path.join(repo, 'renderer/features/topology/draw.ts'))};`,
    `export * from ${JSON.stringify(path.join(repo, 'renderer/features/estate/rollup.ts'))};`,
    `export { ownersIn } from ${JSON.stringify(path.join(repo, 'renderer/features/estate/filters.ts'))};`,
    `export { summarise } from ${JSON.stringify(path.join(repo, 'shared/estate/health.ts'))};`,
  ].join('\n'),
);
// Before the incremental model existed the bench measured full layouts only; keep it runnable on both.
const modelFile = path.join(repo, 'renderer/features/topology/topology-model.ts');
if (fs.existsSync(modelFile)) fs.appendFileSync(entry, `\nexport * from ${JSON.stringify(modelFile)};`);
await build({ input: entry, platform: 'node', output: { file: path.join(dir, 'bundle.mjs'), format: 'esm' }, logLevel: 'silent' });
const r = await import(pathToFileURL(path.join(dir, 'bundle.mjs')).href);
fs.rmSync(dir, { recursive: true, force: true });

const now = 1_700_000_000_000;
function entity(id, kind, name, parentId, sourceId, health = 'healthy') {
  return { id, kind, name, parentId, sourceId, labels: { app: name }, annotations: {}, health, healthReason: health === 'healthy' ? 'Running' : 'CrashLoopBackOff', status: {}, observedAt: now };
}
const rel = (kind, from, to, sourceId) => ({ id: `${kind}:${from}->${to}`, kind, from, to, sourceId });

/** An estate of the sandbox's shape at `pods` pods in `clusters` clusters. */
function sandboxLike(pods, clusters) {
  const entities = [entity('cloud:aws', 'cloud', 'aws', null, 'derived'), entity('account:aws/1', 'account', '1', 'cloud:aws', 'derived'), entity('region:aws/1/eu', 'region', 'eu-west-1', 'account:aws/1', 'derived')];
  const relations = [];
  let seed = 7;
  const random = () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff);
  const nodes = [];
  for (let c = 0; c < clusters; c++) {
    const src = `kubernetes:c${c}`;
    entities.push(entity(`k8s:c${c}`, 'cluster', `cluster-${c}`, 'region:aws/1/eu', src));
    const nodeCount = Math.ceil(pods / clusters / 40);
    nodes[c] = [];
    for (let n = 0; n < nodeCount; n++) {
      const id = `k8s:c${c}/Node/node-${n}`;
      entities.push(entity(id, 'node', `node-${n}`, `k8s:c${c}`, src));
      nodes[c].push(id);
    }
  }
  let remaining = pods;
  for (let t = 0; remaining > 0; t++) {
    const c = t % clusters;
    const src = `kubernetes:c${c}`;
    const ns = `k8s:c${c}/Namespace/tenant-${t}`;
    entities.push(entity(ns, 'namespace', `tenant-${String(t).padStart(4, '0')}`, `k8s:c${c}`, src));
    for (const tier of ['web', 'api', 'worker']) {
      if (remaining <= 0) break;
      const replicas = Math.min(remaining, 4 + Math.floor(random() * 9));
      remaining -= replicas;
      const deploy = `${ns}/Deployment/${tier}`;
      const rs = `${ns}/ReplicaSet/${tier}-7d4f9c`;
      const svc = `${ns}/Service/${tier}`;
      entities.push(entity(deploy, 'deployment', tier, ns, src), entity(rs, 'replicaset', `${tier}-7d4f9c`, deploy, src), entity(svc, 'service', tier, ns, src));
      relations.push(rel('owns', deploy, rs, src), rel('selects', svc, deploy, src));
      for (let p = 0; p < replicas; p++) {
        const pod = `${ns}/Pod/${tier}-7d4f9c-${p}`;
        const bad = random() < 0.01;
        entities.push(entity(pod, 'pod', `${tier}-7d4f9c-${p}`, rs, src, bad ? 'failing' : 'healthy'));
        const node = nodes[c][Math.floor(random() * nodes[c].length)];
        relations.push(rel('owns', rs, pod, src), rel('runs-on', pod, node, src));
      }
    }
  }
  return { entities, relations };
}

/** Bare pods in a namespace of their own, as scale.js's burst creates them. */
function burstPods(count) {
  const ns = 'k8s:c0/Namespace/scale-burst';
  const out = [entity(ns, 'namespace', 'scale-burst', 'k8s:c0', 'kubernetes:c0')];
  for (let i = 0; i < count; i++) out.push(entity(`${ns}/Pod/burst-${i}`, 'pod', `burst-${i}`, ns, 'kubernetes:c0'));
  return out;
}

/** A 2D context that counts calls and does nothing: what a frame asks of the canvas. */
function stubContext() {
  const counts = { calls: 0, text: 0, paths: 0 };
  const ctx = new Proxy(
    {},
    {
      get(target, key) {
        if (key === 'counts') return counts;
        if (key in target) return target[key];
        return (...rest) => {
          void rest;
          counts.calls++;
          if (key === 'fillText') counts.text++;
          if (key === 'beginPath') counts.paths++;
        };
      },
      set(target, key, value) {
        target[key] = value;
        return true;
      },
    },
  );
  return ctx;
}

const palette = { bg: '#fff', raised: '#fff', sunken: '#eee', border: '#ccc', borderStrong: '#999', text: '#000', muted: '#555', faint: '#777', accent: '#00f', mark: '#ff0', cut: '#fff', health: { healthy: 'g', degraded: 'y', failing: 'r', unknown: 'grey' }, font: 'sans-serif' };

function cpu(fn) {
  const start = process.cpuUsage();
  const value = fn();
  const used = process.cpuUsage(start);
  return { ms: (used.user + used.system) / 1000, value };
}
/** The same surface over full layouts, for runs before the incremental model. */
function fullModel(of) {
  let opts = null;
  let aspect = 1.8;
  const m = { current: null, setOptions: (o, a) => ((opts = o), (aspect = a)), layout: () => (m.current = r.layoutTopology(of, opts, aspect)) };
  return m;
}
const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];

const estate = sandboxLike(podTarget, clusterCount);
const index = new r.EstateIndex();
index.load(estate.entities, estate.relations);
const podCount = estate.entities.filter((e) => e.kind === 'pod').length;
console.log(`topology-burst: ${podCount} pods, ${estate.entities.length} entities, ${estate.relations.length} relations in ${clusterCount} clusters; ${os.cpus().length} cores, load ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}`);

const options = { expandTo: r.defaultExpandTo(podCount), overrides: new Map(), filter: null };
const W = 1280;
const H = 640;
const burst = burstPods(BURST);
const figures = { apply: [], fullLayout: [], update: [], grid: [], edges: [], overview: [], summarise: [], owners: [], applyRemove: [], updateRemove: [], overviewKept: [], overviewKeptRemove: [] };
// The overview kept across frames (RunningOverview, where it exists) starts from a first full count, not timed.
if (r.overviewFromScratch) r.overviewOf(index);
let model = null;
for (let round = 0; round < rounds; round++) {
  const add = { upserted: burst, removed: [], relationsUpserted: [], relationsRemoved: [] };
  const remove = { upserted: [], removed: burst.slice(1).map((e) => e.id), relationsUpserted: [], relationsRemoved: [] };
  if (!model) model = r.TopologyModel ? new r.TopologyModel(index) : fullModel(index);
  model.setOptions(options, W / H);
  model.layout();
  figures.apply.push(cpu(() => index.apply(add)).ms);
  figures.update.push(cpu(() => model.layout()).ms);
  if (!process.env.SKIP_FULL) figures.fullLayout.push(cpu(() => r.layoutTopology(index, options, W / H)).ms);
  figures.grid.push(cpu(() => new r.BoxGrid(model.current.boxes)).ms);
  figures.edges.push(cpu(() => r.structuralEdges(model.current, index)).ms);
  if (r.overviewFromScratch) figures.overviewKept.push(cpu(() => r.overviewOf(index)).ms);
  if (!process.env.SKIP_FULL) figures.overview.push(cpu(() => (r.overviewFromScratch ?? r.overviewOf)(index)).ms);
  // The part of it the engine shares (shared/estate/health.ts), as the overview calls it.
  if (!process.env.SKIP_FULL) figures.summarise.push(cpu(() => r.summarise(index.entities.values(), { problemsPerGroup: 3, problems: Number.MAX_SAFE_INTEGER })).ms);
  // The topology's owner filter is re-derived on every structure change it sees.
  figures.owners.push(cpu(() => r.ownersIn(index.entities.values())).ms);
  figures.applyRemove.push(cpu(() => index.apply(remove)).ms);
  figures.updateRemove.push(cpu(() => model.layout()).ms);
  if (r.overviewFromScratch) figures.overviewKeptRemove.push(cpu(() => r.overviewOf(index)).ms);
  if (process.env.SKIP_FULL) console.log("roots,build,measure,place,agg", globalThis.__T);
  index.apply({ upserted: [], removed: [burst[0].id], relationsUpserted: [], relationsRemoved: [] });
  model.layout();
}
const line = (name, xs) => xs.length && console.log(`  ${name.padEnd(52)} median ${median(xs).toFixed(1).padStart(7)} ms CPU  (max ${Math.max(...xs).toFixed(1)})`);
console.log(`\nA burst of ${BURST} pods, median of ${rounds} rounds (CPU time):`);
line('EstateIndex.apply, 5,000 upserted', figures.apply);
line('EstateIndex.apply, 5,000 removed', figures.applyRemove);
line('topology: full layout (layoutTopology)', figures.fullLayout);
line('topology: model.layout() after the add', figures.update);
line('topology: model.layout() after the removal', figures.updateRemove);
line('topology: BoxGrid', figures.grid);
line('topology: owners for the filter (ownersIn)', figures.owners);
line('topology: structuralEdges', figures.edges);
line('overview: from nothing (after a structure change)', figures.overview);
line('overview: kept as frames arrive, after the add', figures.overviewKept);
line('overview: kept as frames arrive, after the removal', figures.overviewKeptRemove);
line('  of which summarise (shared/estate/health.ts)', figures.summarise);

const layout = model.current;
console.log(`\nOne topology frame (${layout.boxes.length} boxes laid out), ${W}×${H}:`);
const fitK = Math.min((W - 48) / layout.width, (H - 48) / layout.height);
for (const zoom of [fitK, fitK * 3, 0.25, 0.6, 1.5]) {
  const camera = { k: zoom, x: W / 2 - (layout.width * zoom) / 2, y: 24 };
  const times = [];
  let ctx;
  for (let i = 0; i < 5; i++) {
    ctx = stubContext();
    const frame = { layout, camera, width: W, height: H, palette, selected: -1, hovered: -1, matches: new Set(), edges: [], hoverEdges: [], selectionEdges: [] };
    times.push(cpu(() => r.drawScene(ctx, frame)).ms);
  }
  const c = ctx.counts;
  console.log(`  zoom ${zoom.toFixed(3).padStart(6)}: ${String(c.calls).padStart(7)} canvas calls, ${String(c.text).padStart(5)} texts, ${String(c.paths).padStart(6)} paths; median ${median(times).toFixed(1)} ms CPU`);
}
