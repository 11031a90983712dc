import { expect, saveScreenshot, test } from './fixtures.js';
import { sandboxAdmin, startHost } from './host.js';
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
  expect((await (await sandboxAdmin(host.dataDir)).post('/sandbox/scenarios/bad-deploy/start')).status).toBe(200);

  // The first visit hands the page its token (in the fragment); then go to the alerts.
  await page.goto(host.url);
  await expect(page.getByRole('heading', { level: 1, name: 'Estate overview' })).toBeVisible();
  await page.goto(`${host.url.replace(/#.*$/, '')}#/alerts`);
  await expect(page.getByRole('heading', { level: 1, name: 'Alerts' })).toBeVisible();
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
