import { describe, expect, it } from 'vitest';
import { PackedEstateSnapshot } from '../../../shared/api/estate.js';
import { checkPackedEstateSnapshot } from '../../../shared/api/estate-results.js';
import { EstatePacker, unpackEstateSnapshot } from '../../../shared/estate/packed-snapshot.js';
import { RecordTable } from '../../../shared/estate/record-table.js';
import type { RecordCode } from '../../../shared/estate/record-table.js';
import { relation } from '../../../shared/estate/model.js';
import type { Entity, Relation } from '../../../shared/estate/model.js';
import { seededRandom as seeded } from '../../seeded-random.js';

/**
 * The packer's tables against the plain things they stand for: the record table against a Map
 * keyed by each record's codes as text (what the packer keyed records by before), with a hash
 * that is always equal as well as the real one; and a packer put through random entity and
 * relation changes against a plain Map of what is held, in the order a Map keeps it.
 */

describe('the packer keeps each record once', () => {
  for (const [name, hash] of [['its hash', undefined], ['a hash that always collides', () => 7]] as const) {
    it(`numbers records as a Map keyed by their codes does, with ${name}`, () => {
      const random = seeded(name.length);
      const table = new RecordTable<RecordCode>(hash);
      const plain = new Map<string, number>();
      const values: RecordCode[] = [0, 1, 2, -1, -3, 1.5, 2.25, 1e12, true, false, null];
      for (let step = 0; step < 3_000; step++) {
        const codes: RecordCode[] = [];
        for (let n = Math.floor(random() * 5); n > 0; n--) codes.push(values[Math.floor(random() * values.length)]!);
        const key = JSON.stringify(codes);
        const expected = plain.get(key) ?? plain.size;
        plain.set(key, expected);
        const scratch = codes.slice();
        expect(table.numberOf(scratch)).toBe(expected);
        // The table keeps its own copy: the caller's scratch array is reused.
        scratch.length = 0;
      }
      expect(table.records.map((r) => JSON.stringify(r))).toEqual([...plain.keys()]);
    });
  }
});

describe('the packer put through random changes', () => {
  const source = 'kubernetes:prod';
  function entity(random: () => number, i: number): Entity {
    const pick = <T,>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
    return {
      id: `k8s:prod/shop/Pod/p-${i}`,
      kind: 'pod',
      name: `p-${i}`,
      parentId: pick([null, 'k8s:prod/shop']),
      sourceId: source,
      labels: pick<Record<string, string>>([{}, { app: 'a' }, { app: 'b', tier: 'web' }, { tier: 'web', app: 'b' }, JSON.parse('{"__proto__": "x", "app": "a"}') as Record<string, string>]),
      annotations: pick<Record<string, string>>([{}, { note: `n-${i % 3}` }]),
      health: pick<Entity['health']>(['healthy', 'failing', 'degraded']),
      healthReason: pick(['ready', 'CrashLoopBackOff']),
      status: pick<Entity['status']>([{}, { phase: 'Running', restarts: Math.floor(random() * 3), ready: random() < 0.5 }, { reason: null, cpu: 0.25 }, { phase: 'Running', restarts: '2' }]),
      observedAt: 1_700_000_000_000 + Math.floor(random() * 1e6) + pick([0, 0.5]),
    };
  }

  for (const seed of [1, 2, 3]) {
    it(`packs what a Map of the same changes holds, in its order (seed ${seed})`, () => {
      const random = seeded(seed);
      // Small at first, so the columns and record tables grow under the changes.
      const packer = new EstatePacker({ entities: 2, relations: 1 });
      const entities = new Map<string, Entity>();
      const relations = new Map<string, Relation>();
      for (let step = 0; step < 1_500; step++) {
        const i = Math.floor(random() * 60);
        const roll = random();
        if (roll < 0.5) {
          const e = entity(random, i);
          packer.putEntity(e);
          entities.set(e.id, e);
        } else if (roll < 0.65) {
          packer.removeEntity(`k8s:prod/shop/Pod/p-${i}`);
          entities.delete(`k8s:prod/shop/Pod/p-${i}`);
        } else if (roll < 0.9) {
          const r = random() < 0.8 ? relation('runs-on', `k8s:prod/shop/Pod/p-${i}`, `k8s:prod/Node/n-${i % 4}`, source) : { id: `odd-${i}`, kind: 'owns' as const, from: 'x', to: `y-${i}`, sourceId: source };
          packer.putRelation(r);
          relations.set(r.id, r);
        } else {
          const id = random() < 0.8 ? relation('runs-on', `k8s:prod/shop/Pod/p-${i}`, `k8s:prod/Node/n-${i % 4}`, source).id : `odd-${i}`;
          packer.removeRelation(id);
          relations.delete(id);
        }
        if (random() < 0.05 || step === 1_499) {
          const packed = JSON.parse(JSON.stringify(packer.pack({ sources: [], asOf: 1, frame: step }))) as unknown;
          const checked = checkPackedEstateSnapshot(packed);
          expect(checked.success).toBe(true);
          expect(PackedEstateSnapshot.safeParse(packed).success).toBe(true);
          if (!checked.success) return;
          const unpacked = unpackEstateSnapshot(checked.data);
          // As the JSON path delivers them: an own __proto__ key dropped.
          const expected = [...entities.values()].map((e) => JSON.parse(JSON.stringify(e), (k, v: unknown) => (k === '__proto__' ? undefined : v)) as Entity);
          expect(unpacked.entities).toEqual(expected);
          expect(unpacked.relations).toEqual([...relations.values()]);
          expect(packer.size).toBe(entities.size + relations.size);
        }
      }
    });
  }
});
