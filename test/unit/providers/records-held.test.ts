import { describe, expect, it } from 'vitest';
import { toRecord } from '../../../electron/engine/providers/kubernetes/records.js';
import type { HeldRecords, KubeRecord } from '../../../electron/engine/providers/kubernetes/records.js';
import { ClusterEstate } from '../../../electron/engine/providers/kubernetes/cluster-estate.js';
import { RecordingSink } from './recording-sink.js';
import { seededRandom as random } from '../../seeded-random.js';

function pick<T>(next: () => number, options: readonly T[]): T {
  return next() < 0.7 ? (options[0] as T) : (options[Math.floor(next() * options.length)] as T);
}

/** Labels drawn so two draws often agree, sometimes in another order, sometimes with a non-string or `__proto__` value. */
function labels(next: () => number): unknown {
  const roll = next();
  if (roll < 0.03) return undefined;
  if (roll < 0.05) return ['app', 'cart'];
  const out: Record<string, unknown> = {};
  const entries: [string, unknown][] = [
    ['app', pick(next, ['cart', 'checkout'])],
    ['tier', pick(next, ['web', 'api'])],
  ];
  if (next() < 0.2) entries.push(['team', pick(next, ['payments', 7, null, 'search'])]);
  if (next() < 0.3) entries.reverse();
  for (const [k, v] of entries) out[k] = v;
  if (next() < 0.03) return JSON.parse(`{"__proto__":"x",${JSON.stringify(out).slice(1)}`) as unknown;
  return out;
}

function owners(next: () => number): unknown {
  const roll = next();
  if (roll < 0.05) return undefined;
  if (roll < 0.1) return [];
  const refs: unknown[] = [{ kind: pick(next, ['ReplicaSet', 'StatefulSet']), name: pick(next, ['cart-rs', 'cart-rs2']), controller: pick(next, [true, false, 'true']) }];
  if (next() < 0.15) refs.push({ kind: 'Node', name: pick(next, ['node-a', 'node-b']) });
  if (next() < 0.03) refs.push('not an owner');
  return refs;
}

function rawObject(next: () => number, name: string): unknown {
  return {
    metadata: { name, namespace: pick(next, ['shop', 'web']), labels: labels(next), ownerReferences: owners(next), annotations: { owner: 'ana' } },
    spec: { nodeName: 'node-a', containers: [{ name: 'app', image: 'cart:1' }], replicas: 2 },
    status: { phase: 'Running', containerStatuses: [{ ready: true, restartCount: Math.floor(next() * 2) }] },
  };
}

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
