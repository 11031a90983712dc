import { describe, expect, it } from 'vitest';
import { compareWorstFirst, isProblem, problemOf, rollupHealth, summarise } from '../../../shared/estate/health.js';
import { containmentLevel, regionId } from '../../../shared/estate/ids.js';
import { appNameOf } from '../../../shared/estate/apps.js';
import type { Entity } from '../../../shared/estate/model.js';
import { entity } from './estate-fixtures.js';

/** Two clouds: an AWS region with a prod cluster (one crash-looping pod), and an on-prem cluster that is fine. */
function estate(): Entity[] {
  const euWest = regionId('aws', '123', 'eu-west-1');
  return [
    entity('cloud:aws', 'cloud', null, 'derived', { name: 'aws', health: 'degraded' }),
    entity('aws:123', 'account', 'cloud:aws', 'derived'),
    entity(euWest, 'region', 'aws:123', 'derived'),
    entity('k8s:prod', 'cluster', euWest, 'k8s-prod', { name: 'prod' }),
    entity('k8s:prod/shop', 'namespace', 'k8s:prod', 'k8s-prod', { name: 'shop' }),
    entity('k8s:prod/shop/Deployment/cart', 'deployment', 'k8s:prod/shop', 'k8s-prod', {
      name: 'cart',
      health: 'degraded',
      healthReason: '2 of 3 ready',
    }),
    entity('k8s:prod/shop/Pod/cart-1', 'pod', 'k8s:prod/shop', 'k8s-prod', {
      name: 'cart-1',
      health: 'failing',
      healthReason: 'CrashLoopBackOff',
    }),
    entity('k8s:prod/shop/Pod/cart-2', 'pod', 'k8s:prod/shop', 'k8s-prod', { name: 'cart-2' }),
    entity('k8s:prod/Node/n1', 'node', 'k8s:prod', 'k8s-prod', { name: 'n1', health: 'unknown' }),
    entity('cloud:onprem', 'cloud', null, 'derived'),
    entity('onprem:dc1', 'account', 'cloud:onprem', 'derived'),
    entity('k8s:lab', 'cluster', 'onprem:dc1', 'k8s-lab', { name: 'lab' }),
    entity('k8s:lab/ops', 'namespace', 'k8s:lab', 'k8s-lab', { name: 'ops' }),
    entity('k8s:orphan', 'cluster', null, 'k8s-orphan', { name: 'orphan' }),
  ];
}

describe('the estate overview', () => {
  it('shows health by cloud, cluster and namespace, worst first, with what is wrong and why', () => {
    const summary = summarise(estate());

    expect(summary.health).toBe('failing');
    expect(summary.clouds.map((g) => [g.id, g.health])).toEqual([
      ['cloud:aws', 'failing'],
      ['cloud:onprem', 'healthy'],
      ['unplaced', 'healthy'],
    ]);
    const prod = summary.clusters[0]!;
    expect(prod).toMatchObject({ id: 'k8s:prod', within: 'aws', health: 'failing', problemCount: 2 });
    expect(prod.counts).toEqual({ failing: 1, degraded: 1, unknown: 1, healthy: 3 });
    // The failing pod first, then the deployment that explains it.
    expect(prod.problems.map((p) => `${p.name}: ${p.reason}`)).toEqual(['cart-1: CrashLoopBackOff', 'cart: 2 of 3 ready']);
    expect(summary.namespaces[0]).toMatchObject({ id: 'k8s:prod/shop', within: 'prod', health: 'failing' });
    // Derived groupings are not counted as resources of their own.
    expect(summary.total).toBe(9);
  });

  it('caps the problem lists but says how many there are', () => {
    const pods = Array.from({ length: 30 }, (_, i) =>
      entity(`k8s:prod/shop/Pod/p${i}`, 'pod', 'k8s:prod/shop', 'k8s-prod', { health: 'degraded', healthReason: 'not ready' }),
    );
    const summary = summarise([...estate(), ...pods], { problemsPerGroup: 5, problems: 7 });
    expect(summary.clusters[0]?.problems).toHaveLength(5);
    expect(summary.clusters[0]?.problemCount).toBe(32);
    expect(summary.problems).toHaveLength(7);
    expect(summary.problemCount).toBe(32);
  });
});

describe('rollups', () => {
  it('names the worst members and does not let one unknown hide that the rest are healthy', () => {
    const members = [
      entity('a', 'deployment', null, 's', { name: 'api', health: 'degraded', healthReason: '1 of 2 ready' }),
      entity('b', 'deployment', null, 's', { name: 'web' }),
      entity('c', 'deployment', null, 's', { name: 'cron', health: 'unknown' }),
    ];
    expect(rollupHealth(members, 'workloads')).toEqual({
      health: 'degraded',
      reason: '1 degraded of 3 workloads: api (1 of 2 ready)',
    });
    expect(rollupHealth(members.slice(1), 'workloads')).toEqual({
      health: 'healthy',
      reason: '1 of 2 workloads healthy, 1 unknown',
    });
  });

  it('reads containment ids the way providers write them', () => {
    expect(containmentLevel('aws:123/eu-west-1')).toEqual({ kind: 'region', name: 'eu-west-1', parentId: 'aws:123', cloud: 'aws' });
    expect(containmentLevel('gcp:my-project')).toEqual({ kind: 'account', name: 'my-project', parentId: 'cloud:gcp', cloud: 'gcp' });
    expect(containmentLevel('cloud:onprem')?.kind).toBe('cloud');
    expect(containmentLevel('aws:123/eu-west-1/alb/web')).toBeNull();
    expect(containmentLevel('k8s:prod')).toBeNull();
  });

  it('groups by part-of before name, and only workloads and services', () => {
    const labels = { 'app.kubernetes.io/name': 'cart', 'app.kubernetes.io/part-of': 'shop' };
    expect(appNameOf({ kind: 'deployment', labels })).toBe('shop');
    expect(appNameOf({ kind: 'service', labels: { 'app.kubernetes.io/name': 'cart' } })).toBe('cart');
    expect(appNameOf({ kind: 'pod', labels })).toBeNull();
  });
});

describe('naming the worst members of a rollup', () => {
  /** What rollupHealth said when it sorted every problem: the reason must not change. */
  function sortedReference(members: Entity[], noun: string, named: number): string {
    const problems = members.filter((m) => isProblem(m.health)).map(problemOf).sort(compareWorstFirst);
    const parts = [problems.some((p) => p.health === 'failing') ? `${problems.filter((p) => p.health === 'failing').length} failing` : null, problems.some((p) => p.health === 'degraded') ? `${problems.filter((p) => p.health === 'degraded').length} degraded` : null].filter(Boolean);
    const worst = problems.slice(0, named).map((p) => (p.reason ? `${p.name} (${p.reason})` : p.name)).join('; ');
    const more = problems.length > named ? `; and ${problems.length - named} more` : '';
    return `${parts.join(', ')} of ${members.length} ${noun}: ${worst}${more}`;
  }

  it('names the same worst few as sorting every problem would, whatever order the members come in', () => {
    let seed = 17;
    const next = (n: number) => (seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) % n;
    const healths = ['healthy', 'degraded', 'failing', 'unknown'] as const;
    const kinds = ['pod', 'deployment', 'service', 'replicaset', 'statefulset'] as const;
    for (let round = 0; round < 200; round++) {
      const members = Array.from({ length: 1 + next(40) }, (_, i) =>
        entity(`k8s:c/ns/x-${next(10)}-${i}`, kinds[next(kinds.length)]!, 'k8s:c/ns', 'k8s-c', {
          name: `n${next(6)}`,
          health: healths[next(healths.length)]!,
          healthReason: next(3) === 0 ? '' : `r${next(4)}`,
        }),
      );
      members.push(members[0]!);
      for (const named of [0, 1, 3, 5]) {
        const rolled = rollupHealth(members, 'things', named);
        if (members.some((m) => isProblem(m.health))) expect(rolled.reason).toBe(sortedReference(members, 'things', named));
      }
    }
  });
});
