import fs from 'node:fs';
import path from 'node:path';
import { expect, saveScreenshot, test } from './fixtures.js';
import { startHost } from './host.js';
import type { RunningHost } from './host.js';

/**
 * An operator on the sandbox estate: a bad deploy fires its 5xx alarm, the alarm pages through
 * PagerDuty, and the incident shows beside the alerts. Acknowledging it from Daytwo goes through
 * the same plan and confirmation as any operation, and PagerDuty shows it acknowledged.
 */

let host: RunningHost;

test.beforeAll(async () => {
  host = await startHost(['--sandbox']);
});

test.afterAll(async () => {
  await host?.stop();
});

test('a PagerDuty incident from a bad deploy is listed beside the alerts and acknowledged from Daytwo', async ({ page }) => {
  test.setTimeout(300_000);
  // The sandbox's PagerDuty connection file names its port; the scenario admin endpoint is on it.
  const file = path.join(host.dataDir, 'sandbox', 'pagerduty.json');
  await expect.poll(() => fs.existsSync(file), { timeout: 30_000 }).toBe(true);
  const { server } = JSON.parse(fs.readFileSync(file, 'utf8')) as { server: string };
  const port = /:(\d+)\//.exec(server)?.[1];
  expect((await fetch(`http://127.0.0.1:${port}/sandbox/scenarios/bad-deploy/start`, { method: 'POST' })).status).toBe(200);

  await page.goto(`${host.url.replace(/#.*$/, '')}#/alerts`);
  const table = page.getByRole('table', { name: 'PagerDuty incidents' });
  const row = table.getByRole('row').filter({ hasText: 'catalog-api-5xx-high' });
  await expect(row).toContainText('Triggered', { timeout: 240_000 });
  await expect(row).toContainText('catalog-api (shop-prod-eks)');
  await row.scrollIntoViewIfNeeded();
  await saveScreenshot(page, 'pagerduty-incidents');

  await row.getByRole('button', { name: /^Acknowledge PagerDuty incident #\d+$/ }).click();
  const dialog = page.getByRole('dialog', { name: /Acknowledge PagerDuty incident #\d+/ });
  await expect(dialog.getByTestId('plan-summary')).toContainText('Acknowledge PagerDuty incident #');
  await expect(dialog.getByRole('table', { name: 'Before and after' }).getByRole('row', { name: /status triggered acknowledged/ })).toBeVisible();
  await saveScreenshot(page, 'pagerduty-acknowledge-plan');
  await dialog.getByRole('button', { name: 'Acknowledge PagerDuty incident now' }).click();
  await expect(dialog.getByTestId('operation-state')).toHaveAttribute('data-state', 'succeeded', { timeout: 60_000 });
  await saveScreenshot(page, 'pagerduty-acknowledge-result');
  await page.keyboard.press('Escape');

  await expect(row).toContainText('Acknowledged', { timeout: 60_000 });
});
