import { describe, expect, it } from 'vitest';
import { parseExport, planReplay } from '../../../electron/engine/drills/replay-plan.js';

/**
 * An export's timeline.json becomes replay steps on the recording's clock: the recorded
 * service's Kubernetes events and its alarm transitions (once each), what is not replayed said
 * in words, the golden signals as factors on the recording's own baseline, and the original
 * responders' milestones from the first alert.
 */

const T0 = Date.parse('2026-11-30T06:00:00Z');
const dep = 'k8s:shop-prod-eks/shop/Deployment/checkout';
const item = (kind: string, at: number, what: string, entityId: string | null, severity = 'info') => ({ id: `${kind}:${at}:${what}`, kind, what, detail: '', entityId, source: 's', severity, occurredAt: T0 + at, recordedAt: T0 + at, late: false, starred: false, hidden: false, originalOccurredAt: null });

function exported(withSignals: boolean) {
  return JSON.stringify({
    incident: {
      id: 'inc-20261130-1',
      title: '5xx on checkout',
      severity: 'SEV2',
      status: 'resolved',
      kind: 'real',
      summary: '',
      roles: {},
      impacted: [dep, 'aws:1/us-east-1/alarm/shop-prod-eks-shop-checkout-5xx-high'],
      milestones: { detected: { at: T0 + 60_000, by: 'a' }, declared: { at: T0 + 90_000, by: 'a' }, acknowledged: { at: T0 + 75_000, by: 'a' }, mitigated: { at: T0 + 300_000, by: 'a' } },
      links: [],
      alertIds: [],
      createdBy: 'a',
      updatedAt: T0,
    },
    window: { start: T0 - 1_800_000, end: T0 + 600_000, anchor: T0 + 60_000 },
    items: [
      item('pod', -600_000, 'Started: Started container checkout', 'k8s:shop-prod-eks/shop/Pod/checkout-aaa-111'),
      item('rollout', 0, 'ScalingReplicaSet: Scaled up replica set checkout-bbb to 1', dep),
      item('pod', 5_000, 'BackOff: Back-off restarting failed container checkout in pod checkout-bbb-222', 'k8s:shop-prod-eks/shop/Pod/checkout-bbb-222', 'warning'),
      item('pod', 6_000, 'BackOff: other service', 'k8s:shop-prod-eks/shop/Pod/cart-ccc-333', 'warning'),
      item('alarm', 60_123, 'AlarmAlarm: shop-prod-eks-shop-checkout-5xx-high: OK → ALARM. Alarm updated from OK to ALARM', 'aws:1/us-east-1/alarm/shop-prod-eks-shop-checkout-5xx-high', 'critical'),
      item('alarm', 60_123, 'AlarmAlarm: shop-prod-eks-shop-checkout-5xx-high: OK → ALARM. Alarm updated from OK to ALARM', dep, 'critical'),
      item('alert', 70_000, 'AlertFiring: KubePodCrashLooping', 'k8s:shop-prod-eks/shop/Pod/checkout-bbb-222', 'critical'),
      item('incident', 120_000, 'Status investigating → identified', null),
      item('operation', 200_000, 'Roll Deployment back succeeded', dep),
    ],
    ...(withSignals
      ? {
          signals: [
            { entityId: dep, signal: 'traffic', title: 'Traffic', unit: 'rate', series: [{ label: 'RequestCount', points: [[T0 - 180_000, 100], [T0 - 120_000, 100], [T0 - 60_000, 100], [T0, 200], [T0 + 60_000, 100]] }] },
            { entityId: dep, signal: 'errors', title: 'Errors', unit: 'rate', series: [{ label: '5xx', points: [[T0 - 180_000, 1], [T0 - 120_000, 1], [T0 - 60_000, 1], [T0, 42], [T0 + 60_000, 1]] }] },
          ],
        }
      : {}),
  });
}

describe('planning a replay from an export', () => {
  it('keeps the recorded service’s events and its alarm transitions, once each, on the recording clock from a whole second', () => {
    const plan = planReplay(parseExport(exported(true)), 60_000);
    expect(plan.sourceId).toBe(dep);
    expect(plan.from).toBe(T0);
    expect(plan.steps.map((s) => [s.kind, s.atMs, s.kind === 'event' ? s.reason : s.alarm])).toEqual([
      ['event', 0, 'ScalingReplicaSet'],
      ['event', 5_000, 'BackOff'],
      ['alarm', 60_123, '5xx-high'],
    ]);
    expect(plan.firstAlertOffsetMs).toBe(60_123);
    expect(plan.notReplayed.join(' ')).toMatch(/1 Prometheus\/Alertmanager alert/);
    expect(plan.notReplayed.join(' ')).toMatch(/1 event\(s\) about entities other than/);
  });

  it('shapes the golden signals on the recording’s own baseline', () => {
    const plan = planReplay(parseExport(exported(true)), 60_000);
    expect(plan.series[0]).toEqual({ atMs: 0, loadFactor: 2, extraErrorRatio: 0.2, latencyFactor: 1 });
    expect(plan.series[1]).toMatchObject({ atMs: 60_000, loadFactor: 1, extraErrorRatio: 0 });
  });

  it('replays an older export without series: events only, saying so', () => {
    const plan = planReplay(parseExport(exported(false)), 60_000);
    expect(plan.series).toEqual([]);
    expect(plan.steps).toHaveLength(3);
    expect(plan.notReplayed.join(' ')).toMatch(/predates recorded series/);
  });

  it('times the original responders from the first alert', () => {
    const plan = planReplay(parseExport(exported(true)), 60_000);
    expect(plan.original).toEqual({ detect: 75_000 - 60_123, declare: 90_000 - 60_123, identify: 120_000 - 60_123, mitigate: 300_000 - 60_123 });
  });

  it('refuses what is not an export, naming the field', () => {
    expect(() => parseExport('not json')).toThrow(/not JSON/);
    expect(() => parseExport('{"incident": {}, "items": []}')).toThrow(/Not an incident export/);
    expect(() => parseExport(JSON.stringify({ ...JSON.parse(exported(false)), items: [{ kind: 'pod', what: 'x', entityId: null, occurredAt: -1 }] }))).toThrow(/items\.0\.occurredAt/);
  });
});
