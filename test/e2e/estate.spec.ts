import { expect, test } from './fixtures.js';
import { clickThroughEstate, degradedWorkload, openOverview } from './estate-flow.js';
import { startHost } from './host.js';
import type { RunningHost } from './host.js';

/**
 * The shared host from the global setup is a true first run (--no-sandbox, nothing to show), so
 * these specs start their own host on the embedded sandbox estate.
 */
let host: RunningHost;

test.beforeAll(async () => {
  host = await startHost(['--sandbox']);
});

test.afterAll(async () => {
  await host?.stop();
});

test.describe('the estate on the embedded sandbox', () => {
  test('overview → topology → a degraded workload → its pods', async ({ page }) => {
    test.setTimeout(120_000);
    await page.goto(host.url);
    await clickThroughEstate(page, 'estate');
  });

  test('the overview says what is wrong, worst first, and opens it from the keyboard', async ({ page }) => {
    test.setTimeout(90_000);
    await page.goto(host.url);
    await openOverview(page);
    await degradedWorkload(page);
    const rows = page.getByRole('table', { name: 'Degraded and failing resources, worst first' }).locator('[data-row]');
    // Each row is ranked by its worst part (a workload by its worst pod): no failing row after a degraded one.
    const ranks = await rows.evaluateAll((els) => els.map((el) => /health-(\w+)/.exec(el.className)?.[1] ?? ''));
    const firstDegraded = ranks.indexOf('degraded');
    if (firstDegraded >= 0) expect(ranks.slice(firstDegraded)).not.toContain('failing');
    await rows.first().focus();
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('Enter');
    await expect(page.getByRole('complementary', { name: / detail$/ }).getByTestId('entity-title')).toBeVisible();
    await page.keyboard.press('Escape');
    await expect(page.getByRole('complementary', { name: / detail$/ })).toHaveCount(0);
  });

  test('the topology zooms and pans from the keyboard and filters by health', async ({ page }) => {
    await page.goto(host.url);
    await page.getByRole('link', { name: /^Topology/ }).first().click();
    const canvas = page.getByTestId('topology-canvas');
    await canvas.focus();
    const zoom = page.getByRole('group', { name: 'Zoom' }).locator('.zoom-level');
    await expect(zoom).toHaveText(/%$/);
    const before = await zoom.innerText();
    await page.keyboard.press('+');
    await page.keyboard.press('+');
    await expect(zoom).not.toHaveText(before);
    await page.keyboard.press('ArrowRight');
    await page.keyboard.press('0');
    await page.getByRole('button', { name: 'Failing', pressed: false }).click();
    await expect(page.getByRole('button', { name: 'Failing', pressed: true })).toBeVisible();
    await page.getByRole('button', { name: 'Clear' }).click();
  });

  test('"Find entity…" in the command palette jumps to an entity', async ({ page }) => {
    await page.goto(host.url);
    await openOverview(page);
    const name = await degradedWorkload(page);
    await page.keyboard.press('Control+k');
    await page.keyboard.type('Find entity');
    await page.keyboard.press('Enter');
    const finder = page.getByRole('combobox', { name: /Find entity/ });
    await expect(finder).toBeFocused();
    await page.keyboard.type(name);
    await page.keyboard.press('Enter');
    await expect(page.getByTestId('entity-title')).toHaveText(name);
  });
});
