// The console's first paint on a warm host-mode engine, taken apart: per page load, from
// navigation start, when the page sent `estate.packedSnapshot`, when its first byte and its
// last arrived, and when the overview first showed every pod; beside it the CPU the engine spent
// on that load (from /proc) and the same call made straight from Node (no browser) a few times.
//
//   npm run build
//   node test/bench/first-paint.js [--pods 50000] [--clusters 5] [--loads 5] [--builds DIR,DIR] [--profile DIR]
//
// --builds: checkouts (folders holding package.json, out/ and dist/) whose engines are measured
// one after the other on the same sandbox, for a back-to-back comparison; default this one.
// --profile: write a CDP CPU profile of each build's last page load into DIR.
// --fresh: each load in a Chromium of its own (no compiled code or HTTP cache kept from the last
// load), as scale.js opens the console; by default the loads share one browser.
// Prints figures; asserts nothing.
/* global document, requestAnimationFrame */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance as nodePerformance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { chromium } from 'playwright-core';
import { startChild } from './child-process.js';

const { values: args } = parseArgs({
  options: {
    pods: { type: 'string', default: '50000' },
    clusters: { type: 'string', default: '5' },
    loads: { type: 'string', default: '5' },
    builds: { type: 'string' },
    profile: { type: 'string' },
    fresh: { type: 'boolean', default: false },
  },
});
const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const builds = (args.builds ?? repo).split(',').map((b) => path.resolve(b));
const pods = Number(args.pods);
const loads = Number(args.loads);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const load = () => os.loadavg().map((l) => l.toFixed(2)).join(' ');
const ticks = 100; // USER_HZ on Linux

async function main() {
  console.log(`first-paint bench: ${pods} pods in ${args.clusters} clusters, ${os.cpus().length} cores, load ${load()}`);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'daytwo-bench-first-paint-'));
  const sandbox = await startChild([path.join(builds[0], 'out/electron/engine/sandbox/cli.js'), '--pods', String(pods), '--clusters', args.clusters, '--out', path.join(dir, 'sandbox')], {}, /Sandbox ready kubeconfig=(\S+) aws-config=(\S+) aws-credentials=(\S+)/);
  try {
    const [, kubeconfig, awsConfig, awsCredentials] = sandbox.match;
    for (const [i, build] of builds.entries()) {
      console.log(`\n— ${build} (load ${load()})`);
      const home = path.join(dir, `home-${i}`);
      fs.mkdirSync(home, { recursive: true });
      const env = { ...process.env, HOME: home, KUBECONFIG: kubeconfig, AWS_CONFIG_FILE: awsConfig, AWS_SHARED_CREDENTIALS_FILE: awsCredentials };
      const host = await startChild([path.join(build, 'out/electron/host/cli.js'), '--no-sandbox', '--port', '0', '--data-dir', path.join(dir, `data-${i}`)], env, /^Daytwo ready: (http:\/\/127\.0\.0\.1:\d+)\/#token=(\S+)$/m);
      try {
        await measure(host, build);
      } finally {
        await host.stop();
      }
    }
  } finally {
    await sandbox.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

async function measure(host, build) {
  const [, origin, token] = host.match;
  const call = async (method) => {
    const res = await fetch(`${origin}/api/${method}`, { method: 'POST', headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' }, body: '{}' });
    if (!res.ok) throw new Error(`${method}: ${res.status}`);
    return (await res.json()).result;
  };
  const started = nodePerformance.now();
  for (;;) {
    const { sources } = await call('sources.list');
    const kube = sources.filter((s) => s.kind === 'kubernetes');
    if (kube.length > 0 && kube.every((s) => s.lastSyncAt !== null)) {
      const packed = await call('estate.packedSnapshot');
      const inEstate = packed.entities.kind.filter((k) => packed.strings[k] === 'pod').length;
      if (inEstate >= pods - 50) break;
    }
    if (nodePerformance.now() - started > 900_000) throw new Error('the pods never all arrived');
    await sleep(500);
  }
  console.log(`  every pod in the estate after ${((nodePerformance.now() - started) / 1000).toFixed(1)} s; settling 30 s`);
  await sleep(30_000);

  // Straight from Node: first byte and whole answer, and the engine's CPU for each call.
  for (let i = 0; i < 3; i++) {
    const cpu0 = engineCpuMs(host.child.pid);
    const t0 = nodePerformance.now();
    const res = await fetch(`${origin}/api/estate.packedSnapshot`, { method: 'POST', headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' }, body: '{}' });
    const t1 = nodePerformance.now();
    const bytes = (await res.arrayBuffer()).byteLength;
    const t2 = nodePerformance.now();
    console.log(`  node call ${i + 1}: first byte ${(t1 - t0).toFixed(0)} ms, all ${(t2 - t0).toFixed(0)} ms, ${(bytes / 1e6).toFixed(1)} MB, engine CPU ${engineCpuMs(host.child.pid) - cpu0} ms (load ${load()})`);
    await sleep(2_000);
  }

  // The engine's overview (estate.overview), for builds that have it: what a console load asks for first.
  for (let i = 0; i < 3; i++) {
    const cpu0 = engineCpuMs(host.child.pid);
    const t0 = nodePerformance.now();
    const res = await fetch(`${origin}/api/estate.overview`, { method: 'POST', headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' }, body: '{}' });
    if (res.status === 404 || !res.ok) break;
    const bytes = (await res.arrayBuffer()).byteLength;
    console.log(`  node call estate.overview ${i + 1}: ${(nodePerformance.now() - t0).toFixed(0)} ms, ${(bytes / 1e3).toFixed(0)} KB, engine CPU ${engineCpuMs(host.child.pid) - cpu0} ms (load ${load()})`);
    await sleep(1_000);
  }

  const launch = () =>
    chromium.launch({
      executablePath: process.env.DAYTWO_CHROMIUM ?? '/usr/bin/chromium',
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
    });
  let browser = await launch();
  const drawn = [];
  try {
    for (let i = 0; i < loads; i++) {
      if (args.fresh && i > 0) {
        await browser.close();
        browser = await launch();
      }
      const page = await browser.newPage({ viewport: { width: 1280, height: 760 } });
      page.on('console', (m) => m.type() === 'error' && console.log(`  [page] ${m.text()}`));
      const cdp = args.profile && i === loads - 1 ? await page.context().newCDPSession(page) : null;
      if (cdp) {
        await cdp.send('Profiler.enable');
        await cdp.send('Profiler.setSamplingInterval', { interval: 200 });
        await cdp.send('Profiler.start');
      }
      const cpu0 = engineCpuMs(host.child.pid);
      await page.goto(`${origin}/#token=${token}`, { waitUntil: 'commit' });
      const t = await page.evaluate(
        (min) =>
          new Promise((resolve) => {
            const check = () => {
              const text = document.querySelector('.view-summary')?.textContent ?? '';
              const n = Number(/([\d,]+) resources/.exec(text)?.[1]?.replace(/,/g, '') ?? '0');
              if (n < min) return requestAnimationFrame(check);
              const at = performance.now();
              const entries = performance.getEntriesByType('resource');
              const snapshot = entries.find((e) => e.name.endsWith('/api/estate.packedSnapshot'));
              // Asked for beside the snapshot by builds that draw the overview from the engine's answer first.
              const overview = entries.find((e) => e.name.endsWith('/api/estate.overview'));
              const script = entries.find((e) => /\/assets\/index-[^/]*\.js$/.test(e.name));
              resolve({
                drawn: at,
                scriptEnd: script?.responseEnd ?? NaN,
                sent: snapshot?.requestStart || snapshot?.startTime || NaN,
                firstByte: snapshot?.responseStart ?? NaN,
                end: snapshot?.responseEnd ?? NaN,
                overviewAsked: overview?.startTime ?? NaN,
                overviewSent: overview?.requestStart ?? NaN,
                overviewFirstByte: overview?.responseStart ?? NaN,
                overviewEnd: overview?.responseEnd ?? NaN,
                bootEnd: entries.find((e) => /\/assets\/boot-[^/]*\.js$/.test(e.name))?.responseEnd ?? NaN,
                marks: performance.getEntriesByType('mark').filter((m) => m.name.startsWith('daytwo:')).map((m) => `${m.name.slice(7)} ${m.startTime.toFixed(0)}`).join(', '),
              });
            };
            check();
          }),
        pods,
      );
      // Drawn from the engine's overview, the console is ready to click through once it has indexed the snapshot.
      const indexed = t.marks.includes('overview-answer')
        ? await page
            .waitForFunction(() => performance.getEntriesByName('daytwo:snapshot-indexed')[0]?.startTime, null, { timeout: 30_000, polling: 50 })
            .then((h) => h.jsonValue())
            .catch(() => NaN)
        : NaN;
      const cpu = engineCpuMs(host.child.pid) - cpu0;
      if (cdp) {
        const { profile } = await cdp.send('Profiler.stop');
        const file = path.resolve(args.profile, `first-paint-${path.basename(build)}.cpuprofile`);
        fs.mkdirSync(args.profile, { recursive: true });
        fs.writeFileSync(file, JSON.stringify(profile));
        console.log(`  profile of load ${i + 1} written to ${file}`);
      }
      drawn.push(t.drawn);
      const f = (v) => (Number.isFinite(v) ? v.toFixed(0) : '?');
      console.log(`  load ${i + 1}: entry script loaded ${f(t.scriptEnd)} ms, console script loaded ${f(t.bootEnd)}, snapshot asked ${f(t.sent)}, first byte ${f(t.firstByte)}, last byte ${f(t.end)}${Number.isFinite(t.overviewEnd) ? `, estate.overview asked ${f(t.overviewAsked)} (on the wire ${f(t.overviewSent)}, first byte ${f(t.overviewFirstByte)}) and answered ${f(t.overviewEnd)}` : ''}, overview drawn ${f(t.drawn)} ms; engine CPU ${cpu} ms (load ${load()})`);
      if (t.marks) console.log(`    marks: ${t.marks}${Number.isFinite(indexed) ? `; snapshot indexed (console ready to click through) ${indexed.toFixed(0)} ms` : ''}`);
      await page.close();
      await sleep(3_000);
    }
  } finally {
    await browser.close();
  }
  const sorted = [...drawn].sort((a, b) => a - b);
  console.log(`  ${path.basename(build)}${args.fresh ? ' (a fresh Chromium each load)' : ''}: overview drawn median ${sorted[sorted.length >> 1].toFixed(0)} ms, best ${sorted[0].toFixed(0)}, worst ${sorted.at(-1).toFixed(0)} (load ${load()})`);
}

/** User + system CPU of a process so far, in ms. */
function engineCpuMs(pid) {
  const fields = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / ticks;
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
