import fs from 'node:fs'; import os from 'node:os'; import path from 'node:path';
import { chromium } from 'playwright-core';
import { startChild } from './child-process.js';
const repo = '/work/main';
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'probe-'));
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const sandbox = await startChild([path.join(repo, 'out/electron/engine/sandbox/cli.js'), '--pods', '50000', '--clusters', '5', '--out', path.join(dir, 'sandbox')], {}, /Sandbox ready kubeconfig=(\S+) aws-config=(\S+) aws-credentials=(\S+)/);
const [, kubeconfig, awsConfig, awsCredentials] = sandbox.match;
const env = { ...process.env, HOME: dir, KUBECONFIG: kubeconfig, AWS_CONFIG_FILE: awsConfig, AWS_SHARED_CREDENTIALS_FILE: awsCredentials };
const host = await startChild(['--trace-gc', path.join(repo, 'out/electron/host/cli.js'), '--no-sandbox', '--port', '0', '--data-dir', path.join(dir, 'data')], env, /^Daytwo ready: (http:\/\/127\.0\.0\.1:\d+)\/#token=(\S+)$/m);
const [, origin, token] = host.match;
const call = async (m) => (await (await fetch(`${origin}/api/${m}`, { method: 'POST', headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' }, body: '{}' })).json()).result;
for (;;) { const { sources } = await call('sources.list'); const k = sources.filter((s) => s.kind === 'kubernetes'); if (k.length && k.every((s) => s.lastSyncAt !== null)) break; await sleep(500); }
if (process.env.SNAP) { const snap = await call('estate.snapshot'); console.log('snapshot entities', snap.entities.length); }
let T0 = 0; host.child.stdout.on('data', (c) => { for (const l of String(c).split('\n')) if (/Mark-Compact/.test(l)) console.log(`GC at ${(performance.now() - T0).toFixed(0)} ms (rel. to goto): ${l.slice(0, 140)}`); });
await sleep(Number(process.env.WAIT ?? 45000));
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'] });
for (let i = 0; i < 3; i++) {
  const page = await browser.newPage({ viewport: { width: 1280, height: 760 } });
  T0 = performance.now(); await page.goto(`${origin}/#token=${token}`, { waitUntil: 'commit' });
  const t = await page.evaluate(() => new Promise((resolve) => { const check = () => { const text = document.querySelector('.view-summary')?.textContent ?? ''; const n = Number(/([\d,]+) resources/.exec(text)?.[1]?.replace(/,/g, '') ?? '0'); if (n >= 49950) resolve({ drawn: performance.now(), res: performance.getEntriesByType('resource').map((e) => `${e.name.split('/').pop().slice(0, 28)} start ${e.startTime.toFixed(0)} req ${e.requestStart.toFixed(0)} first ${e.responseStart.toFixed(0)} end ${e.responseEnd.toFixed(0)}`), marks: performance.getEntriesByType('mark').map((m) => `${m.name} ${m.startTime.toFixed(0)}`), nav: performance.getEntriesByType('navigation')[0].responseEnd, dcl: performance.getEntriesByType('navigation')[0].domContentLoadedEventEnd }); else requestAnimationFrame(check); }; check(); }));
  console.log(`load ${i + 1}: drawn ${t.drawn.toFixed(0)} nav ${t.nav.toFixed(0)} dcl ${t.dcl.toFixed(0)}\n  ` + t.res.join('\n  ') + '\n  ' + t.marks.join(', '));
  await page.close(); await sleep(3000);
}
await browser.close(); await host.stop(); await sandbox.stop(); fs.rmSync(dir, { recursive: true, force: true });
