import { describe, expect, it } from 'vitest';
import { onlyDeletedLines, readDeletedLine } from '../../../electron/engine/providers/kubernetes/deleted-line.js';
import { seededRandom as random } from '../../seeded-random.js';

type Next = () => number;
const pick = <T>(next: Next, options: readonly T[]): T => options[Math.floor(next() * options.length)] as T;

/** A string's JSON spelling, sometimes escaped where it need not be, sometimes with raw bytes no UTF-8 decoder accepts. */
function stringToken(next: Next): string {
  const plain = pick(next, ['web-1', 'shop', '', 'naïve ✓ “x”', 'a/b', '12345', 'DELETED', 'name']);
  const r = next();
  if (r < 0.1) return JSON.stringify(plain).replace(/e/g, '\\u0065');
  if (r < 0.2) return JSON.stringify(`${plain}\n\t"\\`);
  if (r < 0.25) return `"\\ud800${plain}"`;
  return JSON.stringify(plain);
}

function numberToken(next: Next): string {
  if (next() < 0.8) return pick(next, ['0', '-0', '12', '-3.25', '1e9', '2.5E-3', '1E+2', '10.50']);
  return pick(next, ['007', '1.', '.5', '-', '1e', '0x1', 'NaN', '+1']);
}

/** Any JSON value (or a near miss of one), as text. */
function valueToken(next: Next, depth: number): string {
  const r = next();
  if (r < 0.3 || depth > 4) return stringToken(next);
  if (r < 0.45) return numberToken(next);
  if (r < 0.55) return next() < 0.9 ? pick(next, ['true', 'false', 'null']) : pick(next, ['nul', 'True', 'falsey']);
  if (r < 0.7) return `[${Array.from({ length: Math.floor(next() * 3) }, () => valueToken(next, depth + 1)).join(pick(next, [',', ', ', ' ,\t']))}]`;
  return objectToken(next, depth + 1, pick(next, [['a', 'b'], ['name', 'namespace'], ['metadata', 'x'], ['type', 'object']]));
}

function objectToken(next: Next, depth: number, keys: readonly string[], fixed: Array<[string, string]> = []): string {
  const members: string[] = fixed.map(([k, v]) => `${JSON.stringify(k)}:${v}`);
  for (let n = Math.floor(next() * 4); n > 0; n--) members.splice(Math.floor(next() * (members.length + 1)), 0, `${JSON.stringify(pick(next, keys))}${pick(next, [':', ' : '])}${valueToken(next, depth)}`);
  return `{${members.join(pick(next, [',', ' , ']))}}`;
}

/** A watch line: mostly an API server's DELETED pod, with what a hostile or broken one might add. */
function line(next: Next): string {
  const metaFields: Array<[string, string]> = [];
  if (next() < 0.9) metaFields.push(['name', next() < 0.8 ? JSON.stringify(`pod-${Math.floor(next() * 9)}`) : valueToken(next, 3)]);
  if (next() < 0.8) metaFields.push(['namespace', next() < 0.8 ? '"shop"' : valueToken(next, 3)]);
  if (next() < 0.8) metaFields.push(['resourceVersion', next() < 0.8 ? `"${Math.floor(next() * 1e6)}"` : valueToken(next, 3)]);
  metaFields.push(['labels', objectToken(next, 3, ['app', 'name'])]);
  const metadata = next() < 0.9 ? objectToken(next, 2, ['name', 'namespace', 'resourceVersion', 'uid'], metaFields) : valueToken(next, 2);
  const object = objectToken(next, 1, next() < 0.1 ? ['metadata', 'spec'] : ['spec', 'status', 'kind'], [['metadata', metadata], ['spec', valueToken(next, 2)]]);
  const event = next() < 0.9 ? `{"type":"DELETED","object":${object}` : `{"type":${pick(next, ['"ADDED"', '"DELETED"', '"DELETE\\u0044"', '1'])},"object":${object}`;
  const extra = next() < 0.15 ? `,${JSON.stringify(pick(next, ['type', 'object', 'other']))}:${valueToken(next, 1)}` : '';
  return `${event}${extra}}${pick(next, ['', '', ' ', '\r', ' x'])}`;
}

/** Breaks a line the ways a bad stream can: a byte changed, dropped or added, the line cut short. */
function damage(next: Next, bytes: Buffer): Buffer {
  const at = Math.floor(next() * bytes.length);
  const byte = pick(next, [0x22, 0x5c, 0x7b, 0x7d, 0x5b, 0x5d, 0x2c, 0x3a, 0x20, 0x00, 0x1f, 0x80, 0xc3, 0xff, 0x30, 0x65, 0x2e, 0x2d]);
  switch (pick(next, ['change', 'drop', 'add', 'cut'] as const)) {
    case 'change':
      return Buffer.concat([bytes.subarray(0, at), Buffer.from([byte]), bytes.subarray(at + 1)]);
    case 'drop':
      return Buffer.concat([bytes.subarray(0, at), bytes.subarray(at + 1)]);
    case 'add':
      return Buffer.concat([bytes.subarray(0, at), Buffer.from([byte]), bytes.subarray(at)]);
    case 'cut':
      return bytes.subarray(0, at);
  }
}

/** What the Reflector reads of a line through JSON.parse, or that JSON.parse refuses it. */
function parsed(bytes: Buffer): { ok: false } | { ok: true; type: unknown; metadata: unknown } {
  try {
    const event = JSON.parse(bytes.toString('utf8')) as { type?: unknown; object?: { metadata?: unknown } };
    return { ok: true, type: event?.type, metadata: event?.object?.metadata };
  } catch {
    return { ok: false };
  }
}

describe('a DELETED watch line read without JSON.parse', () => {
  it('answers only for lines JSON.parse reads as a DELETED event, with the metadata fields JSON.parse gives', () => {
    const next = random(2026);
    let answered = 0;
    let refused = 0;
    let left = 0;
    for (let i = 0; i < 40_000; i++) {
      const whole = Buffer.from(line(next), 'utf8');
      const bytes = next() < 0.5 ? damage(next, whole) : whole;
      // The line sits inside a longer chunk, as the Reflector finds it.
      const chunk = Buffer.concat([Buffer.from('{"x":1}\n'), bytes, Buffer.from('\n"}]\n')]);
      const fast = readDeletedLine(chunk, 8, 8 + bytes.length);
      const slow = parsed(bytes);
      if (fast === null) {
        if (!slow.ok) refused++;
        else left++;
        continue;
      }
      answered++;
      const context = bytes.toString('latin1');
      expect(slow.ok, context).toBe(true);
      if (!slow.ok) continue;
      expect(slow.type, context).toBe('DELETED');
      const metadata = slow.metadata as Record<string, unknown>;
      expect(typeof metadata === 'object' && metadata !== null && !Array.isArray(metadata), context).toBe(true);
      for (const field of ['name', 'namespace', 'resourceVersion'] as const) expect(fast.metadata[field], `${field} in ${context}`).toBe(metadata[field]);
      expect(Object.keys(fast.metadata).every((k) => typeof metadata[k] === 'string'), context).toBe(true);
    }
    // Every side was exercised: lines read fast, lines refused by both, valid lines left to JSON.parse.
    expect(Math.min(answered, refused, left), JSON.stringify({ answered, refused, left })).toBeGreaterThan(2_000);
  }, 60_000);

  it('reads an API server’s DELETED pod, whatever its bytes decode to', () => {
    const pod = { kind: 'Pod', metadata: { name: 'web-ü', namespace: 'shop', resourceVersion: '42', labels: { a: 'x\\"y' } }, spec: { n: [1, -2.5e3, true, null, {}] } };
    const bytes = Buffer.from(JSON.stringify({ type: 'DELETED', object: pod }), 'utf8');
    expect(readDeletedLine(bytes, 0, bytes.length)).toEqual({ metadata: { name: 'web-ü', namespace: 'shop', resourceVersion: '42' } });
    const broken = Buffer.concat([Buffer.from('{"type":"DELETED","object":{"metadata":{"name":"a'), Buffer.from([0xe2, 0x82]), Buffer.from('b"}}}')]);
    expect(readDeletedLine(broken, 0, broken.length)?.metadata.name).toBe((JSON.parse(broken.toString('utf8')) as { object: { metadata: { name: string } } }).object.metadata.name);
  });

  it('leaves ADDED, MODIFIED, BOOKMARK and ERROR lines, and nesting past its depth, to JSON.parse', () => {
    for (const type of ['ADDED', 'MODIFIED', 'BOOKMARK', 'ERROR']) {
      const bytes = Buffer.from(JSON.stringify({ type, object: { metadata: { name: 'a' } } }));
      expect(readDeletedLine(bytes, 0, bytes.length)).toBeNull();
    }
    const deep = Buffer.from(`{"type":"DELETED","object":{"metadata":{"name":"a"},"spec":${'['.repeat(100)}${']'.repeat(100)}}}`);
    expect(JSON.parse(deep.toString())).toBeTruthy();
    expect(readDeletedLine(deep, 0, deep.length)).toBeNull();
  });
});

describe('a run of watch lines told to be deletions by their first bytes', () => {
  const deleted = (name: string) => JSON.stringify({ type: 'DELETED', object: { metadata: { name, namespace: 'shop', resourceVersion: '7' } } });
  const modified = JSON.stringify({ type: 'MODIFIED', object: { metadata: { name: 'a' } } });

  it('says so only when every line that is not blank starts as an API server’s DELETED line', () => {
    expect(onlyDeletedLines(Buffer.from(`${deleted('a')}\n${deleted('b')}\n`))).toBe(true);
    expect(onlyDeletedLines(Buffer.from(`${deleted('a')}\n\n\r\n${deleted('b')}\n`))).toBe(true);
    expect(onlyDeletedLines(Buffer.from(`${deleted('a')}\n${modified}\n`))).toBe(false);
    expect(onlyDeletedLines(Buffer.from(`${modified}\n${deleted('a')}\n`))).toBe(false);
    // Another order of keys, a space: JSON.parse reads it as a deletion, but it is not the plain shape.
    expect(onlyDeletedLines(Buffer.from(`{"object":{"metadata":{"name":"a"}},"type":"DELETED"}\n`))).toBe(false);
    expect(onlyDeletedLines(Buffer.from(`{"type": "DELETED","object":{}}\n`))).toBe(false);
    expect(onlyDeletedLines(Buffer.from('{"type":"DELETED"\n'))).toBe(false);
    expect(onlyDeletedLines(Buffer.from('\n\n'))).toBe(false);
    expect(onlyDeletedLines(Buffer.alloc(0))).toBe(false);
  });
});
