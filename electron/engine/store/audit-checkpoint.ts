import { createHash, createHmac, hkdfSync, scryptSync, timingSafeEqual } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

/**
 * The audit log's anchor outside the database: one line per entry with the entry's position
 * and hash, appended and fsynced before the entry's transaction commits. Someone who can write
 * the SQLite file can recompute the whole hash chain and its head row; they cannot also make
 * this file agree without writing it too, and, where Daytwo has a key, without the key.
 *
 * Each line carries a MAC over the line before it and its own fields, so lines cannot be
 * edited, dropped from the middle or reordered. With a key (on the desktop, derived from the
 * vault data key that safeStorage seals; in host mode, from DAYTWO_VAULT_PASSPHRASE) the MAC
 * is HMAC-SHA256 and cannot be forged without it. Without one it is a plain SHA-256 chain,
 * which catches an inconsistent edit but not a writer who recomputes it.
 */

export const checkpointFileName = 'audit-checkpoints.log';

export interface Checkpoint {
  /** The entry's seq: how many entries the log held after it was written. */
  count: number;
  hash: string;
  at: number;
  /** 'adopted': the first line of a log that existed before checkpoints did. */
  kind: 'entry' | 'adopted';
  sealed: boolean;
  mac: string;
}

export type CheckpointRead =
  | { state: 'missing' }
  | { state: 'read'; lines: Checkpoint[]; problems: { line: number; message: string }[] };

const genesisMac = '0'.repeat(64);

/** The checkpoint key on the desktop: derived from the vault's data key, never the key itself. */
export function auditKeyFromDataKey(dataKey: Buffer): Buffer {
  return Buffer.from(hkdfSync('sha256', dataKey, Buffer.alloc(0), 'daytwo audit checkpoint', 32));
}

/** The checkpoint key in host mode, when DAYTWO_VAULT_PASSPHRASE is set. */
export function auditKeyFromPassphrase(passphrase: string): Buffer {
  return scryptSync(passphrase, 'daytwo audit checkpoint', 32);
}

export class CheckpointFile {
  private lastMac: string | null = null;

  constructor(
    readonly file: string,
    private readonly key: Buffer | null,
  ) {}

  get sealed(): boolean {
    return this.key !== null;
  }

  exists(): boolean {
    return fs.existsSync(this.file);
  }

  /** Appends one line and fsyncs it; throws (and the caller's transaction rolls back) if it cannot. */
  append(count: number, hash: string, kind: Checkpoint['kind'] = 'entry'): void {
    const prev = this.lastMac ?? this.readLastMac();
    const at = Date.now();
    const line: Checkpoint = { count, hash, at, kind, sealed: this.sealed, mac: this.mac(prev, { count, hash, at, kind }) };
    const created = !fs.existsSync(this.file);
    const fd = fs.openSync(this.file, 'a', 0o600);
    try {
      fs.writeSync(fd, `${JSON.stringify(line)}\n`);
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
    // A new file's name lives in the directory: fsync it too, or a power cut can lose the file.
    if (created) fsyncDirectory(path.dirname(this.file));
    this.lastMac = line.mac;
  }

  /** Every line, with what is wrong with any of them (unreadable, edited, not sealed with our key). */
  read(): CheckpointRead {
    let text: string;
    try {
      text = fs.readFileSync(this.file, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { state: 'missing' };
      throw error;
    }
    const lines: Checkpoint[] = [];
    const problems: { line: number; message: string }[] = [];
    let prev = genesisMac;
    const rawLines = text.split('\n');
    if (rawLines.at(-1) === '') rawLines.pop();
    rawLines.forEach((raw, index) => {
      const n = index + 1;
      const parsed = parseLine(raw);
      if (!parsed) {
        problems.push({ line: n, message: `checkpoint line ${n} is unreadable` });
        return;
      }
      if (this.key && !parsed.sealed) {
        problems.push({ line: n, message: `checkpoint line ${n} (entry ${parsed.count}) is not sealed with this installation's key` });
      } else if (!(parsed.sealed && !this.key) && !sameHex(parsed.mac, this.mac(prev, parsed))) {
        // A sealed line read without the key cannot be checked; any other must match.
        problems.push({ line: n, message: `checkpoint line ${n} (entry ${parsed.count}) was edited, reordered, or follows a removed line` });
      }
      prev = parsed.mac;
      lines.push(parsed);
    });
    return { state: 'read', lines, problems };
  }

  private readLastMac(): string {
    const read = this.read();
    return read.state === 'read' ? (read.lines.at(-1)?.mac ?? genesisMac) : genesisMac;
  }

  private mac(prev: string, line: Pick<Checkpoint, 'count' | 'hash' | 'at' | 'kind'>): string {
    const text = `${prev}\n${line.count}\n${line.hash}\n${line.at}\n${line.kind}`;
    return this.key ? createHmac('sha256', this.key).update(text).digest('hex') : createHash('sha256').update(`unsealed\n${text}`).digest('hex');
  }
}

function parseLine(raw: string): Checkpoint | null {
  try {
    const value = JSON.parse(raw) as Partial<Checkpoint>;
    const { count, hash, at, kind, sealed, mac } = value;
    if (
      typeof count === 'number' &&
      Number.isInteger(count) &&
      count >= 0 &&
      typeof hash === 'string' &&
      typeof at === 'number' &&
      (kind === 'entry' || kind === 'adopted') &&
      typeof sealed === 'boolean' &&
      typeof mac === 'string'
    ) {
      return { count, hash, at, kind, sealed, mac };
    }
    return null;
  } catch {
    return null;
  }
}

function sameHex(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

function fsyncDirectory(dir: string): void {
  let fd: number | undefined;
  try {
    fd = fs.openSync(dir, 'r');
    fs.fsyncSync(fd);
  } catch {
    // Some platforms (Windows) cannot open a directory for fsync; the file itself is synced.
  } finally {
    if (fd !== undefined) fs.closeSync(fd);
  }
}
