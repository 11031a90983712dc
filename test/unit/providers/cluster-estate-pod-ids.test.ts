import { describe, expect, it } from 'vitest';
import { ClusterEstate } from '../../../electron/engine/providers/kubernetes/cluster-estate.js';
import { toRecord } from '../../../electron/engine/providers/kubernetes/records.js';
import type { KubeRecord } from '../../../electron/engine/providers/kubernetes/records.js';
import { RecordingSink } from './recording-sink.js';
import { seededRandom as random } from '../../seeded-random.js';

function estate() {
  const sink = new RecordingSink();
  const cluster = new ClusterEstate({ context: 'shop-prod', sourceId: 'k8s:shop-prod', sink, hints: { clusterName: 'shop-prod', server: 'https://10.0.0.1' }, now: () => 1_000 });
  return { sink, cluster };
}

/** A pod with the given owner (none for a bare pod) and node ('' before it is scheduled). */
function pod(name: string, owner: { kind: string; name: string } | null, nodeName: string, restarts: number): KubeRecord {
  return toRecord('Pod', {
    metadata: { name, namespace: 'shop', uid: `uid-${name}`, ...(owner ? { ownerReferences: [{ ...owner, controller: true }] } : {}) },
    spec: { ...(nodeName ? { nodeName } : {}), containers: [{ name: 'c', image: 'cart:1' }] },
    status: { phase: nodeName ? 'Running' : 'Pending', containerStatuses: [{ ready: true, restartCount: restarts, state: { running: {} } }] },
  }) as KubeRecord;
}

/** The pods' facts as plain data: entity and relations by id. */
function pods(sink: RecordingSink): unknown {
  const facts = sink.scopes.get('k8s:shop-prod|pods');
  if (!facts) throw new Error('No pods were stated.');
  return Object.fromEntries([...facts].sort(([a], [b]) => a.localeCompare(b)).map(([id, f]) => [id, { entity: f.entity, relations: f.relations ?? [] }]));
}

describe("a watched pod's ids", () => {
  it('are what a fresh list spells, as pods move between nodes and owners and lose or gain them', () => {
    const owners = [null, { kind: 'ReplicaSet', name: 'cart-7d9f' }, { kind: 'ReplicaSet', name: 'cart-5c4b' }, { kind: 'StatefulSet', name: 'cart' }];
    const nodes = ['', 'node-a', 'node-b'];
    for (let seed = 1; seed <= 40; seed++) {
      const next = random(seed);
      const pick = <T>(options: readonly T[]): T => options[Math.floor(next() * options.length)] as T;
      const watched = estate();
      watched.cluster.sinkFor('Pod').replace([]);
      const now = new Map<string, KubeRecord>();
      for (let step = 0; step < 60; step++) {
        const name = pick(['cart-1', 'cart-2', 'cart-3']);
        // Mostly a status change only (the ids may be reused); sometimes a move.
        const held = now.get(name);
        const record = held && next() < 0.6 ? pod(name, heldOwner(held), (held as { nodeName: string }).nodeName, step) : pod(name, pick(owners), pick(nodes), step);
        now.set(name, record);
        watched.cluster.sinkFor('Pod').upsert(record);
        const listed = estate();
        listed.cluster.sinkFor('Pod').replace([...now.values()]);
        expect(pods(watched.sink), `seed ${seed}, step ${step}`).toEqual(pods(listed.sink));
      }
    }
  });

  it('are reused while the pod stays where it was', () => {
    const { sink, cluster } = estate();
    const facts = () => sink.scopes.get('k8s:shop-prod|pods')!.get('k8s:shop-prod/shop/Pod/cart-1')!;
    cluster.sinkFor('Pod').replace([pod('cart-1', { kind: 'ReplicaSet', name: 'cart-7d9f' }, 'node-a', 0)]);
    const first = facts();
    cluster.sinkFor('Pod').upsert(pod('cart-1', { kind: 'ReplicaSet', name: 'cart-7d9f' }, 'node-a', 1));
    expect(facts().entity.status).toMatchObject({ restarts: 1 });
    expect(facts().relations).toBe(first.relations);
    cluster.sinkFor('Pod').upsert(pod('cart-1', { kind: 'ReplicaSet', name: 'cart-7d9f' }, 'node-b', 2));
    expect(facts().relations).not.toBe(first.relations);
    expect(facts().relations?.map((r) => r.to)).toContain('k8s:shop-prod/Node/node-b');
  });
});

function heldOwner(record: KubeRecord): { kind: string; name: string } | null {
  const owner = (record as { owners: { kind: string; name: string; controller: boolean }[] }).owners.find((o) => o.controller);
  return owner ? { kind: owner.kind, name: owner.name } : null;
}
