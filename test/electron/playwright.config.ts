import { defineConfig } from '@playwright/test';

/**
 * The desktop smoke test: `npx playwright test -c test/electron/playwright.config.ts`.
 * It launches the real Electron app where a binary exists and is reported as skipped, with
 * the reason, where none does (machines that can reach only the npm registry).
 */
export default defineConfig({
  testDir: '.',
  testMatch: 'smoke.spec.ts',
  timeout: 60_000,
  workers: 1,
  reporter: [['list']],
  outputDir: '../../test-results/electron',
});
