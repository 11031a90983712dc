import type { z } from 'zod';

/**
 * Parameters for the API fuzzer, generated from the contract's own zod schemas so a new method
 * is fuzzed the day it is declared: values that try to be valid (walking the schema), and the
 * ways a broken or hostile client breaks them. Deterministic for a given seed.
 */

export class Fuzz {
  constructor(readonly random: () => number) {}

  int(min: number, max: number): number {
    return Math.floor(min + this.random() * (max - min + 1));
  }

  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.random() * items.length)]!;
  }

  chance(p: number): boolean {
    return this.random() < p;
  }

  text(min: number, max: number): string {
    const alphabet = 'abcdefghijklmnopqrstuvwxyz0123456789-:/._';
    const length = this.int(min, Math.max(min, Math.min(max, min + 12)));
    let out = '';
    for (let i = 0; i < length; i++) out += this.pick([...alphabet]);
    return out;
  }
}

interface Def {
  type: string;
  [key: string]: unknown;
}

function defOf(schema: unknown): Def {
  return (schema as { _zod: { def: Def } })._zod.def;
}

/** A value that tries to satisfy the schema: the happy path a correct client takes. */
export function validFor(schema: z.ZodType, fuzz: Fuzz, depth = 0): unknown {
  const def = defOf(schema);
  const s = schema as unknown as { minLength?: number | null; maxLength?: number | null; minValue?: number | null; maxValue?: number | null; isInt?: boolean; format?: string | null };
  switch (def.type) {
    case 'string': {
      if (s.format === 'url') return `http://127.0.0.1:9/${fuzz.text(0, 4)}`;
      return fuzz.text(s.minLength ?? 0, s.maxLength ?? 24);
    }
    case 'number': {
      const min = Math.max(s.minValue ?? -1000, -1e12);
      const max = Math.min(s.maxValue ?? 1_800_000_000_000, 1e13);
      const value = min + fuzz.random() * (max - min);
      return s.isInt ? Math.round(Math.min(Math.max(value, Math.ceil(min)), Math.floor(max))) : value;
    }
    case 'int':
      return fuzz.int(0, 100);
    case 'boolean':
      return fuzz.chance(0.5);
    case 'literal':
      return fuzz.pick(def['values'] as unknown[]);
    case 'enum':
      return fuzz.pick(Object.values(def['entries'] as Record<string, unknown>));
    case 'null':
      return null;
    case 'optional':
      return fuzz.chance(0.6) ? validFor(def['innerType'] as z.ZodType, fuzz, depth + 1) : undefined;
    case 'nullable':
      return fuzz.chance(0.2) ? null : validFor(def['innerType'] as z.ZodType, fuzz, depth + 1);
    case 'default':
    case 'prefault':
    case 'catch':
    case 'readonly':
    case 'nonoptional':
      return validFor(def['innerType'] as z.ZodType, fuzz, depth + 1);
    case 'pipe':
      return validFor(def['in'] as z.ZodType, fuzz, depth + 1);
    case 'lazy':
      return depth > 6 ? null : validFor((def['getter'] as () => z.ZodType)(), fuzz, depth + 1);
    case 'union':
      return validFor(fuzz.pick(def['options'] as z.ZodType[]), fuzz, depth + 1);
    case 'array': {
      const checks = ((def['checks'] as { _zod: { def: { check: string; minimum?: number; maximum?: number } } }[] | undefined) ?? []).map((c) => c._zod.def);
      const min = checks.find((c) => c.check === 'min_length')?.minimum ?? 0;
      const max = checks.find((c) => c.check === 'max_length')?.maximum ?? 4;
      const length = depth > 5 ? min : fuzz.int(min, Math.min(max, min + 3));
      return Array.from({ length }, () => validFor(def['element'] as z.ZodType, fuzz, depth + 1));
    }
    case 'tuple':
      return (def['items'] as z.ZodType[]).map((item) => validFor(item, fuzz, depth + 1));
    case 'object': {
      const out: Record<string, unknown> = {};
      for (const [key, field] of Object.entries(def['shape'] as Record<string, z.ZodType>)) {
        const value = validFor(field, fuzz, depth + 1);
        if (value !== undefined) out[key] = value;
      }
      return out;
    }
    case 'record': {
      const out: Record<string, unknown> = {};
      const count = depth > 5 ? 0 : fuzz.int(0, 2);
      for (let i = 0; i < count; i++) out[String(validFor(def['keyType'] as z.ZodType, fuzz, depth + 1))] = validFor(def['valueType'] as z.ZodType, fuzz, depth + 1);
      return out;
    }
    case 'intersection':
      return Object.assign({}, validFor(def['left'] as z.ZodType, fuzz, depth + 1), validFor(def['right'] as z.ZodType, fuzz, depth + 1));
    default:
      // unknown, any, and whatever else: a small JSON value.
      return fuzz.pick([null, 1, 'x', { a: 1 }, [1, 2]]);
  }
}

/** One request body as it goes on the wire, and what kind of abuse it is. */
export interface FuzzBody {
  kind: string;
  /** Text, or raw bytes for bodies that are not UTF-8. */
  body: string | Buffer;
  /** True when this is the schema-walking value, unmutated: the only kind that may change state. */
  triesValid: boolean;
}

const wrongTypes: unknown[] = [42, -1, 1e308, 'x', '', null, true, [], {}, [null], { '': '' }];

/** Replaces the value at one random path of an object tree. */
function replaceSomewhere(value: unknown, fuzz: Fuzz, replacement: () => unknown): unknown {
  if (value === null || typeof value !== 'object' || fuzz.chance(0.25)) return replacement();
  if (Array.isArray(value)) {
    if (value.length === 0) return [replacement()];
    const copy = [...value];
    const i = fuzz.int(0, copy.length - 1);
    copy[i] = replaceSomewhere(copy[i], fuzz, replacement);
    return copy;
  }
  const keys = Object.keys(value);
  if (keys.length === 0) return { [fuzz.text(1, 6)]: replacement() };
  const key = fuzz.pick(keys);
  return { ...(value as Record<string, unknown>), [key]: replaceSomewhere((value as Record<string, unknown>)[key], fuzz, replacement) };
}

function deeplyNested(depth: number): string {
  return `${'['.repeat(depth)}${']'.repeat(depth)}`;
}

/** A body for one request: the schema-walking value, or one of the ways to break it. */
export function fuzzBody(schema: z.ZodType, fuzz: Fuzz, hugeBytes: number): FuzzBody {
  const valid = validFor(schema, fuzz) ?? {};
  const json = (v: unknown) => JSON.stringify(v) ?? 'null';
  const kind = fuzz.pick([
    'valid',
    'valid',
    'valid',
    'wrong-type',
    'wrong-type',
    'extra-key',
    'proto',
    'constructor',
    'huge-string',
    'deep-nesting',
    'invalid-utf8',
    'not-json',
    'scalar',
    'number-edge',
  ] as const);
  switch (kind) {
    case 'valid':
      return { kind, body: json(valid), triesValid: true };
    case 'wrong-type':
      return { kind, body: json(replaceSomewhere(valid, fuzz, () => fuzz.pick(wrongTypes))), triesValid: false };
    case 'extra-key':
      return { kind, body: json(valid && typeof valid === 'object' && !Array.isArray(valid) ? { ...valid, [`unexpected${fuzz.text(1, 4)}`]: 1 } : { unexpected: 1 }), triesValid: false };
    case 'proto': {
      // JSON.parse makes "__proto__" an own key; code that copies it with assignment pollutes.
      const text = json(valid);
      const inner = text.startsWith('{') && text.length > 2 ? `{"__proto__":{"polluted":"yes"},${text.slice(1)}` : '{"__proto__":{"polluted":"yes"}}';
      return { kind, body: inner, triesValid: false };
    }
    case 'constructor':
      return { kind, body: json(replaceSomewhere(valid, fuzz, () => ({ constructor: { prototype: { polluted: 'yes' } } }))), triesValid: false };
    case 'huge-string':
      return { kind, body: json(replaceSomewhere(valid, fuzz, () => 'A'.repeat(hugeBytes))), triesValid: false };
    case 'deep-nesting': {
      const text = json(replaceSomewhere(valid, fuzz, () => '@@deep@@'));
      return { kind, body: text.replace('"@@deep@@"', deeplyNested(fuzz.int(1000, 20_000))), triesValid: false };
    }
    case 'invalid-utf8': {
      const text = Buffer.from(json(replaceSomewhere(valid, fuzz, () => '@@bytes@@')));
      const at = text.indexOf('@@bytes@@');
      const bytes = Buffer.from([0xc3, 0x28, 0xff, 0xfe, 0xed, 0xa0, 0x80]);
      return { kind, body: at < 0 ? Buffer.concat([text, bytes]) : Buffer.concat([text.subarray(0, at), bytes, text.subarray(at + 9)]), triesValid: false };
    }
    case 'not-json':
      return { kind, body: fuzz.pick(['{', '{"a":', 'undefined', "{'a':1}", '\u0000', '[1,]', 'NaN']), triesValid: false };
    case 'scalar':
      return { kind, body: fuzz.pick(['null', '42', '"s"', '[]', 'true', '[{}]']), triesValid: false };
    case 'number-edge':
      return { kind, body: json(replaceSomewhere(valid, fuzz, () => fuzz.pick([1e308, -1e308, 2 ** 53 + 1, -0, 0.1, 1e-320]))).replace('1e+308', '1e999'), triesValid: false };
  }
}
