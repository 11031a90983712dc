import fs from 'node:fs';
import path from 'node:path';
import { expect, saveScreenshot, test } from './fixtures.js';
import { startHost } from './host.js';
import type { RunningHost } from './host.js';

/**
 * A runbook walked by keyboard on the sandbox, in Chromium: the list, the runbook's page with
 * its parameters filled from the link, then a run through every step type: an estate check
 * (Enter), a question (a number key), a manual step with a note (Enter), an approval the runner
 * cannot give themselves (refused, then skipped with a reason), and the gated action, whose
 * execution is refused until approved (skipped with a reason). Screenshots at 1440×900.
 */

let host: RunningHost;
const CONTEXT = 'shop-prod-eks';

test.use({ viewport: { width: 1440, height: 900 } });

test.beforeAll(async () => {
  test.setTimeout(120_000);
  host = await startHost(['--sandbox']);
});

test.afterAll(async () => {
  await host?.stop();
});

test('walk every step type of a runbook by keyboard', async ({ page, console }) => {
  test.setTimeout(240_000);
  // The self-approval and the unapproved execution are refused with 403, which the browser logs.
  console.allow(/Failed to load resource: the server responded with a status of 403/);
  const base = host.url.replace(/#.*$/, '');
  await page.goto(host.url);
  await page.goto(`${base}#/runbooks`);
  await expect(page.getByRole('heading', { name: 'Runbooks', level: 1 })).toBeVisible();
  await page.getByLabel('Filter by title, alert or entity kind').fill('ReplicasMismatch');
  const link = page.getByRole('link', { name: /KubeDeploymentReplicasMismatch/ });
  await expect(link).toBeVisible();
  await saveScreenshot(page, 'runbooks-list');

  await page.goto(`${base}#/runbooks/book/kube-deployment-replicas-mismatch?context=${CONTEXT}&namespace=shop&deployment=storefront`);
  await expect(page.getByRole('heading', { name: /KubeDeploymentReplicasMismatch/, level: 1 })).toBeVisible();
  await expect(page.getByLabel(/^context/)).toHaveValue(CONTEXT);
  await saveScreenshot(page, 'runbooks-runbook');
  await page.getByRole('button', { name: 'Start run' }).press('Enter');

  // check (estate): evaluated on arrival; Enter ticks it.
  const current = page.locator('.run-step-current');
  await expect(current).toContainText('Share of storefront', { timeout: 30_000 });
  await expect(current.locator('.run-check')).toBeVisible();
  await expect(current).toBeFocused();
  await saveScreenshot(page, 'runbooks-run-check');
  await current.press('Enter');

  // branch on a question: 1 = pending → the manual step.
  await expect(current).toContainText('Why are replicas missing?');
  await expect(current).toContainText('1: pending');
  await current.press('1');

  // manual: a note as evidence, Enter to tick.
  await expect(current).toContainText('Find room');
  const note = current.getByLabel('Note (evidence)');
  await note.fill('nodes have room; quota fine');
  await note.press('Enter');

  // approval: the runner's own context is refused.
  await expect(current).toContainText('A second person agrees');
  const approver = current.getByLabel('Approver context');
  await approver.fill(CONTEXT);
  await approver.press('Enter');
  await expect(page.locator('.run-page [role=alert]')).toContainText('cannot approve their own action');
  await saveScreenshot(page, 'runbooks-run-approval-refused');
  await current.focus();
  await current.press('s');
  const why = current.getByLabel('Why skip this step');
  await why.fill('no second person on shift');
  await why.press('Enter');

  // action: planned on arrival; execution is refused while its approval is not given.
  await expect(current).toContainText('Restart the rollout of storefront');
  await expect(current.locator('.run-plan')).toContainText('storefront', { timeout: 30_000 });
  const confirmation = current.getByLabel('Confirmation');
  await confirmation.fill('confirm');
  await confirmation.press('Enter');
  await expect(page.locator('.run-page [role=alert]')).toContainText('must be approved by a second person');
  await saveScreenshot(page, 'runbooks-run-action-gated');
  await current.focus();
  await current.press('s');
  await current.getByLabel('Why skip this step').fill('waiting for approval; escalated');
  await current.getByLabel('Why skip this step').press('Enter');

  await expect(page.locator('.view-summary')).toContainText('finished');
  await expect(page.locator('.run-step-skipped')).toHaveCount(2);
  await expect(page.locator('.run-record')).toContainText(['', 'answered by', 'nodes have room; quota fine', 'no second person on shift', 'waiting for approval; escalated']);
  await saveScreenshot(page, 'runbooks-run-finished');
});

test('add a runbook folder in settings: a missing one is refused, a refused file is listed with file:line:column, removal takes effect at once', async ({ page, console }) => {
  // The engine refuses the missing folder with 400, which the browser logs.
  console.allow(/Failed to load resource: the server responded with a status of 400/);
  const folder = path.join(host.dataDir, 'team-runbooks');
  fs.mkdirSync(folder, { recursive: true });
  fs.writeFileSync(path.join(folder, 'payments-worker.md'), ['---', 'title: Restart the payments worker', '---', '', '```manual', 'id: restart', 'title: Restart it', '```', ''].join('\n'));
  fs.writeFileSync(path.join(folder, 'broken.md'), ['---', 'title: Broken', '---', '', '```check', 'id: cpu', 'title: CPU', 'expect: "< 80"', '```', ''].join('\n'));
  const base = host.url.replace(/#.*$/, '');
  await page.goto(host.url);
  await page.goto(`${base}#/settings`);
  const section = page.getByTestId('runbook-folders');
  const input = section.getByLabel('Runbook folder to add (full path)');

  await input.fill(path.join(folder, 'nowhere'));
  await input.press('Enter');
  await expect(section.getByRole('alert')).toContainText('does not exist');

  await input.fill(folder);
  await input.press('Enter');
  const row = section.getByTestId('runbook-folder').filter({ hasText: folder });
  await expect(row).toContainText('1 runbook');
  await expect(row.locator('.runbook-folder-problems')).toContainText(`${path.join(folder, 'broken.md')}:6:1`);
  await expect(row.locator('.runbook-folder-problems')).toContainText('exactly one of promql, cloudwatch or estate');
  await section.getByLabel('Runbook folder to add (full path)').scrollIntoViewIfNeeded();
  await saveScreenshot(page, 'runbooks-settings-folders');

  await page.goto(`${base}#/runbooks`);
  await expect(page.getByRole('link', { name: 'Restart the payments worker' })).toBeVisible();

  await page.goto(`${base}#/settings`);
  await page.getByRole('button', { name: `Remove ${folder}` }).press('Enter');
  await expect(page.getByTestId('runbook-folder')).toHaveCount(0);
  await page.goto(`${base}#/runbooks`);
  await expect(page.getByRole('heading', { name: 'Runbooks', level: 1 })).toBeVisible();
  await expect(page.locator('a[href="#/runbooks/book/kube-deployment-replicas-mismatch"]')).toBeVisible();
  await expect(page.getByRole('link', { name: 'Restart the payments worker' })).toHaveCount(0);
});
