import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { expect, saveScreenshot, test } from './fixtures.js';
import { startHost } from './host.js';
import type { RunningHost } from './host.js';

/**
 * An SRE opens their team's page in the catalog, follows a failing service to its failing
 * rule, reads the evidence, and plans the fix the scorecard offers, through the same operation
 * dialog as everywhere else. The failure is made with the real kubectl against the sandbox the
 * host started: orders-api in production scaled to one replica.
 */

const run = promisify(execFile);
let host: RunningHost;

test.beforeAll(async () => {
  host = await startHost(['--sandbox']);
});

test.afterAll(async () => {
  await host?.stop();
});

test('team page → failing service → failing rule → the offered fix planned', async ({ page }) => {
  test.setTimeout(180_000);
  const kubeconfig = path.join(host.dataDir, 'sandbox', 'kubeconfig');
  await page.goto(host.url);
  // The host's sandbox is ready once its kubeconfig answers; then make production run one replica.
  await expect
    .poll(
      async () => {
        try {
          await run('kubectl', ['--kubeconfig', kubeconfig, '--context', 'shop-prod-eks', '-n', 'shop', 'scale', 'deployment/orders-api', '--replicas=1'], { timeout: 30_000 });
          return 'scaled';
        } catch (error) {
          return String(error);
        }
      },
      { timeout: 60_000 },
    )
    .toBe('scaled');

  await page.goto(`${host.url.replace(/#.*$/, '')}#/catalog`);
  await expect(page.getByRole('heading', { name: 'Service catalog' })).toBeVisible();
  await expect(page.getByTestId('catalog-row').first()).toBeVisible({ timeout: 60_000 });
  await saveScreenshot(page, 'catalog-list');

  // To the team page from the palette, as a keyboard user would.
  await page.keyboard.press('Control+k');
  await page.keyboard.type('Open team orders');
  await page.keyboard.press('Enter');
  await expect(page.getByRole('heading', { name: /Team orders/ })).toBeVisible();
  const row = page.getByTestId('team-service').filter({ hasText: 'orders-api' });
  await expect(row).toContainText('min-replicas', { timeout: 30_000 });
  await saveScreenshot(page, 'catalog-team');

  await row.getByRole('link', { name: 'orders-api' }).click();
  const rule = page.locator('[data-rule="min-replicas"]');
  await expect(rule).toHaveClass(/rule-fail/, { timeout: 30_000 });
  await rule.getByRole('button').first().focus();
  await page.keyboard.press('Enter');
  await expect(rule.getByRole('table', { name: 'Evidence' })).toContainText('spec.replicas');
  await expect(rule.getByRole('table', { name: 'Evidence' })).toContainText('k8s:shop-prod-eks/shop/Deployment/orders-api');
  await saveScreenshot(page, 'catalog-service-failing-rule');

  await rule.getByRole('button', { name: /Plan: Scale orders-api/ }).click();
  const dialog = page.getByRole('dialog', { name: /Scale Deployment shop\/orders-api/ });
  await expect(dialog.getByTestId('plan-summary')).toHaveText(/from 1 to 2 replicas/, { timeout: 30_000 });
  await saveScreenshot(page, 'catalog-fix-planned');
});
