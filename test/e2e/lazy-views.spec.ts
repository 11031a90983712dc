import { expect, test } from './fixtures.js';

/**
 * The metrics, catalog and runbooks views come in scripts of their own, fetched when first shown
 * (renderer/app/lazy-view.tsx): the console opens without them, and a view whose script cannot be
 * fetched says so, offers a reload, and leaves the rest of the console working.
 */
test('a view whose script cannot be fetched says so and offers a reload; the reload brings it', async ({ page, hostUrl, console: pageConsole }) => {
  // What this test causes: the refused fetch, and React reporting the error its boundary caught.
  pageConsole.allow(/ERR_CONNECTION_REFUSED/);
  pageConsole.allow(/A view could not be loaded/);
  const fetched: string[] = [];
  page.on('request', (request) => {
    if (request.url().includes('/assets/')) fetched.push(new URL(request.url()).pathname);
  });
  let refuse = true;
  await page.route(/\/assets\/MetricsView-[^/]*\.js$/, (route) => (refuse ? route.abort('connectionrefused') : route.continue()));

  await page.goto(hostUrl);
  await expect(page.locator('.view-summary')).toContainText('resources');
  // The overview is drawn without the charts' code.
  expect(fetched.filter((p) => /MetricsView|CatalogView|RunbooksView|CartesianChart/.test(p))).toEqual([]);

  await page.getByRole('navigation', { name: 'Views' }).getByRole('link', { name: /Metrics/ }).click();
  const failure = page.getByRole('alert').filter({ hasText: 'could not load this view' });
  await expect(failure).toBeVisible();
  // The frame around it still works.
  await page.getByRole('navigation', { name: 'Views' }).getByRole('link', { name: /Overview/ }).click();
  await expect(page.locator('.view-summary')).toContainText('resources');

  refuse = false;
  await page.getByRole('navigation', { name: 'Views' }).getByRole('link', { name: /Metrics/ }).click();
  await page.getByRole('button', { name: 'Reload' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Metrics' })).toBeVisible();
  await expect(failure).toHaveCount(0);
});
