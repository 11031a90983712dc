import { expect, saveScreenshot, statusBar, test } from './fixtures.js';

test.describe('an engine with nothing configured', () => {
  test('says there are no sources and what to configure, and keeps the token out of the address bar', async ({
    page,
    hostUrl,
  }) => {
    await page.goto(hostUrl);

    await expect(page.getByRole('heading', { level: 1, name: 'Estate overview' })).toBeVisible();
    await expect(page).toHaveURL(/#\/overview$/);
    expect(page.url()).not.toContain('token=');

    const firstRun = page.getByRole('region', { name: 'No sources configured' });
    await expect(firstRun).toBeVisible();
    await expect(firstRun).toContainText('KUBECONFIG');
    await expect(firstRun).toContainText('~/.aws/config');
    await expect(firstRun).toContainText('--prometheus');
    await expect(firstRun).toContainText('sandbox');

    await expect(statusBar(page).getByTestId('engine-link')).toHaveText('Engine connected');
    await expect(statusBar(page)).toContainText('No sources configured');
    await expect(statusBar(page)).toContainText('Host mode');
    await expect(statusBar(page)).not.toContainText('Read-only');
    await saveScreenshot(page, 'sources-first-run');

    // The token lives in this tab's session storage, so a reload still reaches the engine.
    await page.reload();
    await expect(statusBar(page).getByTestId('engine-link')).toHaveText('Engine connected');
    await expect(firstRun).toBeVisible();
  });

  test('a page opened without the printed URL says how to get in', async ({ page, hostUrl }) => {
    await page.goto(hostUrl.replace(/#token=.*$/, ''));
    await expect(page.getByRole('alert')).toContainText('Daytwo ready:');
  });
});
