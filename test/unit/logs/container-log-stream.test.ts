import { afterEach, describe, expect, it } from 'vitest';
import { ContainerLogStream } from '../../../electron/engine/logs/container-log-stream.js';
import { LineSplitter, parseLogLine } from '../../../electron/engine/logs/log-line.js';
import { KubeClient } from '../../../electron/engine/providers/kubernetes/kube-client.js';
import type { LogLine, LogStreamState } from '../../../shared/api/logs.js';
import { FakeLogServer } from './fake-log-server.js';

const until = async (check: () => boolean, what: string) => {
  for (let i = 0; i < 400 && !check(); i++) await new Promise((r) => setTimeout(r, 10));
  if (!check()) throw new Error(`gave up waiting for ${what}`);
};

describe('a log line from the kubelet', () => {
  it('normalises RFC3339Nano stamps so they sort as text', () => {
    const short = parseLogLine('2026-11-30T03:44:17.1Z first');
    const long = parseLogLine('2026-11-30T03:44:17.099999999Z second');
    expect(short).toEqual({ stamp: '2026-11-30T03:44:17.100000000Z', time: Date.parse('2026-11-30T03:44:17.100Z'), text: 'first' });
    expect(long.stamp < short.stamp).toBe(true);
    expect(parseLogLine('2026-11-30T05:44:17+02:00 zoned').stamp).toBe('2026-11-30T03:44:17.000000000Z');
    expect(parseLogLine('no stamp here')).toEqual({ stamp: '', time: null, text: 'no stamp here' });
  });

  it('is split across chunks, even inside a character', () => {
    const splitter = new LineSplitter();
    const bytes = Buffer.from('a\nhé\nlast');
    expect(splitter.push(bytes.subarray(0, 4))).toEqual(['a']);
    expect(splitter.push(bytes.subarray(4))).toEqual(['hé']);
    expect(splitter.end()).toEqual(['last']);
  });
});

describe('a followed container log', () => {
  let server: FakeLogServer;
  afterEach(async () => server?.stop());

  it('resumes after the connection is cut, from the last second, without repeating a line', async () => {
    server = new FakeLogServer();
    await server.start();
    server.write('2026-11-30T03:00:00.000000001Z boot');
    server.write('2026-11-30T03:00:01.100000000Z same text');
    server.write('2026-11-30T03:00:01.100000000Z same text');
    server.write('2026-11-30T03:00:01.2Z later in the second');
    const received: LogLine[] = [];
    const states: LogStreamState[] = [];
    const stream = new ContainerLogStream(
      new KubeClient(server.kubeConfig()),
      { namespace: 'shop', pod: 'web-1', container: 'app' },
      { previous: false, follow: true, tailLines: 100 },
      { lines: (lines) => received.push(...lines), state: (state) => states.push(state) },
      { backoffMs: 20, maxBackoffMs: 40 },
    );
    const controller = new AbortController();
    const running = stream.run(controller.signal);
    await until(() => received.length === 4, 'the opening tail');

    server.cut();
    // Written while the stream is down: in the same second as the last line seen, and after it.
    server.write('2026-11-30T03:00:01.300000000Z written while cut');
    server.write('2026-11-30T03:00:02Z next second');
    await until(() => received.length === 6, 'the resumed stream');
    server.write('2026-11-30T03:00:03Z live again');
    await until(() => received.length === 7, 'a live line after resuming');

    expect(received.map((l) => l.text)).toEqual([
      'boot',
      'same text',
      'same text',
      'later in the second',
      'written while cut',
      'next second',
      'live again',
    ]);
    const resumed = server.requests.at(-1);
    expect(resumed?.searchParams.get('sinceTime')).toBe('2026-11-30T03:00:01Z');
    expect(resumed?.searchParams.get('tailLines')).toBeNull();
    expect(states).toContain('reconnecting');
    // The token travels in the Authorization header, never in the URL.
    expect(server.authorizations.every((a) => a === 'Bearer secret-token')).toBe(true);
    expect(server.requests.every((u) => !u.search.includes('secret-token'))).toBe(true);

    controller.abort();
    await running;
    await until(() => server.openFollowers === 0, 'the server to see the stream closed');
  });
});
