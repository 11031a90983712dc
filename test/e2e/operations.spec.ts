import type { Page } from '@playwright/test';
import { expect, saveScreenshot, test } from './fixtures.js';
import { startHost } from './host.js';
import type { RunningHost } from './host.js';

/**
 * An operator on the sandbox estate scales a service and rolls a broken one back from the
 * UI: the plan shows what will change and the risks, production asks for the name typed,
 * progress is live, and the audit log has the record. Screenshots of each step are kept.
 */

let host: RunningHost;

test.beforeAll(async () => {
  host = await startHost(['--sandbox']);
});

test.afterAll(async () => {
  await host?.stop();
});

/**
 * Opens a Deployment's detail panel in the topology by its entity id, which names the cluster
 * (the sandbox's admin and `-viewer` contexts reach one cluster, shown once; a plan picks the
 * admin context). (Finding entities by typing is covered in estate.spec.ts.)
 */
async function openDeployment(page: Page, id: string, name: string): Promise<void> {
  // Ask the engine directly (not the page) until the estate has synced this object, so the
  // panel never asks for an id the engine has not seen yet.
  const [origin, token] = host.url.split('/#token=') as [string, string];
  await expect
    .poll(
      async () =>
        (
          await fetch(`${origin}/api/estate.entity`, {
            method: 'POST',
            headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
            body: JSON.stringify({ id }),
          })
        ).status,
      { timeout: 60_000 },
    )
    .toBe(200);
  await page.goto(`${host.url.replace(/#.*$/, '')}#/topology/${encodeURIComponent(id)}`);
  await expect(page.getByRole('complementary', { name: 'Deployment detail' }).getByTestId('entity-title')).toHaveText(name, {
    timeout: 60_000,
  });
}

test('scale a service from its detail panel, confirm, and watch it converge', async ({ page }) => {
  test.setTimeout(120_000);
  await page.goto(host.url);
  await openDeployment(page, 'k8s:dc1-onprem/erp/Deployment/warehouse-ui', 'warehouse-ui');
  await page.getByRole('group', { name: 'Operations' }).getByRole('button', { name: 'Scale…' }).click();

  const dialog = page.getByRole('dialog', { name: /Scale Deployment erp\/warehouse-ui/ });
  await dialog.getByLabel('Replicas').fill('3');
  await dialog.getByRole('button', { name: 'Plan' }).click();
  await expect(dialog.getByTestId('plan-summary')).toHaveText(/Scale Deployment erp\/warehouse-ui from 2 to 3 replicas/);
  await expect(dialog.getByRole('table', { name: 'Before and after' }).getByRole('row', { name: /spec\.replicas 2 3/ })).toBeVisible();
  await saveScreenshot(page, 'operations-scale-plan');

  await dialog.getByRole('button', { name: 'Scale now' }).click();
  await expect(dialog.getByTestId('operation-state')).toHaveAttribute('data-state', 'succeeded', { timeout: 60_000 });
  await expect(dialog.getByTestId('operation-state')).toContainText('3 of 3 replicas ready');
  await saveScreenshot(page, 'operations-scale-result');

  await dialog.getByRole('button', { name: /Audit entry #\d+/ }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Audit log' })).toBeVisible();
  await expect(page.getByRole('row').filter({ hasText: 'warehouse-ui' }).first()).toContainText('succeeded');
  await page.getByRole('button', { name: 'Verify chain' }).click();
  await expect(page.getByTestId('audit-verdict')).toContainText('Intact.');
  await saveScreenshot(page, 'operations-audit');
});

test('roll back a broken deploy on production, typing its name to confirm', async ({ page }) => {
  test.setTimeout(120_000);
  await page.goto(host.url);
  // recommendations runs 2.8.0-broken in shop-prod-eks; 2.7.3 is in its history.
  await openDeployment(page, 'k8s:shop-prod-eks/shop/Deployment/recommendations', 'recommendations');
  await page.getByRole('group', { name: 'Operations' }).getByRole('button', { name: 'Roll back…' }).click();

  const dialog = page.getByRole('dialog', { name: /Roll back Deployment shop\/recommendations/ });
  const good = dialog.locator('.revision-row').filter({ hasText: 'recommendations:2.7.3' });
  await good.getByRole('radio').check();
  await saveScreenshot(page, 'operations-rollback-revisions');
  await dialog.getByRole('button', { name: 'Plan' }).click();
  await expect(dialog.getByTestId('plan-summary')).toContainText('to revision');
  await expect(dialog.locator('[data-risk="production"]')).toBeVisible();

  const confirmButton = dialog.getByRole('button', { name: 'Roll back now' });
  await expect(confirmButton).toBeDisabled();
  const typed = dialog.getByLabel('Type recommendations to confirm');
  await typed.fill('recommendation');
  await expect(confirmButton).toBeDisabled();
  await typed.fill('recommendations');
  await saveScreenshot(page, 'operations-rollback-plan');
  await confirmButton.click();

  await expect(dialog.getByTestId('operation-state')).toHaveAttribute('data-state', 'succeeded', { timeout: 90_000 });
  await expect(dialog.getByTestId('operation-state')).toContainText('successfully rolled out');
  await saveScreenshot(page, 'operations-rollback-result');
});
