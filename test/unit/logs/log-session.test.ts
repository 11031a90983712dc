import { afterEach, describe, expect, it } from 'vitest';
import { openLogSession } from '../../../electron/engine/logs/log-session.js';
import { clusterAccessFromKubeConfig } from '../../../electron/engine/operations/cluster-access.js';
import type { LogBatch } from '../../../shared/api/logs.js';
import { FakeLogServer } from './fake-log-server.js';

const until = async (check: () => boolean, what: string) => {
  for (let i = 0; i < 400 && !check(); i++) await new Promise((r) => setTimeout(r, 10));
  if (!check()) throw new Error(`gave up waiting for ${what}`);
};

describe('a workload’s log view', () => {
  let server: FakeLogServer;
  afterEach(async () => server?.stop());

  it('merges its pods’ logs by time, follows them live, and closes every stream when the view closes', async () => {
    server = new FakeLogServer();
    await server.start();
    // Interleaved in time across three pods, each pod's log in order on its own.
    server.write('2026-11-30T03:00:01Z a1', 'web-a');
    server.write('2026-11-30T03:00:04Z a4', 'web-a');
    server.write('2026-11-30T03:00:02Z b2', 'web-b');
    server.write('2026-11-30T03:00:05Z b5', 'web-b');
    server.write('2026-11-30T03:00:03Z c3', 'web-c');
    server.write('2026-11-30T03:00:06Z c6', 'web-c');
    const batches: LogBatch[] = [];
    const close = openLogSession(
      { entityId: 'k8s:fake-ctx/shop/Deployment/web', previous: false, follow: true },
      { clusters: clusterAccessFromKubeConfig(server.kubeConfig()), entity: () => undefined, log: () => {}, tuning: { flushMs: 20, settleMs: 2_000 } },
      (batch) => batches.push(batch),
    );
    const texts = () => batches.flatMap((b) => b.lines.map((l) => l.text));
    await until(() => texts().length === 6, 'the opening tails');
    expect(texts()).toEqual(['a1', 'b2', 'c3', 'a4', 'b5', 'c6']);
    expect(batches.flatMap((b) => b.lines).map((l) => l.pod)).toEqual(['web-a', 'web-b', 'web-c', 'web-a', 'web-b', 'web-c']);

    server.write('2026-11-30T03:00:07Z b7', 'web-b');
    await until(() => texts().length === 7, 'a live line');
    expect(server.openFollowers).toBe(3);
    close();
    await until(() => server.openFollowers === 0, 'every stream to close');
    expect(batches.some((b) => b.done)).toBe(false);
  });

  it('says why when there is nothing to read', async () => {
    server = new FakeLogServer();
    await server.start();
    const batches: LogBatch[] = [];
    openLogSession(
      { entityId: 'k8s:fake-ctx/shop/Pod/gone', previous: false, follow: true, container: 'sidecar' },
      { clusters: clusterAccessFromKubeConfig(server.kubeConfig()), entity: () => undefined, log: () => {} },
      (batch) => batches.push(batch),
    );
    await until(() => batches.length > 0, 'an answer');
    expect(batches[0]).toEqual({ lines: [], done: true, error: 'Pod gone has no container "sidecar" right now.' });
  });
});
