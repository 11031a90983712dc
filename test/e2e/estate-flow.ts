import type { Page } from '@playwright/test';
import { expect, saveScreenshot } from './fixtures.js';

/**
 * The story both estate specs tell, as an operator would: open the overview, see what is wrong
 * worst first, switch to the topology, find the degraded workload, open it, and follow it to
 * its pods. Screenshots of each step go to test-results/screenshots/<prefix>-*.png.
 */

export async function openOverview(page: Page): Promise<void> {
  await page.getByRole('link', { name: /^Overview/ }).first().click();
  await expect(page.getByRole('heading', { level: 1, name: 'Estate overview' })).toBeVisible();
}

/** Waits until the estate has arrived and a degraded or failing workload is listed; returns its name. */
export async function degradedWorkload(page: Page, timeout = 60_000): Promise<string> {
  const problems = page.getByRole('table', { name: 'Degraded and failing resources, worst first' });
  const workloadRow = problems
    .getByRole('row')
    .filter({ has: page.getByRole('cell', { name: /^(Deployment|StatefulSet|DaemonSet)$/ }) })
    .first();
  await expect(workloadRow).toBeVisible({ timeout });
  const name = (await workloadRow.getByRole('cell').nth(2).innerText()).trim();
  expect(name.length).toBeGreaterThan(0);
  return name;
}

export async function clickThroughEstate(page: Page, prefix: string, options: { timeout?: number } = {}): Promise<void> {
  await openOverview(page);
  const workload = await degradedWorkload(page, options.timeout);
  // Rows carry their freshness: live, or when their source was last seen. Entities stream in
  // while a source is still on its first full list (its clusters say "never synced" until it
  // ends), so allow the source as long to finish syncing as the estate had to arrive. A source
  // that is watching but behind (as five 50,000-pod clusters on two cores can be) reads
  // "live (degraded)".
  await expect(page.getByRole('table', { name: /Clusters by health/ }).getByText(/^(live|live \(degraded\)|last seen .+|derived)$/).first()).toBeVisible({
    timeout: options.timeout ?? 60_000,
  });
  await saveScreenshot(page, `${prefix}-overview`);

  // Overview → topology, from the keyboard as the nav shows it: g then t.
  await page.getByRole('heading', { level: 1, name: 'Estate overview' }).focus();
  await page.keyboard.press('g');
  await page.keyboard.press('t');
  const canvas = page.getByTestId('topology-canvas');
  await expect(canvas).toBeVisible();
  await expect(page.getByRole('heading', { level: 1, name: 'Topology' })).toBeVisible();
  await page.waitForTimeout(300);
  await saveScreenshot(page, `${prefix}-topology`);

  // Find the degraded workload by name, as typed, and open it.
  const finder = page.getByRole('combobox', { name: /Find entity/ });
  await finder.fill(workload);
  // The canvas lights up what matches as it is typed (the boxes they are drawn in).
  await expect(canvas).toHaveAttribute('data-matches', /^[1-9]\d*$/);
  const option = page
    .getByRole('option')
    .filter({ hasText: /Deployment|StatefulSet|DaemonSet/ })
    .filter({ hasText: workload })
    .first();
  // The matches open over the canvas, whole: none starts left of it (under the nav, cut off).
  const [optionBox, canvasBox] = [await option.boundingBox(), await canvas.boundingBox()];
  expect(optionBox && canvasBox && optionBox.x >= canvasBox.x).toBe(true);
  await option.click();
  const detail = page.getByRole('complementary', { name: /(Deployment|StatefulSet|DaemonSet) detail/ });
  await expect(detail.getByTestId('entity-title')).toHaveText(workload);
  await expect(detail.getByText(/Degraded|Failing/).first()).toBeVisible();

  // The graph centred on it: a click in the middle of the canvas lands on the workload or one of its pods.
  await page.waitForTimeout(300);
  const box = await canvas.boundingBox();
  if (!box) throw new Error('the topology canvas has no box');
  await page.mouse.click(box.x + box.width / 2, box.y + box.height / 2);
  await expect(page.getByTestId('entity-title')).toHaveText(new RegExp(`^${escapeRegExp(workload)}`));
  if ((await page.getByTestId('entity-title').innerText()) !== workload) await page.goBack();
  await expect(detail.getByTestId('entity-title')).toHaveText(workload);

  // Expand it (Space on the focused graph) so its pods are drawn, then keep the picture.
  await canvas.focus();
  await page.keyboard.press('Space');
  await page.waitForTimeout(300);
  await saveScreenshot(page, `${prefix}-workload`);

  // Its pods, worst first; follow the first one.
  const pods = detail.getByTestId('detail-pods');
  await expect(pods).toBeVisible();
  const firstPod = pods.getByRole('button').first();
  const podName = (await firstPod.getAttribute('title'))?.replace(/^Pod /, '') ?? '';
  expect(podName.startsWith(workload)).toBe(true);
  await firstPod.click();
  const podDetail = page.getByRole('complementary', { name: 'Pod detail' });
  await expect(podDetail.getByTestId('entity-title')).toHaveText(podName);
  // A pod leads back to what owns it, and once scheduled to the node it runs on. The worst pod
  // can be one the scheduler could not place (a 10,000-pod cluster short of CPU): no node then.
  await expect(podDetail.getByRole('list', { name: 'Containment' }).getByRole('button', { name: workload })).toBeVisible();
  const pending = (await podDetail.getByRole('region', { name: 'Summary' }).innerText()).includes('unschedulable');
  if (!pending) await expect(podDetail.getByRole('region', { name: 'Relations' }).getByText('Runs on')).toBeVisible();
  await page.waitForTimeout(300);
  await saveScreenshot(page, `${prefix}-pod`);
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * Runs in the page (as a string: the test tsconfig has no DOM types): 30 wheel notches in and
 * out, then a 30-step drag, recording the gaps between animation frames meanwhile.
 */
export const measureFrames = `(async () => {
  const el = document.querySelector('[data-testid="topology-canvas"]');
  const r = el.getBoundingClientRect();
  const gaps = [];
  let last = performance.now();
  let running = true;
  const tick = (t) => { gaps.push(t - last); last = t; if (running) requestAnimationFrame(tick); };
  requestAnimationFrame(tick);
  const next = () => new Promise((resolve) => requestAnimationFrame(resolve));
  const cx = r.left + r.width / 2;
  const cy = r.top + r.height / 2;
  for (let i = 0; i < 30; i++) {
    el.dispatchEvent(new WheelEvent('wheel', { deltaY: i < 15 ? -80 : 80, clientX: cx, clientY: cy, bubbles: true, cancelable: true }));
    await next();
  }
  el.dispatchEvent(new PointerEvent('pointerdown', { clientX: r.left + 200, clientY: r.top + 200, button: 0, pointerId: 1, bubbles: true }));
  for (let i = 0; i < 30; i++) {
    el.dispatchEvent(new PointerEvent('pointermove', { clientX: r.left + 200 + i * 8, clientY: r.top + 200 + i * 4, pointerId: 1, bubbles: true }));
    await next();
  }
  el.dispatchEvent(new PointerEvent('pointerup', { clientX: r.left + 440, clientY: r.top + 320, button: 0, pointerId: 1, bubbles: true }));
  running = false;
  gaps.sort((a, b) => a - b);
  return { count: gaps.length, median: gaps[gaps.length >> 1] || 0, p95: gaps[Math.floor(gaps.length * 0.95)] || 0 };
})()`;
