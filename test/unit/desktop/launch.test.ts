import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { electronMissingLine, electronPackageDir, findElectronBinary } from '../../../electron/launch.js';

/**
 * `npm start` decides between the desktop and host mode by looking at node_modules/electron's
 * files, never by loading its index.js (which would try to download the binary). These build
 * the layouts the electron package leaves behind in a temporary folder.
 */
const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

function checkout(layout: { pathTxt?: string; binary?: string; executable?: boolean; installed?: boolean } = {}) {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'daytwo-launch-'));
  dirs.push(root);
  fs.writeFileSync(path.join(root, 'package.json'), '{"name":"daytwo"}');
  const electronDir = path.join(root, 'node_modules', 'electron');
  if (layout.installed === false) return { root, electronDir };
  fs.mkdirSync(electronDir, { recursive: true });
  fs.writeFileSync(path.join(electronDir, 'package.json'), '{"name":"electron","main":"index.js"}');
  // An index.js that would "download" if anything ever loaded it.
  fs.writeFileSync(path.join(electronDir, 'index.js'), 'throw new Error("index.js must never be loaded");');
  if (layout.pathTxt !== undefined) fs.writeFileSync(path.join(electronDir, 'path.txt'), layout.pathTxt);
  if (layout.binary !== undefined) {
    const file = path.join(electronDir, 'dist', layout.binary);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, '#!/bin/sh\n');
    fs.chmodSync(file, layout.executable === false ? 0o644 : 0o755);
  }
  return { root, electronDir };
}

describe("finding Electron's binary without loading the electron package", () => {
  it('finds the package folder by resolving its package.json', () => {
    const { root, electronDir } = checkout();
    expect(fs.realpathSync(electronDir)).toBe(fs.realpathSync(electronPackageDir(root) ?? ''));
  });

  it('reports a checkout without the electron package', () => {
    const { root } = checkout({ installed: false });
    expect(electronPackageDir(root)).toBeNull();
    expect(findElectronBinary(null, {})).toEqual({ found: false, reason: expect.stringMatching(/not installed/) });
  });

  it('reports a package whose binary was never downloaded (no path.txt): this machine', () => {
    const { electronDir } = checkout();
    expect(findElectronBinary(electronDir, {})).toEqual({ found: false, reason: expect.stringMatching(/never downloaded/) });
  });

  it('reports path.txt naming a binary that is not there', () => {
    const { electronDir } = checkout({ pathTxt: 'electron' });
    expect(findElectronBinary(electronDir, {})).toMatchObject({ found: false, reason: expect.stringContaining(path.join('dist', 'electron')) });
  });

  it('finds the binary path.txt names under dist/', () => {
    const { electronDir } = checkout({ pathTxt: 'electron', binary: 'electron' });
    expect(findElectronBinary(electronDir, {})).toEqual({ found: true, path: path.join(electronDir, 'dist', 'electron') });
  });

  it("handles macOS's app-bundle path", () => {
    const inBundle = 'Electron.app/Contents/MacOS/Electron';
    const { electronDir } = checkout({ pathTxt: inBundle, binary: inBundle });
    expect(findElectronBinary(electronDir, {})).toEqual({ found: true, path: path.join(electronDir, 'dist', inBundle) });
  });

  it.skipIf(process.platform === 'win32')('does not take a file it cannot execute for Electron', () => {
    const { electronDir } = checkout({ pathTxt: 'electron', binary: 'electron', executable: false });
    expect(findElectronBinary(electronDir, {})).toMatchObject({ found: false });
  });

  it('honours ELECTRON_OVERRIDE_DIST_PATH as index.js does', () => {
    const { root, electronDir } = checkout();
    const override = path.join(root, 'custom-electron');
    fs.mkdirSync(override);
    expect(findElectronBinary(electronDir, { ELECTRON_OVERRIDE_DIST_PATH: override })).toMatchObject({ found: false });
    fs.writeFileSync(path.join(override, 'electron'), '');
    fs.chmodSync(path.join(override, 'electron'), 0o755);
    expect(findElectronBinary(electronDir, { ELECTRON_OVERRIDE_DIST_PATH: override })).toEqual({
      found: true,
      path: path.join(override, 'electron'),
    });
  });

  it('says in one line that Electron is missing and host mode is starting', () => {
    const line = electronMissingLine('its binary was never downloaded');
    expect(line).not.toContain('\n');
    expect(line).toMatch(/^Electron is not available here .*host mode/);
  });
});
