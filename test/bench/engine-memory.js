// The engine's start and what it holds: a sandbox of N pods in C clusters in a child process, a
// host-mode engine in another (as scale.js runs them), and for each size: engine start → every
// kube source synced with all pods in the estate (wall clock), the CPU seconds the engine and the
// sandbox each spent meanwhile (from /proc, so the sandbox's serving is told apart from the
// engine's work on a shared machine), then the engine's RSS and V8 heap at steady state.
//
//   npm run build
//   node test/bench/engine-memory.js [--sizes 10000x3,50000x5] [--settle 20] [--heap-snapshot DIR]
//
// DAYTWO_BENCH_ENGINE_FLAGS passes Node flags to the engine (e.g. --cpu-prof --cpu-prof-dir=DIR).
// With --heap-snapshot the engine runs with --heapsnapshot-signal=SIGUSR2 and writes one at
// steady state into DIR. Prints figures; asserts nothing.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { startChild } from './child-process.js';

const { values: args } = parseArgs({
  options: {
    sizes: { type: 'string', default: '10000x3,50000x5' },
    settle: { type: 'string', default: '20' },
    'heap-snapshot': { type: 'string' },
  },
});
const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const out = path.resolve(process.env.DAYTWO_OUT ?? path.join(repo, 'out'));
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const load = () => os.loadavg().map((l) => l.toFixed(2)).join(' ');
const SLACK = 50;
const ticks = 100; // USER_HZ on Linux
// It also keeps the engine's garbage collections: how many, their total and the longest pause.
const memoryProbe = `import fs from 'node:fs'; import v8 from 'node:v8'; import { PerformanceObserver } from 'node:perf_hooks';
const gc = { count: 0, ms: 0, longestMs: 0, major: 0 };
new PerformanceObserver((list) => { for (const e of list.getEntries()) { gc.count++; gc.ms += e.duration; gc.longestMs = Math.max(gc.longestMs, e.duration); if (e.detail?.kind === 4) gc.major++; } }).observe({ entryTypes: ['gc'] });
setInterval(() => fs.writeFileSync(process.env.DAYTWO_BENCH_MEMORY_FILE, JSON.stringify({ ...process.memoryUsage(), spaces: v8.getHeapSpaceStatistics(), gc })), 1000).unref();`;

for (const size of args.sizes.split(',')) {
  const [pods, clusters] = size.split('x').map(Number);
  await measure(pods, clusters || 3);
}

async function measure(pods, clusters) {
  console.log(`${pods} pods in ${clusters} clusters (${os.cpus().length} cores, load ${load()})`);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'daytwo-bench-memory-'));
  const sandbox = await startChild([path.join(out, 'electron/engine/sandbox/cli.js'), '--pods', String(pods), '--clusters', String(clusters), '--out', path.join(dir, 'sandbox')], process.env, /Sandbox ready kubeconfig=(\S+) aws-config=(\S+) aws-credentials=(\S+)/);
  let host = null;
  try {
    const [, kubeconfig, awsConfig, awsCredentials] = sandbox.match;
    const home = path.join(dir, 'home');
    fs.mkdirSync(home, { recursive: true });
    const env = { ...process.env, HOME: home, KUBECONFIG: kubeconfig, AWS_CONFIG_FILE: awsConfig, AWS_SHARED_CREDENTIALS_FILE: awsCredentials };
    const flags = (process.env.DAYTWO_BENCH_ENGINE_FLAGS ?? '').split(' ').filter(Boolean);
    // The engine has no API for its own heap: a preloaded line writes process.memoryUsage() to a file each second.
    const memoryFile = path.join(dir, 'memory.json');
    env.DAYTWO_BENCH_MEMORY_FILE = memoryFile;
    flags.push(`--import=data:text/javascript,${encodeURIComponent(memoryProbe)}`);
    if (args['heap-snapshot']) flags.push('--heapsnapshot-signal=SIGUSR2', `--diagnostic-dir=${args['heap-snapshot']}`);
    const sandboxCpu0 = cpuSeconds(sandbox.child.pid);
    const started = performance.now();
    host = await startChild([...flags, path.join(out, 'electron/host/cli.js'), '--no-sandbox', '--port', '0', '--data-dir', path.join(dir, 'data')], env, /^Daytwo ready: (http:\/\/127\.0\.0\.1:\d+)\/#token=(\S+)$/m);
    const [, origin, token] = host.match;
    const call = async (method, params = {}) => {
      const res = await fetch(`${origin}/api/${method}`, { method: 'POST', headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' }, body: JSON.stringify(params) });
      if (!res.ok) throw new Error(`${method}: ${res.status} ${await res.text()}`);
      const body = await res.json();
      return body && typeof body === 'object' && 'result' in body ? body.result : body;
    };
    let inEstate = 0;
    let syncedMs = NaN;
    let peakRss = 0;
    for (;;) {
      peakRss = Math.max(peakRss, rssMb(host.child.pid));
      try {
        const { sources } = await call('sources.list');
        const kube = sources.filter((s) => s.kind === 'kubernetes');
        if (kube.length > 0 && kube.every((s) => s.lastSyncAt !== null)) {
          if (Number.isNaN(syncedMs)) {
            syncedMs = performance.now() - started;
            console.log(`  sources at sync: ${kube.map((s) => `${s.state} (${s.reason})`).join('; ')}`);
          }
          const { entities } = await call('estate.snapshot');
          inEstate = entities.filter((e) => e.kind === 'pod').length;
          if (inEstate >= pods - SLACK) break;
        }
      } catch (error) {
        // A poll cut off on a machine this loaded is asked again; the engine's own death ends the run.
        if (host.child.exitCode !== null) throw error;
        console.log(`  (poll failed: ${error.cause?.code ?? error.message}; asking again)`);
      }
      if (performance.now() - started > 900_000) break;
      await sleep(100);
    }
    const startMs = performance.now() - started;
    const engineCpu = cpuSeconds(host.child.pid);
    const sandboxCpu = cpuSeconds(sandbox.child.pid) - sandboxCpu0;
    console.log(`  engine start → every kube source synced: ${(syncedMs / 1000).toFixed(2)} s; → ${inEstate} pods in the estate: ${(startMs / 1000).toFixed(2)} s (load ${load()})`);
    console.log(`  CPU meanwhile: engine ${engineCpu.toFixed(1)} s, sandbox ${sandboxCpu.toFixed(1)} s; engine peak RSS ${peakRss.toFixed(0)} MB`);
    await sleep(Number(args.settle) * 1000);
    const rss = [];
    const gcBefore = JSON.parse(fs.readFileSync(memoryFile, 'utf8')).gc;
    for (let i = 0; i < 5; i++) {
      rss.push(rssMb(host.child.pid));
      await sleep(1000);
    }
    rss.sort((a, b) => a - b);
    const memory = JSON.parse(fs.readFileSync(memoryFile, 'utf8'));
    const mb = (n) => (n / 2 ** 20).toFixed(0);
    console.log(`  engine RSS, steady (median of 5): ${rss[2].toFixed(0)} MB; V8 heap used ${mb(memory.heapUsed)} of ${mb(memory.heapTotal)} MB, external ${mb(memory.external)} MB, array buffers ${mb(memory.arrayBuffers)} MB (load ${load()})`);
    // Where the heap's headroom sits: the young generation's semispaces are committed whole.
    console.log(`  garbage collections so far: ${memory.gc.count} (${memory.gc.major} major), ${(memory.gc.ms / 1000).toFixed(2)} s in all, longest pause ${memory.gc.longestMs.toFixed(0)} ms; ${memory.gc.count - gcBefore.count} while sampling`);
    console.log(`  heap spaces (used/size MB): ${memory.spaces.filter((s) => s.space_size > 0).map((s) => `${s.space_name.replace(/_space$/, '')} ${mb(s.space_used_size)}/${mb(s.space_size)}`).join(', ')}`);
    console.log(`  resident by mapping (MB): ${residentByMapping(host.child.pid)}`);
    if (args['heap-snapshot']) {
      fs.mkdirSync(args['heap-snapshot'], { recursive: true });
      const before = new Set(fs.readdirSync(args['heap-snapshot']));
      process.kill(host.child.pid, 'SIGUSR2');
      for (;;) {
        await sleep(2000);
        const fresh = fs.readdirSync(args['heap-snapshot']).filter((f) => !before.has(f) && f.endsWith('.heapsnapshot'));
        const file = fresh[0] && path.join(args['heap-snapshot'], fresh[0]);
        if (file) {
          const a = fs.statSync(file).size;
          await sleep(3000);
          // The file appears empty and is written only once V8 has walked the heap.
          if (a > 0 && fs.statSync(file).size === a) {
            console.log(`  heap snapshot: ${file}`);
            break;
          }
        }
      }
    }
  } finally {
    await host?.stop();
    await sandbox.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

function cpuSeconds(pid) {
  const fields = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  // utime and stime are fields 14 and 15 of the whole line (11 and 12 after the command).
  return (Number(fields[11]) + Number(fields[12])) / ticks;
}

// What the resident pages are, from /proc/<pid>/smaps: the node binary and other files, the malloc
// heap, and anonymous mappings (V8's pages, malloc's arenas, buffers) in size bands.
function residentByMapping(pid) {
  const kb = new Map();
  let name = '';
  for (const line of fs.readFileSync(`/proc/${pid}/smaps`, 'utf8').split('\n')) {
    const head = /^([0-9a-f]+)-([0-9a-f]+) \S+ \S+ \S+ \d+\s*(.*)$/.exec(line);
    if (head) {
      const size = (parseInt(head[2], 16) - parseInt(head[1], 16)) / 2 ** 20;
      const file = head[3].trim();
      name = file === '' ? (size >= 60 ? 'anon ≥60 MB' : size >= 1 ? 'anon 1–60 MB' : 'anon <1 MB') : file.startsWith('/') ? (file.includes('/node') && !file.endsWith('.node') ? 'node binary' : 'other files') : file;
      continue;
    }
    const rss = /^Rss:\s+(\d+) kB/.exec(line);
    if (rss) kb.set(name, (kb.get(name) ?? 0) + Number(rss[1]));
  }
  return [...kb].filter(([, v]) => v >= 1024).sort((a, b) => b[1] - a[1]).map(([k, v]) => `${k} ${(v / 1024).toFixed(0)}`).join(', ');
}

function rssMb(pid) {
  return Number(/VmRSS:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'))[1]) / 1024;
}

