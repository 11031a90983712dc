import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { openStore } from '../../../electron/engine/store/database.js';
import { Vault, passphraseSealer } from '../../../electron/engine/connections/vault.js';

function withStore<T>(run: (dir: string) => T): T {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'daytwo-vault-'));
  try {
    return run(dir);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

describe('the host-mode vault', () => {
  it('never writes a secret in clear text', () =>
    withStore((dir) => {
      const db = openStore(dir);
      const vault = new Vault(db, passphraseSealer('correct horse battery staple'));
      expect(vault.set('prometheus:https://prom.example', 'tok-SUPERSECRET-123')).toEqual({ persisted: true });
      db.pragma('wal_checkpoint(TRUNCATE)');
      db.close();
      for (const file of fs.readdirSync(dir)) {
        expect(fs.readFileSync(path.join(dir, file)).includes('SUPERSECRET')).toBe(false);
      }
      const reopened = openStore(dir);
      expect(new Vault(reopened, passphraseSealer('correct horse battery staple')).get('prometheus:https://prom.example')).toBe(
        'tok-SUPERSECRET-123',
      );
      expect(() => new Vault(reopened, passphraseSealer('wrong')).get('prometheus:https://prom.example')).toThrow();
      reopened.close();
    }));

  it('keeps secrets in memory only, and says so, without a passphrase', () =>
    withStore((dir) => {
      const db = openStore(dir);
      const vault = new Vault(db, passphraseSealer(undefined));
      expect(vault.persistent).toBe(false);
      expect(vault.unavailableReason).toMatch(/DAYTWO_VAULT_PASSPHRASE/);
      expect(vault.set('token', 'abc')).toEqual({ persisted: false });
      expect(vault.get('token')).toBe('abc');
      expect(db.prepare('SELECT COUNT(*) AS n FROM secrets').get()).toEqual({ n: 0 });
      db.close();
    }));
});
