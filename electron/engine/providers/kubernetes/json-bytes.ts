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

/**
 * The readers' scans look up each byte's role in a table, so a run of bytes with none (most of a
 * line: the text of strings, keys, numbers) costs one load and one well-predicted branch a byte.
 * Comparing each byte with the four or five structural ones, as a plain walk does, cost the
 * watch decoder's worker about as much as JSON.parse of what the walk kept; the table takes a
 * quarter off a pod's line (`test/bench/json-walk.js`).
 */
const outside = new Uint8Array(256);
outside[quote] = 1;
outside[openBrace] = 2;
outside[openBracket] = 2;
outside[closeBrace] = 3;
outside[closeBracket] = 3;
const inside = new Uint8Array(256);
inside[quote] = 1;
inside[backslash] = 2;

/** Where the array or object opening at `i` ends (the position after its closer), or -1 if the line ends first. */
export function containerEnd(line: Uint8Array, i: number): number {
  const end = line.length;
  let depth = 0;
  while (i < end) {
    let role = outside[line[i++] as number];
    while (role === 0 && i < end) role = outside[line[i++] as number];
    if (role === 1) {
      i = stringRest(line, i);
      if (i < 0) return -1;
    } else if (role === 2) {
      depth++;
    } else if (role === 3 && --depth === 0) {
      return i;
    }
  }
  return -1;
}

/** The position after the string opening at `i` closes, or -1 if the line ends first. */
export function stringEnd(line: Uint8Array, i: number): number {
  return stringRest(line, i + 1);
}

/** The position after the closing quote of a string whose text starts at `i`, or -1. */
function stringRest(line: Uint8Array, i: number): number {
  const end = line.length;
  for (;;) {
    if (i >= end) return -1;
    let role = inside[line[i++] as number];
    while (role === 0 && i < end) role = inside[line[i++] as number];
    if (role === 1) return i;
    // An escape's next byte is never a closing quote (\" \\ \uXXXX all hold).
    if (role === 2) i++;
    else return -1;
  }
}

export function skipSpace(line: Buffer, i: number): number {
  while (i < line.length && isJsonSpace(line[i] as number)) i++;
  return i;
}
