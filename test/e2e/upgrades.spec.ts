import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { expect, saveScreenshot, test } from './fixtures.js';
import { startHost } from './host.js';
import type { RunningHost } from './host.js';

/**
 * Before an upgrade, in the browser: the on-premises cluster's "Upgrade readiness" tab, reached
 * by keyboard, names a FlowSchema written at a removed API version, a single-replica Deployment
 * and a budget that blocks a drain; an object opens from its finding, and "Start guided
 * upgrade" opens the run of the bundled node-upgrade runbook.
 */

const run = promisify(execFile);
const context = 'dc1-onprem';
let host: RunningHost;

async function kubectl(...args: string[]): Promise<string> {
  const kubeconfig = path.join(host.dataDir, 'sandbox', 'kubeconfig');
  const { stdout } = await run('kubectl', ['--kubeconfig', kubeconfig, '--context', context, ...args], { timeout: 30_000 });
  return stdout.trim();
}

test.beforeAll(async () => {
  host = await startHost(['--sandbox']);
  const kubeconfig = path.join(host.dataDir, 'sandbox', 'kubeconfig');
  for (let i = 0; i < 100 && !fs.existsSync(kubeconfig); i++) await new Promise((resolve) => setTimeout(resolve, 100));
  const manifest = path.join(host.dataDir, 'upgrade.yaml');
  fs.writeFileSync(
    manifest,
    `apiVersion: flowcontrol.apiserver.k8s.io/v1beta3
kind: FlowSchema
metadata: {name: erp-batch-jobs}
spec:
  priorityLevelConfiguration: {name: workload-low}
  matchingPrecedence: 9000
`,
  );
  await kubectl('apply', '-f', manifest);
  await kubectl('-n', 'erp', 'create', 'deployment', 'label-printer', '--image=registry.dc1.internal/erp/stock-sync:6.4.0', '--replicas=1');
  await kubectl('-n', 'erp', 'create', 'poddisruptionbudget', 'stock-sync-all', '--selector=app.kubernetes.io/name=stock-sync', '--min-available=2');
});

test.afterAll(async () => {
  await host?.stop();
});

test('a cluster’s upgrade readiness names what stands in the way, links to it, and starts the guided upgrade', async ({ page }) => {
  test.setTimeout(180_000);
  await page.setViewportSize({ width: 1440, height: 900 });
  await page.goto(host.url);
  await page.goto(`${host.url.replace(/#.*$/, '')}#/topology/${encodeURIComponent(`k8s:${context}`)}`);
  const detail = page.getByRole('complementary', { name: 'Cluster detail' });
  await expect(detail.getByTestId('entity-title')).toHaveText(context, { timeout: 60_000 });

  const tab = detail.getByRole('tab', { name: 'Upgrade readiness' });
  await tab.focus();
  await page.keyboard.press('Enter');
  const panel = detail.getByRole('region', { name: 'Upgrade readiness' });
  await expect(panel.getByText(/Control plane v1\.29\.\d+ → target 1\.30/)).toBeVisible({ timeout: 30_000 });
  await expect(panel.getByText('FlowSchema erp-batch-jobs')).toBeVisible();
  await expect(panel.getByRole('button', { name: 'Deployment erp/label-printer' })).toBeVisible({ timeout: 30_000 });
  await expect(panel.getByRole('button', { name: 'PodDisruptionBudget erp/stock-sync-all', exact: true })).toBeVisible();
  await saveScreenshot(page, 'upgrade-readiness');

  // An object opens from its finding, by keyboard.
  await panel.getByRole('button', { name: 'Deployment erp/stock-sync' }).first().focus();
  await page.keyboard.press('Enter');
  await expect(page.getByRole('complementary', { name: 'Deployment detail' }).getByTestId('entity-title')).toHaveText('stock-sync', { timeout: 15_000 });

  await page.goBack();
  const back = page.getByRole('complementary', { name: 'Cluster detail' });
  await back.getByRole('tab', { name: 'Upgrade readiness' }).click();
  await back.getByRole('button', { name: 'Start guided upgrade' }).click();
  await expect(page).toHaveURL(/#\/runbooks\/run\//, { timeout: 15_000 });
  await expect(page.getByRole('heading', { level: 1 })).toContainText('Rolling node upgrade');
  await saveScreenshot(page, 'upgrade-guided-run');
});
