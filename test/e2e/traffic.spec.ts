import { execFile, spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import { createServer } from 'node:net';
import path from 'node:path';
import { promisify } from 'node:util';
import yaml from 'js-yaml';
import { sandboxScrapeConfigs } from '../../electron/engine/sandbox/prometheus/scrape-config.js';
import { expect, saveScreenshot, test } from './fixtures.js';
import { repoRoot, sandboxAdmin, startHost } from './host.js';
import type { RunningHost } from './host.js';

/**
 * A bad canary of the storefront takes half its traffic through a Gateway API HTTPRoute. The
 * operator opens the storefront's page in the catalog, sees the split and each backend's
 * request and 5xx rates, shifts it to 90/10 with the weights, then sends everything back to
 * stable with Shift+S, confirming each in the plan dialog; the split bar and the charts follow.
 * A real Prometheus scrapes the sandbox every second, as in metrics.spec.ts.
 */

const PROMETHEUS = '/usr/bin/prometheus';
const hasPrometheus = fs.existsSync(PROMETHEUS);
const run = promisify(execFile);
const fixture = (name: string) => path.join(repoRoot, 'test/integration/fixtures/traffic', name);

let host: RunningHost;
let prometheus: ChildProcess | undefined;
let promPort = 0;

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

async function until<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch (error) {
      last = error;
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error(`gave up waiting for ${what}${last ? `: ${String(last)}` : ''}`);
}

async function kubectl(...args: string[]): Promise<string> {
  const { stdout } = await run('kubectl', ['--context', 'shop-prod-eks', ...args], { env: { ...process.env, KUBECONFIG: path.join(host.dataDir, 'sandbox', 'kubeconfig') }, timeout: 30_000 });
  return stdout.trim();
}

test.beforeAll(async () => {
  test.skip(!hasPrometheus, `${PROMETHEUS} is not installed`);
  test.setTimeout(180_000);
  promPort = await freePort();
  host = await startHost(['--sandbox', '--prometheus', `http://127.0.0.1:${promPort}`]);
  const admin = await sandboxAdmin(host.dataDir);
  const dir = fs.mkdtempSync(path.join(host.dataDir, 'prometheus-'));
  const config = path.join(dir, 'prometheus.yml');
  fs.writeFileSync(config, yaml.dump({ global: { scrape_interval: '1s', evaluation_interval: '1s' }, scrape_configs: sandboxScrapeConfigs(new URL(admin.origin).host, ['shop-prod-eks']) }));
  prometheus = spawn(PROMETHEUS, [`--config.file=${config}`, `--storage.tsdb.path=${path.join(dir, 'data')}`, `--web.listen-address=127.0.0.1:${promPort}`], { stdio: 'ignore' });
  await until('Prometheus to be ready', async () => ((await fetch(`http://127.0.0.1:${promPort}/-/ready`)).ok ? true : undefined));
  expect((await admin.post('/sandbox/registry/images', { image: 'ghcr.io/acme/storefront:2.0.0-bad', behaviour: 'errors' })).ok).toBe(true);
  await until('the sandbox kubeconfig', async () => (fs.existsSync(path.join(host.dataDir, 'sandbox', 'kubeconfig')) ? true : undefined));
  await kubectl('apply', '-f', fixture('canary.yaml'));
  await kubectl('apply', '-f', fixture('httproute.yaml'));
  await kubectl('-n', 'shop', 'rollout', 'status', 'deployment/storefront-canary', '--timeout=60s');
  // A minute of the canary failing, so the charts have a before.
  await new Promise((r) => setTimeout(r, 30_000));
});

test.afterAll(async () => {
  if (prometheus && prometheus.exitCode === null) {
    const exited = new Promise((r) => prometheus!.once('exit', r));
    prometheus.kill('SIGTERM');
    await exited;
  }
  await host?.stop();
});

test('shift the storefront’s traffic away from a bad canary, and watch the split move', async ({ page }) => {
  test.setTimeout(300_000);
  await page.goto(host.url);
  await page.goto(`${host.url.replace(/#.*$/, '')}#/catalog/service/storefront`);
  const traffic = page.getByRole('region', { name: 'Traffic' });
  const route = traffic.getByRole('article', { name: 'HTTPRoute shop/storefront, rule 0' });
  await expect(route.getByRole('img', { name: /^Split now:/ })).toHaveAttribute('aria-label', 'Split now: storefront 50%, storefront-canary 50%', { timeout: 90_000 });
  const requests = route.getByRole('figure', { name: 'Requests/s by backend' });
  // Both backends drawn on the request chart.
  await expect(requests.locator('.recharts-line')).toHaveCount(2, { timeout: 60_000 });
  await route.scrollIntoViewIfNeeded();
  await saveScreenshot(page, 'traffic-canary-half');

  // 90/10 with the weights, through the usual plan dialog.
  await route.getByLabel('New weight for storefront', { exact: true }).fill('90');
  await route.getByLabel('New weight for storefront-canary').fill('10');
  await route.getByRole('button', { name: 'Shift traffic…' }).click();
  const dialog = page.getByRole('dialog', { name: /Shift traffic HTTPRoute shop\/storefront/ });
  await expect(dialog.getByTestId('plan-summary')).toContainText('from storefront 50% · storefront-canary 50% to storefront 90% · storefront-canary 10%');
  await expect(dialog).toContainText('errors');
  const confirm = dialog.getByRole('button', { name: 'Shift traffic now' });
  await dialog.getByLabel('Type storefront to confirm').fill('storefront');
  await saveScreenshot(page, 'traffic-plan-90-10');
  await confirm.click();
  await expect(dialog.getByTestId('operation-state')).toHaveAttribute('data-state', 'succeeded', { timeout: 240_000 });
  await expect(dialog.getByTestId('operation-state')).toContainText('Split took effect');
  await page.keyboard.press('Escape');
  await expect(route.getByRole('img', { name: /^Split now:/ })).toHaveAttribute('aria-label', 'Split now: storefront 90%, storefront-canary 10%', { timeout: 30_000 });

  // Everything back to stable: one key inside the route.
  await route.focus();
  await page.keyboard.press('Shift+S');
  const stable = page.getByRole('dialog', { name: /Shift traffic HTTPRoute shop\/storefront/ });
  await expect(stable.getByTestId('plan-summary')).toContainText('to storefront 100% · storefront-canary 0%');
  await stable.getByLabel('Type storefront to confirm').fill('storefront');
  await stable.getByRole('button', { name: 'Shift traffic now' }).click();
  await expect(stable.getByTestId('operation-state')).toHaveAttribute('data-state', 'succeeded', { timeout: 240_000 });
  await page.keyboard.press('Escape');
  await expect(route.getByRole('img', { name: /^Split now:/ })).toHaveAttribute('aria-label', 'Split now: storefront 100%, storefront-canary 0%', { timeout: 30_000 });
  expect(await kubectl('-n', 'shop', 'get', 'httproute', 'storefront', '-o', 'jsonpath={.spec.rules[0].backendRefs[*].weight}')).toBe('100 0');
  // Let the charts draw the canary falling to zero.
  await new Promise((r) => setTimeout(r, 8_000));
  await route.scrollIntoViewIfNeeded();
  await saveScreenshot(page, 'traffic-all-to-stable');
});
