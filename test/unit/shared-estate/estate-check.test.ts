import { describe, expect, it } from 'vitest';
import { EstateFrame, EstateSnapshot } from '../../../shared/api/estate.js';
import { checkEstateFrame, checkEstateSnapshot } from '../../../shared/api/estate-results.js';
import { checkEntity, checkRelation } from '../../../shared/estate/estate-check.js';
import { Entity, Relation } from '../../../shared/estate/model.js';

/**
 * The hand-written estate checks must accept exactly what the zod schemas accept and return
 * what they return: every field of a valid value is removed, then replaced by values of every
 * JSON type (and a few that are not JSON), and both must agree on each.
 */
const entity = {
  id: 'k8s:shop-prod-eks/shop/Pod/checkout-api-7d4f9c-x2k4p',
  kind: 'pod',
  name: 'checkout-api-7d4f9c-x2k4p',
  parentId: 'k8s:shop-prod-eks/shop/Deployment/checkout-api',
  sourceId: 'k8s:shop-prod-eks',
  labels: { app: 'checkout-api', 'pod-template-hash': '7d4f9c' },
  annotations: {},
  health: 'degraded',
  healthReason: 'Restarting (CrashLoopBackOff)',
  status: { phase: 'Running', restarts: 4, ready: false, node: null },
  observedAt: 1_700_000_000_000,
};
const relation = { id: 'owns:a->b', kind: 'owns', from: 'a', to: 'b', sourceId: 'k8s:shop-prod-eks' };
const replacements: unknown[] = [
  undefined, null, true, 0, -1, 1.5, Number.NaN, Number.POSITIVE_INFINITY, '', 'pod', 'healthy', 'owns', [], ['x'], {}, { a: 'b' }, { a: 1 }, { a: null }, { a: {} },
  JSON.parse('{"__proto__": "x"}'), JSON.parse('{"__proto__": {"polluted": 1}}'),
];

function mutations(value: Record<string, unknown>): unknown[] {
  const out: unknown[] = [value, { ...value, extra: 'ignored' }, null, [], 'x', 1];
  for (const key of Object.keys(value)) {
    const { [key]: _dropped, ...rest } = value;
    out.push(rest);
    for (const r of replacements) out.push({ ...value, [key]: r });
  }
  return out;
}

function agree(check: (v: unknown) => unknown, schema: { safeParse(v: unknown): { success: boolean; data?: unknown } }, values: unknown[]): number {
  for (const value of values) {
    const ours = check(value);
    const theirs = schema.safeParse(value);
    const oursOk = ours !== null && (typeof ours !== 'object' || !('success' in ours) || (ours as { success: boolean }).success);
    expect(oursOk, JSON.stringify(value)).toBe(theirs.success);
    if (theirs.success) expect('success' in (ours as object) ? (ours as { data: unknown }).data : ours).toEqual(theirs.data);
  }
  return values.length;
}

describe('the estate checks the renderer runs on a snapshot and on frames', () => {
  it('accept and reject entities exactly as the Entity schema does', () => {
    expect(agree(checkEntity, Entity, mutations(entity))).toBeGreaterThan(200);
    expect(agree(checkEntity, Entity, mutations({ ...entity, parentId: null, status: {} }))).toBeGreaterThan(200);
  });

  it('accept and reject relations exactly as the Relation schema does', () => {
    expect(agree(checkRelation, Relation, mutations(relation))).toBeGreaterThan(100);
  });

  it('accept and reject snapshots and frames exactly as their schemas do', () => {
    const snapshot = { entities: [entity, { ...entity, id: 'b' }], relations: [relation], sources: [], asOf: 1, frame: 3 };
    const snapshots = [...mutations(snapshot), { ...snapshot, entities: [entity, { ...entity, kind: 'unicorn' }] }, { ...snapshot, relations: [relation, null] }];
    agree(checkEstateSnapshot, EstateSnapshot, snapshots);
    const frame = { upserted: [entity], removed: ['x'], relationsUpserted: [relation], relationsRemoved: [], frame: 2, asOf: 5, events: [] };
    agree(checkEstateFrame, EstateFrame, [...mutations(frame), { ...frame, removed: ['a', 1] }, { ...frame, frame: -1 }, { ...frame, frame: 2.5 }]);
  });

  it('keeps a __proto__ label as data, polluting nothing', () => {
    const checked = checkEntity({ ...entity, labels: JSON.parse('{"__proto__": "x", "app": "y"}') });
    expect(checked).not.toBeNull();
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});
