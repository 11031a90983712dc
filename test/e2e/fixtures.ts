import path from 'node:path';
import { test as base, expect } from '@playwright/test';
import type { Page } from '@playwright/test';
import { repoRoot } from './host.js';

interface ConsoleWatch {
  /** Console errors matching this are expected in this test (e.g. a refused request's 403). */
  allow(pattern: RegExp): void;
}

/**
 * Every test fails on a console error or an uncaught page error it did not expect: a CSP
 * violation or a React warning is a bug even when the screen looks right.
 */
export const test = base.extend<{ console: ConsoleWatch; hostUrl: string }>({
  // Playwright reads a fixture's dependencies from its destructuring; this one has none.
  // eslint-disable-next-line no-empty-pattern
  hostUrl: async ({}, use) => {
    const url = process.env.DAYTWO_E2E_URL;
    if (!url) throw new Error('DAYTWO_E2E_URL is not set: the global setup did not start a host.');
    await use(url);
  },
  console: [
    async ({ page }, use) => {
      const allowed: RegExp[] = [];
      const problems: string[] = [];
      page.on('console', (message) => {
        if (message.type() === 'error' && !allowed.some((re) => re.test(message.text()))) {
          problems.push(`console.error: ${message.text()}`);
        }
      });
      page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
      await use({ allow: (pattern) => allowed.push(pattern) });
      expect(problems, 'the page logged errors').toEqual([]);
    },
    { auto: true },
  ],
});

export { expect };

/** Screenshots of each view are kept as test artifacts under test-results/screenshots/. */
export async function saveScreenshot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: path.join(repoRoot, 'test-results/screenshots', `${name}.png`) });
}

export const statusBar = (page: Page) => page.getByRole('contentinfo', { name: 'Status' });
