// The time from asking for a service's metrics to every chart drawn with data, in Chromium
// against host mode on the embedded sandbox (CloudWatch + metrics.k8s.io panels). Complements
// query-to-chart.js, which stops when the engine's answer is ready.
//
//   npm run build
//   node test/bench/query-to-rendered-chart.js [--rounds 7]
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

const { values: args } = parseArgs({ options: { rounds: { type: 'string', default: '7' } } });
const rounds = Number(args.rounds);
const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const cli = path.join(repo, 'out/electron/host/cli.js');
if (!fs.existsSync(cli) || !fs.existsSync(path.join(repo, 'dist/renderer/index.html'))) {
  console.error('Build first: npm run build');
  process.exit(2);
}
const STOREFRONT = 'k8s:shop-prod-eks/shop/Service/storefront';

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'daytwo-bench-chart-'));
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
const base = url.replace(/#.*$/, '');

const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-quic', '--no-first-run'],
});
try {
  const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
  await page.goto(url);
  // Wait until the estate knows the storefront, so rounds time the metrics path only.
  await page.goto(`${base}#/overview/${encodeURIComponent(STOREFRONT)}`);
  await page.getByTestId('entity-title').waitFor({ timeout: 60_000 });

  const timings = [];
  for (let round = 0; round < rounds; round++) {
    await page.goto(`${base}#/sources`);
    await page.getByRole('heading', { level: 1, name: 'Sources' }).waitFor();
    const started = Date.now();
    await page.goto(`${base}#/metrics/${encodeURIComponent(STOREFRONT)}`);
    await page.waitForFunction(
      () => {
        const charts = [...globalThis.document.querySelectorAll('[data-testid="metric-chart"]')];
        return charts.length > 0 && charts.every((c) => Number(c.getAttribute('data-points')) > 0 && c.querySelector('.recharts-surface'));
      },
      undefined,
      { timeout: 60_000, polling: 'raf' },
    );
    timings.push(Date.now() - started);
  }
  const panels = await page.getByTestId('metric-chart').count();
  const sorted = [...timings].sort((a, b) => a - b);
  console.log(`metrics view for storefront: ${panels} charts, ${rounds} rounds (first round includes cold caches)`);
  console.log(`  ask → every chart drawn with data: median ${sorted[Math.floor(sorted.length / 2)]} ms, best ${sorted[0]} ms, first ${timings[0]} ms`);
} finally {
  await browser.close();
  host.kill('SIGTERM');
  await new Promise((resolve) => host.once('exit', resolve));
  fs.rmSync(dataDir, { recursive: true, force: true });
}
