import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { rolldown } from 'rolldown';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WatchDecoder } from '../../../electron/engine/providers/kubernetes/watch-decoder.js';
import { nameOf, toRecord } from '../../../electron/engine/providers/kubernetes/records.js';
import type { HeldRecords, KubeRecord } from '../../../electron/engine/providers/kubernetes/records.js';
import { seededRandom as random } from '../../seeded-random.js';
import { pick, rawObject } from './raw-objects.js';
import { watchThrough } from './watch-through.js';

// The tests run the TypeScript sources, and a worker thread needs a script of its own: the
// worker is bundled from its sources here (rolldown, the bundler Vite uses), so what runs is
// what is in the checkout, not a stale build.
let dir: string;
let script: URL;

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'daytwo-watch-worker-'));
  const bundle = await rolldown({ input: path.resolve('electron/engine/providers/kubernetes/watch-decode-worker.ts'), platform: 'node', logLevel: 'silent' });
  const file = path.join(dir, 'watch-decode-worker.mjs');
  await bundle.write({ file, format: 'esm' });
  await bundle.close();
  script = pathToFileURL(file);
});

afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

/** A watch stream of pods an API server (or a broken one) might send: every event type, escapes, an ERROR now and then. */
function stream(seed: number): Buffer {
  const next = random(seed);
  const lines: string[] = [];
  for (let i = 0; i < 120; i++) {
    const raw = rawObject(next, pick(next, ['web-1', 'web-2', 'web-3', 'naïve-“4”']));
    (raw as { metadata: Record<string, unknown> }).metadata.resourceVersion = String(100 + i);
    const type = pick(next, ['MODIFIED', 'ADDED', 'DELETED', 'BOOKMARK']);
    lines.push(JSON.stringify({ type, object: raw }));
    if (next() < 0.1) lines.push('');
  }
  if (seed % 3 === 0) lines.splice(90, 0, JSON.stringify({ type: 'ERROR', object: { kind: 'Status', code: 410, reason: 'Expired', message: 'too old resource version' } }));
  if (seed % 5 === 0) lines.splice(60, 0, '{"type":"MODIFIED","object":{');
  return Buffer.from(lines.join('\n') + '\n', 'utf8');
}

/** A record as text whatever the order of its keys: a label map lent by the held record may list them in another order. */
function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v !== null && typeof v === 'object' && !Array.isArray(v) ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : 1))) : v,
  );
}

/** The sink calls a real Reflector makes of `bytes` (700-byte reads, a turn each), and the resourceVersion it resumes from. */
async function through(bytes: Buffer, decoder: WatchDecoder | null): Promise<{ seen: string[]; resumedFrom: string | undefined }> {
  const seen: string[] = [];
  const records = new Map<string, KubeRecord>();
  const held: HeldRecords = (namespace, name) => records.get(`${namespace}/${name}`);
  const watchedFrom = await watchThrough<KubeRecord>(
    async (onData) => {
      for (let at = 0; at < bytes.length; at += 700) {
        onData(bytes.subarray(at, at + 700));
        await new Promise((resolve) => setImmediate(resolve));
      }
    },
    {
      toRecord: (raw) => toRecord('Pod', raw, held),
      nameOf,
      decode: decoder?.for('Pod', held),
      sink: {
        replace: () => {},
        upsert: (r) => {
          records.set(`${r.namespace}/${r.name}`, r);
          seen.push(`upsert ${canonical(r)}`);
        },
        remove: (r) => seen.push(`remove ${r.namespace}/${r.name}`),
        removeNamed: (namespace, name, record) => {
          // Half the sinks hold nothing under the name and ask for the record.
          seen.push(`remove ${namespace}/${name}${name.length % 2 ? ` ${canonical(record())}` : ''}`);
          records.delete(`${namespace}/${name}`);
        },
      },
    },
  );
  return { seen, resumedFrom: watchedFrom[1] };
}

describe('watch lines read in the decoder’s worker thread', () => {
  it('come to the reflector exactly as read on the engine’s thread, under random streams', async () => {
    const decoder = new WatchDecoder({ script });
    try {
      expect(decoder.threaded).toBe(true);
      for (let seed = 1; seed <= 30; seed++) {
        const bytes = stream(seed);
        const onThread = await through(bytes, null);
        expect(onThread.seen.length, `seed ${seed}`).toBeGreaterThan(10);
        expect(await through(bytes, decoder), `seed ${seed}`).toStrictEqual(onThread);
      }
      // Every run went to the worker: none was read here, and the worker is still up.
      expect(decoder.threaded).toBe(true);
    } finally {
      await decoder.close();
    }
  });

  it('are read on the engine’s thread when the worker fails, the runs it held refused and the watch resumed', async () => {
    const broken = path.join(dir, 'broken-worker.mjs');
    fs.writeFileSync(broken, "import { parentPort } from 'node:worker_threads';\nparentPort.on('message', () => { throw new Error('the worker broke'); });\n");
    const logged: string[] = [];
    const decoder = new WatchDecoder({ script: pathToFileURL(broken), log: (message) => logged.push(message) });
    try {
      const bytes = stream(7);
      const first = decoder.for('Pod')(bytes, true);
      await expect(first).rejects.toThrow(/the worker broke/);
      expect(decoder.threaded).toBe(false);
      expect(logged.join('\n')).toMatch(/read on the engine's thread from now on/);
      // What the watch hands on from here is what it would without a worker.
      expect(await through(bytes, decoder)).toStrictEqual(await through(bytes, null));
    } finally {
      await decoder.close();
    }
  });

  it('are read on the engine’s thread where there is no worker script (the unit tests’ own engine)', async () => {
    const decoder = new WatchDecoder();
    expect(decoder.threaded).toBe(false);
    const bytes = stream(11);
    expect(await through(bytes, decoder)).toStrictEqual(await through(bytes, null));
  });
});
