import { backslash, closeBrace, closeBracket, colon, comma, isJsonSpace, openBrace, openBracket, quote } from './json-bytes.js';

/**
 * A watch DELETED line read without building the object it carries. A deletion needs only the
 * object's metadata name, namespace and resourceVersion (the Reflector hands it on by name), but
 * `JSON.parse` builds the whole pod: a `deletecollection` of 5,000 pods spent a third of the
 * engine's burst there. This checks the line is JSON exactly as `JSON.parse` would
 * (https://www.rfc-editor.org/rfc/rfc8259) while it scans, and picks out the three strings.
 *
 * It answers only for the plain shape an API server writes: the event's `type` is "DELETED",
 * its `object` and that object's `metadata` are objects, and name, namespace and
 * resourceVersion are strings without escapes when present, each of these keys at most once.
 * Anything else, valid JSON or not, gets null and the caller parses the line as before, so for
 * every line it answers, `JSON.parse` of the line says the same
 * (`test/unit/providers/deleted-line.test.ts`).
 */
export interface DeletedLine {
  /** The object's metadata as far as the fields are present: a skeleton with only these keys. */
  metadata: { name?: string; namespace?: string; resourceVersion?: string };
}

/** Deeper than any Kubernetes object nests; past it the line goes to JSON.parse. */
const maxDepth = 64;

const keyType = Buffer.from('type');
const keyObject = Buffer.from('object');
const keyMetadata = Buffer.from('metadata');
const keyName = Buffer.from('name');
const keyNamespace = Buffer.from('namespace');
const keyResourceVersion = Buffer.from('resourceVersion');
const valueDeleted = Buffer.from('DELETED');
/** What an API server's DELETED line starts with; lines that do not are left to JSON.parse at once. */
const prefix = Buffer.from('{"type":"DELETED","object":{');

/**
 * Whether every line of `data` (complete lines, newline-ended; blank lines aside) starts as an
 * API server's DELETED line does: a run `readDeletedLine` will most likely read without
 * JSON.parse. Looks at each line's first bytes only.
 */
export function onlyDeletedLines(data: Buffer): boolean {
  let start = 0;
  let any = false;
  while (start < data.length) {
    let end = data.indexOf(10, start);
    if (end < 0) end = data.length;
    const blank = end === start || (end === start + 1 && data[start] === 13);
    if (!blank) {
      if (end - start < prefix.length || data.compare(prefix, 0, prefix.length, start, start + prefix.length) !== 0) return false;
      any = true;
    }
    start = end + 1;
  }
  return any;
}

/** Reads `data[start, end)` (one line, no newline); null when the line is not a plain DELETED event. */
export function readDeletedLine(data: Buffer, start: number, end: number): DeletedLine | null {
  if (end - start < prefix.length) return null;
  for (let i = 0; i < prefix.length; i++) if (data[start + i] !== prefix[i]) return null;
  // The line alone, so a read past its end finds nothing rather than the next line's bytes.
  return new LineScan(data.subarray(start, end)).event();
}

/** One line's scan: positions are byte offsets; -1 means the line is not one this reader answers. */
class LineScan {
  private typeSeen = false;
  private deleted = false;
  private objectSeen = false;
  private metadataSeen = false;
  private readonly metadata: DeletedLine['metadata'] = {};
  private readonly end: number;

  constructor(private readonly data: Buffer) {
    this.end = data.length;
  }

  event(): DeletedLine | null {
    let i = this.members(0, 1);
    if (i < 0) return null;
    i = this.space(i);
    if (i !== this.end || !this.deleted || !this.metadataSeen) return null;
    return { metadata: this.metadata };
  }

  private space(i: number): number {
    const d = this.data;
    while (i < this.end) {
      const c = d[i];
      if (!isJsonSpace(c as number)) break;
      i++;
    }
    return i;
  }

  /**
   * An object at `i` whose keys matter at this level (1: the event, 2: its object, 3: the
   * metadata); returns the position after it.
   */
  private members(i: number, level: 1 | 2 | 3): number {
    const d = this.data;
    i = this.space(i);
    if (d[i] !== openBrace) return -1;
    i = this.space(i + 1);
    if (d[i] === closeBrace) return i + 1;
    for (;;) {
      if (d[i] !== quote) return -1;
      const keyStart = i + 1;
      const keyEnd = this.string(i);
      if (keyEnd < 0) return -1;
      i = this.space(keyEnd + 1);
      if (d[i] !== colon) return -1;
      i = this.space(i + 1);
      i = this.member(level, keyStart, keyEnd, i);
      if (i < 0) return -1;
      i = this.space(i);
      if (d[i] === comma) {
        i = this.space(i + 1);
        continue;
      }
      return d[i] === closeBrace ? i + 1 : -1;
    }
  }

  /** The value of one member at `i`; returns the position after it. */
  private member(level: 1 | 2 | 3, keyStart: number, keyEnd: number, i: number): number {
    const d = this.data;
    if (level === 1) {
      if (this.isKey(keyStart, keyEnd, keyType)) {
        if (this.typeSeen || d[i] !== quote) return -1;
        this.typeSeen = true;
        const valueEnd = this.string(i);
        if (valueEnd < 0) return -1;
        this.deleted = this.isKey(i + 1, valueEnd, valueDeleted);
        return valueEnd + 1;
      }
      if (this.isKey(keyStart, keyEnd, keyObject)) {
        if (this.objectSeen) return -1;
        this.objectSeen = true;
        return this.members(i, 2);
      }
    } else if (level === 2) {
      if (this.isKey(keyStart, keyEnd, keyMetadata)) {
        if (this.metadataSeen) return -1;
        this.metadataSeen = true;
        return this.members(i, 3);
      }
    } else {
      const field = this.isKey(keyStart, keyEnd, keyName)
        ? 'name'
        : this.isKey(keyStart, keyEnd, keyNamespace)
          ? 'namespace'
          : this.isKey(keyStart, keyEnd, keyResourceVersion)
            ? 'resourceVersion'
            : null;
      if (field !== null) {
        if (this.metadata[field] !== undefined || d[i] !== quote) return -1;
        const valueEnd = this.string(i);
        if (valueEnd < 0) return -1;
        for (let at = i + 1; at < valueEnd; at++) if (d[at] === backslash) return -1;
        this.metadata[field] = d.toString('utf8', i + 1, valueEnd);
        return valueEnd + 1;
      }
    }
    return this.value(i);
  }

  /** Whether the raw bytes `[from, to)` are `key` (an escaped spelling is not: the line goes to JSON.parse). */
  private isKey(from: number, to: number, key: Uint8Array): boolean {
    if (to - from !== key.length) return false;
    const d = this.data;
    for (let i = 0; i < key.length; i++) if (d[from + i] !== key[i]) return false;
    return true;
  }

  /** The string whose opening quote is at `i`; returns the position of its closing quote. */
  private string(i: number): number {
    const d = this.data;
    const end = this.end;
    i++;
    while (i < end) {
      const c = d[i] as number;
      if (c === quote) return i;
      if (c < 0x20) return -1;
      if (c !== backslash) {
        i++;
        continue;
      }
      const e = d[i + 1];
      if (e === 0x75) {
        // \uXXXX: four hex digits (a lone surrogate is still JSON).
        if (i + 6 > end) return -1;
        for (let h = i + 2; h < i + 6; h++) if (!isHex(d[h] as number)) return -1;
        i += 6;
      } else if (e === quote || e === backslash || e === 0x2f || e === 0x62 || e === 0x66 || e === 0x6e || e === 0x72 || e === 0x74) {
        i += 2;
      } else {
        return -1;
      }
    }
    return -1;
  }

  /** Any JSON value at `i`, checked without building it; returns the position after it. */
  private value(i: number): number {
    const d = this.data;
    const stack = closers;
    let depth = 0;
    for (;;) {
      i = this.space(i);
      const c = d[i];
      let after: number;
      if (c === openBrace || c === openBracket) {
        const close = c === openBrace ? closeBrace : closeBracket;
        i = this.space(i + 1);
        if (d[i] === close) {
          after = i + 1;
        } else {
          if (depth === maxDepth) return -1;
          stack[depth++] = close;
          if (close === closeBrace) {
            i = this.key(i);
            if (i < 0) return -1;
          }
          continue;
        }
      } else if (c === quote) {
        const closing = this.string(i);
        if (closing < 0) return -1;
        after = closing + 1;
      } else if (c === 0x74) {
        after = this.literal(i, trueBytes);
      } else if (c === 0x66) {
        after = this.literal(i, falseBytes);
      } else if (c === 0x6e) {
        after = this.literal(i, nullBytes);
      } else {
        after = this.number(i);
      }
      if (after < 0) return -1;
      // After a value: close what it ends, or go on to the next element or member.
      i = after;
      for (;;) {
        if (depth === 0) return i;
        i = this.space(i);
        const close = stack[depth - 1];
        if (d[i] === close) {
          depth--;
          i++;
          continue;
        }
        if (d[i] !== comma) return -1;
        i = this.space(i + 1);
        if (close === closeBrace) {
          i = this.key(i);
          if (i < 0) return -1;
        }
        break;
      }
    }
  }

  /** A member's key and colon at `i`; returns where its value starts. */
  private key(i: number): number {
    if (this.data[i] !== quote) return -1;
    const closing = this.string(i);
    if (closing < 0) return -1;
    i = this.space(closing + 1);
    return this.data[i] === colon ? i + 1 : -1;
  }

  private literal(i: number, word: Uint8Array): number {
    if (i + word.length > this.end) return -1;
    for (let k = 0; k < word.length; k++) if (this.data[i + k] !== word[k]) return -1;
    return i + word.length;
  }

  /** -?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)? */
  private number(i: number): number {
    const d = this.data;
    const end = this.end;
    if (d[i] === 0x2d) i++;
    if (i >= end) return -1;
    if (d[i] === 0x30) i++;
    else if (isDigit(d[i] as number) && d[i] !== 0x30) while (i < end && isDigit(d[i] as number)) i++;
    else return -1;
    if (i < end && d[i] === 0x2e) {
      i++;
      if (!(i < end && isDigit(d[i] as number))) return -1;
      while (i < end && isDigit(d[i] as number)) i++;
    }
    if (i < end && (d[i] === 0x65 || d[i] === 0x45)) {
      i++;
      if (i < end && (d[i] === 0x2b || d[i] === 0x2d)) i++;
      if (!(i < end && isDigit(d[i] as number))) return -1;
      while (i < end && isDigit(d[i] as number)) i++;
    }
    return i;
  }
}

/** The closers of the containers a value scan is inside (one scan runs at a time). */
const closers = new Uint8Array(maxDepth);
const trueBytes = Buffer.from('true');
const falseBytes = Buffer.from('false');
const nullBytes = Buffer.from('null');

function isDigit(c: number): boolean {
  return c >= 0x30 && c <= 0x39;
}

function isHex(c: number): boolean {
  return (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x46) || (c >= 0x61 && c <= 0x66);
}
