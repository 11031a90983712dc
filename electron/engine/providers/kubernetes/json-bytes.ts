/**
 * JSON's structural bytes (https://www.rfc-editor.org/rfc/rfc8259), for the readers that take a
 * watch line apart without parsing it whole: `deleted-line.ts` and `managed-fields.ts`.
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
