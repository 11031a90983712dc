import { describe, expect, it } from 'vitest';
import type { Drill } from '../../../shared/api/drills.js';
import { drillMarkdown } from '../../../electron/engine/drills/drill-report.js';
import { relatedTo } from '../../../electron/engine/drills/drill-service.js';
import { drillClock, formatClock, milestoneTimes, scoreDrill } from '../../../electron/engine/drills/scoring.js';

const T0 = Date.UTC(2026, 10, 30, 9, 0, 0);
const TARGET = 'k8s:shop-prod-eks/shop/Deployment/checkout';

function drill(over: Partial<Drill> = {}): Drill {
  return {
    id: 'drill-1',
    scenario: 'bad-deploy',
    dealt: false,
    summary: 'A release crash-loops.',
    parMs: { detect: 180_000, declare: 300_000, identify: 480_000, mitigate: 720_000 },
    participants: [
      { name: 'Alice', role: 'commander' },
      { name: 'Bob', role: 'operations' },
    ],
    acting: 'Alice',
    timeLimitMs: null,
    state: 'mitigated',
    startedAt: T0 - 500,
    endedAt: T0 + 600_000,
    injections: [{ scenario: 'bad-deploy', at: T0, target: 'shop-prod-eks/shop/checkout', entityId: TARGET }],
    incidentId: 'inc-1',
    events: [
      { kind: 'injected', at: T0, by: null, detail: 'bad-deploy injected', entityId: TARGET },
      { kind: 'declared', at: T0 + 120_000, by: 'Alice', detail: 'Declared', entityId: null },
      { kind: 'acknowledged', at: T0 + 90_000, by: 'Alice', detail: 'Acknowledged', entityId: null },
      { kind: 'action', at: T0 + 200_000, by: 'Bob', detail: 'restart succeeded', entityId: 'k8s:shop-prod-eks/other/Deployment/cart', unrelated: true },
      { kind: 'action', at: T0 + 300_000, by: 'Bob', detail: 'rollback succeeded', entityId: TARGET, unrelated: false },
      { kind: 'mitigated', at: T0 + 330_000, by: 'Bob', detail: 'held', entityId: null },
    ],
    pauses: [],
    debrief: [],
    steady: null,
    ...over,
  };
}

describe('scoring a drill from the injection time', () => {
  it('times detect as the first of acknowledged or declared, and each milestone from the injection', () => {
    expect(milestoneTimes(drill())).toEqual({ detect: 90_000, declare: 120_000, identify: null, mitigate: 330_000 });
  });

  it('leaves paused time out of the drill clock', () => {
    const paused = drill({ pauses: [{ from: T0 + 100_000, to: T0 + 160_000 }] });
    expect(drillClock(paused, T0 + 90_000)).toBe(90_000);
    expect(milestoneTimes(paused).declare).toBe(100_000);
    expect(milestoneTimes(paused).mitigate).toBe(270_000);
  });

  it('credits each participant with their milestones and actions, flags unrelated ones, and compares with par and earlier runs', () => {
    const earlier = drill({ id: 'drill-0', events: [{ kind: 'declared', at: T0 + 60_000, by: 'Bob', detail: '', entityId: null }] });
    const score = scoreDrill(drill(), { par: drill().parMs, earlier: [earlier], runbooksUsed: ['bad-deploy'], stepsSkipped: [] });
    expect(score.perParticipant).toEqual([
      { name: 'Alice', role: 'commander', milestones: ['detect', 'declare'], actions: 0, unrelatedActions: 0 },
      { name: 'Bob', role: 'operations', milestones: ['mitigate'], actions: 2, unrelatedActions: 1 },
    ]);
    const declare = score.milestones.find((m) => m.milestone === 'declare')!;
    expect(declare).toMatchObject({ ms: 120_000, parMs: 300_000, previousBestMs: 60_000, by: 'Alice' });
    expect(score.unrelatedActions).toBe(1);
  });

  it('formats the drill clock as +mm:ss', () => {
    expect(formatClock(330_000)).toBe('+05:30');
    expect(formatClock(null)).toBe('—');
  });
});

describe('which entities belong to the injected target', () => {
  it("counts the deployment's pods and replica sets, not a neighbour with a longer name or another namespace", () => {
    expect(relatedTo(TARGET, TARGET)).toBe(true);
    expect(relatedTo(TARGET, 'k8s:shop-prod-eks/shop/Pod/checkout-7d9f-abcde')).toBe(true);
    expect(relatedTo(TARGET, 'k8s:shop-prod-eks/shop/Deployment/checkoutv2')).toBe(false);
    expect(relatedTo(TARGET, 'k8s:shop-prod-eks/other/Deployment/checkout')).toBe(false);
  });
});

describe('the report', () => {
  it('escapes what people typed so a name cannot break the Markdown tables', () => {
    const md = drillMarkdown(drill({ participants: [{ name: 'Eve | <b>', role: 'scribe' }], debrief: ['Why # so slow?'] }), scoreDrill(drill(), { par: null, earlier: [], runbooksUsed: [], stepsSkipped: [] }));
    expect(md).toContain('Eve \\| \\<b\\>');
    expect(md).toContain('- Why \\# so slow?');
    expect(md).toContain('| +00:00 | injected |');
  });
});
