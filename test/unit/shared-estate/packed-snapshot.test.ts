import { describe, expect, it } from 'vitest';
import { EstateSnapshot, PackedEstateSnapshot } from '../../../shared/api/estate.js';
import { checkEstateSnapshot, checkPackedEstateSnapshot } from '../../../shared/api/estate-results.js';
import { packEstateSnapshot, unpackEstateSnapshot } from '../../../shared/estate/packed-snapshot.js';
import { relation } from '../../../shared/estate/model.js';
import type { Entity, Relation } from '../../../shared/estate/model.js';
import { seededRandom as seeded } from '../../seeded-random.js';

/**
 * The packed snapshot the console loads: unpacking what the engine packed gives back the
 * snapshot, exactly as the renderer's checks would have returned it from estate.snapshot; and the
 * hand-written check on arrival accepts exactly what the PackedEstateSnapshot schema accepts,
 * under every field removed or replaced and under random damage to the columns and records.
 */

function estate(pods: number): EstateSnapshot {
  const source = 'k8s:shop-prod-eks';
  const base = { sourceId: source, annotations: {}, healthReason: 'ready', observedAt: 1_700_000_000_000 };
  const entities: Entity[] = [
    { ...base, id: 'k8s:shop-prod-eks', kind: 'cluster', name: 'shop-prod-eks', parentId: null, labels: {}, health: 'healthy', status: { version: '1.31', nodes: 3 } },
    { ...base, id: 'k8s:shop-prod-eks/shop', kind: 'namespace', name: 'shop', parentId: 'k8s:shop-prod-eks', labels: { team: 'payments' }, health: 'degraded', status: { ownHealth: 'healthy' } },
    {
      ...base,
      id: 'k8s:shop-prod-eks/shop/Deployment/checkout-api',
      kind: 'deployment',
      name: 'checkout-api',
      parentId: 'k8s:shop-prod-eks/shop',
      labels: { app: 'checkout-api' },
      annotations: { 'kubernetes.io/change-cause': 'deploy 42' },
      health: 'degraded',
      status: { replicas: 3, readyReplicas: 2, paused: false, image: 'registry/checkout:1.2' },
    },
  ];
  const relations: Relation[] = [];
  for (let i = 0; i < pods; i++) {
    const id = `k8s:shop-prod-eks/shop/Pod/checkout-api-7d4f9c-${i}`;
    entities.push({
      ...base,
      id,
      kind: 'pod',
      name: `checkout-api-7d4f9c-${i}`,
      parentId: 'k8s:shop-prod-eks/shop/Deployment/checkout-api',
      labels: { app: 'checkout-api', 'pod-template-hash': '7d4f9c' },
      health: i % 3 === 0 ? 'failing' : 'healthy',
      healthReason: i % 3 === 0 ? 'Restarting (CrashLoopBackOff)' : 'ready',
      status: { phase: 'Running', restarts: i % 3 === 0 ? 4.5 : 0, ready: i % 3 !== 0, nodeName: `node-${i % 2}`, reason: null },
      observedAt: 1_700_000_000_000 + i,
    });
    relations.push(relation('owns', 'k8s:shop-prod-eks/shop/Deployment/checkout-api', id, source));
    relations.push(relation('runs-on', id, `k8s:shop-prod-eks/Node/node-${i % 2}`, source));
  }
  relations.push({ id: 'a relation id of another shape', kind: 'selects', from: 'x', to: 'y', sourceId: source });
  return {
    entities,
    relations,
    sources: [
      {
        id: source,
        kind: 'kubernetes',
        name: 'shop-prod-eks',
        location: 'https://127.0.0.1:6443',
        state: 'live',
        reason: 'Watching',
        lastSyncAt: 1_700_000_000_000,
        enabled: true,
        sandbox: true,
      },
    ],
    asOf: 1_700_000_000_500,
    frame: 7,
  };
}

const snapshot = estate(6);

/** What estate.snapshot's arrival check returns for the same snapshot sent as JSON. */
function asSentAsJson(value: EstateSnapshot): EstateSnapshot {
  const checked = checkEstateSnapshot(JSON.parse(JSON.stringify(value)));
  if (!checked.success) throw new Error('the fixture breaks the EstateSnapshot schema');
  return checked.data;
}

function clone<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}

function agree(value: unknown): boolean {
  const ours = checkPackedEstateSnapshot(value);
  const theirs = PackedEstateSnapshot.safeParse(value);
  expect(ours.success, JSON.stringify(value).slice(0, 400)).toBe(theirs.success);
  if (ours.success && theirs.success) {
    expect(ours.data).toEqual(theirs.data);
    // Whatever a packed value passes as, it unpacks to a snapshot its own schema accepts.
    expect(EstateSnapshot.safeParse(unpackEstateSnapshot(ours.data)).success).toBe(true);
  }
  return theirs.success;
}

describe('the packed estate snapshot', () => {
  it('unpacks to the snapshot that was packed, as the JSON path would have delivered it', () => {
    expect(EstateSnapshot.safeParse(snapshot).success).toBe(true);
    const packed = clone(packEstateSnapshot(snapshot));
    expect(agree(packed)).toBe(true);
    expect(unpackEstateSnapshot(packed)).toEqual(asSentAsJson(snapshot));
    // Equal records are sent once: six pods, two status shapes per node and health.
    expect(packed.textRecords.length).toBeLessThanOrEqual(5);
    expect(packed.relations.id.filter((i) => i !== -1)).toHaveLength(1);
  });

  it('drops an own __proto__ key in a record, as the JSON path does, and never touches a prototype', () => {
    const hostile = estate(1);
    const pod = hostile.entities[3]!;
    hostile.entities[3] = { ...pod, labels: JSON.parse('{"__proto__": "x", "app": "a"}'), status: JSON.parse('{"__proto__": {"polluted": 1}, "phase": "Running"}') };
    const packed = clone(packEstateSnapshot(hostile));
    expect(agree(packed)).toBe(true);
    const unpacked = unpackEstateSnapshot(packed);
    expect(unpacked).toEqual(asSentAsJson(hostile));
    expect(Object.getPrototypeOf(unpacked.entities[3]!.labels)).toBe(Object.prototype);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('is checked on arrival exactly as its schema checks it, field by field', () => {
    const packed = clone(packEstateSnapshot(snapshot)) as unknown as Record<string, unknown>;
    const replacements: unknown[] = [undefined, null, true, 0, -1, 1.5, Number.NaN, Number.POSITIVE_INFINITY, '', 'pod', [], [0], [-1], [1e9], ['x'], {}, { a: 1 }];
    let checked = 0;
    const variants: unknown[] = [packed, null, [], 'x', 1, { ...packed, extra: 1 }];
    for (const key of Object.keys(packed)) {
      const { [key]: _dropped, ...rest } = packed;
      variants.push(rest);
      for (const r of replacements) variants.push({ ...packed, [key]: r });
    }
    for (const part of ['entities', 'relations'] as const) {
      const columns = packed[part] as Record<string, unknown>;
      for (const key of Object.keys(columns)) {
        const { [key]: _dropped, ...rest } = columns;
        variants.push({ ...packed, [part]: rest });
        for (const r of replacements) variants.push({ ...packed, [part]: { ...columns, [key]: r } });
      }
    }
    for (const variant of variants) {
      agree(variant);
      checked++;
    }
    expect(checked).toBeGreaterThan(400);
  }, 60_000);

  it('is checked on arrival exactly as its schema checks it, under random damage', () => {
    const random = seeded(17);
    const pick = <T,>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
    const values: unknown[] = [-2, -1, 0, 1, 2, 3, 5, 8, 13, 40, 1e6, 0.5, -0.5, true, false, null, '1', Number.NaN, Number.MAX_SAFE_INTEGER + 2, -1e9];
    const base = clone(packEstateSnapshot(snapshot));
    let accepted = 0;
    for (let round = 0; round < 1_000; round++) {
      const damaged = clone(base) as unknown as Record<string, unknown>;
      for (let hits = 1 + Math.floor(random() * 2); hits > 0; hits--) {
        const where = pick(['entities', 'relations', 'textRecords', 'statusRecords', 'strings'] as const);
        if (where === 'entities' || where === 'relations') {
          const columns = damaged[where] as Record<string, unknown[]>;
          const column = columns[pick(Object.keys(columns))]!;
          if (random() < 0.1) column.pop();
          else column[Math.floor(random() * column.length)] = pick(values);
        } else if (where === 'strings') {
          const strings = damaged.strings as unknown[];
          // Renaming a kind or health makes it unknown; dropping the last string leaves indices dangling.
          if (random() < 0.5) strings.pop();
          else strings[Math.floor(random() * strings.length)] = pick(['pod', 'sideways', 'failing', 'owns', 1, null]);
        } else {
          const records = damaged[where] as unknown[][];
          const record = records[Math.floor(random() * records.length)]!;
          if (random() < 0.2 || record.length === 0) record.push(pick(values));
          else record[Math.floor(random() * record.length)] = pick(values);
        }
      }
      if (agree(damaged)) accepted++;
    }
    // Both outcomes were exercised, not only refusals.
    expect(accepted).toBeGreaterThan(30);
    expect(accepted).toBeLessThan(970);
  }, 60_000);
});
