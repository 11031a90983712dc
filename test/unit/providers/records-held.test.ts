import { describe, expect, it } from 'vitest';
import { toRecord } from '../../../electron/engine/providers/kubernetes/records.js';
import type { HeldRecords, KubeRecord } from '../../../electron/engine/providers/kubernetes/records.js';
import { ClusterEstate } from '../../../electron/engine/providers/kubernetes/cluster-estate.js';
import { RecordingSink } from './recording-sink.js';
import { seededRandom as random } from '../../seeded-random.js';
import { pick, rawObject } from './raw-objects.js';

describe('a watch update mapped with the records held', () => {
  it('says exactly what it says mapped alone, whatever the held record of the same object holds', () => {
    const kinds = ['Pod', 'Deployment', 'ReplicaSet', 'Service', 'Endpoints', 'Namespace', 'Event'] as const;
    let lent = 0;
    for (let seed = 1; seed <= 2000; seed++) {
      const next = random(seed);
      const kind = kinds[seed % kinds.length]!;
      const names = ['a', 'b', 'c'];
      const heldByKey = new Map<string, KubeRecord>();
      const held: HeldRecords = (namespace, name) => heldByKey.get(`${namespace}/${name}`);
      for (let step = 0; step < 8; step++) {
        const raw = rawObject(next, pick(next, names));
        const plain = toRecord(kind, structuredClone(raw));
        const withHeld = toRecord(kind, raw, held);
        expect(withHeld, `seed ${seed} step ${step}`).toEqual(plain);
        if (withHeld === null) continue;
        const previous = heldByKey.get(`${withHeld.namespace}/${withHeld.name}`);
        if (previous && (withHeld.labels === previous.labels || withHeld.owners === previous.owners)) lent++;
        heldByKey.set(`${withHeld.namespace}/${withHeld.name}`, withHeld);
      }
    }
    // The shortcut was taken, not only the plain path.
    expect(lent).toBeGreaterThan(500);
  });

  it('finds the held record through the cluster estate the reflector feeds', () => {
    const estate = new ClusterEstate({ context: 'c', sourceId: 'k8s:c', sink: new RecordingSink(), hints: { clusterName: 'c', server: 'https://c' } });
    const held = estate.heldRecords('Pod');
    const raw = { metadata: { name: 'p', namespace: 'shop', labels: { app: 'cart' }, ownerReferences: [{ kind: 'ReplicaSet', name: 'rs', controller: true }] } };
    const first = toRecord('Pod', raw, held)!;
    estate.sinkFor('Pod').upsert(first);
    expect(held('shop', 'p')).toBe(first);
    const second = toRecord('Pod', structuredClone(raw), held)!;
    expect(second.labels).toBe(first.labels);
    expect(second.owners).toBe(first.owners);
    expect(held('web', 'p')).toBeUndefined();
  });
});
