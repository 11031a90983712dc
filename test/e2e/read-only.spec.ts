import { expect, saveScreenshot, statusBar, test } from './fixtures.js';
import { startHost } from './host.js';
import type { RunningHost } from './host.js';

/**
 * A war-room screen: started with --read-only, it shows everything and changes nothing. Nothing
 * here needs an estate, so the built-in sandbox stays off (as in the global setup).
 */
let host: RunningHost;
test.beforeAll(async () => {
  host = await startHost(['--read-only', '--no-sandbox']);
});
test.afterAll(async () => {
  await host?.stop();
});

const refusal = 'settings.set changes things, and this Daytwo was started read-only.';

test('a read-only host refuses a settings change and the console shows the refusal', async ({ page, console }) => {
  // The browser itself logs every refused request ("Failed to load resource … 403").
  console.allow(/Failed to load resource: the server responded with a status of 403/);
  await page.goto(host.url);

  await expect(statusBar(page).getByText('Read-only')).toBeVisible();
  await page.keyboard.press('g');
  await page.keyboard.press(',');
  await expect(page.getByRole('heading', { level: 1, name: 'Settings' })).toBeVisible();
  await expect(page.getByText('the engine refuses every change')).toBeVisible();

  await page.getByRole('radio', { name: 'Dark' }).click();
  await expect(page.getByRole('alert').filter({ hasText: refusal })).toBeVisible();
  await expect(page.getByRole('radio', { name: 'System' })).toBeChecked();
  await expect(page.locator('html')).toHaveAttribute('data-theme', 'light');
  await saveScreenshot(page, 'settings-read-only');

  // From the palette, the refusal arrives as a notice that stays until dismissed.
  await page.keyboard.press('Control+K');
  await page.keyboard.type('theme dark');
  await page.keyboard.press('Enter');
  const notice = page.locator('.notice').filter({ hasText: 'Changing the theme failed' });
  await expect(notice).toContainText(refusal);
  await notice.getByRole('button', { name: 'Dismiss' }).click();
  await expect(notice).toBeHidden();
});
