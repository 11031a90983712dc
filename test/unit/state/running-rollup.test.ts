import { describe, expect, it } from 'vitest';
import { compareWorstFirst, isProblem, problemOf, rollupHealth } from '../../../shared/estate/health.js';
import { RunningRollup } from '../../../shared/estate/running-rollup.js';
import type { Entity } from '../../../shared/estate/model.js';
import { entity } from './estate-fixtures.js';

const healths = ['healthy', 'degraded', 'failing', 'unknown'] as const;
const kinds = ['pod', 'deployment', 'service', 'replicaset', 'statefulset'] as const;

describe('a namespace rollup kept as what runs in it changes', () => {
  it('says what rolling up every member says, after every add, update and removal', () => {
    let seed = 1_717;
    const next = (n: number) => (seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) % n;
    const differences: string[] = [];
    const compare = (what: string, got: { health: string; reason: string }, want: { health: string; reason: string }) => {
      if (got.health !== want.health || got.reason !== want.reason) differences.push(`${what}: ${JSON.stringify(got)} ≠ ${JSON.stringify(want)}`);
    };
    for (let round = 0; round < 30; round++) {
      // Short lists (spare 0) refill often; the default seldom; named 0 names nobody.
      const rollups = [new RunningRollup(), new RunningRollup(3, 0), new RunningRollup(1, 2), new RunningRollup(0, 0), new RunningRollup(5, 1), new RunningRollup(1, 1), new RunningRollup(2, 3)];
      const named = [3, 3, 1, 0, 5, 1, 2];
      const members = new Map<string, Entity>();
      const ids = 1 + next(80);
      for (let step = 0; step < 300; step++) {
        // Most changes hit a problem, one of the worst few half the time: what empties the kept list.
        const problems = [...members.values()].filter((m) => isProblem(m.health)).map(problemOf).sort(compareWorstFirst);
        const pick = next(4);
        const target = pick === 0 ? undefined : problems[next(pick === 1 ? problems.length || 1 : Math.min(3, problems.length) || 1)];
        const id = target ? target.id : `k8s:c/ns/x-${next(ids)}`;
        // Removals come in runs, as a deletecollection's do.
        if (next(3) === 0 || (step > 200 && next(2) === 0)) {
          const known = members.delete(id);
          for (const rollup of rollups) if (rollup.delete(id) !== known) differences.push(`round ${round} step ${step}: delete ${id}`);
        } else {
          const member = entity(id, kinds[next(kinds.length)]!, 'k8s:c/ns', 'k8s-c', {
            name: `n${next(8)}`,
            health: healths[next(healths.length)]!,
            healthReason: next(3) === 0 ? '' : `r${next(4)}`,
          });
          members.set(id, member);
          for (const rollup of rollups) rollup.set(member);
        }
        const list = [...members.values()];
        rollups.forEach((rollup, i) => {
          const where = `round ${round} step ${step} rollup ${i}`;
          if (rollup.size !== members.size) differences.push(`${where}: size`);
          compare(where, rollup.rollup('things'), rollupHealth(list, 'things', named[i]));
          compare(`${where} counted`, rollup.rollup('things', '2 things'), rollupHealth(list, 'things', named[i], '2 things'));
        });
      }
    }
    expect(differences.slice(0, 5)).toEqual([]);
  });

  it('does not let a newcomer worse than the kept few jump ahead of a member they left out', () => {
    const rollup = new RunningRollup(1, 1);
    const failing = (name: string) => entity(`k8s:c/ns/Pod/${name}`, 'pod', 'k8s:c/ns', 'k8s-c', { name, health: 'failing', healthReason: 'Error' });
    for (const name of ['a', 'b', 'c']) rollup.set(failing(name));
    rollup.delete(failing('b').id);
    rollup.set(failing('d'));
    rollup.delete(failing('a').id);
    expect(rollup.rollup('pods')).toEqual({ health: 'failing', reason: '2 failing of 2 pods: c (Error); and 1 more' });
  });

  it('keeps up with 5,000 failing pods removed worst first, refilling only now and then', () => {
    const rollup = new RunningRollup();
    const members: Entity[] = [];
    for (let i = 0; i < 5_000; i++) {
      const pod = entity(`k8s:c/burst/Pod/p-${String(i).padStart(4, '0')}`, 'pod', 'k8s:c/burst', 'k8s-c', {
        name: `p-${String(i).padStart(4, '0')}`,
        health: 'failing',
        healthReason: 'CrashLoopBackOff',
      });
      members.push(pod);
      rollup.set(pod);
    }
    for (let i = 0; i < 5_000; i++) {
      rollup.delete(members[i]!.id);
      if (i % 997 === 0 || i > 4_990) expect(rollup.rollup('workloads and services')).toEqual(rollupHealth(members.slice(i + 1), 'workloads and services'));
    }
    expect(rollup.rollup('workloads and services')).toEqual({ health: 'unknown', reason: 'No workloads and services reported' });
  });
});
