import { describe, expect, it } from 'vitest';
import { nameOf, toRecord } from '../../../electron/engine/providers/kubernetes/records.js';
import { resourceTypes } from '../../../electron/engine/providers/kubernetes/kinds.js';
import { seededRandom as random } from '../../seeded-random.js';

/** Values a field may hold on the wire, sane or not: what JSON can carry. */
function value(next: () => number, depth = 0): unknown {
  const pick = <T>(options: readonly T[]): T => options[Math.floor(next() * options.length)] as T;
  switch (pick(['string', 'string', 'empty', 'number', 'bool', 'null', 'array', 'object'] as const)) {
    case 'string':
      return pick(['web-1', 'shop', 'a/b', 'naïve ✓', '0', ' ']);
    case 'empty':
      return '';
    case 'number':
      return pick([0, 1, -3.5]);
    case 'bool':
      return next() < 0.5;
    case 'null':
      return null;
    case 'array':
      return depth > 1 ? [] : [value(next, depth + 1)];
    case 'object':
      return depth > 1 ? {} : { name: value(next, depth + 1), namespace: value(next, depth + 1) };
  }
}

/** An object as a watch might send it: mostly well formed, sometimes with any field of any type. */
function object(next: () => number): unknown {
  if (next() < 0.05) return value(next);
  const metadata: Record<string, unknown> = {};
  if (next() < 0.9) metadata.name = next() < 0.8 ? `pod-${Math.floor(next() * 5)}` : value(next);
  if (next() < 0.7) metadata.namespace = next() < 0.8 ? 'shop' : value(next);
  if (next() < 0.3) metadata.labels = { app: 'web' };
  if (next() < 0.2) metadata.ownerReferences = [{ kind: 'ReplicaSet', name: 'web-rs', controller: true }];
  const o: Record<string, unknown> = { metadata: next() < 0.9 ? metadata : value(next), spec: { containers: [{ name: 'c' }] }, status: { phase: 'Running' } };
  if (next() < 0.1) o.involvedObject = { kind: 'Pod', name: 'web-1', namespace: 'shop' };
  // As JSON.parse hands it over: an own `__proto__` key is data.
  return next() < 0.05 ? JSON.parse(`{"__proto__":{"name":"x"},"metadata":${JSON.stringify(metadata)}}`) : o;
}

describe('a deleted object named without mapping it', () => {
  it('has the namespace and name its record has, and no name exactly where it has no record, for every kind', () => {
    const next = random(17);
    for (let i = 0; i < 3_000; i++) {
      const raw = object(next);
      for (const { kind } of resourceTypes) {
        const record = toRecord(kind, raw);
        expect(nameOf(raw), `${kind} ${JSON.stringify(raw)}`).toEqual(record === null ? null : { namespace: record.namespace, name: record.name });
      }
    }
  });
});
