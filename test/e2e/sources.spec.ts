import type { Page, WebSocketRoute } from '@playwright/test';
import { expect, saveScreenshot, statusBar, test } from './fixtures.js';

/**
 * The providers and the sandbox that would report real sources arrive in later issues, so
 * these tests keep the real engine and transport in the loop and rewrite only the content of
 * the engine's sources.subscribe messages on their way to the page.
 */
const minute = 60_000;

function fakeSources(now: number) {
  return [
    {
      id: 'k8s:prod-eu-1',
      kind: 'kubernetes',
      name: 'prod-eu-1',
      location: 'https://k8s.prod-eu-1.example.net:6443',
      state: 'live',
      reason: 'Watching 14 resource kinds',
      lastSyncAt: now - 2_000,
      enabled: true,
      sandbox: false,
    },
    {
      id: 'k8s:staging',
      kind: 'kubernetes',
      name: 'staging-us-east-2',
      location: 'https://staging.internal:6443',
      state: 'offline',
      reason: 'connect ETIMEDOUT 10.0.4.12:6443',
      remedy: 'Check the VPN; Daytwo keeps showing the last known state and retries.',
      lastSyncAt: now - 4 * minute,
      enabled: true,
      sandbox: false,
    },
    {
      id: 'aws:123456789012/eu-west-1',
      kind: 'aws',
      name: 'payments (eu-west-1)',
      location: 'profile payments-admin, region eu-west-1',
      state: 'unauthorized',
      reason: 'The SSO session for profile payments-admin expired.',
      remedy: 'Run: aws sso login --profile payments-admin',
      lastSyncAt: now - 95 * minute,
      enabled: true,
      sandbox: false,
    },
    {
      id: 'prom:hostile',
      kind: 'prometheus',
      name: '<img src=x onerror="document.title=\'pwned\'">',
      location: 'http://prometheus.monitoring.svc.cluster.local:9090/' + 'very-long-path-segment/'.repeat(12),
      state: 'degraded',
      reason: 'Scrape target metadata incomplete: ' + 'label '.repeat(60),
      lastSyncAt: now - 30_000,
      enabled: true,
      sandbox: false,
    },
    {
      id: 'prom:never',
      kind: 'prometheus',
      name: 'prometheus-lab',
      location: 'http://10.9.0.3:9090',
      state: 'error',
      reason: 'HTTP 502 from /api/v1/status/buildinfo',
      remedy: 'Check the URL given with --prometheus.',
      lastSyncAt: null,
      enabled: true,
      sandbox: false,
    },
  ];
}

/** The console lands on the estate overview; these tests are about the Sources view, so go there. */
async function openSources(page: Page, hostUrl: string) {
  await page.goto(hostUrl);
  await page.getByRole('navigation', { name: 'Views' }).getByRole('link', { name: /^Sources/ }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Sources' })).toBeVisible();
  await expect(page).toHaveURL(/#\/sources$/);
}

/** Passes every frame through, replacing the source list the engine pushes. */
async function rewriteSources(page: Page, sockets: WebSocketRoute[] = []) {
  await page.routeWebSocket(/\/api\/ws$/, (ws) => {
    sockets.push(ws);
    const server = ws.connectToServer();
    server.onMessage((raw) => {
      const frame = JSON.parse(String(raw)) as { type: string; message?: { sources?: unknown } };
      if (frame.type === 'message' && frame.message && 'sources' in frame.message) {
        frame.message.sources = fakeSources(Date.now());
      }
      ws.send(JSON.stringify(frame));
    });
  });
  return sockets;
}

test('sources are listed worst first with reason, remedy and freshness, and hostile names stay text', async ({
  page,
  hostUrl,
}) => {
  await rewriteSources(page);
  await openSources(page, hostUrl);

  const rows = page.getByRole('table').getByRole('row');
  await expect(rows).toHaveCount(6);
  await expect(rows.nth(1)).toContainText('error');
  await expect(rows.nth(1)).toContainText('never synced');
  await expect(rows.nth(2)).toContainText('unauthorized');
  await expect(rows.nth(2)).toContainText('aws sso login --profile payments-admin');
  await expect(rows.nth(3)).toContainText('4 min ago');
  await expect(rows.nth(5)).toContainText('live');

  // Markup in a name is shown, not run; long values are cut and whole on hover.
  const hostile = page.getByRole('main').getByText('<img src=x onerror="document.title=\'pwned\'">', { exact: true });
  await expect(hostile).toBeVisible();
  await expect(page.locator('img')).toHaveCount(0);
  expect(await page.title()).not.toBe('pwned');
  const location = rows.nth(4).locator('.col-location .truncate');
  await expect(location).toHaveAttribute('title', /very-long-path-segment\/very-long/);
  expect(await location.evaluate((el) => el.scrollWidth > el.clientWidth)).toBe(true);

  const status = statusBar(page);
  await expect(status).toContainText('prometheus-lab');
  await expect(status).toContainText('error · never synced');
  await expect(status).toContainText('unauthorized · last seen 1 h ago');
  await expect(status).toContainText('offline · last seen 4 min ago');
  await expect(status.getByRole('button', { name: '+2 more' })).toBeVisible();
  await saveScreenshot(page, 'sources');

  // "/" filters; Escape clears.
  await page.keyboard.press('/');
  await expect(page.getByRole('searchbox', { name: 'Filter sources' })).toBeFocused();
  await page.keyboard.type('staging');
  await expect(rows).toHaveCount(2);
  await page.keyboard.press('Escape');
  await expect(rows).toHaveCount(6);

  // A status bar chip leads to its row.
  await status.getByRole('button', { name: /staging-us-east-2/ }).click();
  await expect(page).toHaveURL(/#\/sources\/k8s%3Astaging$/);
  await expect(page.locator('tr[data-source-id="k8s:staging"]')).toBeFocused();

  await page.emulateMedia({ colorScheme: 'dark' });
  await saveScreenshot(page, 'sources-dark');
});

test('when the engine connection drops, the console says so, keeps the last state, and reconnects', async ({
  page,
  hostUrl,
}) => {
  const sockets = await rewriteSources(page);
  await openSources(page, hostUrl);
  await expect(page.getByRole('table')).toBeVisible();
  await expect(statusBar(page).getByTestId('engine-link')).toHaveText('Engine connected');

  await sockets[0]!.close({ code: 1006, reason: 'simulated network loss' });

  const banner = page.getByRole('alert').filter({ hasText: 'Engine unreachable' });
  await expect(banner).toBeVisible();
  await expect(statusBar(page).getByTestId('engine-link')).toContainText('Engine unreachable');
  await expect(page.getByRole('table').getByRole('row').nth(5)).toContainText('live as of');
  await expect(page.getByRole('table').getByRole('row')).toHaveCount(6);
  await saveScreenshot(page, 'engine-unreachable');

  await expect(statusBar(page).getByTestId('engine-link')).toHaveText('Engine connected', { timeout: 10_000 });
  await expect(banner).toBeHidden();
  expect(sockets.length).toBeGreaterThan(1);
  await expect(page.getByRole('table').getByRole('row')).toHaveCount(6);
});
