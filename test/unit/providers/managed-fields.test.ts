import { describe, expect, it } from 'vitest';
import { watchLineText } from '../../../electron/engine/providers/kubernetes/managed-fields.js';
import { seededRandom as random } from '../../seeded-random.js';

type Next = () => number;
type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
const pick = <T>(next: Next, options: readonly T[]): T => options[Math.floor(next() * options.length)] as T;

/** A value as an API server might write it, strings with what must be escaped and what need not be. */
function value(next: Next, depth: number): Json {
  const r = next();
  if (r < 0.35 || depth > 4) return pick(next, ['f:spec', 'k:{"uid":"aa-bb"}', 'naïve ✓ “x”', 'a\\b', '"managedFields":[', '', 'x\n\t"}]']);
  if (r < 0.5) return pick(next, [0, -2.5e3, 1e21, true, false, null]);
  if (r < 0.7) return Array.from({ length: Math.floor(next() * 3) }, () => value(next, depth + 1));
  const object: Record<string, Json> = {};
  for (let n = Math.floor(next() * 4); n > 0; n--) object[pick(next, ['f:metadata', 'f:labels', '.', 'k:{"type":"Ready"}', 'manager', 'time'])] = value(next, depth + 1);
  return object;
}

/** A watch event whose object may carry managedFields, in metadata and (as a hostile one might) deeper. */
function event(next: Next): { type: string; object: Record<string, Json> } {
  const entries: Array<[string, Json]> = [
    ['name', `pod-${Math.floor(next() * 9)}`],
    ['namespace', 'shop'],
    ['labels', { app: 'web', 'a\\"b': 'c' }],
  ];
  if (next() < 0.85) {
    const managed: Json = next() < 0.9 ? Array.from({ length: Math.floor(next() * 4) }, () => ({ manager: 'kubelet', operation: 'Update', fieldsType: 'FieldsV1', fieldsV1: value(next, 1) })) : value(next, 3);
    entries.splice(Math.floor(next() * (entries.length + 1)), 0, ['managedFields', managed]);
  }
  if (next() < 0.1) entries.length = next() < 0.5 ? 0 : entries.length;
  const spec: Record<string, Json> = { containers: [{ name: 'app' }] };
  if (next() < 0.2) spec.managedFields = value(next, 2);
  return { type: pick(next, ['ADDED', 'MODIFIED']), object: { kind: 'Pod', apiVersion: 'v1', metadata: Object.fromEntries(entries), spec } };
}

/** Every way of dropping one member named managedFields whose value is an array (and dropping none). */
function withOneDropped(json: Json): Json[] {
  if (json === null || typeof json !== 'object') return [json];
  if (Array.isArray(json)) return json.flatMap((item, i) => withOneDropped(item).filter((v) => v !== item).map((v) => json.map((x, j) => (j === i ? v : x)))).concat([json]);
  const variants: Json[] = [json];
  for (const [key, v] of Object.entries(json)) {
    if (key === 'managedFields' && Array.isArray(v)) variants.push(Object.fromEntries(Object.entries(json).filter(([k]) => k !== key)));
    for (const inner of withOneDropped(v)) if (inner !== v) variants.push({ ...json, [key]: inner });
  }
  return variants;
}

function parse(text: string): { ok: true; value: Json } | { ok: false } {
  try {
    return { ok: true, value: JSON.parse(text) as Json };
  } catch {
    return { ok: false };
  }
}

describe('a watch line without its managedFields', () => {
  it('parses as the line would, less metadata.managedFields, wherever the member sits', () => {
    const next = random(1730);
    let cut = 0;
    for (let i = 0; i < 5_000; i++) {
      const whole = event(next);
      const bytes = Buffer.from(JSON.stringify(whole), 'utf8');
      // The line sits inside a longer chunk, as the Reflector finds it.
      const chunk = Buffer.concat([Buffer.from('{"managedFields":[]}\n'), bytes, Buffer.from('\n"managedFields":[1]}\n')]);
      const text = watchLineText(chunk, 21, 21 + bytes.length);
      const expected = structuredClone(whole);
      const metadata = expected.object.metadata as Record<string, Json>;
      if ('managedFields' in metadata) {
        if (Array.isArray(metadata.managedFields)) delete metadata.managedFields;
      } else if (Array.isArray(expected.object.spec && (expected.object.spec as Record<string, Json>).managedFields)) {
        delete (expected.object.spec as Record<string, Json>).managedFields;
      }
      if (text.length < bytes.length) cut++;
      expect(JSON.parse(text), bytes.toString()).toEqual(expected);
    }
    expect(cut).toBeGreaterThan(3_000);
  });

  it('never makes a line JSON.parse accepts into another, whatever its bytes', () => {
    const next = random(2611);
    let broken = 0;
    for (let i = 0; i < 20_000; i++) {
      const bytes = Buffer.from(JSON.stringify(event(next)), 'utf8');
      const at = Math.floor(next() * bytes.length);
      const byte = pick(next, [0x22, 0x5c, 0x7b, 0x7d, 0x5b, 0x5d, 0x2c, 0x3a, 0x20, 0x00, 0x80, 0xc3, 0xff]);
      const damaged = pick(next, [
        Buffer.concat([bytes.subarray(0, at), Buffer.from([byte]), bytes.subarray(at + 1)]),
        Buffer.concat([bytes.subarray(0, at), bytes.subarray(at + 1)]),
        Buffer.concat([bytes.subarray(0, at), Buffer.from([byte]), bytes.subarray(at)]),
        bytes.subarray(0, at),
      ]);
      const text = watchLineText(damaged, 0, damaged.length);
      const line = parse(damaged.toString('utf8'));
      if (!line.ok) {
        broken++;
        continue;
      }
      const fromText = parse(text);
      expect(fromText.ok, damaged.toString('latin1')).toBe(true);
      if (fromText.ok) expect(withOneDropped(line.value), damaged.toString('latin1')).toContainEqual(fromText.value);
    }
    expect(broken).toBeGreaterThan(5_000);
  }, 60_000);

  it('leaves a line alone where the member is not an object’s, or its value is not a whole array', () => {
    for (const line of ['["managedFields":[1]]', '["managedFields":[1],2]', '{"a":"managedFields":[1]}', '{"managedFields":[1}', '{"managedFields": [1] , "b":2}', '{"managed\\u0046ields":[1]}', '{"managedFields":{"a":[1]}}']) {
      expect(watchLineText(Buffer.from(line), 0, line.length), line).toBe(line.includes('": [1] ,') ? '{ "b":2}' : line);
    }
    expect(watchLineText(Buffer.from('{"x":1,"managedFields":[{"a":"]},"}]}'), 0, 37)).toBe('{"x":1}');
  });
});
