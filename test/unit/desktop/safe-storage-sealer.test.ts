import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  loadVaultKey,
  safeStorageSealer,
  safeStorageUnavailableReason,
  vaultKeyFile,
} from '../../../electron/desktop/safe-storage-sealer.js';
import type { SafeStorageApi } from '../../../electron/desktop/safe-storage-sealer.js';

type Backend = ReturnType<SafeStorageApi['getSelectedStorageBackend']>;

/** A keychain stand-in: reversible, but visibly not clear text, and bound to its own "machine". */
function fakeSafeStorage(options: { available?: boolean; backend?: Backend; machine?: string } = {}): SafeStorageApi {
  const machine = options.machine ?? 'this-machine';
  return {
    isEncryptionAvailable: () => options.available ?? true,
    getSelectedStorageBackend: () => options.backend ?? 'gnome_libsecret',
    encryptString: (plain) => Buffer.from(`${machine}:${Buffer.from(plain).toString('hex')}`),
    decryptString: (sealed) => {
      const [owner, hex] = sealed.toString().split(':');
      if (owner !== machine || hex === undefined) throw new Error('Error while decrypting the ciphertext provided to safeStorage.decryptString.');
      return Buffer.from(hex, 'hex').toString();
    },
  };
}

const dirs: string[] = [];
function userData(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'daytwo-safe-storage-'));
  dirs.push(dir);
  return dir;
}
afterEach(() => {
  for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

describe('whether safeStorage can protect secrets', () => {
  it('can with a real keychain', () => {
    expect(safeStorageUnavailableReason(fakeSafeStorage(), 'linux')).toBeNull();
    expect(safeStorageUnavailableReason(fakeSafeStorage({ backend: 'unknown' }), 'darwin')).toBeNull();
  });

  it('cannot when encryption is unavailable', () => {
    expect(safeStorageUnavailableReason(fakeSafeStorage({ available: false }), 'win32')).toMatch(/memory/);
  });

  it("cannot on Linux's basic_text backend, whose key is hardcoded in Chromium", () => {
    expect(safeStorageUnavailableReason(fakeSafeStorage({ backend: 'basic_text' }), 'linux')).toMatch(/secret service/);
  });

  it('refuses to seal rather than write something weaker', () => {
    const sealer = safeStorageSealer(fakeSafeStorage({ backend: 'basic_text' }), 'linux');
    expect(sealer.unavailableReason).not.toBeNull();
    expect(() => sealer.seal('token')).toThrow();
    expect(safeStorageSealer(fakeSafeStorage(), 'linux').seal('token').toString()).not.toContain('token');
  });
});

describe('the vault data key', () => {
  it('is created once, stored only sealed, and the same on the next start', () => {
    const dir = userData();
    const first = loadVaultKey(dir, safeStorageSealer(fakeSafeStorage(), 'linux'));
    if (!('key' in first)) throw new Error(first.unavailableReason);
    expect(Buffer.from(first.key, 'base64')).toHaveLength(32);
    expect(fs.readFileSync(path.join(dir, vaultKeyFile)).toString()).not.toContain(first.key);
    expect(loadVaultKey(dir, safeStorageSealer(fakeSafeStorage(), 'linux'))).toEqual(first);
  });

  it('is not created without a keychain, and says why', () => {
    const dir = userData();
    const result = loadVaultKey(dir, safeStorageSealer(fakeSafeStorage({ available: false }), 'linux'));
    expect(result).toEqual({ unavailableReason: expect.stringMatching(/keychain/) });
    expect(fs.readdirSync(dir)).toEqual([]);
  });

  it('is reported, never replaced, when this keychain cannot open it', () => {
    const dir = userData();
    loadVaultKey(dir, safeStorageSealer(fakeSafeStorage({ machine: 'old-laptop' }), 'linux'));
    const before = fs.readFileSync(path.join(dir, vaultKeyFile));
    const result = loadVaultKey(dir, safeStorageSealer(fakeSafeStorage({ machine: 'new-laptop' }), 'linux'));
    expect(result).toEqual({ unavailableReason: expect.stringMatching(/cannot be opened/) });
    expect(fs.readFileSync(path.join(dir, vaultKeyFile))).toEqual(before);
  });
});

describe('when the vault key cannot be written', () => {
  it.skipIf(process.platform === 'win32')('keeps secrets in memory rather than failing to start', () => {
    const dir = userData();
    // A dangling symlink reads as missing but cannot be created exclusively (works as root too).
    fs.symlinkSync(path.join(dir, 'gone', 'key'), path.join(dir, vaultKeyFile));
    const result = loadVaultKey(dir, safeStorageSealer(fakeSafeStorage(), 'linux'));
    expect(result).toEqual({ unavailableReason: expect.stringMatching(/could not be stored/) });
  });
});
