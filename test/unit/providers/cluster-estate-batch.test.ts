import { describe, expect, it } from 'vitest';
import { ClusterEstate } from '../../../electron/engine/providers/kubernetes/cluster-estate.js';
import { nameOf, toRecord } from '../../../electron/engine/providers/kubernetes/records.js';
import type { WatchedKind } from '../../../electron/engine/providers/kubernetes/kinds.js';
import { RecordingSink } from './recording-sink.js';
import { seededRandom as random } from '../../seeded-random.js';

interface WatchEvent {
  kind: WatchedKind;
  type: 'upsert' | 'remove';
  object: unknown;
}

const namespaces = ['shop', 'search'];
const apps = ['cart', 'checkout'];

/** One random watch event over a small cluster: namespaces, workloads, their pods, bare pods, services and endpoints. */
function event(next: () => number): WatchEvent {
  const pick = <T>(options: readonly T[]): T => options[Math.floor(next() * options.length)] as T;
  const namespace = pick(namespaces);
  const app = pick(apps);
  const type = next() < 0.25 ? 'remove' : 'upsert';
  const meta = (name: string, extra: Record<string, unknown> = {}) => ({ name, namespace, uid: `uid-${namespace}-${name}`, ...extra });
  switch (pick(['Namespace', 'Deployment', 'ReplicaSet', 'Pod', 'Pod', 'Pod', 'Pod', 'Service', 'Endpoints'] as const)) {
    case 'Namespace':
      return { kind: 'Namespace', type: next() < 0.1 ? 'remove' : 'upsert', object: { metadata: { name: namespace }, status: { phase: 'Active' } } };
    case 'Deployment': {
      const replicas = pick([1, 2, 3]);
      return {
        kind: 'Deployment',
        type,
        object: {
          metadata: meta(app, { labels: { 'app.kubernetes.io/name': app } }),
          spec: { replicas, template: { metadata: { labels: { app: next() < 0.9 ? app : `${app}-v2` } }, spec: { containers: [{ name: 'c', image: `${app}:1` }] } } },
          status: { replicas, readyReplicas: pick([0, replicas]), availableReplicas: replicas, updatedReplicas: replicas, observedGeneration: 1 },
        },
      };
    }
    case 'ReplicaSet':
      return {
        kind: 'ReplicaSet',
        type,
        object: { metadata: meta(`${app}-rs`, { ownerReferences: [{ kind: 'Deployment', name: app, controller: true }] }), spec: { replicas: 2 }, status: { replicas: 2, readyReplicas: pick([0, 2]) } },
      };
    case 'Pod': {
      const bare = next() < 0.4;
      const crashing = next() < 0.3;
      const name = bare ? `job-${pick([1, 2, 3])}` : `${app}-rs-${pick(['a', 'b', 'c'])}`;
      return {
        kind: 'Pod',
        type,
        object: {
          metadata: meta(name, { labels: { app }, ...(bare ? {} : { ownerReferences: [{ kind: 'ReplicaSet', name: `${app}-rs`, controller: true }] }) }),
          spec: { nodeName: pick(['node-a', 'node-b']), containers: [{ name: 'c', image: `${app}:1` }] },
          status: {
            phase: pick(['Running', 'Running', 'Pending']),
            conditions: [{ type: 'Ready', status: crashing ? 'False' : 'True' }],
            containerStatuses: [{ ready: !crashing, restartCount: crashing ? 3 : 0, state: crashing ? { waiting: { reason: 'CrashLoopBackOff' } } : { running: {} } }],
          },
        },
      };
    }
    case 'Service':
      return { kind: 'Service', type, object: { metadata: meta(app), spec: { type: 'ClusterIP', selector: { app } }, status: {} } };
    case 'Endpoints':
      return { kind: 'Endpoints', type, object: { metadata: meta(app), subsets: [{ addresses: Array.from({ length: pick([0, 1, 2]) }, (_, i) => ({ ip: `10.0.0.${i}` })) }] } };
  }
}

function estate() {
  const sink = new RecordingSink();
  const cluster = new ClusterEstate({ context: 'shop-prod', sourceId: 'k8s:shop-prod', sink, hints: { clusterName: 'shop-prod', server: 'https://10.0.0.1' }, now: () => 1_000 });
  const hand = (e: WatchEvent) => {
    const record = toRecord(e.kind, e.object);
    if (!record) return;
    const sink = cluster.sinkFor(e.kind);
    if (e.type === 'upsert') sink.upsert(record);
    else sink.remove(record);
  };
  return { sink, cluster, hand };
}

/** Everything the sink holds, scope by scope, as plain data. */
function held(sink: RecordingSink): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [scope, facts] of sink.scopes) {
    if (facts.size === 0) continue;
    out[scope] = Object.fromEntries([...facts].sort(([a], [b]) => a.localeCompare(b)).map(([id, fact]) => [id, { entity: fact.entity, relations: fact.relations ?? [] }]));
  }
  return out;
}

describe('a watch chunk settled once', () => {
  it('leaves the estate as settling after every event does, under random sequences of watch events', () => {
    for (let seed = 1; seed <= 60; seed++) {
      const next = random(seed);
      const each = estate();
      const batched = estate();
      // Both start from the same list.
      for (const kind of ['Namespace', 'Deployment', 'ReplicaSet', 'Service', 'Endpoints', 'Pod'] as const) {
        each.cluster.sinkFor(kind).replace([]);
        batched.cluster.sinkFor(kind).replace([]);
      }
      for (let chunk = 0; chunk < 10; chunk++) {
        const events = Array.from({ length: 1 + Math.floor(next() * 25) }, () => event(next));
        for (const e of events) each.hand(e);
        // A chunk's events all go through one sink's batch, whichever kind they are of, as one reflector's chunk does.
        batched.cluster.sinkFor('Pod').batch!(() => {
          for (const e of events) batched.hand(e);
        });
        expect(held(batched.sink), `seed ${seed}, chunk ${chunk}`).toEqual(held(each.sink));
      }
    }
  }, 60_000);

  it('settles what the chunk handed on even when a bad line ends it', () => {
    const { sink, cluster, hand } = estate();
    const pod = event(random(3));
    expect(() =>
      cluster.sinkFor('Pod').batch!(() => {
        hand({ ...pod, kind: 'Pod', type: 'upsert', object: { metadata: { name: 'web-1', namespace: 'shop' }, spec: {}, status: { phase: 'Running' } } });
        JSON.parse('{ not json');
      }),
    ).toThrow(SyntaxError);
    expect(sink.entity('k8s:shop-prod/shop/Pod/web-1')?.name).toBe('web-1');
  });
});

describe('a deletion handed on by name', () => {
  it('leaves the estate as handing on its whole record does, and maps the object only when nothing is held under its name', () => {
    for (let seed = 1; seed <= 60; seed++) {
      const next = random(seed);
      const whole = estate();
      const named = estate();
      let mapped = 0;
      let unheld = 0;
      const handNamed = (e: WatchEvent) => {
        if (e.type === 'upsert') return named.hand(e);
        const name = nameOf(e.object);
        if (!name) return;
        // What the object stated is read only when nothing of it is held, as when the list never saw it.
        const sink = named.cluster.sinkFor(e.kind);
        if (named.cluster.heldRecords(e.kind)(name.namespace, name.name) === undefined) unheld++;
        sink.removeNamed!(name.namespace, name.name, () => {
          mapped++;
          return toRecord(e.kind, e.object);
        });
      };
      for (const kind of ['Namespace', 'Deployment', 'ReplicaSet', 'Service', 'Endpoints', 'Pod'] as const) {
        whole.cluster.sinkFor(kind).replace([]);
        named.cluster.sinkFor(kind).replace([]);
      }
      for (let step = 0; step < 120; step++) {
        const e = event(next);
        whole.hand(e);
        if (step % 3 === 0) named.cluster.sinkFor('Pod').batch!(() => handNamed(e));
        else handNamed(e);
        expect(held(named.sink), `seed ${seed}, step ${step}`).toEqual(held(whole.sink));
      }
      expect(mapped).toBeLessThanOrEqual(unheld);
    }
  }, 60_000);
});
