import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { _electron as electron, expect, test } from '@playwright/test';
import { appRoot } from '../../electron/engine/app-paths.js';
import { electronPackageDir, findElectronBinary } from '../../electron/launch.js';

/**
 * The desktop app as a person meets it: it opens one window titled Daytwo, the UI comes from
 * app://daytwo with its CSP, the page reaches the engine process through window.daytwo, and
 * the status bar says the engine is connected. Needs `npm run build` first.
 */
const root = appRoot();
const binary = findElectronBinary(electronPackageDir(root));
const skipReason = binary.found
  ? null
  : `No Electron binary here: ${binary.reason}. Electron's binary downloads from GitHub, which this machine cannot reach; the desktop smoke test runs wherever it can.`;
if (skipReason) console.log(`[electron smoke] skipped: ${skipReason}`);

test.describe('the desktop app', () => {
  test.skip(skipReason !== null, skipReason ?? '');

  let dataDir: string;
  test.beforeEach(() => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'daytwo-electron-'));
  });
  test.afterEach(() => {
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  test('opens its window, shows the status bar, and talks to the engine process', async () => {
    if (!binary.found) return;
    // ELECTRON_RUN_AS_NODE, if set in the shell, would make the binary ignore the app.
    const env = Object.fromEntries(
      Object.entries({ ...process.env, DAYTWO_DATA_DIR: dataDir }).filter(
        (entry): entry is [string, string] => entry[1] !== undefined && entry[0] !== 'ELECTRON_RUN_AS_NODE',
      ),
    );
    const app = await electron.launch({ executablePath: binary.path, args: [root], env, cwd: root });
    try {
      const window = await app.firstWindow(); // a Playwright Page
      await expect(window).toHaveTitle(/Daytwo/);
      expect(window.url()).toBe('app://daytwo/index.html');

      const statusBar = window.getByRole('contentinfo', { name: 'Status' });
      await expect(statusBar).toBeVisible();
      await expect(statusBar.getByTestId('engine-link')).toHaveText(/Engine connected/);

      const seen = await window.evaluate(async () => {
        const bridge = (globalThis as unknown as { daytwo: { call(m: string, p: unknown): Promise<unknown> } }).daytwo;
        return {
          bridgeKeys: Object.keys(bridge).sort(),
          nodeVisible: typeof (globalThis as { require?: unknown }).require !== 'undefined' || typeof (globalThis as { process?: unknown }).process !== 'undefined',
          info: await bridge.call('app.info', {}),
        };
      });
      expect(seen.bridgeKeys).toEqual(['call', 'subscribe']);
      expect(seen.nodeVisible).toBe(false);
      expect(seen.info).toMatchObject({ ok: true, result: { name: 'Daytwo', mode: 'desktop', dataDir } });

      const csp = await window.evaluate(async () => (await fetch('app://daytwo/index.html')).headers.get('content-security-policy'));
      expect(csp).toContain("default-src 'none'");

      // window.open never creates a second window.
      await window.evaluate(() => (globalThis as unknown as { open(url: string): unknown }).open('app://daytwo/index.html'));
      await window.waitForTimeout(300);
      expect(app.windows()).toHaveLength(1);
      await window.screenshot({ path: path.join(test.info().outputDir, 'desktop.png') });
    } finally {
      await app.close();
    }
  });
});
