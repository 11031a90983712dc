/**
 * Flat records (the packed snapshot's text and status records: interned key and value codes)
 * kept once each, found by their content. Keyed by a hash of the codes in an open-addressed
 * table of record numbers rather than by a JSON string of the record: at 50,000 pods a Map keyed
 * by JSON held 5–7 MB of key text, as much as the records themselves. Equal hashes are told apart
 * by comparing the codes, so two records share a number only when every code is the same (`===`;
 * NaN never shares, which the wire cannot tell apart anyway: JSON writes it as null).
 */
export type RecordCode = number | boolean | null;

export class RecordTable<C extends RecordCode> {
  /** The records, by number; each array is the table's own (callers pass scratch arrays). */
  readonly records: C[][] = [];
  /** Record number + 1 per slot, 0 for an empty slot; a power of two long, at most half full. */
  private slots = new Int32Array(64);
  private readonly hash: (codes: readonly C[]) => number;

  constructor(hash: (codes: readonly C[]) => number = hashCodes) {
    this.hash = hash;
  }

  /** The number of a record equal to `codes`, kept now (as a copy) if there was none. */
  numberOf(codes: readonly C[]): number {
    const mask = this.slots.length - 1;
    for (let slot = this.hash(codes) & mask; ; slot = (slot + 1) & mask) {
      const held = this.slots[slot]!;
      if (held === 0) break;
      if (sameCodes(this.records[held - 1]!, codes)) return held - 1;
    }
    const at = this.records.length;
    this.records.push(codes.slice());
    if (2 * this.records.length > this.slots.length) this.rehash(this.slots.length * 2);
    else this.place(at);
    return at;
  }

  private place(at: number): void {
    const mask = this.slots.length - 1;
    let slot = this.hash(this.records[at]!) & mask;
    while (this.slots[slot] !== 0) slot = (slot + 1) & mask;
    this.slots[slot] = at + 1;
  }

  private rehash(size: number): void {
    this.slots = new Int32Array(size);
    for (let at = 0; at < this.records.length; at++) this.place(at);
  }
}

function sameCodes(a: readonly RecordCode[], b: readonly RecordCode[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** FNV-1a over the codes (a fraction, true, false and null mapped to fixed words). */
export function hashCodes(codes: readonly RecordCode[]): number {
  let h = 0x811c9dc5;
  for (const code of codes) {
    const word = typeof code === 'number' ? (Number.isInteger(code) ? code : Math.floor(code * 4096)) : code === true ? 0x5bd1e995 : code === false ? 0x1b873593 : 0x27d4eb2f;
    h = Math.imul(h ^ (word & 0xffff), 0x01000193);
    h = Math.imul(h ^ (word >>> 16), 0x01000193);
  }
  return h >>> 0;
}
