import { expect, saveScreenshot, test } from './fixtures.js';
import { startHost } from './host.js';
import type { RunningHost } from './host.js';

/**
 * The game master's controls in the command palette: none while no drill runs; during a drill,
 * pause and resume (the banner follows), a scenario's own written hint and a typed one (the
 * "…" command opens the game-master panel with the field focused), and abort after the same
 * confirmation the panel asks for.
 */

let host: RunningHost;

test.use({ viewport: { width: 1440, height: 900 } });

test.beforeAll(async () => {
  test.setTimeout(120_000);
  host = await startHost(['--sandbox']);
});

test.afterAll(async () => {
  await host?.stop();
});

test('the palette offers the drill controls only while a drill runs, and they act on it', async ({ page }) => {
  test.setTimeout(240_000);
  const base = host.url.replace(/#.*$/, '');
  await page.goto(host.url);
  // The page's small entry runs first; shortcuts work once the console around it has loaded.
  await expect(page.getByRole('navigation', { name: 'Views' })).toBeVisible();
  const palette = page.getByRole('dialog', { name: 'Command palette' });
  const search = palette.getByLabel('Search commands and views');
  const runCommand = async (words: string, title: string | RegExp) => {
    await page.keyboard.press('Control+k');
    await search.fill(words);
    await expect(palette.getByRole('option').first()).toContainText(title);
    await page.keyboard.press('Enter');
    await expect(palette).toHaveCount(0);
  };

  await page.keyboard.press('Control+k');
  await search.fill('Drill:');
  await expect(palette.getByRole('option', { name: /Drill: (pause|abort)/ })).toHaveCount(0);
  await page.keyboard.press('Escape');

  await page.goto(`${base}#/drills`);
  const start = page.getByRole('form', { name: 'Start a drill' });
  await expect(start.getByTestId('drill-scenario').locator('option', { hasText: 'oom-killed' })).toHaveCount(1, { timeout: 60_000 });
  await start.getByTestId('drill-scenario').selectOption('oom-killed');
  await start.getByLabel('Participant 1 name').fill('Alice');
  await start.getByRole('button', { name: 'Start drill' }).click();
  const banner = page.getByTestId('drill-banner');
  await expect(banner).toContainText('DRILL in progress');

  await page.goto(`${base}#/overview`);
  await runCommand('Drill: pause', 'Drill: pause');
  await expect(banner).toContainText('DRILL (paused) in progress');
  await runCommand('Drill: resume', 'Drill: resume');
  await expect(banner).toContainText('DRILL in progress');

  // One of the hints the scenario's author wrote, given without leaving the view.
  await page.keyboard.press('Control+k');
  await search.fill('Drill: give hint 1');
  await saveScreenshot(page, 'drill-palette');
  await page.keyboard.press('Enter');

  // A typed hint: the palette opens the game-master panel with the field focused.
  await runCommand('Drill: give hint…', 'Drill: give hint…');
  await expect(page.getByLabel('Hint')).toBeFocused();
  await page.keyboard.type('Look at the last state of the container.');
  await page.keyboard.press('Enter');
  const scoreboard = page.getByTestId('drill-scoreboard');
  await expect(scoreboard).toContainText('Look at the last state of the container.');
  await expect(scoreboard).toContainText('kubectl describe pod');

  await runCommand('Drill: inject fault…', 'Drill: inject fault…');
  await expect(page.getByLabel('Further fault')).toBeFocused();

  page.once('dialog', (d) => void d.accept());
  await runCommand('Drill: abort', 'Drill: abort');
  await expect(scoreboard).toContainText('aborted');
  await expect(banner).toHaveCount(0);
});
