import { describe, expect, it } from 'vitest';
import { sameRecord, toRecord } from '../../../electron/engine/providers/kubernetes/records.js';

const pod = (name: string, labels: Record<string, string>, extra: { annotations?: Record<string, string>; restarts?: number; uid?: string } = {}) => ({
  metadata: { name, namespace: 'shop', uid: extra.uid ?? `uid-${name}`, labels, annotations: extra.annotations ?? { 'kubectl.kubernetes.io/last-applied-configuration': '{}' }, creationTimestamp: '2026-01-01T00:00:00Z', resourceVersion: '1' },
  spec: { nodeName: 'n1', containers: [{ name: 'web', image: 'web:1' }] },
  status: { phase: 'Running', containerStatuses: [{ name: 'web', ready: true, restartCount: extra.restarts ?? 0 }] },
});

describe('records share what many objects carry alike', () => {
  it('gives pods with equal labels one frozen label object, and each label set its own', () => {
    const a = toRecord('Pod', pod('web-1', { app: 'web', 'pod-template-hash': 'abc' }))!;
    const b = toRecord('Pod', pod('web-2', { app: 'web', 'pod-template-hash': 'abc' }))!;
    const c = toRecord('Pod', pod('web-3', { app: 'web', 'pod-template-hash': 'def' }))!;
    expect(a.labels).toBe(b.labels);
    expect(Object.isFrozen(a.labels)).toBe(true);
    expect(c.labels).not.toBe(a.labels);
    expect(c.labels).toEqual({ app: 'web', 'pod-template-hash': 'def' });
  });

  it('shares one empty annotation object and keeps kept annotations per object', () => {
    const a = toRecord('Pod', pod('web-1', {}))!;
    const b = toRecord('Pod', pod('web-2', {}))!;
    expect(a.annotations).toEqual({});
    expect(a.annotations).toBe(b.annotations);
    expect(Object.isFrozen(a.annotations)).toBe(true);
    const kept = toRecord('Pod', pod('web-3', {}, { annotations: { 'daytwo.io/owner': 'team-a' } }))!;
    expect(kept.annotations).toEqual({ 'daytwo.io/owner': 'team-a' });
    expect(Object.isFrozen(kept.annotations)).toBe(false);
  });

  it('gives pods of one owner one frozen owner list, and objects with none one empty list', () => {
    const owned = (name: string, rs: string) => ({ ...pod(name, {}), metadata: { ...pod(name, {}).metadata, ownerReferences: [{ kind: 'ReplicaSet', name: rs, controller: true, uid: 'x' }] } });
    const a = toRecord('Pod', owned('web-1', 'web-abc'))!;
    const b = toRecord('Pod', owned('web-2', 'web-abc'))!;
    const c = toRecord('Pod', owned('web-3', 'web-def'))!;
    expect(a.owners).toBe(b.owners);
    expect(Object.isFrozen(a.owners) && Object.isFrozen(a.owners[0])).toBe(true);
    expect(c.owners).toEqual([{ kind: 'ReplicaSet', name: 'web-def', controller: true }]);
    expect(sameRecord(a, toRecord('Pod', owned('web-1', 'web-def'))!)).toBe(false);
    const bare = toRecord('Pod', pod('solo', {}))!;
    expect(bare.owners).toEqual([]);
    expect(bare.owners).toBe(toRecord('Pod', pod('solo-2', {}))!.owners);
  });

  it('still tells a MODIFIED that changes what is shown from one that does not', () => {
    const before = toRecord('Pod', pod('web-1', { app: 'web' }))!;
    // A new resourceVersion or uid alone is no change the estate shows.
    expect(sameRecord(before, toRecord('Pod', { ...pod('web-1', { app: 'web' }, { uid: 'other' }), metadata: { ...pod('web-1', { app: 'web' }).metadata, resourceVersion: '2' } })!)).toBe(true);
    expect(sameRecord(before, toRecord('Pod', pod('web-1', { app: 'api' }))!)).toBe(false);
    expect(sameRecord(before, toRecord('Pod', pod('web-1', { app: 'web', tier: 'x' }))!)).toBe(false);
    expect(sameRecord(before, toRecord('Pod', pod('web-1', { app: 'web' }, { restarts: 3 }))!)).toBe(false);
    expect(sameRecord(before, toRecord('Pod', pod('web-1', { app: 'web' }, { annotations: { 'daytwo.io/owner': 'x' } }))!)).toBe(false);
  });
});
