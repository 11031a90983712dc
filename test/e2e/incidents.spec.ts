import fs from 'node:fs';
import path from 'node:path';
import { expect, saveScreenshot, test } from './fixtures.js';
import { startHost } from './host.js';
import type { RunningHost } from './host.js';

/**
 * The worst hour of the week, on the sandbox: a bad deploy makes the service's 5xx alarm fire;
 * the on-call declares an incident from the firing alert, writes notes as things happen, moves
 * it to mitigated and resolved, and exports the postmortem. Screenshots at 1440×900.
 */

let host: RunningHost;
let sandboxOrigin: string;

async function until<T>(what: string, probe: () => Promise<T | undefined> | T | undefined, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch {
      // not yet
    }
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}.`);
    await new Promise((r) => setTimeout(r, 500));
  }
}

test.use({ viewport: { width: 1440, height: 900 } });

test.beforeAll(async () => {
  test.setTimeout(120_000);
  host = await startHost(['--sandbox']);
  // Each cluster's Kubernetes API has its own port since issue-15a; the scenario endpoints are on
  // the sandbox's plain-HTTP port, which the AWS config names as its endpoint.
  const awsConfig = path.join(host.dataDir, 'sandbox', 'aws-config');
  const port = await until('the sandbox AWS config', () => {
    const text = fs.existsSync(awsConfig) ? fs.readFileSync(awsConfig, 'utf8') : '';
    return /endpoint_url = http:\/\/127\.0\.0\.1:(\d+)/.exec(text)?.[1];
  });
  sandboxOrigin = `http://127.0.0.1:${port}`;
  const started = await fetch(`${sandboxOrigin}/sandbox/scenarios/bad-deploy/start`, { method: 'POST' });
  expect(started.ok).toBe(true);
});

test.afterAll(async () => {
  await host?.stop();
});

test('declare from a firing alert, add notes, mitigate, resolve and export', async ({ page }) => {
  test.setTimeout(300_000);
  await page.goto(host.url);
  await page.goto(`${host.url.replace(/#.*$/, '')}#/alerts`);
  // The bad deploy's 5xx alarm goes to ALARM once the crash-looping endpoints serve errors for an evaluation period.
  const firing = page.getByTestId('alert-row').filter({ has: page.getByTestId('declare-from-alert') }).first();
  await expect(firing).toBeVisible({ timeout: 180_000 });
  await saveScreenshot(page, 'incidents-alert-firing');
  await firing.getByTestId('declare-from-alert').click();

  const dialog = page.getByRole('dialog', { name: 'Declare an incident' });
  await expect(dialog.getByTestId('declare-title')).not.toHaveValue('');
  await dialog.getByTestId('declare-title').fill('Checkout API errors after the release');
  await dialog.getByLabel('Severity').selectOption('SEV2');
  await dialog.getByTestId('declare-submit').click();

  const view = page.getByTestId('incident-view');
  await expect(view).toBeVisible();
  await expect(view.getByTestId('incident-status')).toHaveText('investigating');
  await expect(view.getByTestId('clock-utc')).toHaveText(/^\d\d:\d\d:\d\d$/);
  await expect(view.getByTestId('clock-tplus')).toHaveText(/^T\+/);
  // The timeline wrote itself from the event store: the declaration and what the cluster said.
  await expect(view.getByTestId('timeline-item').filter({ hasText: 'Incident declared' })).toBeVisible();
  await expect(view.getByTestId('timeline-item').first()).toBeVisible();

  // "n" puts the cursor in the composer from anywhere in the view.
  await view.getByRole('heading', { level: 1 }).focus();
  await page.keyboard.press('n');
  await expect(view.getByTestId('note-text')).toBeFocused();
  await page.keyboard.type('Rollout of the new image coincides with the 5xx; rolling back.');
  await page.keyboard.press('Enter');
  await expect(view.getByTestId('note-text')).toHaveValue('');
  await expect(view.getByTestId('timeline-item').filter({ hasText: 'rolling back' })).toBeVisible();
  await view.getByTestId('note-text').fill('Follow-up: block images tagged broken in CI');
  await view.getByTestId('note-save').click();
  await expect(view.getByTestId('timeline-item').filter({ hasText: 'Follow-up: block images' })).toBeVisible();
  await saveScreenshot(page, 'incidents-investigating');

  await view.getByRole('group', { name: 'Status' }).getByRole('button', { name: 'mitigated' }).click();
  await expect(view.getByTestId('incident-status')).toHaveText('mitigated');
  await expect(view.getByTestId('timeline-item').filter({ hasText: 'Status investigating → mitigated' })).toBeVisible();

  // Resolve from the palette, as a keyboard user would.
  await page.keyboard.press('Control+k');
  await page.keyboard.type('Set incident status: resolved');
  await page.keyboard.press('Enter');
  await expect(view.getByTestId('incident-status')).toHaveText('resolved');
  await expect(view.getByTestId('timeline-item').filter({ hasText: 'Status mitigated → resolved' })).toBeVisible();
  await saveScreenshot(page, 'incidents-resolved');

  const download = page.waitForEvent('download');
  await view.getByTestId('export-incident').click();
  const file = await download;
  expect(file.suggestedFilename()).toMatch(/^inc-\d{8}-1-.*\.zip$/);
  await expect(page.getByText('Postmortem exported')).toBeVisible();

  await page.goto(`${host.url.replace(/#.*$/, '')}#/incidents`);
  await expect(page.getByTestId('incident-row')).toHaveCount(1);
  await expect(page.getByTestId('incident-row')).toContainText('resolved');
  await saveScreenshot(page, 'incidents-list');
});
