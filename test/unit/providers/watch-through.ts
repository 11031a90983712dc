import { Reflector } from '../../../electron/engine/providers/kubernetes/reflector.js';
import type { ReflectorOptions } from '../../../electron/engine/providers/kubernetes/reflector.js';
import type { KubeClient } from '../../../electron/engine/providers/kubernetes/kube-client.js';

const resource = { kind: 'Pod' as const, path: '/api/v1/pods', namespaced: true };

/**
 * A real Reflector (`options`: its mapping and sink) over a client whose first watch hands on what
 * `feed` gives it and whose next stays open; the resourceVersion each watch started from.
 */
export async function watchThrough<R>(feed: (onData: (chunk: Buffer) => void) => Promise<void> | void, options: Pick<ReflectorOptions<R>, 'toRecord' | 'sink' | 'nameOf' | 'decode'>): Promise<string[]> {
  const watchedFrom: string[] = [];
  let done!: () => void;
  const finished = new Promise<void>((resolve) => (done = resolve));
  const client = {
    server: 'https://chunks',
    getJson: async () => ({ metadata: { resourceVersion: '1' }, items: [] }),
    stream: async (_path: string, query: Record<string, string>, signal: AbortSignal, onData: (chunk: Buffer) => void) => {
      watchedFrom.push(query.resourceVersion ?? '');
      if (watchedFrom.length > 1) {
        done();
        return new Promise<void>((_resolve, reject) => signal.addEventListener('abort', () => reject(new Error('aborted'))));
      }
      await feed(onData);
    },
  };
  const reflector = new Reflector<R>({ client: client as unknown as KubeClient, resource, ...options, onStatus: () => {}, backoff: { initialMs: 1, maxMs: 1, resetAfterMs: 60_000 } });
  reflector.start();
  await finished;
  await reflector.stop();
  return watchedFrom;
}
