import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import type { Page } from '@playwright/test';
import { expect, saveScreenshot, test } from './fixtures.js';
import { startHost } from './host.js';
import type { RunningHost } from './host.js';

/**
 * The first minute of diagnosis, in the browser: a pod crash-loops, the operator opens it,
 * reads the crashed container's previous logs and searches them, reads its events, then its
 * YAML and the Secret it uses, whose values stay masked. Screenshots of each step are kept.
 */

const run = promisify(execFile);
const context = 'dc1-onprem';
const namespace = 'diagnosis';
const podId = `k8s:${context}/${namespace}/Pod/checkout-worker`;
let host: RunningHost;

async function kubectl(...args: string[]): Promise<string> {
  const kubeconfig = path.join(host.dataDir, 'sandbox', 'kubeconfig');
  const { stdout } = await run('kubectl', ['--kubeconfig', kubeconfig, '--context', context, ...args], { timeout: 30_000 });
  return stdout.trim();
}

test.beforeAll(async () => {
  host = await startHost(['--sandbox']);
  const kubeconfig = path.join(host.dataDir, 'sandbox', 'kubeconfig');
  for (let i = 0; i < 100 && !fs.existsSync(kubeconfig); i++) await new Promise((resolve) => setTimeout(resolve, 100));
  const image = (await kubectl('-n', 'erp', 'get', 'deploy', '-o', 'jsonpath={.items[0].spec.template.spec.containers[0].image}')).split(' ')[0];
  const manifest = path.join(host.dataDir, 'diagnosis.yaml');
  fs.writeFileSync(
    manifest,
    `apiVersion: v1
kind: Namespace
metadata: {name: ${namespace}}
---
apiVersion: v1
kind: Secret
metadata: {name: payments-api, namespace: ${namespace}}
stringData: {api-key: pk_live_do_not_show}
---
apiVersion: v1
kind: Pod
metadata:
  name: checkout-worker
  namespace: ${namespace}
  labels: {app: checkout-worker, sandbox.daytwo.dev/behaviour: crash}
spec:
  containers:
  - name: worker
    image: ${image}
    envFrom:
    - secretRef: {name: payments-api}
`,
  );
  await kubectl('apply', '-f', manifest);
});

test.afterAll(async () => {
  await host?.stop();
});

async function openPod(page: Page): Promise<void> {
  const [origin, token] = host.url.split('/#token=') as [string, string];
  // Wait until the engine has synced the pod and seen it crash at least once.
  await expect
    .poll(
      async () => {
        const res = await fetch(`${origin}/api/estate.entity`, {
          method: 'POST',
          headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
          body: JSON.stringify({ id: podId }),
        });
        if (res.status !== 200) return 0;
        const body = (await res.json()) as { result: { entity: { status: Record<string, unknown> } } };
        return Number(body.result.entity.status['restarts'] ?? 0);
      },
      { timeout: 90_000 },
    )
    .toBeGreaterThan(0);
  await page.goto(`${host.url.replace(/#.*$/, '')}#/topology/${encodeURIComponent(podId)}`);
  await expect(page.getByRole('complementary', { name: 'Pod detail' }).getByTestId('entity-title')).toHaveText('checkout-worker', { timeout: 60_000 });
}

test('a crash-looping pod: previous logs, search, events, and YAML with its Secret masked', async ({ page }) => {
  test.setTimeout(180_000);
  await page.setViewportSize({ width: 1440, height: 900 });
  await page.goto(host.url);
  await openPod(page);
  // The on-call has declared an incident for it, so the logs can pin a line to its timeline.
  await page.getByTestId('declare-from-entity').click();
  const declare = page.getByRole('dialog', { name: 'Declare an incident' });
  await declare.getByTestId('declare-title').fill('checkout-worker crash-looping');
  await declare.getByTestId('declare-submit').click();
  await expect(declare).toBeHidden({ timeout: 15_000 });
  await openPod(page);
  const detail = page.getByRole('complementary', { name: 'Pod detail' });

  await detail.getByRole('tab', { name: 'Logs' }).click();
  const logs = detail.getByRole('region', { name: 'Logs' });
  await logs.getByLabel('Previous container').check();
  await expect(logs.getByTestId('log-status')).toContainText('previous container');
  const lines = logs.getByTestId('log-lines');
  await expect(lines.locator('.log-row').first()).toBeVisible({ timeout: 30_000 });
  await expect(logs.getByTestId('log-status')).toContainText('complete');
  await saveScreenshot(page, 'logs-previous-container');

  const lastLine = (await lines.locator('.log-row .log-text').last().textContent()) ?? '';
  const word = (lastLine.match(/[A-Za-z]{5,}/) ?? ['starting'])[0];
  await logs.getByLabel('Search logs').fill(word);
  await expect(logs.getByTestId('log-match-count')).toHaveText(/^1 of [1-9]/);
  await expect(lines.locator('mark.log-match').first()).toHaveText(new RegExp(word, 'i'));
  await saveScreenshot(page, 'logs-search');

  // The matched line goes onto the incident's timeline at the time the kubelet stamped it.
  await expect(logs.getByLabel('Incident to pin to')).toContainText('checkout-worker crash-looping');
  await logs.getByRole('button', { name: 'Pin line to incident' }).click();
  await expect(logs.getByText(/^Pinned to inc-/)).toBeVisible({ timeout: 15_000 });

  await detail.getByRole('tab', { name: 'Events' }).click();
  await expect(detail.getByTestId('event-list')).toContainText('BackOff', { timeout: 60_000 });
  await saveScreenshot(page, 'logs-events');

  await detail.getByRole('tab', { name: 'YAML' }).click();
  await expect(detail.getByTestId('object-yaml')).toContainText('kind: Pod');
  await expect(detail.getByTestId('object-yaml')).not.toContainText('managedFields:');
  await expect(detail.getByTestId('kubectl-command')).toHaveText(`kubectl --context ${context} -n ${namespace} get pod/checkout-worker -o yaml`);
  await expect(detail.getByTestId('describe-container')).toContainText('all keys of secret payments-api');
  await saveScreenshot(page, 'logs-pod-yaml');

  await detail.getByRole('button', { name: 'Secret payments-api' }).click();
  const secret = detail.getByTestId('ref-object');
  await expect(secret.getByTestId('secret-masked')).toContainText('The value of 1 key is masked');
  await expect(secret.getByTestId('object-yaml')).toContainText('api-key: ••••••••');
  await expect(secret.getByTestId('object-yaml')).not.toContainText(Buffer.from('pk_live_do_not_show').toString('base64'));
  await secret.getByTestId('object-yaml').scrollIntoViewIfNeeded();
  await saveScreenshot(page, 'logs-secret-masked');

  // Revealing takes a second, explicit click, and lands in the audit log.
  await secret.getByRole('button', { name: 'Reveal…' }).click();
  await secret.getByRole('button', { name: 'Reveal values' }).click();
  await expect(secret.getByTestId('object-yaml')).toContainText(Buffer.from('pk_live_do_not_show').toString('base64'));
  await page.goto(`${host.url.replace(/#.*$/, '')}#/audit`);
  await expect(page.getByRole('row').filter({ hasText: 'Reveal the values of Secret diagnosis/payments-api' })).toBeVisible({ timeout: 15_000 });
});

test('a workload’s logs: every pod merged by time and tagged, followed live, paused and resumed', async ({ page }) => {
  test.setTimeout(120_000);
  await page.setViewportSize({ width: 1440, height: 900 });
  const id = 'k8s:dc1-onprem/erp/Deployment/warehouse-ui';
  await page.goto(host.url);
  await page.goto(`${host.url.replace(/#.*$/, '')}#/topology/${encodeURIComponent(id)}`);
  const detail = page.getByRole('complementary', { name: 'Deployment detail' });
  await expect(detail.getByTestId('entity-title')).toHaveText('warehouse-ui', { timeout: 60_000 });
  await detail.getByRole('tab', { name: 'Logs' }).click();
  const logs = detail.getByRole('region', { name: 'Logs' });
  await expect(logs.getByTestId('log-status')).toContainText('following', { timeout: 30_000 });
  const sources = logs.getByTestId('log-lines').locator('.log-source');
  await expect.poll(async () => new Set(await sources.allTextContents()).size, { timeout: 30_000 }).toBeGreaterThan(1);
  await logs.getByRole('button', { name: 'Pause' }).click();
  await expect(logs.getByTestId('log-status')).toContainText('paused');
  await saveScreenshot(page, 'logs-workload-paused');
  await logs.getByRole('button', { name: /^Resume/ }).click();
  await expect(logs.getByTestId('log-status')).toContainText('following');
  await logs.getByLabel('Wrap').check();
  await saveScreenshot(page, 'logs-workload-following');
});
