import { expect, saveScreenshot, test } from './fixtures.js';
import { startHost } from './host.js';
import type { RunningHost } from './host.js';

/**
 * A game day in Chromium, on the host's built-in sandbox: the game master starts a bad-deploy
 * drill with two participants, the banner shows on every view, Alice declares the drill
 * incident from the palette, the scoreboard credits her, a hint lands, the game master aborts
 * (emergency stop) and reads the report. Screenshots at 1440×900.
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

test('start a drill, respond, see the scoreboard move, abort and read the report', async ({ page }) => {
  test.setTimeout(300_000);
  const base = host.url.replace(/#.*$/, '');
  await page.goto(host.url);
  await page.goto(`${base}#/drills`);

  const start = page.getByRole('form', { name: 'Start a drill' });
  await expect(start.getByTestId('drill-scenario').locator('option', { hasText: 'bad-deploy' })).toHaveCount(1, { timeout: 60_000 });
  await start.getByTestId('drill-scenario').selectOption('bad-deploy');
  await start.getByLabel('Participant 1 name').fill('Alice');
  await start.getByRole('button', { name: 'Add participant' }).click();
  await start.getByLabel('Participant 2 name').fill('Bob');
  await start.getByLabel('Participant 2 role').selectOption('operations');
  await saveScreenshot(page, 'drills-start');
  await start.getByRole('button', { name: 'Start drill' }).click();

  await expect(page.getByTestId('drill-banner')).toContainText('DRILL in progress');
  await expect(page.getByTestId('drill-clock')).toHaveText(/^\+\d\d:\d\d$/);
  await expect(page.getByTestId('drill-acting')).toHaveValue('Alice');
  await saveScreenshot(page, 'drills-game-master');

  // Alice declares the drill incident from another view, under the banner.
  await page.goto(`${base}#/incidents`);
  await expect(page.getByTestId('drill-banner')).toBeVisible();
  await page.keyboard.press('Control+k');
  await page.keyboard.type('Declare incident');
  await page.keyboard.press('Enter');
  const dialog = page.getByRole('dialog', { name: 'Declare an incident' });
  await dialog.getByTestId('declare-title').fill('Drill: checkout errors');
  await dialog.getByLabel(/Drill/).check();
  await dialog.getByTestId('declare-submit').click();
  await saveScreenshot(page, 'drills-declared-under-banner');

  await page.goto(`${base}#/drills`);
  const scoreboard = page.getByTestId('drill-scoreboard');
  await expect(scoreboard.getByTestId('milestone-declare')).toContainText('Alice');
  await expect(scoreboard.getByTestId('milestone-detect')).toContainText(/\+\d\d:\d\d/);

  await page.getByLabel('Hint').fill('Look at the newest ReplicaSet.');
  await page.getByRole('button', { name: 'Give hint' }).click();
  await expect(scoreboard).toContainText('Look at the newest ReplicaSet.');
  await page.getByTestId('drill-acting').selectOption('Bob');
  await expect(page.getByTestId('drill-banner')).toContainText('Acting: Bob');
  await saveScreenshot(page, 'drills-scoreboard');

  page.once('dialog', (d) => void d.accept());
  await page.getByRole('button', { name: 'Abort (emergency stop)' }).click();
  await expect(scoreboard).toContainText('aborted');
  await expect(page.getByTestId('drill-banner')).toHaveCount(0);
  await page.getByLabel('Debrief question').fill('What told you first?');
  await page.getByRole('button', { name: 'Add question' }).click();
  await page.getByRole('button', { name: 'Write report' }).click();
  const report = page.getByTestId('drill-report');
  await expect(report).toContainText('| declare |');
  await expect(report).toContainText('What told you first?');
  await report.scrollIntoViewIfNeeded();
  await saveScreenshot(page, 'drills-report');
  // The start form is back for the next drill, and the history lists this one.
  await expect(page.getByRole('form', { name: 'Start a drill' })).toBeVisible();
});

test('replay a recorded incident: pick the export, a speed, start; the original responders sit beside the trainees', async ({ page }) => {
  test.setTimeout(180_000);
  const base = host.url.replace(/#.*$/, '');
  await page.goto(host.url);
  await page.goto(`${base}#/drills`);
  // A short recording: a rollout, a crash-looping pod, the 5xx alarm, declared and mitigated by its responders.
  const t0 = Date.parse('2026-11-30T06:00:00Z');
  const dep = 'k8s:shop-prod-eks/shop/Deployment/checkout';
  const item = (kind: string, at: number, what: string, entityId: string | null, severity = 'info') => ({ kind, what, entityId, severity, occurredAt: t0 + at });
  const recording = {
    incident: { id: 'inc-20261130-7', title: '5xx on checkout', impacted: [dep], milestones: { declared: { at: t0 + 20_000, by: 'oncall' }, mitigated: { at: t0 + 40_000, by: 'oncall' } } },
    window: { start: t0 - 60_000, end: t0 + 60_000, anchor: t0 + 8_000 },
    items: [
      item('rollout', 0, 'ScalingReplicaSet: Scaled up replica set checkout-7d9f to 1', dep),
      item('pod', 3_000, 'BackOff: Back-off restarting failed container checkout in pod checkout-7d9f-x2x', 'k8s:shop-prod-eks/shop/Pod/checkout-7d9f-x2x', 'warning'),
      item('alarm', 8_000, 'AlarmAlarm: shop-prod-eks-shop-checkout-5xx-high: OK → ALARM. Alarm updated from OK to ALARM', dep, 'critical'),
    ],
  };
  const form = page.getByRole('form', { name: 'Replay an incident' });
  await form.getByTestId('replay-file').setInputFiles({ name: 'timeline.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(recording)) });
  await form.getByTestId('replay-speed').selectOption('4');
  await form.getByLabel('Start before the first alert (seconds)').fill('10');
  await form.getByTestId('replay-trainees').fill('Carol, Dan');
  await saveScreenshot(page, 'drills-replay-start');
  await form.getByRole('button', { name: 'Replay as a drill' }).click();

  await expect(page.getByTestId('drill-banner')).toContainText('DRILL in progress');
  const comparison = page.getByTestId('replay-comparison');
  await expect(comparison).toContainText('Replay of inc-20261130-7 at 4×');
  // The original declared 12 s after its first alert: 00:03 on the replay's clock at 4×.
  await expect(comparison.locator('tr', { hasText: 'declare' })).toContainText('+00:12');
  await expect(comparison.locator('tr', { hasText: 'declare' })).toContainText('+00:03');
  await saveScreenshot(page, 'drills-replay-running');
  page.once('dialog', (d) => void d.accept());
  await page.getByRole('button', { name: 'Abort (emergency stop)' }).click();
  await expect(page.getByTestId('drill-scoreboard')).toContainText('aborted');
});
