import { describe, expect, test } from 'vitest';
import { type ContainerRun, MAX_LINES, containerLog } from '../../../electron/engine/sandbox/kube/container-logs.js';
import { ImageRegistry, normaliseImage } from '../../../electron/engine/sandbox/kube/controllers/images.js';

describe('the simulated registry', () => {
  test('has what was published, whatever the tag says', () => {
    const registry = new ImageRegistry();
    expect(registry.behaviour('nginx:1.27')).toBe('runs');
    expect(registry.behaviour('docker.io/library/nginx:1.27')).toBe('runs');
    expect(registry.behaviour('nginx:1.99.9')).toBeUndefined();
    expect(registry.behaviour('ghcr.io/acme/api:2.0.0-broken')).toBeUndefined();
    registry.publish('ghcr.io/acme/api:2.0.0', 'crashes');
    expect(registry.behaviour('ghcr.io/acme/api:2.0.0')).toBe('crashes');
    expect(registry.behaviourOf('nginx:1.27', { 'sandbox.daytwo.dev/behaviour': 'oom' })).toBe('oom');
    expect(registry.behaviourOf('nginx:1.99.9', { 'sandbox.daytwo.dev/behaviour': 'crash' })).toBeUndefined();
  });

  test('resolves references as containerd does', () => {
    expect(normaliseImage('nginx')).toEqual({ repository: 'docker.io/library/nginx', reference: 'latest' });
    expect(normaliseImage('curlimages/curl:8.10.1')).toEqual({ repository: 'docker.io/curlimages/curl', reference: '8.10.1' });
    expect(normaliseImage('docker.io/redis:6.0.5')).toEqual({ repository: 'docker.io/library/redis', reference: '6.0.5' });
    expect(normaliseImage('localhost:5000/app:1')).toEqual({ repository: 'localhost:5000/app', reference: '1' });
  });
});

describe('container logs', () => {
  const run: ContainerRun = { podUid: 'u1', container: 'api', image: 'ghcr.io/acme/api:1.0.0', restart: 0, startedAt: 0, finishedAt: undefined, ending: undefined, service: undefined };

  test('are the same every time they are read, and grow as time passes', () => {
    const early = containerLog(run, 60_000);
    expect(containerLog(run, 60_000)).toEqual(early);
    const later = containerLog(run, 120_000);
    expect(later.slice(0, early.length)).toEqual(early);
    expect(later.length).toBeGreaterThan(early.length);
    expect(later.every((l, i) => i === 0 || l.time >= (later[i - 1]?.time ?? 0))).toBe(true);
  });

  test('a crashing run ends with its stack trace; a long run keeps only the newest lines', () => {
    const crash = containerLog({ ...run, ending: 'crash', finishedAt: 1500 }, 10_000).map((l) => l.text);
    expect(crash).toContain('panic: invalid configuration: missing required key database.url');
    expect(crash.at(-1)).toMatch(/main\.go:23/);
    // The newest line may still lie a moment in the future of `now`; everything older is rotated away.
    const month = containerLog(run, 30 * 24 * 3600 * 1000);
    expect(month.length).toBeGreaterThanOrEqual(MAX_LINES - 1);
    expect(month.length).toBeLessThanOrEqual(MAX_LINES);
    expect(month[0]?.text).not.toContain('starting');
  });
});
