import { createHash } from 'node:crypto';

/**
 * The audit log's hash chain, kept pure so it can be checked anywhere (a test, an exported
 * JSON Lines file). Each entry's hash is SHA-256 over the previous entry's hash followed by
 * the entry's canonical JSON; the first entry chains to `genesisHash`. Editing an entry breaks
 * its own hash; removing or reordering entries breaks the link of the entry after.
 */

export const genesisHash = '0'.repeat(64);

/**
 * JSON with object keys sorted at every level and no whitespace, so the same value always
 * hashes the same however its keys were ordered (the idea of RFC 8785, JSON Canonicalization
 * Scheme: https://www.rfc-editor.org/rfc/rfc8785; number formatting is ECMAScript's, as there).
 */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value === 'boolean' || typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new TypeError(`Cannot canonicalize the number ${value}.`);
    return JSON.stringify(value);
  }
  if (Array.isArray(value)) return `[${value.map((item) => canonicalJson(item === undefined ? null : item)).join(',')}]`;
  if (typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  throw new TypeError(`Cannot canonicalize a value of type ${typeof value}.`);
}

export function chainHash(prevHash: string, record: unknown): string {
  return createHash('sha256').update(prevHash).update(canonicalJson(record)).digest('hex');
}

/** One stored entry as the verifier sees it: the hashed record plus the chain fields. */
export interface ChainedRow {
  seq: number;
  record: unknown;
  prevHash: string;
  hash: string;
}

export interface ChainVerdict {
  ok: boolean;
  brokenAt: number | null;
  checked: number;
  reason: string | null;
}

/**
 * Walks rows in stored order. `head` is the last hash and count the log recorded when it last
 * appended; it catches entries cut from the end, which leave the chain itself intact.
 */
export function verifyChain(rows: Iterable<ChainedRow>, head?: { count: number; hash: string }): ChainVerdict {
  let prev = genesisHash;
  let expectedSeq = 1;
  let checked = 0;
  for (const row of rows) {
    checked++;
    const recordSeq = (row.record as { seq?: unknown } | null)?.seq;
    if (row.seq !== expectedSeq) {
      const gone = row.seq - 1 === expectedSeq ? `entry ${expectedSeq} was` : `entries ${expectedSeq} to ${row.seq - 1} were`;
      return broken(row.seq, checked, `Entry ${row.seq} comes where entry ${expectedSeq} should: ${gone} removed.`);
    }
    if (recordSeq !== row.seq) {
      return broken(row.seq, checked, `Row ${row.seq} holds the record of entry ${String(recordSeq)}: entries were reordered or renumbered.`);
    }
    if (row.prevHash !== prev) {
      return broken(row.seq, checked, `Entry ${row.seq} does not follow the entry before it (an entry before it was removed, edited or reordered).`);
    }
    if (chainHash(prev, row.record) !== row.hash) {
      return broken(row.seq, checked, `Entry ${row.seq} was changed after it was recorded: its hash no longer matches its content.`);
    }
    prev = row.hash;
    expectedSeq++;
  }
  if (head && head.count > checked) {
    return broken(checked + 1, checked, `The log ends at entry ${checked}, but its head row records ${head.count} entries: entries were removed from the end.`);
  }
  if (head && (head.count !== checked || head.hash !== prev)) {
    return broken(Math.max(1, head.count), checked, `The head row records ${head.count} entries ending in ${head.hash.slice(0, 12)}…, which is not how the log ends: the head row was rewritten.`);
  }
  return { ok: true, brokenAt: null, checked, reason: null };
}

function broken(at: number, checked: number, reason: string): ChainVerdict {
  return { ok: false, brokenAt: at, checked, reason };
}
