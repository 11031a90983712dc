import { closeBrace, comma, containerEnd, isJsonSpace, openBrace, openBracket, skipSpace } from './json-bytes.js';
import { trimmedSpec } from './spec-trim.js';
import type { SpecReads } from './spec-trim.js';

/**
 * A watch line's text without the object's `metadata.managedFields`: server-side apply's record of
 * which manager set which field, written into every object an API server sends, a fifth of a
 * pod's bytes and most of its small objects, and read by nothing in Daytwo. Cut from the bytes
 * before `JSON.parse`, it costs a pass over its bytes instead of building them (the issue's
 * "record trimming before parse where the wire allows": a watch has no way to ask for less).
 *
 * It cuts the first member spelled `"managedFields":` whose value is an array, where the bytes
 * around it say it is an object's member (a `{` or `,` before, a `,` or `}` after), and keeps the
 * line whole otherwise. The array's end is found by counting brackets outside strings, which is
 * exact for JSON; that pass does not check the array is JSON, as `JSON.parse` would. So for a
 * line `JSON.parse` accepts, parsing the text gives what parsing the line gives, less that one
 * member (`test/unit/providers/managed-fields.test.ts`), and no field of that name is read
 * anywhere in the engine. A line that is not JSON may come out as some JSON document; any JSON
 * document is one the server could have sent as it is, so nothing is accepted that could not
 * arrive anyway.
 */
const member = Buffer.from('"managedFields":');

/**
 * The text of `data[start, end)` (one line, no newline) for `JSON.parse`; with `reads`, its
 * spec holding only what the kind's mapping reads of it (`spec-trim.ts`).
 */
export function watchLineText(data: Buffer, start: number, end: number, reads?: SpecReads): string {
  // The line alone, so no search or scan runs on into the next line's bytes.
  const line = data.subarray(start, end);
  const at = line.indexOf(member);
  const cut = at < 0 ? null : memberAt(line, at);
  // After the cut: metadata comes before spec, and the cut's bytes are not looked at again.
  const spec = reads ? trimmedSpec(line, reads, cut?.to ?? 0) : null;
  if (cut === null && spec === null) return line.toString('utf8');
  // Every edge is an ASCII byte, so the pieces decode as the whole line would.
  let text = cut === null ? '' : line.toString('utf8', 0, cut.from);
  const rest = cut === null ? 0 : cut.to;
  if (spec === null) return text + line.toString('utf8', rest);
  text += line.toString('utf8', rest, spec.from) + spec.text + line.toString('utf8', spec.to);
  return text;
}

/** The bytes to drop for the member whose key starts at `at`, with the one comma that goes with it. */
function memberAt(line: Buffer, at: number): { from: number; to: number } | null {
  const valueAt = skipSpace(line, at + member.length);
  if (line[valueAt] !== openBracket) return null;
  const after = containerEnd(line, valueAt);
  if (after < 0) return null;
  const next = skipSpace(line, after);
  let before = at - 1;
  while (before >= 0 && isJsonSpace(line[before] as number)) before--;
  const opens = line[before] === openBrace;
  const follows = line[before] === comma;
  // "managedFields":[…], with a member after it: the comma after it goes with it.
  if (line[next] === comma && (opens || follows)) return { from: at, to: next + 1 };
  // The last member: the comma before it goes, or it is the only one.
  if (line[next] === closeBrace && follows) return { from: before, to: next };
  if (line[next] === closeBrace && opens) return { from: at, to: next };
  return null;
}
