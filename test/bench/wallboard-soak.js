// A wall screen runs for days. This runs the wallboard in Chromium on a screen link for
// --minutes (10 by default) against host mode on the sandbox while the sandbox loops through its
// scenarios, and writes a note to the incident every --every seconds. It prints the page's JS heap
// (after a forced GC) and its DOM node count at the start and the end, and the time from a note
// being recorded by the engine to it being drawn on the board (median and p95).
//
//   npm run build
//   node test/bench/wallboard-soak.js [--minutes 10] [--every 5]
//
// Prints figures; asserts nothing.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { chromium } from '@playwright/test';

const { values: args } = parseArgs({ options: { minutes: { type: 'string', default: '10' }, every: { type: 'string', default: '5' } } });
const durationMs = Number(args.minutes) * 60_000;
const everyMs = Number(args.every) * 1000;
const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const cli = path.join(repo, 'out/electron/host/cli.js');
if (!fs.existsSync(cli) || !fs.existsSync(path.join(repo, 'dist/renderer/index.html'))) {
  console.error('Build first: npm run build');
  process.exit(2);
}

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'daytwo-bench-wall-'));
const host = spawn(process.execPath, [cli, '--port', '0', '--data-dir', dataDir, '--sandbox'], {
  stdio: ['ignore', 'pipe', 'ignore'],
  env: { ...process.env, HOME: dataDir, KUBECONFIG: '', AWS_CONFIG_FILE: '', AWS_SHARED_CREDENTIALS_FILE: '' },
});
const url = await new Promise((resolve, reject) => {
  const timer = setTimeout(() => reject(new Error('host did not start within 60 s')), 60_000);
  readline.createInterface({ input: host.stdout }).on('line', (line) => {
    const match = /^Daytwo ready: (\S+)$/.exec(line);
    if (match) {
      clearTimeout(timer);
      resolve(match[1]);
    }
  });
});
const base = url.replace(/\/#.*$/, '');
const token = url.replace(/^.*#token=/, '');

async function call(method, params) {
  const res = await fetch(`${base}/api/${method}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${token}` },
    body: JSON.stringify(params),
  });
  const body = await res.json();
  if (!res.ok) throw new Error(`${method}: ${body.error?.message}`);
  return body.result;
}

// The sandbox's own port is the AWS endpoint it wrote for the engine.
const awsConfig = path.join(dataDir, 'sandbox', 'aws-config');
const sandbox = `http://127.0.0.1:${/endpoint_url = http:\/\/127\.0\.0\.1:(\d+)/.exec(fs.readFileSync(awsConfig, 'utf8'))[1]}`;
const { scenarios } = await (await fetch(`${sandbox}/sandbox/scenarios`)).json();
const names = scenarios.map((s) => s.name);

const { incident } = await call('incidents.declare', {
  title: 'Soak: scenarios looping',
  severity: 'SEV2',
  roles: { commander: ['ana.ops'], scribe: ['bo.writes'], communications: ['cy.comms'] },
});
const { token: screenToken } = await call('screens.create', { label: 'soak', expiresInMs: durationMs + 3_600_000 });

const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-quic', '--no-first-run'],
});
try {
  const page = await browser.newPage({ viewport: { width: 1920, height: 1080 } });
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Performance.enable');
  const measure = async () => {
    await cdp.send('HeapProfiler.collectGarbage');
    const { metrics } = await cdp.send('Performance.getMetrics');
    const get = (name) => metrics.find((m) => m.name === name)?.value ?? NaN;
    const domNodes = await page.evaluate(() => globalThis.document.getElementsByTagName('*').length);
    return { heapMB: get('JSHeapUsedSize') / 1024 / 1024, domNodes, listeners: get('JSEventListeners') };
  };

  await page.goto(`${base}/#token=${screenToken}`);
  await page.getByTestId('wb-roles').waitFor({ timeout: 60_000 });
  await page.waitForTimeout(5000);
  const start = await measure();
  console.log(`start: heap ${start.heapMB.toFixed(1)} MB, ${start.domNodes} DOM elements, ${start.listeners} listeners`);

  const latencies = [];
  const began = Date.now();
  let scenario = 0;
  let nextScenarioAt = 0;
  let n = 0;
  while (Date.now() - began < durationMs) {
    if (Date.now() >= nextScenarioAt) {
      const name = names[scenario++ % names.length];
      await fetch(`${sandbox}/sandbox/scenarios/${name}/start`, { method: 'POST' }).catch(() => {});
      nextScenarioAt = Date.now() + 60_000;
    }
    const text = `soak note ${++n}`;
    const { note } = await call('incidents.note', { incidentId: incident.id, text });
    await page.waitForFunction((t) => globalThis.document.querySelector('[data-testid="wb-timeline"]')?.textContent?.includes(t), text, { polling: 'raf', timeout: 30_000 });
    latencies.push(Date.now() - note.recordedAt);
    await new Promise((r) => setTimeout(r, everyMs));
  }
  const end = await measure();
  latencies.sort((a, b) => a - b);
  const pick = (q) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))];
  console.log(`end after ${((Date.now() - began) / 60_000).toFixed(1)} min (${n} notes, ${scenario} scenario starts): heap ${end.heapMB.toFixed(1)} MB, ${end.domNodes} DOM elements, ${end.listeners} listeners`);
  console.log(`recorded → drawn: median ${pick(0.5)} ms, p95 ${pick(0.95)} ms, max ${latencies.at(-1)} ms`);
} finally {
  await browser.close();
  host.kill('SIGTERM');
  await new Promise((r) => host.once('exit', r));
  fs.rmSync(dataDir, { recursive: true, force: true });
}
