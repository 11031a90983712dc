/**
 * JSON read straight from a watch line's bytes, checked exactly as `JSON.parse` would check it
 * (https://www.rfc-editor.org/rfc/rfc8259) but without building anything. The readers that
 * take a watch line apart without parsing it whole (`deleted-line.ts`, `managed-fields.ts`)
 * extend it. Positions are byte offsets into `data`; -1 means what is there is not JSON.
 */

export const quote = 0x22;
export const backslash = 0x5c;
export const comma = 0x2c;
export const colon = 0x3a;
export const openBrace = 0x7b;
export const closeBrace = 0x7d;
export const openBracket = 0x5b;
export const closeBracket = 0x5d;

/** Deeper than any Kubernetes object nests; past it the line goes to JSON.parse. */
const maxDepth = 64;

export class JsonScan {
  protected readonly end: number;

  /** `data` is one line alone, so a read past its end finds nothing rather than the next line's bytes. */
  constructor(protected readonly data: Buffer) {
    this.end = data.length;
  }

  space(i: number): number {
    const d = this.data;
    while (i < this.end) {
      const c = d[i];
      if (c !== 0x20 && c !== 0x09 && c !== 0x0d && c !== 0x0a) break;
      i++;
    }
    return i;
  }

  /** The string whose opening quote is at `i`; returns the position of its closing quote. */
  protected string(i: number): number {
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
  value(i: number): number {
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
  protected key(i: number): number {
    if (this.data[i] !== quote) return -1;
    const closing = this.string(i);
    if (closing < 0) return -1;
    i = this.space(closing + 1);
    return this.data[i] === colon ? i + 1 : -1;
  }

  protected literal(i: number, word: Uint8Array): number {
    if (i + word.length > this.end) return -1;
    for (let k = 0; k < word.length; k++) if (this.data[i + k] !== word[k]) return -1;
    return i + word.length;
  }

  /** -?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)? */
  protected number(i: number): number {
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
