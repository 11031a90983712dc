/**
 * JSON's structural bytes (https://www.rfc-editor.org/rfc/rfc8259), for the readers that take a
 * watch line apart without parsing it whole: `deleted-line.ts`, `managed-fields.ts` and
 * `spec-trim.ts`.
 */
export const quote = 0x22;
export const backslash = 0x5c;
export const comma = 0x2c;
export const colon = 0x3a;
export const openBrace = 0x7b;
export const closeBrace = 0x7d;
export const openBracket = 0x5b;
export const closeBracket = 0x5d;

/** JSON's whitespace: space, tab, carriage return, line feed. */
export function isJsonSpace(c: number): boolean {
  return c === 0x20 || c === 0x09 || c === 0x0d || c === 0x0a;
}

/** Where the array or object opening at `i` ends (the position after its closer), or -1 if the line ends first. */
export function containerEnd(line: Buffer, i: number): number {
  const end = line.length;
  let depth = 0;
  while (i < end) {
    const c = line[i++];
    if (c === quote) {
      // To the closing quote; an escape's next byte is never one (\" \\ \uXXXX all hold).
      for (;;) {
        if (i >= end) return -1;
        const s = line[i++];
        if (s === quote) break;
        if (s === backslash) i++;
      }
    } else if (c === openBracket || c === openBrace) {
      depth++;
    } else if ((c === closeBracket || c === closeBrace) && --depth === 0) {
      return i;
    }
  }
  return -1;
}

export function skipSpace(line: Buffer, i: number): number {
  while (i < line.length && isJsonSpace(line[i] as number)) i++;
  return i;
}
