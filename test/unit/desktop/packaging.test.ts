import fs from 'node:fs';
import { createRequire } from 'node:module';
import yaml from 'js-yaml';
import { describe, expect, it } from 'vitest';

/**
 * electron-builder.yml is checked here, where no Electron can be downloaded to package with:
 * against electron-builder's own schema, and for the settings the security model depends on.
 */
const require = createRequire(import.meta.url);
const config = yaml.load(fs.readFileSync('electron-builder.yml', 'utf8')) as Record<string, unknown>;

describe('electron-builder.yml', () => {
  it("matches electron-builder's configuration schema", async () => {
    // Not a public export; it is what `electron-builder` itself runs on the file.
    const { validateConfiguration } = require('app-builder-lib/out/util/config/config') as {
      validateConfiguration: (config: unknown, logger: unknown) => Promise<void>;
    };
    const { DebugLogger } = require('builder-util') as { DebugLogger: new (enabled: boolean) => unknown };
    await expect(validateConfiguration(structuredClone(config), new DebugLogger(false))).resolves.toBeUndefined();
    await expect(
      validateConfiguration({ ...structuredClone(config), electronFuses: { runAsNod: false } }, new DebugLogger(false)),
    ).rejects.toThrow(/electronFuses/);
  }, 30_000); // loading app-builder-lib takes seconds on a loaded machine

  it('flips the fuses that stop a packaged Daytwo from running as something else', () => {
    expect(config.electronFuses).toMatchObject({
      runAsNode: false,
      enableNodeOptionsEnvironmentVariable: false,
      enableNodeCliInspectArguments: false,
      onlyLoadAppFromAsar: true,
      enableEmbeddedAsarIntegrityValidation: true,
      enableCookieEncryption: true,
    });
  });

  it("ships the app in an asar, better-sqlite3's addon outside it, rebuilt for Electron's ABI", () => {
    expect(config.asar).toBe(true);
    expect(config.asarUnpack).toContain('**/node_modules/better-sqlite3/**/*.node');
    expect(config.npmRebuild).toBe(true);
  });

  it('packages what main loads: compiled code, the preload, the renderer, resources', () => {
    expect(config.productName).toBe('Daytwo');
    expect(config.files).toEqual(expect.arrayContaining(['out/**', 'dist/renderer/**', 'resources/**', 'package.json']));
  });

  it('targets AppImage and deb, dmg, and nsis', () => {
    const targets = (platform: string) => (config[platform] as { target: string[] }).target;
    expect(targets('linux')).toEqual(['AppImage', 'deb']);
    expect(targets('mac')).toEqual(['dmg']);
    expect(targets('win')).toEqual(['nsis']);
  });
});
