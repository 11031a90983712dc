import { describe, expect, it } from 'vitest';
import { adoptRecord, toRecord } from '../../../electron/engine/providers/kubernetes/records.js';
import type { HeldRecords, KubeRecord } from '../../../electron/engine/providers/kubernetes/records.js';
import type { WatchedKind } from '../../../electron/engine/providers/kubernetes/kinds.js';
import { seededRandom as random } from '../../seeded-random.js';
import { pick, rawObject } from './raw-objects.js';

/** A record as the watch decoder's worker hands it over: made there, then sent as JSON text. */
function fromWorker(kind: WatchedKind, raw: unknown): KubeRecord | null {
  return JSON.parse(JSON.stringify(toRecord(kind, structuredClone(raw)))) as KubeRecord | null;
}

describe('a record made in the watch decoder’s worker, adopted on the engine’s thread', () => {
  const kinds: readonly WatchedKind[] = ['Pod', 'Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet', 'Service', 'Endpoints', 'Namespace', 'Node', 'Ingress', 'HTTPRoute', 'HorizontalPodAutoscaler', 'PodDisruptionBudget', 'Event'];

  it('says exactly what the record made here says, whatever the held record of the same object holds', () => {
    let lent = 0;
    for (let seed = 1; seed <= 2000; seed++) {
      const next = random(seed);
      const kind = kinds[seed % kinds.length]!;
      const heldByKey = new Map<string, KubeRecord>();
      const held: HeldRecords = (namespace, name) => heldByKey.get(`${namespace}/${name}`);
      for (let step = 0; step < 8; step++) {
        const raw = rawObject(next, pick(next, ['a', 'b', 'c']));
        const here = toRecord(kind, structuredClone(raw), held);
        const sent = fromWorker(kind, raw);
        const adopted = sent === null ? null : adoptRecord(sent, held);
        // Strict: a key the text dropped (an undefined value) or a prototype it changed would show.
        expect(adopted, `seed ${seed} step ${step}`).toStrictEqual(here);
        if (adopted === null) continue;
        const previous = held(adopted.namespace, adopted.name);
        if (previous && adopted.labels === previous.labels && adopted.owners === previous.owners) lent++;
        heldByKey.set(`${adopted.namespace}/${adopted.name}`, adopted);
      }
    }
    // The held record's labels and owners were taken, not only equal copies.
    expect(lent).toBeGreaterThan(500);
  });

  it('shares the pools a record made here shares: one labels object and one owner list for a ReplicaSet’s pods', () => {
    const pod = (name: string) => ({
      metadata: { name, namespace: 'shop', labels: { app: 'cart', 'pod-template-hash': '7d9f' }, ownerReferences: [{ kind: 'ReplicaSet', name: 'cart-7d9f', controller: true }] },
      spec: { nodeName: 'node-a', containers: [{ name: 'app', image: 'cart:1' }] },
      status: { phase: 'Running' },
    });
    const made = toRecord('Pod', pod('cart-7d9f-a'))!;
    const adopted = adoptRecord(fromWorker('Pod', pod('cart-7d9f-b'))!);
    expect(adopted.labels).toBe(made.labels);
    expect(adopted.owners).toBe(made.owners);
    expect(adopted.annotations).toBe(made.annotations);
    expect(Object.isFrozen(adopted.labels) && Object.isFrozen(adopted.owners) && Object.isFrozen(adopted.annotations)).toBe(true);
  });
});
