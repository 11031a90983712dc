import { describe, expect, it } from 'vitest';
import { sameRecord, sameRecordSharing, toRecord } from '../../../electron/engine/providers/kubernetes/records.js';
import type { KubeRecord } from '../../../electron/engine/providers/kubernetes/records.js';
import { seededRandom as random } from '../../seeded-random.js';

/** Mostly the first option, so two draws agree on most fields and differ on a few, as watch updates do. */
function pick<T>(next: () => number, options: readonly T[]): T {
  return next() < 0.75 ? (options[0] as T) : (options[Math.floor(next() * options.length)] as T);
}

/** A pod whose every field the record reads is drawn from a few values, so two draws often agree on some and differ on others. */
function rawPod(next: () => number): unknown {
  const crashing = next() < 0.1;
  const labels: Record<string, string> = { app: pick(next, ['cart', 'checkout']) };
  if (next() < 0.1) labels.team = pick(next, ['payments', 'search']);
  return {
    metadata: {
      name: 'cart-7d9f8b6c5d-x1',
      namespace: 'shop',
      uid: pick(next, ['u1', 'u2']),
      resourceVersion: String(Math.floor(next() * 1000)),
      creationTimestamp: '2025-01-01T09:00:00Z',
      ...(next() < 0.05 ? { deletionTimestamp: '2025-01-01T10:00:00Z' } : {}),
      labels,
      annotations: next() < 0.1 ? { owner: pick(next, ['ana', 'bo']), 'kubectl.kubernetes.io/restartedAt': 'x' } : {},
      ownerReferences: next() < 0.95 ? [{ kind: 'ReplicaSet', name: pick(next, ['cart-7d9f8b6c5d', 'cart-5c5c5c5c5c']), controller: next() < 0.95 }] : [],
    },
    spec: { nodeName: pick(next, ['node-a', 'node-b', '']), containers: [{ name: 'app', image: pick(next, ['cart:1', 'cart:2']) }] },
    status: {
      phase: pick(next, ['Running', 'Pending']),
      conditions: [{ type: 'Ready', status: crashing ? 'False' : 'True' }],
      containerStatuses: [
        {
          ready: !crashing,
          restartCount: next() < 0.8 ? 0 : 1,
          state: crashing ? { waiting: { reason: pick(next, ['CrashLoopBackOff', 'ImagePullBackOff']), message: 'back-off' } } : { running: {} },
        },
      ],
    },
  };
}

describe('a watch update sharing what did not change with the record it replaces', () => {
  it('answers as sameRecord does, and leaves the new record saying exactly what it said', () => {
    const outcomes = { same: 0, different: 0 };
    for (let seed = 1; seed <= 1000; seed++) {
      const next = random(seed);
      const old = toRecord('Pod', rawPod(next)) as KubeRecord;
      const record = toRecord('Pod', rawPod(next)) as KubeRecord;
      const before = structuredClone(record);
      const expected = sameRecord(old, record);
      expect(sameRecordSharing(old, record), `seed ${seed}`).toBe(expected);
      outcomes[expected ? 'same' : 'different']++;
      expect(record, `seed ${seed}`).toEqual(before);
      expect(sameRecord(record, before), `seed ${seed}`).toBe(true);
    }
    // Both answers were exercised.
    expect(outcomes.same).toBeGreaterThan(20);
    expect(outcomes.different).toBeGreaterThan(20);
  });

  it('takes the old record’s maps and strings where they are equal, and keeps its own where they are not', () => {
    const pod = (restarts: number, team: string) => ({
      metadata: { name: 'cart-1', namespace: 'shop', uid: 'u1', labels: { app: 'cart' }, annotations: { team }, ownerReferences: [{ kind: 'ReplicaSet', name: 'cart-rs', controller: true }] },
      spec: { nodeName: 'node-a', containers: [{ name: 'app', image: 'cart:1' }] },
      status: { phase: 'Running', containerStatuses: [{ ready: true, restartCount: restarts }] },
    });
    const old = toRecord('Pod', pod(0, 'payments'))!;
    const record = toRecord('Pod', pod(1, 'search'))!;
    expect(sameRecordSharing(old, record)).toBe(false);
    expect(record.labels).toBe(old.labels);
    expect(record.owners).toBe(old.owners);
    expect(record.annotations).not.toBe(old.annotations);
    expect(record.annotations).toEqual({ team: 'search' });
    expect(record.kind === 'Pod' && record.restarts).toBe(1);
  });
});
