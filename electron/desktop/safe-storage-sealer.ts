import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { SafeStorage } from 'electron';
import type { SecretSealer } from '../engine/connections/vault.js';

/** The parts of Electron's safeStorage used here; tests pass a fake. */
export type SafeStorageApi = Pick<
  SafeStorage,
  'isEncryptionAvailable' | 'encryptString' | 'decryptString' | 'getSelectedStorageBackend'
>;

/**
 * Why safeStorage cannot protect secrets here, or null when it can. On Linux without a
 * keyring, Chromium falls back to the 'basic_text' backend, which "encrypts" with a key
 * hardcoded in Chromium's source: that is clear text with extra steps, so it counts as
 * unavailable. https://www.electronjs.org/docs/latest/api/safe-storage
 * Call after app 'ready': before it, Linux always reports encryption as unavailable.
 */
export function safeStorageUnavailableReason(
  safeStorage: SafeStorageApi,
  platform: NodeJS.Platform = process.platform,
): string | null {
  if (!safeStorage.isEncryptionAvailable()) {
    return 'The system keychain is not available, so secrets are kept in memory for this run only.';
  }
  if (platform === 'linux' && safeStorage.getSelectedStorageBackend() === 'basic_text') {
    return 'No secret service (GNOME Keyring or KWallet) is running, so secrets are kept in memory for this run only.';
  }
  return null;
}

/** A SecretSealer over safeStorage that refuses to seal when the OS cannot really protect it. */
export function safeStorageSealer(safeStorage: SafeStorageApi, platform: NodeJS.Platform = process.platform): SecretSealer {
  const unavailableReason = safeStorageUnavailableReason(safeStorage, platform);
  return {
    unavailableReason,
    seal(plaintext) {
      if (unavailableReason) throw new Error(unavailableReason);
      return safeStorage.encryptString(plaintext);
    },
    open(sealed) {
      if (unavailableReason) throw new Error(unavailableReason);
      return safeStorage.decryptString(sealed);
    },
  };
}

export const vaultKeyFile = 'vault-key.sealed';

export type VaultKey = { key: string } | { unavailableReason: string };

/**
 * The vault's 32-byte data key, for the engine process (which cannot reach safeStorage: it
 * lives in main). Created on first use and stored only sealed by the keychain. A key file
 * that no longer opens (keychain reset, copied profile) is reported and left in place, never
 * replaced: replacing it would silently orphan every secret sealed under it.
 */
export function loadVaultKey(userDataDir: string, sealer: SecretSealer): VaultKey {
  if (sealer.unavailableReason) return { unavailableReason: sealer.unavailableReason };
  const file = path.join(userDataDir, vaultKeyFile);
  let sealed: Buffer | null = null;
  try {
    sealed = fs.readFileSync(file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') {
      return { unavailableReason: `The vault key at ${file} could not be read (${String(error)}); secrets are kept in memory for this run only.` };
    }
  }
  if (sealed) {
    try {
      const key = Buffer.from(sealer.open(sealed), 'base64');
      if (key.length === 32) return { key: key.toString('base64') };
    } catch {
      // fall through: reported below
    }
    return {
      unavailableReason: `The vault key at ${file} cannot be opened with this system keychain; stored secrets are unreadable and new ones are kept in memory for this run only.`,
    };
  }
  const key = crypto.randomBytes(32).toString('base64');
  try {
    fs.mkdirSync(userDataDir, { recursive: true });
    fs.writeFileSync(file, sealer.seal(key), { mode: 0o600, flag: 'wx' });
  } catch (error) {
    return { unavailableReason: `The vault key could not be stored at ${file} (${String(error)}); secrets are kept in memory for this run only.` };
  }
  return { key };
}
