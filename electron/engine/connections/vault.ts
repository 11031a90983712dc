import crypto from 'node:crypto';
import type { StoreDatabase } from '../store/database.js';

/**
 * Turns a secret into bytes that are safe to write to disk and back. The desktop uses
 * Electron's safeStorage (OS keychain); host mode uses a passphrase-derived key, or refuses
 * to persist at all.
 */
export interface SecretSealer {
  /** Why secrets cannot be persisted, or null when they can. */
  readonly unavailableReason: string | null;
  seal(plaintext: string): Buffer;
  open(sealed: Buffer): string;
}

/**
 * Secrets the app stores itself (a Prometheus bearer token, say). Sealed blobs go to the store;
 * when the sealer cannot persist, secrets live in memory for this run only and the caller is
 * told so. Nothing here ever writes a secret in clear text.
 */
export class Vault {
  private readonly memoryOnly = new Map<string, string>();

  constructor(
    private readonly db: StoreDatabase,
    private readonly sealer: SecretSealer,
  ) {}

  get persistent(): boolean {
    return this.sealer.unavailableReason === null;
  }

  get unavailableReason(): string | null {
    return this.sealer.unavailableReason;
  }

  set(name: string, value: string): { persisted: boolean } {
    if (!this.persistent) {
      this.memoryOnly.set(name, value);
      return { persisted: false };
    }
    this.db
      .prepare(
        `INSERT INTO secrets (name, ciphertext, updated_at) VALUES (?, ?, ?)
         ON CONFLICT(name) DO UPDATE SET ciphertext = excluded.ciphertext, updated_at = excluded.updated_at`,
      )
      .run(name, this.sealer.seal(value), Date.now());
    return { persisted: true };
  }

  get(name: string): string | undefined {
    const inMemory = this.memoryOnly.get(name);
    if (inMemory !== undefined || !this.persistent) return inMemory;
    const row = this.db.prepare('SELECT ciphertext FROM secrets WHERE name = ?').get(name) as
      | { ciphertext: Buffer }
      | undefined;
    return row ? this.sealer.open(row.ciphertext) : undefined;
  }

  delete(name: string): void {
    this.memoryOnly.delete(name);
    this.db.prepare('DELETE FROM secrets WHERE name = ?').run(name);
  }
}

const saltBytes = 16;
const ivBytes = 12;
const tagBytes = 16;

/**
 * Host mode's sealer: AES-256-GCM under a key derived with scrypt from DAYTWO_VAULT_PASSPHRASE.
 * Without a passphrase it refuses to persist: a key file beside the database would protect
 * nothing.
 */
export function passphraseSealer(passphrase: string | undefined): SecretSealer {
  if (!passphrase) {
    return {
      unavailableReason:
        'Secrets are kept in memory for this run only: set DAYTWO_VAULT_PASSPHRASE to store them encrypted.',
      seal() {
        throw new Error('This vault cannot persist secrets.');
      },
      open() {
        throw new Error('This vault cannot read persisted secrets without DAYTWO_VAULT_PASSPHRASE.');
      },
    };
  }
  return {
    unavailableReason: null,
    seal(plaintext) {
      const salt = crypto.randomBytes(saltBytes);
      const iv = crypto.randomBytes(ivBytes);
      const key = crypto.scryptSync(passphrase, salt, 32);
      const cipher = crypto.createCipheriv('aes-256-gcm', key, iv);
      const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
      return Buffer.concat([salt, iv, cipher.getAuthTag(), body]);
    },
    open(sealed) {
      const salt = sealed.subarray(0, saltBytes);
      const iv = sealed.subarray(saltBytes, saltBytes + ivBytes);
      const tag = sealed.subarray(saltBytes + ivBytes, saltBytes + ivBytes + tagBytes);
      const body = sealed.subarray(saltBytes + ivBytes + tagBytes);
      const key = crypto.scryptSync(passphrase, salt, 32);
      const decipher = crypto.createDecipheriv('aes-256-gcm', key, iv);
      decipher.setAuthTag(tag);
      return Buffer.concat([decipher.update(body), decipher.final()]).toString('utf8');
    },
  };
}
