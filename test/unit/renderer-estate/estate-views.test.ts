import { describe, expect, it } from 'vitest';
import { EstateIndex } from '../../../renderer/features/estate/estate-index.js';
import { fixtureEstate } from '../../../renderer/features/estate/fixture.js';
import { entityFreshness, groupFreshness } from '../../../renderer/features/estate/freshness.js';
import { compileFilter, noFilter, ownerOf, searchEntities } from '../../../renderer/features/estate/filters.js';
import { groupKey, locationOf, overviewOf, placementOf } from '../../../renderer/features/estate/rollup.js';
import type { Entity } from '../../../shared/estate/model.js';

function estate(pods = 200) {
  const fixture = fixtureEstate({ pods, now: 1_700_000_000_000 });
  const index = new EstateIndex();
  index.load(fixture.entities, fixture.relations);
  return { fixture, index, sources: new Map(fixture.sources.map((s) => [s.id, s])) };
}

describe('given an estate with a crash-looping checkout in production', () => {
  it('the overview lists the node and alarm before the degraded workload, and pods last', () => {
    const { index } = estate();
    const { problems } = overviewOf(index).summary;
    const failing = problems.filter((p) => p.health === 'failing');
    const degraded = problems.filter((p) => p.health === 'degraded');
    expect(problems.indexOf(failing.at(-1)!)).toBeLessThan(problems.indexOf(degraded[0]!));
    expect(failing[0]!.kind).toBe('node');
    expect(failing.at(-1)!.kind).toBe('pod');
    expect(degraded.map((e) => e.kind)).toContain('deployment');
    expect(problems.some((p) => p.kind === 'alarm')).toBe(true);
  });

  it('rolls health up by cloud, cluster and namespace with the sources and pods behind each', () => {
    const { index } = estate();
    const { summary, extras } = overviewOf(index);
    expect(summary.clusters[0]!.name).toBe('shop-prod-eks');
    expect(summary.clusters[0]!.health).toBe('failing');
    const checkout = summary.namespaces.find((n) => n.id === 'k8s:shop-prod-eks/checkout')!;
    expect(checkout.problems[0]!.reason).toMatch(/CrashLoopBackOff|ready/);
    expect(extras.get(groupKey('namespace', checkout.id))!.pods.failing).toBeGreaterThan(0);
    expect(summary.clouds.map((c) => c.id).sort()).toEqual(['cloud:aws', 'cloud:gcp', 'cloud:onprem']);
    const aws = extras.get(groupKey('cloud', 'cloud:aws'))!;
    expect([...aws.sourceIds].sort()).toEqual(['aws:sandbox/eu-west-1', 'k8s:shop-prod-eks', 'k8s:shop-staging-eks']);
  });

  it('places an entity by the cloud, cluster and namespace above it', () => {
    const { index } = estate();
    const ns = index.get('k8s:shop-prod-eks/checkout')!;
    expect(placementOf(index, ns)).toEqual({ cloud: 'cloud:aws', cluster: 'k8s:shop-prod-eks', namespace: 'k8s:shop-prod-eks/checkout' });
  });

  it('says where an entity lives in one line', () => {
    const { index } = estate();
    const pod = [...index.entities.values()].find((e) => e.kind === 'pod' && e.id.includes('/checkout/'))!;
    expect(locationOf(index, pod)).toMatch(/^us-east-1 \/ shop-prod-eks \/ checkout \/ (checkout-api|payments|cart)$/);
  });
});

describe('freshness', () => {
  it('is live while the source is live, and "last seen N min ago" once it is offline', () => {
    const { index, sources } = estate();
    const now = 1_700_000_000_000;
    const live = index.get('k8s:shop-prod-eks')!;
    const offline = index.get('k8s:edge-dc1')!;
    expect(entityFreshness(live, sources, now).label).toBe('live');
    const stale = entityFreshness(offline, sources, now);
    expect(stale.live).toBe(false);
    expect(stale.label).toBe('last seen 12 min ago');
    expect(stale.detail).toMatch(/ECONNREFUSED/);
  });

  it('makes a group as stale as its stalest source', () => {
    const { sources } = estate();
    const f = groupFreshness(['k8s:shop-prod-eks', 'k8s:edge-dc1'], sources, 1_700_000_000_000);
    expect(f.live).toBe(false);
    expect(groupFreshness(['k8s:shop-prod-eks', 'derived'], sources, 1_700_000_000_000).label).toBe('live');
  });
});

describe('applying deltas', () => {
  it('moves the structure version only when containment changes', () => {
    const { index } = estate();
    const pod = [...index.entities.values()].find((e) => e.kind === 'pod')!;
    const structure = index.structureVersion;
    index.apply({ upserted: [{ ...pod, health: 'failing' }], removed: [], relationsUpserted: [], relationsRemoved: [] });
    expect(index.structureVersion).toBe(structure);
    expect(index.get(pod.id)!.health).toBe('failing');
    index.apply({ upserted: [], removed: [pod.id], relationsUpserted: [], relationsRemoved: [] });
    expect(index.structureVersion).toBeGreaterThan(structure);
    expect(index.children(pod.parentId!).some((c) => c.id === pod.id)).toBe(false);
  });

  it('does not loop on a parent cycle a broken source could send', () => {
    const index = new EstateIndex();
    const base = { labels: {}, annotations: {}, health: 'healthy' as const, healthReason: '', status: {}, observedAt: 0, sourceId: 's', kind: 'namespace' as const };
    index.load([{ ...base, id: 'a', name: 'a', parentId: 'b' }, { ...base, id: 'b', name: 'b', parentId: 'a' }], []);
    expect(index.ancestors('a').map((e) => e.id)).toEqual(['b']);
  });
});

describe('finding entities', () => {
  it('ranks an exact name over a prefix over a substring, worse health breaking ties', () => {
    const { index } = estate();
    const hits = searchEntities(index.entities.values(), 'checkout-api', 10);
    expect(hits[0]!.name).toBe('checkout-api');
    expect(hits[0]!.health).toBe('degraded');
    expect(searchEntities(index.entities.values(), 'kind:node health:failing')).toHaveLength(1);
    expect(searchEntities(index.entities.values(), '   ')).toEqual([]);
  });

  it('keeps the same best matches, in the same order, as ranking every match would', () => {
    const { index } = estate(2_000);
    const all = [...index.entities.values()];
    for (const query of ['c', 'api', 'pay', 'kind:pod', 'health:degraded', 'shop-prod']) {
      const text = query.includes(':') ? '' : query;
      const rank = (e: Entity) => {
        const name = e.name.toLowerCase();
        const base = text === '' ? 1 : name === text ? 100 : name.startsWith(text) ? 80 : name.includes(text) ? 60 : e.id.toLowerCase().includes(text) ? 40 : Object.values(e.labels).some((v) => v.toLowerCase().includes(text)) ? 20 : 0;
        return base * 10 + { healthy: 0, unknown: 1, degraded: 2, failing: 3 }[e.health];
      };
      const narrowed = all.filter((e) => (query === 'kind:pod' ? e.kind === 'pod' : query === 'health:degraded' ? e.health === 'degraded' : rank(e) >= 10));
      const expected = narrowed
        .map((entity) => ({ entity, score: rank(entity) }))
        .sort((a, b) => b.score - a.score || a.entity.name.length - b.entity.name.length || (a.entity.id < b.entity.id ? -1 : a.entity.id > b.entity.id ? 1 : 0))
        .slice(0, 40)
        .map((s) => s.entity.id);
      expect(searchEntities(all, query, 40).map((e) => e.id)).toEqual(expected);
    }
  });

  it('breaks the last tie by id in code-unit order, the same on every machine whatever its locale', () => {
    const pod = (name: string): Entity => ({ id: `k8s:c/ns/Pod/${name}`, kind: 'pod', name, parentId: null, sourceId: 'k8s:c', labels: {}, annotations: {}, health: 'healthy', healthReason: '', status: {}, observedAt: 0 });
    // A collation puts web-a before web-B; code units put 'B' (66) before 'a' (97).
    expect(searchEntities([pod('web-a'), pod('web-B'), pod('web-1')], 'web', 3).map((e) => e.name)).toEqual(['web-1', 'web-B', 'web-a']);
  });

  it('filters by health, kind, label and owner', () => {
    const { index } = estate();
    const all = [...index.entities.values()];
    const byTeam = all.filter(compileFilter({ ...noFilter, owner: 'payments', kinds: new Set(['deployment']) }));
    expect(byTeam.map((e) => e.name).sort()).toEqual(Array(4).fill(['cart', 'checkout-api', 'payments']).flat().sort());
    const labelled = all.filter(compileFilter({ ...noFilter, label: 'app.kubernetes.io/name=check*', kinds: new Set(['service']) }));
    expect(labelled).toHaveLength(4);
    expect(all.filter(compileFilter({ ...noFilter, health: new Set(['failing']) })).every((e) => e.health === 'failing')).toBe(true);
    expect(ownerOf(index.get('k8s:shop-prod-eks/checkout/Deployment/payments') as Entity)).toBe('payments');
  });
});

describe('what is wrong, worst first', () => {
  it('folds a workload\'s broken pods into its row and ranks it by its worst pod', () => {
    const { index } = estate();
    const { problems, summary } = overviewOf(index);
    const checkout = problems.find((r) => r.problem.id === 'k8s:shop-prod-eks/checkout/Deployment/checkout-api')!;
    expect(checkout.problem.health).toBe('degraded');
    expect(checkout.effective).toBe('failing');
    expect(checkout.pods!.failing).toBeGreaterThan(0);
    // No row for a pod whose workload has one; the count of rows drops by exactly those pods.
    expect(problems.some((r) => r.problem.kind === 'pod')).toBe(false);
    expect(problems.length).toBe(summary.problems.length - checkout.pods!.failing);
    // Failing rows (the node, the alarm, the folded deployment) before degraded ones.
    const firstDegraded = problems.findIndex((r) => r.effective === 'degraded');
    expect(problems.slice(firstDegraded).every((r) => r.effective !== 'failing')).toBe(true);
  });
});
