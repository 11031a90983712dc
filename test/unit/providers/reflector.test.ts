import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { KubeClient } from '../../../electron/engine/providers/kubernetes/kube-client.js';
import { Reflector, backoffDelay } from '../../../electron/engine/providers/kubernetes/reflector.js';
import type { ReflectorStatus } from '../../../electron/engine/providers/kubernetes/reflector.js';
import { FakeKubeApi, eventually } from './fake-kube-api.js';
import { watchThrough } from './watch-through.js';
import { nameOf, toRecord } from '../../../electron/engine/providers/kubernetes/records.js';
import type { KubeRecord } from '../../../electron/engine/providers/kubernetes/records.js';
import { seededRandom as random } from '../../seeded-random.js';
import { readRun, readWatchLines } from '../../../electron/engine/providers/kubernetes/watch-lines.js';
import type { LineReader, WatchItem, WatchRun } from '../../../electron/engine/providers/kubernetes/watch-lines.js';

interface Item {
  name: string;
  rv: string;
  replicas: number;
}

const podsPath = '/api/v1/pods';
const resource = { kind: 'Pod' as const, path: podsPath, namespaced: true };

function pod(name: string, replicas = 1) {
  return { metadata: { name, namespace: 'shop' }, spec: { replicas } };
}

describe('a reflector keeping one kind of one cluster current', () => {
  let api: FakeKubeApi;
  let items: Map<string, Item>;
  let statuses: ReflectorStatus[];
  let reflector: Reflector<Item> | null;

  beforeEach(async () => {
    api = new FakeKubeApi();
    await api.start();
    items = new Map();
    statuses = [];
    reflector = null;
  });

  afterEach(async () => {
    await reflector?.stop();
    await api.stop();
  });

  function startReflector(options: { token?: string; pageSize?: number; inactivityMs?: number } = {}) {
    const client = new KubeClient(api.kubeConfig(options.token));
    reflector = new Reflector<Item>({
      client,
      resource,
      pageSize: options.pageSize ?? 2,
      inactivityMs: options.inactivityMs,
      backoff: { initialMs: 20, maxMs: 100, resetAfterMs: 60_000 },
      toRecord: (raw) => {
        const o = raw as { metadata: { name: string; resourceVersion: string }; spec: { replicas: number } };
        return { name: o.metadata.name, rv: o.metadata.resourceVersion, replicas: o.spec.replicas };
      },
      sink: {
        replace: (records) => {
          items = new Map(records.map((r) => [r.name, r]));
        },
        upsert: (r) => items.set(r.name, r),
        remove: (r) => items.delete(r.name),
      },
      onStatus: (s) => statuses.push({ ...s }),
    });
    reflector.start();
    return reflector;
  }

  it('lists in pages, then watches from the list’s resourceVersion with bookmarks', async () => {
    for (const name of ['a', 'b', 'c', 'd', 'e']) api.put(podsPath, pod(name));
    startReflector({ pageSize: 2 });
    await eventually(() => expect(items.size).toBe(5));
    expect(api.listRequests.map((r) => r.query.get('limit'))).toEqual(['2', '2', '2']);
    expect(api.listRequests.map((r) => r.query.get('continue'))).toEqual([null, '2', '4']);
    await eventually(() => expect(api.openWatches).toBe(1));
    const watch = api.watchRequests[0]!;
    expect(watch.query.get('resourceVersion')).toBe('105');
    expect(watch.query.get('allowWatchBookmarks')).toBe('true');
    expect(reflector!.current.phase).toBe('watching');

    api.put(podsPath, pod('f'));
    api.put(podsPath, pod('a', 3));
    api.delete(podsPath, 'shop', 'b');
    await eventually(() => {
      expect(items.has('f')).toBe(true);
      expect(items.get('a')?.replicas).toBe(3);
      expect(items.has('b')).toBe(false);
    });
  });

  it('starts the list over when a continue token has expired, and hands on only the whole list', async () => {
    for (const name of ['a', 'b', 'c', 'd', 'e']) api.put(podsPath, pod(name));
    api.expireContinues = 1;
    let replaces = 0;
    const client = new KubeClient(api.kubeConfig());
    reflector = new Reflector<Item>({
      client,
      resource,
      pageSize: 2,
      backoff: { initialMs: 20, maxMs: 100, resetAfterMs: 60_000 },
      toRecord: (raw) => ({ name: (raw as { metadata: { name: string } }).metadata.name, rv: '', replicas: 1 }),
      sink: {
        replace: (records) => {
          replaces++;
          items = new Map(records.map((r) => [r.name, r]));
        },
        upsert: () => {},
        remove: () => {},
      },
      onStatus: (s) => statuses.push({ ...s }),
    });
    reflector.start();
    await eventually(() => expect(reflector!.current.synced).toBe(true));
    expect(api.listRequests.map((r) => r.query.get('continue'))).toEqual([null, '2', null, '2', '4']);
    expect(replaces).toBe(1);
    expect([...items.keys()]).toEqual(['a', 'b', 'c', 'd', 'e']);
    // The expired page is not a failure the source reports: it just lists again.
    expect(statuses.some((s) => s.phase === 'failing')).toBe(false);
  });

  it('hands on the same records whatever the page size', async () => {
    for (let i = 0; i < 23; i++) api.put(podsPath, pod(`p${String(i).padStart(2, '0')}`, i));
    startReflector({ pageSize: 1000 });
    await eventually(() => expect(reflector!.current.synced).toBe(true));
    const whole = [...items.values()];
    await reflector!.stop();
    items = new Map();
    startReflector({ pageSize: 5 });
    await eventually(() => expect(reflector!.current.synced).toBe(true));
    expect(api.listRequests.filter((r) => r.query.get('limit') === '5')).toHaveLength(5);
    expect([...items.values()]).toEqual(whole);
  });

  it('resumes from the last resourceVersion it saw after the connection is cut, without listing again', async () => {
    api.put(podsPath, pod('a'));
    startReflector();
    await eventually(() => expect(api.openWatches).toBe(1));
    api.put(podsPath, pod('b'));
    await eventually(() => expect(items.has('b')).toBe(true));
    api.bookmark();
    api.cutWatches();
    api.put(podsPath, pod('c'));
    await eventually(() => expect(items.has('c')).toBe(true));
    expect(api.listRequests).toHaveLength(1);
    expect(api.watchRequests.map((w) => w.query.get('resourceVersion'))).toEqual(['101', '102']);
  });

  it('lists afresh on 410 Gone and drops what was deleted meanwhile', async () => {
    api.put(podsPath, pod('a'));
    api.put(podsPath, pod('b'));
    startReflector();
    await eventually(() => expect(api.openWatches).toBe(1));
    api.compact();
    api.expireWatches();
    // Deleted while our watch was gone; a relist is the only way to learn of it.
    api.delete(podsPath, 'shop', 'a');
    await eventually(() => {
      expect(api.listRequests.length).toBeGreaterThanOrEqual(2);
      expect([...items.keys()]).toEqual(['b']);
    });
  });

  it('restarts a watch that has gone silent (inactivity watchdog)', async () => {
    api.put(podsPath, pod('a'));
    startReflector({ inactivityMs: 200 });
    await eventually(() => expect(api.watchRequests.length).toBeGreaterThanOrEqual(2), 5_000);
    expect(api.listRequests).toHaveLength(1);
  });

  it('reports 401 as a failure with the status, and keeps retrying with backoff', async () => {
    startReflector({ token: 'wrong' });
    await eventually(() => {
      const last = statuses.at(-1);
      expect(last?.phase).toBe('failing');
      expect(last?.error?.status).toBe(401);
    });
    const failuresBefore = statuses.filter((s) => s.phase === 'failing').length;
    await eventually(() => expect(statuses.filter((s) => s.phase === 'failing').length).toBeGreaterThan(failuresBefore));
    // The credentials are fixed (rotated on the server side here): the next attempt succeeds.
    api.token = 'wrong';
    await eventually(() => expect(reflector!.current.phase).toBe('watching'));
  });

  it('leaves no watch open once stopped', async () => {
    api.put(podsPath, pod('a'));
    const r = startReflector();
    await eventually(() => expect(api.openWatches).toBe(1));
    await r.stop();
    await eventually(() => expect(api.openWatches).toBe(0));
    api.put(podsPath, pod('late'));
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(items.has('late')).toBe(false);
  });

  it('reports an unreachable server as a network failure', async () => {
    await api.stop();
    startReflector();
    await eventually(() => {
      expect(reflector!.current.phase).toBe('failing');
      expect(reflector!.current.error?.status).toBe(0);
      expect(reflector!.current.error?.code).toBe('ECONNREFUSED');
    });
    api = new FakeKubeApi();
    await api.start();
  });
});

describe('backoff between attempts', () => {
  it('grows exponentially, is capped, and is jittered within the upper half', () => {
    const options = { initialMs: 100, maxMs: 1_000, resetAfterMs: 0 };
    expect(backoffDelay(0, options, () => 0)).toBe(50);
    expect(backoffDelay(0, options, () => 1)).toBe(100);
    expect(backoffDelay(3, options, () => 1)).toBe(800);
    expect(backoffDelay(10, options, () => 1)).toBe(1_000);
    expect(backoffDelay(10, options, () => 0)).toBe(500);
  });
});

/**
 * A `decode` that reads each run as the reflector itself would, and answers after a random
 * delay, so a later run often finishes before an earlier one: the reflector must still apply
 * them in the order it sent them.
 */
function slowDecoder<R>(reader: LineReader<R>, seed = 99): (lines: Buffer, byName: boolean) => Promise<WatchRun<R>> {
  const next = random(seed);
  return (lines, byName) =>
    new Promise((resolve) => {
      const items = readRun(lines, reader, byName);
      setTimeout(() => resolve({ items, lines }), Math.floor(next() * 4));
    });
}

/**
 * watchThrough with records of a name and a replica count: what the sink saw, in order (with
 * each batch's bounds when `batches`); `decoded` reads the lines through `slowDecoder`.
 */
async function throughReflector(feed: (onData: (chunk: Buffer) => void) => Promise<void> | void, options: { named?: boolean; batches?: boolean; decoded?: boolean } = {}) {
  const seen: string[] = [];
  const toItem = (raw: unknown) => {
    const o = raw as { metadata: { name: string }; spec: { replicas: number } };
    return { name: o.metadata.name, replicas: o.spec.replicas };
  };
  const nameOfItem = (raw: unknown) => {
    const meta = (raw as { metadata: { name?: string; namespace?: string } }).metadata;
    return meta.name ? { namespace: meta.namespace ?? '', name: meta.name } : null;
  };
  const watchedFrom = await watchThrough<{ name: string; replicas: number }>(feed, {
    toRecord: toItem,
    ...(options.decoded ? { decode: slowDecoder({ toRecord: toItem, ...(options.named ? { nameOf: nameOfItem } : {}) }) } : {}),
    sink: {
      replace: () => {},
      upsert: (r) => seen.push(`upsert ${r.name} ${r.replicas}`),
      remove: (r) => seen.push(`remove ${r.name}`),
      ...(options.named ? { removeNamed: (namespace: string, name: string) => seen.push(`removeNamed ${namespace}/${name}`) } : {}),
      ...(options.batches
        ? {
            batch: (take: () => void) => {
              seen.push('batch');
              take();
              seen.push('end');
            },
          }
        : {}),
    },
    ...(options.named ? { nameOf: nameOfItem } : {}),
  });
  return { seen, watchedFrom };
}

describe('a watch stream cut into chunks anywhere', () => {
  const lines = [
    JSON.stringify({ type: 'ADDED', object: { metadata: { name: 'a', resourceVersion: '2' }, spec: { replicas: 1 } } }),
    '',
    JSON.stringify({ type: 'MODIFIED', object: { metadata: { name: 'a', resourceVersion: '3' }, spec: { replicas: 2 }, note: 'naïve ✓ “quoted”' } }),
    '\r',
    JSON.stringify({ type: 'BOOKMARK', object: { metadata: { resourceVersion: '4' } } }),
    JSON.stringify({ type: 'ADDED', object: { metadata: { name: 'b', resourceVersion: '5' }, spec: { replicas: 7 } } }),
    JSON.stringify({ type: 'DELETED', object: { metadata: { name: 'a', resourceVersion: '6' }, spec: { replicas: 2 } } }),
  ];

  /**
   * Replays `bytes` in chunks of `size` through a real Reflector, a turn of the event loop per
   * few chunks, so runs are sent while earlier ones are still being read; what the sink saw.
   */
  async function replay(bytes: Buffer, size: number, options: { named?: boolean; decoded?: boolean } = {}) {
    const { seen } = await throughReflector(async (onData) => {
      for (let at = 0, n = 0; at < bytes.length; at += size, n++) {
        onData(bytes.subarray(at, at + size));
        if (n % 3 === 2) await new Promise((resolve) => setImmediate(resolve));
      }
    }, options);
    return seen;
  }

  for (const decoded of [false, true]) {
    const how = decoded ? 'read by a decoder that answers out of order' : 'read on the thread';
    it(`hands on the same events whatever the chunk boundaries, multi-byte characters and blank lines included (${how})`, async () => {
      const bytes = Buffer.from(lines.join('\n') + '\n', 'utf8');
      const expected = ['upsert a 1', 'upsert a 2', 'upsert b 7', 'remove a'];
      for (const size of [1, 2, 3, 7, 13, 64, 100, bytes.length]) {
        expect(await replay(bytes, size, { decoded }), `chunks of ${size} bytes`).toEqual(expected);
      }
    });

    it(`hands a deletion on by name, unmapped, to a sink that takes it so (${how})`, async () => {
      const bytes = Buffer.from(lines.join('\n') + '\n', 'utf8');
      for (const size of [1, 7, bytes.length]) {
        expect(await replay(bytes, size, { named: true, decoded }), `chunks of ${size} bytes`).toEqual(['upsert a 1', 'upsert a 2', 'upsert b 7', 'removeNamed /a']);
      }
    });

    it(`ends the watch at an ERROR event and applies nothing after it (${how})`, async () => {
      const error = JSON.stringify({ type: 'ERROR', object: { kind: 'Status', code: 500, message: 'boom' } });
      const bytes = Buffer.from([lines[0], error, lines[5]].join('\n') + '\n', 'utf8');
      for (const size of [1, 5, bytes.length]) {
        expect(await replay(bytes, size, { decoded }), `chunks of ${size} bytes`).toEqual(['upsert a 1']);
      }
    });

    it(`ends the watch at a line that is not JSON, applies what came before, and resumes from it (${how})`, async () => {
      const bytes = Buffer.from([lines[0], '{"type":"MODIFIED","object":{', lines[5]].join('\n') + '\n', 'utf8');
      for (const size of [1, 5, bytes.length]) {
        const { seen, watchedFrom } = await throughReflector((onData) => {
          for (let at = 0; at < bytes.length; at += size) onData(bytes.subarray(at, at + size));
        }, { decoded });
        expect(seen, `chunks of ${size} bytes`).toEqual(['upsert a 1']);
        expect(watchedFrom, `chunks of ${size} bytes`).toEqual(['1', '2']);
      }
    });
  }
});

describe('watch events taken a turn of the event loop at a time', () => {
  const event = (type: string, name: string, rv: number) => JSON.stringify({ type, object: { metadata: { name, resourceVersion: String(rv) }, spec: { replicas: rv } } }) + '\n';

  it('takes the events of one turn as one batch, each HTTP chunk being one event, and all of them before the next watch', async () => {
    const { seen, watchedFrom } = await throughReflector(
      async (onData) => {
        // As Node's http client hands on an API server's chunks: one call per event, a socket read at a time.
        for (let rv = 2; rv <= 4; rv++) onData(Buffer.from(event('ADDED', `p${rv}`, rv)));
        await new Promise((resolve) => setImmediate(resolve));
        for (let rv = 5; rv <= 6; rv++) onData(Buffer.from(event('MODIFIED', `p${rv - 3}`, rv)));
        // The server ends the watch (its timeout) straight after the last read.
      },
      { batches: true },
    );
    expect(seen).toEqual(['batch', 'upsert p2 2', 'upsert p3 3', 'upsert p4 4', 'end', 'batch', 'upsert p2 5', 'upsert p3 6', 'end']);
    // The watch after it resumes from the last event of the last read.
    expect(watchedFrom).toEqual(['1', '6']);
  });
});

describe('a decoder’s runs applied a turn of the event loop at a time', () => {
  it('takes one run a turn, even when the decoder answers every run at once (a worker’s backlog)', async () => {
    const event = (rv: number) => JSON.stringify({ type: 'MODIFIED', object: { metadata: { name: `p${rv}`, resourceVersion: String(rv) }, spec: { replicas: rv } } }) + '\n';
    const seen: string[] = [];
    let answerAll!: () => void;
    const answered = new Promise<void>((resolve) => (answerAll = resolve));
    const reader = { toRecord: (raw: unknown) => ({ name: (raw as { metadata: { name: string } }).metadata.name }) };
    // Another task of the engine, asking for the loop every turn.
    let ticking = true;
    const tick = () => {
      seen.push('tick');
      if (ticking) setImmediate(tick);
    };
    await watchThrough<{ name: string }>(
      async (onData) => {
        for (let rv = 2; rv <= 5; rv++) {
          onData(Buffer.from(event(rv)));
          await new Promise((resolve) => setImmediate(resolve));
        }
        setImmediate(tick);
        answerAll();
      },
      {
        toRecord: reader.toRecord,
        decode: async (lines, byName) => {
          await answered;
          const items: WatchItem<{ name: string }>[] = [];
          readWatchLines(lines, 0, reader, byName, (item) => items.push(item) > 0);
          return { items, lines };
        },
        sink: { replace: () => {}, upsert: (r) => seen.push(r.name), remove: () => {}, batch: (take) => take() },
      },
    );
    ticking = false;
    const applied = seen.filter((s) => s !== 'tick');
    expect(applied).toEqual(['p2', 'p3', 'p4', 'p5']);
    // Between any two runs, the loop went round: the other task ran.
    const between = seen.slice(seen.indexOf('p2'), seen.indexOf('p5')).join(' ');
    expect(between).toMatch(/^p2( tick)+ p3( tick)+ p4( tick)+$/);
  });
});

describe('deletions handed on by name, their lines read without JSON.parse', () => {
  /** A random watch line an API server (or a broken one) might send, always JSON. */
  function line(next: () => number): string {
    const pick = <T>(options: readonly T[]): T => options[Math.floor(next() * options.length)] as T;
    const field = (good: string) => pick([JSON.stringify(good), JSON.stringify(good), JSON.stringify(good), '""', '7', 'null', '{"a":1}', JSON.stringify(good).replace(/-/g, '\\u002d')]);
    const meta: string[] = [];
    if (next() < 0.9) meta.push(`"name":${field(`web-${Math.floor(next() * 4)}`)}`);
    if (next() < 0.8) meta.push(`"namespace":${field(pick(['shop', 'search']))}`);
    if (next() < 0.9) meta.push(`"resourceVersion":${field(String(Math.floor(next() * 1000)))}`);
    if (next() < 0.05) meta.push(`"name":"again"`);
    meta.sort(() => next() - 0.5);
    const metadata = next() < 0.95 ? `{${meta.join(',')}}` : pick(['null', '[]', '"x"']);
    const object = `{"metadata":${metadata},"spec":{"nodeName":"node-a","containers":[{"name":"c","image":"i:1"}]},"status":{"phase":"Running"}}`;
    const type = pick(['ADDED', 'MODIFIED', 'DELETED', 'DELETED', 'DELETED', 'BOOKMARK']);
    return pick([`{"type":"${type}","object":${object}}`, `{"object":${object},"type":"${type}"}`, `{"type":"${type}","object":${object},"type":"DELETED"}`, `{"type":"${type}","object":${object}} `]);
  }

  /** The sink's calls and the resourceVersion the next watch resumes from, after `bytes` through a real Reflector. */
  async function replay(bytes: Buffer, named: boolean) {
    const seen: string[] = [];
    const watchedFrom = await watchThrough<KubeRecord>(
      (onData) => {
        for (let at = 0; at < bytes.length; at += 4096) onData(bytes.subarray(at, at + 4096));
      },
      {
        toRecord: (raw) => toRecord('Pod', raw),
        ...(named ? { nameOf } : {}),
        sink: {
          replace: () => {},
          upsert: (r) => seen.push(`upsert ${r.namespace}/${r.name}`),
          remove: (r) => seen.push(`remove ${r.namespace}/${r.name}`),
          ...(named ? { removeNamed: (namespace: string, name: string) => seen.push(`remove ${namespace}/${name}`) } : {}),
        },
      },
    );
    return { seen, resumedFrom: watchedFrom[1] };
  }

  it('hands on what mapping every deletion does, and resumes from the same resourceVersion, under random streams', async () => {
    for (let seed = 1; seed <= 40; seed++) {
      const next = random(seed);
      const bytes = Buffer.from(Array.from({ length: 200 }, () => line(next)).join('\n') + '\n', 'utf8');
      expect(await replay(bytes, true), `seed ${seed}`).toEqual(await replay(bytes, false));
    }
  });
});
