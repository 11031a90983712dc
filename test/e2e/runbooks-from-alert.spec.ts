import fs from 'node:fs';
import path from 'node:path';
import yaml from 'js-yaml';
import { expect, saveScreenshot, test } from './fixtures.js';
import { repoRoot, sandboxAdmin, startHost } from './host.js';
import type { RunningHost } from './host.js';
import { KUBE_PROMETHEUS_FIXTURES, type FixtureGroup } from '../integration/helpers/kube-prometheus-rules.js';
import { freePort, prometheusAvailable, startPrometheus, type RunningPrometheus } from '../integration/helpers/prometheus.js';
import { sandboxScrapeConfigs } from '../../electron/engine/sandbox/prometheus/scrape-config.js';

/**
 * From a firing alert to a finished run, by keyboard, in Chromium. The host runs the sandbox and
 * is pointed (--prometheus) at Debian's Prometheus, which scrapes the sandbox's cluster as
 * kube-prometheus does and evaluates kube-prometheus's own KubePodCrashLooping rule (`for: 0s`:
 * Prometheus measures `for` on its wall clock). The bad deploy is aimed at one service, so the
 * alert to follow is known. Several runbooks answer the alert (the bundled two and the team
 * folder's, given with --runbooks), so the chooser is used; the team's runbook has every step
 * type: a PromQL check with its chart, a question, a manual step with a note, an approval
 * given by the sandbox's second admin, the rollback through its plan and typed confirmation, and
 * an estate check. Screenshots at 1440×900 under test-results/screenshots/.
 */

const CLUSTER = 'shop-prod-eks';
const SERVICE = `${CLUSTER}/shop/storefront`;
const DEPLOYMENT = 'storefront';

let host: RunningHost;
let prometheus: RunningPrometheus;

test.use({ viewport: { width: 1440, height: 900 } });
test.skip(!prometheusAvailable, '/usr/bin/prometheus is not installed (apt-get install prometheus)');

test.beforeAll(async () => {
  test.setTimeout(180_000);
  const port = await freePort();
  host = await startHost(['--sandbox', '--prometheus', `http://127.0.0.1:${port}`, '--runbooks', path.join(repoRoot, 'test/e2e/runbooks')]);
  const admin = await sandboxAdmin(host.dataDir);
  const rulesFile = path.join(host.dataDir, 'crashlooping.yaml');
  const rule = yaml.load(fs.readFileSync(path.join(KUBE_PROMETHEUS_FIXTURES, 'kubernetesControlPlane-prometheusRule.yaml'), 'utf8')) as { spec: { groups: FixtureGroup[] } };
  const crashLooping = rule.spec.groups.flatMap((g) => g.rules).find((r) => r.alert === 'KubePodCrashLooping');
  if (!crashLooping) throw new Error('The fixture no longer has KubePodCrashLooping.');
  fs.writeFileSync(rulesFile, yaml.dump({ groups: [{ name: 'crashlooping-for-0s', rules: [{ ...crashLooping, for: '0s' }] }] }));
  prometheus = await startPrometheus(path.join(host.dataDir, 'prometheus'), {
    port,
    scrapeConfigs: sandboxScrapeConfigs(new URL(admin.origin).host, [CLUSTER]),
    ruleFiles: [rulesFile],
  });
  const started = await admin.post(`/sandbox/scenarios/bad-deploy/start?service=${encodeURIComponent(SERVICE)}`);
  expect(started.ok).toBe(true);
});

test.afterAll(async () => {
  await prometheus?.stop();
  await host?.stop();
});

test('from a firing KubePodCrashLooping alert, choose a runbook and walk every step type by keyboard', async ({ page, console }) => {
  test.setTimeout(420_000);
  // The runner's own approval is refused with 403 before the second admin approves.
  console.allow(/Failed to load resource: the server responded with a status of 403/);
  await page.goto(host.url);
  await expect(page.getByRole('navigation')).toBeVisible();
  await page.keyboard.press('g');
  await page.keyboard.press('l');
  await expect(page.getByRole('heading', { name: 'Alerts', level: 1 })).toBeVisible();
  await page.getByLabel('Filter alerts by name, summary or label').fill('KubePodCrashLooping');
  await page.getByLabel('Filter alerts by name, summary or label').press('Tab');

  // Only the Prometheus rule's alert names KubePodCrashLooping; of its rows, one of the broken deployment's pods.
  const firing = page
    .getByTestId('alert-row')
    .filter({ hasText: 'Prometheus alert' })
    .filter({ hasText: new RegExp(`${DEPLOYMENT}-[a-z0-9]+-[a-z0-9]+`) })
    .first();
  await expect(firing).toBeVisible({ timeout: 240_000 });
  await expect(firing).toContainText('Firing');
  await saveScreenshot(page, 'runbooks-alert-firing');

  // Four runbooks answer it (the bundled crash-looping, bad-deploy and oom-killed ones, and the
  // team's): the chooser lists them, the first focused; its number opens one.
  await firing.getByTestId('runbook-for-alert').focus();
  await page.keyboard.press('Enter');
  const chooser = firing.getByTestId('runbook-offers');
  await expect(chooser.getByRole('button')).toHaveCount(4, { timeout: 30_000 });
  await expect(chooser.getByRole('button').first()).toBeFocused();
  await expect(chooser).toContainText(`deployment=${DEPLOYMENT}`);
  await saveScreenshot(page, 'runbooks-alert-chooser');
  const titles = await chooser.getByRole('button').allInnerTexts();
  const pick = titles.findIndex((t) => t.includes('second pair of eyes'));
  expect(pick).toBeGreaterThanOrEqual(0);
  await page.keyboard.press(String(pick + 1));

  // The runbook's page, its parameters filled from the alert's labels and the estate.
  await expect(page.getByRole('heading', { name: /second pair of eyes/, level: 1 })).toBeVisible();
  await expect(page.getByLabel(/^context/)).toHaveValue(CLUSTER);
  await expect(page.getByLabel(/^namespace/)).toHaveValue('shop');
  await expect(page.getByLabel(/^deployment/)).toHaveValue(DEPLOYMENT);
  await expect(page.getByLabel(/^pod/)).toHaveValue(new RegExp(`^${DEPLOYMENT}-`));
  await saveScreenshot(page, 'runbooks-alert-runbook');
  await page.getByLabel(/Declare an incident/).focus();
  await page.keyboard.press('Space');
  await page.getByRole('button', { name: 'Start run' }).focus();
  await page.keyboard.press('Enter');

  // check (PromQL): the error ratio, evaluated on arrival, with its chart; Enter ticks it.
  const current = page.locator('.run-step-current');
  await expect(current).toContainText(`Error ratio of ${DEPLOYMENT}`, { timeout: 30_000 });
  await expect(current).toBeFocused();
  await expect(current.locator('.run-check')).toContainText('passed', { timeout: 30_000 });
  await expect(current.locator('svg.run-spark')).toBeVisible();
  await saveScreenshot(page, 'runbooks-alert-run-check');
  await page.keyboard.press('Enter');

  // branch on a question: 1 = release.
  await expect(current).toContainText('1: release');
  await expect(current).toBeFocused();
  await page.keyboard.press('1');

  // manual with a note as evidence.
  await expect(current).toContainText('runs the newest revision');
  await current.getByLabel('Note (evidence)').focus();
  await page.keyboard.type('image v2 in every crashing pod; v1 before');
  await page.keyboard.press('Enter');

  // approval: the runner's own context is refused; the second admin's is accepted.
  await expect(current).toContainText('A second person agrees');
  await current.getByLabel('Approver context').focus();
  await page.keyboard.type(CLUSTER);
  await page.keyboard.press('Enter');
  await expect(page.locator('.run-page [role=alert]')).toContainText('cannot approve their own action');
  await current.getByLabel('Approver context').focus();
  await page.keyboard.press('ControlOrMeta+a');
  await page.keyboard.type(`${CLUSTER}-approver`);
  await saveScreenshot(page, 'runbooks-alert-run-approval');
  await page.keyboard.press('Enter');

  // action: planned on arrival, shown as the plan (diff, risks), executed with the typed confirmation.
  await expect(current).toContainText(`Roll ${DEPLOYMENT} back to revision`, { timeout: 30_000 });
  const plan = current.locator('.run-plan');
  await expect(plan).toContainText(DEPLOYMENT, { timeout: 30_000 });
  const confirmation = current.getByLabel('Confirmation');
  const expected = (await confirmation.getAttribute('placeholder')) ?? '';
  expect(expected).not.toBe('');
  await confirmation.focus();
  await page.keyboard.type(expected);
  await saveScreenshot(page, 'runbooks-alert-run-action');
  await page.keyboard.press('Enter');

  // check (estate): every replica ready after the verified rollback; r re-checks until it holds.
  await expect(current).toContainText(`Every replica of ${DEPLOYMENT} is ready`, { timeout: 180_000 });
  await expect(current).toBeFocused();
  await expect(async () => {
    if (!((await current.locator('.run-check').textContent()) ?? '').includes('passed')) {
      await page.keyboard.press('r');
      throw new Error('not ready yet');
    }
  }).toPass({ timeout: 120_000, intervals: [2_000] });
  await page.keyboard.press('Enter');

  // the last manual step, ticked without a note: the run finishes.
  await expect(current).toContainText('Open a ticket');
  await page.keyboard.press('Enter');
  await expect(page.locator('.run-page .view-summary')).toContainText('finished');
  await expect(page.locator('.run-step').filter({ hasText: 'runs the newest revision' })).toContainText('image v2 in every crashing pod');
  await expect(page.locator('.run-step').filter({ hasText: 'A second person agrees' })).toContainText('approved by sandbox-approver');
  await expect(page.locator('.run-step').filter({ hasText: 'A second person agrees' })).toContainText('for sandbox-admin');
  await expect(page.locator('.run-step').filter({ hasText: `Roll ${DEPLOYMENT} back to revision` })).toContainText('operation succeeded');
  await saveScreenshot(page, 'runbooks-alert-run-finished');

  // The run's steps are on the incident's timeline as runbook items, and the incident offers its runbooks.
  await page.locator('.run-page .view-summary a').focus();
  await page.keyboard.press('Enter');
  const view = page.getByTestId('incident-view');
  await expect(view).toBeVisible();
  const runItems = view.getByTestId('timeline-item').and(page.locator('[data-kind=runbook]'));
  await expect(runItems.filter({ hasText: 'Approved approval step' })).toBeVisible({ timeout: 30_000 });
  await expect(runItems.filter({ hasText: 'Executed action step' })).toBeVisible();
  await expect(view.getByTestId('incident-runbooks')).toContainText('Bad deploy');
  // Shown apart from notes: the timeline filtered to runbook items.
  const chip = view.getByRole('group', { name: 'Show only' }).getByRole('button', { name: 'Runbook', exact: true });
  await chip.focus();
  await page.keyboard.press('Enter');
  await expect(chip).toHaveAttribute('aria-pressed', 'true');
  await expect(view.getByTestId('timeline-item').first()).toHaveAttribute('data-kind', 'runbook');
  // The chip's colour eases in; the picture waits for it.
  await expect(chip).toHaveCSS('background-color', 'rgb(47, 100, 214)');
  await saveScreenshot(page, 'runbooks-alert-incident-timeline');
});
