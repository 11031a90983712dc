import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { expect, saveScreenshot, test } from './fixtures.js';
import { startHost } from './host.js';
import type { RunningHost } from './host.js';

/**
 * A team runs the OpenFeature operator: its FeatureFlag resource is applied with kubectl and
 * named on the Deployment. The operator opens the service's page, finds the flag with its state
 * on the cluster, switches it off from the keyboard through the plan dialog, and the page and
 * kubectl both say it is off.
 */

const run = promisify(execFile);
let host: RunningHost;

const manifest = `apiVersion: core.openfeature.dev/v1beta1
kind: FeatureFlag
metadata:
  name: warehouse-flags
  namespace: erp
spec:
  flagSpec:
    flags:
      new-welcome-banner:
        state: ENABLED
        variants: {'on': true, 'off': false}
        defaultVariant: 'on'
`;

test.beforeAll(async () => {
  host = await startHost(['--sandbox']);
});

test.afterAll(async () => {
  await host?.stop();
});

test('service page → Feature flags → switch a flag off → kubectl agrees', async ({ page }) => {
  test.setTimeout(180_000);
  const kubeconfig = path.join(host.dataDir, 'sandbox', 'kubeconfig');
  const kubectl = async (args: string[], stdin?: string) => {
    const child = run('kubectl', ['--kubeconfig', kubeconfig, '--context', 'dc1-onprem', ...args], { timeout: 30_000 });
    if (stdin !== undefined) {
      child.child.stdin?.write(stdin);
      child.child.stdin?.end();
    }
    return (await child).stdout.trim();
  };
  await expect
    .poll(
      async () => {
        try {
          await kubectl(['apply', '-f', '-'], manifest);
          await kubectl(['-n', 'erp', 'annotate', 'deployment', 'warehouse-ui', 'daytwo.io/feature-flags=openfeature:warehouse-flags', '--overwrite']);
          return 'applied';
        } catch (error) {
          return String(error);
        }
      },
      { timeout: 60_000 },
    )
    .toBe('applied');

  await page.goto(host.url);
  await page.goto(`${host.url.replace(/#.*$/, '')}#/catalog/service/warehouse-ui`);
  const flags = page.getByRole('table', { name: 'Feature flags' });
  const row = flags.getByRole('row', { name: /dc1-onprem/ });
  await expect(row).toContainText('on', { timeout: 60_000 });
  await expect(flags).toContainText('new-welcome-banner');
  await saveScreenshot(page, 'feature-flags-service');

  const switchOff = row.getByRole('button', { name: 'Switch off new-welcome-banner in dc1-onprem' });
  await switchOff.focus();
  await page.keyboard.press('Enter');
  const dialog = page.getByRole('dialog', { name: /Change feature flag new-welcome-banner in dc1-onprem/ });
  await expect(dialog.getByTestId('plan-summary')).toContainText('Switch off flag "new-welcome-banner"', { timeout: 30_000 });
  await expect(dialog.getByRole('table', { name: 'Before and after' })).toContainText('DISABLED');
  await saveScreenshot(page, 'feature-flags-plan');
  await dialog.getByRole('button', { name: 'Change feature flag now' }).click();
  await expect(dialog.getByTestId('operation-state')).toHaveAttribute('data-state', 'succeeded', { timeout: 60_000 });
  // The panel behind the dialog reads the flag again as soon as the operation ends.
  await expect(row.getByRole('button', { name: 'Switch on new-welcome-banner in dc1-onprem' })).toBeVisible({ timeout: 10_000 });
  await saveScreenshot(page, 'feature-flags-switched-off');
  await page.keyboard.press('Escape');

  expect(await kubectl(['-n', 'erp', 'get', 'featureflag', 'warehouse-flags', '-o', 'jsonpath={.spec.flagSpec.flags.new-welcome-banner.state}'])).toBe('DISABLED');
  await expect(row.getByRole('button', { name: 'Switch on new-welcome-banner in dc1-onprem' })).toBeVisible({ timeout: 30_000 });
});

test('Settings → Unleash: an unreachable server is refused with the reason, and nothing is kept', async ({ page, console: watch }) => {
  // The engine answers 503 for an unreachable server; Chromium logs the failed request itself.
  watch.allow(/status of 503/);
  await page.goto(host.url);
  await page.getByRole('navigation', { name: 'Views' }).getByRole('link', { name: /Settings/ }).click();
  const unleash = page.getByRole('group', { name: 'Unleash' });
  await unleash.getByLabel('Server URL').fill('http://127.0.0.1:9');
  await unleash.getByLabel('Admin API token').fill('*:*.0123456789abcdef');
  await unleash.getByLabel('Admin API token').press('Enter');
  await expect(unleash.getByRole('alert')).toContainText('Could not reach Unleash at http://127.0.0.1:9', { timeout: 30_000 });
  await expect(unleash.getByRole('list', { name: 'Unleash connections' })).toHaveCount(0);
  await saveScreenshot(page, 'feature-flags-settings-unleash');
});
