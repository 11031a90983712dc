import { backslash, closeBrace, closeBracket, colon, comma, containerEnd, isJsonSpace, openBrace, openBracket, quote, skipSpace, stringEnd } from './json-bytes.js';

/**
 * What a kind's mapping reads of an object's `spec`: its members by name, and of each element of
 * its `containers` array (records.ts declares it beside the mapping that reads it).
 */
export interface SpecReads {
  spec: readonly string[];
  containers: readonly string[];
}

/**
 * The first `spec` object of a watch line from `from` on, rewritten to hold only the members
 * `reads` names (and, in `containers`, elements holding only theirs), for the text `JSON.parse`
 * reads. A pod's spec is half of what is left of its line once its managedFields are cut
 * (volumes, probes, env, tolerations …), and the pod's record reads three things of it:
 * parsing the rest cost as much as everything else the watch decoder does per pod.
 *
 * Exactness, as for managed-fields.ts: a member whose key is written with an escape is kept (its
 * bytes do not say its name without decoding), and anything the walk does not expect, such as a
 * line that ends early, keeps the line whole. The object rewritten is the value of a member
 * spelled `"spec":` after a `{` or `,`, which in JSON is a key; if that is not the object's own
 * spec (an annotation's value, say, which the mapping drops unless it is a string), what the
 * mapping reads is the same either way, since it reads `spec` members only of the object's own.
 * `test/unit/providers/spec-trim.test.ts` holds records made from trimmed and whole lines equal.
 */
const member = Buffer.from('"spec":');

export function trimmedSpec(line: Buffer, reads: SpecReads, from: number): { from: number; to: number; text: string } | null {
  let at = line.indexOf(member, from);
  while (at >= 0) {
    let before = at - 1;
    while (before >= 0 && isJsonSpace(line[before] as number)) before--;
    const value = skipSpace(line, at + member.length);
    if ((line[before] === openBrace || line[before] === comma) && line[value] === openBrace) {
      const kept = keptObject(line, value, reads.spec, (key, start) => (key === 'containers' && line[start] === openBracket ? keptContainers(line, start, reads.containers) : null));
      return kept === null ? null : { from: value, to: kept.end, text: kept.text };
    }
    at = line.indexOf(member, at + 1);
  }
  return null;
}

/** A walk's result: where the value ended, and its text as kept. */
interface Kept {
  end: number;
  text: string;
}

/**
 * The object at `start` with only the members named in `names` (and those whose key has an
 * escape); `inner` may rewrite a kept member's value. Null when the bytes are not an object.
 */
function keptObject(line: Buffer, start: number, names: readonly string[], inner: (key: string, valueStart: number) => Kept | null): Kept | null {
  const kept: string[] = [];
  let i = skipSpace(line, start + 1);
  if (line[i] === closeBrace) return { end: i + 1, text: '{}' };
  for (;;) {
    if (line[i] !== quote) return null;
    const keyStart = i;
    const keyEnd = stringEnd(line, i);
    if (keyEnd < 0) return null;
    let escaped = false;
    for (let k = keyStart + 1; k < keyEnd - 1 && !escaped; k++) escaped = line[k] === backslash;
    i = skipSpace(line, keyEnd);
    if (line[i] !== colon) return null;
    const valueStart = skipSpace(line, i + 1);
    // Matched on the bytes: most keys are dropped, and decoding each to compare cost more than the walk.
    const key = escaped ? null : nameAt(line, keyStart + 1, keyEnd - 1, names);
    if (escaped || key !== null) {
      const rewritten = key === null ? null : inner(key, valueStart);
      if (rewritten !== null) {
        kept.push(line.toString('utf8', keyStart, valueStart) + rewritten.text);
        i = rewritten.end;
      } else {
        const valueEnd = valueEndAt(line, valueStart);
        if (valueEnd < 0) return null;
        kept.push(line.toString('utf8', keyStart, valueEnd));
        i = valueEnd;
      }
    } else {
      i = valueEndAt(line, valueStart);
      if (i < 0) return null;
    }
    i = skipSpace(line, i);
    if (line[i] === closeBrace) return { end: i + 1, text: `{${kept.join(',')}}` };
    if (line[i] !== comma) return null;
    i = skipSpace(line, i + 1);
  }
}

/** The containers array at `start`, each element that is an object holding only `names`. */
function keptContainers(line: Buffer, start: number, names: readonly string[]): Kept | null {
  const kept: string[] = [];
  let i = skipSpace(line, start + 1);
  if (line[i] === closeBracket) return { end: i + 1, text: '[]' };
  for (;;) {
    if (line[i] === openBrace) {
      const element = keptObject(line, i, names, () => null);
      if (element === null) return null;
      kept.push(element.text);
      i = element.end;
    } else {
      const end = valueEndAt(line, i);
      if (end < 0) return null;
      kept.push(line.toString('utf8', i, end));
      i = end;
    }
    i = skipSpace(line, i);
    if (line[i] === closeBracket) return { end: i + 1, text: `[${kept.join(',')}]` };
    if (line[i] !== comma) return null;
    i = skipSpace(line, i + 1);
  }
}

/** Where the value starting at `i` ends, or -1 if the line ends first or nothing starts there. */
function valueEndAt(line: Buffer, i: number): number {
  const c = line[i];
  if (c === undefined) return -1;
  if (c === quote) return stringEnd(line, i);
  if (c === openBrace || c === openBracket) return containerEnd(line, i);
  // A number, true, false or null: to the next structural byte or space.
  let j = i;
  while (j < line.length) {
    const b = line[j] as number;
    if (b === comma || b === closeBrace || b === closeBracket || isJsonSpace(b)) break;
    j++;
  }
  return j > i ? j : -1;
}

/** Which of `names` (ASCII) the bytes `line[from, to)` spell, or null. */
function nameAt(line: Buffer, from: number, to: number, names: readonly string[]): string | null {
  for (const name of names) {
    if (name.length !== to - from) continue;
    let k = 0;
    while (k < name.length && line[from + k] === name.charCodeAt(k)) k++;
    if (k === name.length) return name;
  }
  return null;
}
