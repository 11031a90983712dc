import type { ServiceSpec } from '../world.js';
import { fnv32a } from '../world/random.js';

/**
 * What a simulated container writes to stdout: a deterministic stream that tells the
 * scenario's story. A serving container logs start-up, then requests (with the occasional
 * slow call to a dependency it has); a container whose image crashes logs its start, the
 * configuration error and a Go stack trace, then exits; an OOM-killed one logs its heap
 * growing and stops mid-stream (SIGKILL leaves no last words). Line i of a run is a pure
 * function of (pod, container, restart, i), so the same request twice gives the same lines,
 * and a follow continues exactly where a read stopped.
 *
 * Like a kubelet rotating a container's log at 10 MiB, only the newest MAX_LINES lines of a
 * long-running container are kept.
 */

export const MAX_LINES = 5000;

export interface ContainerRun {
  podUid: string;
  container: string;
  image: string;
  restart: number;
  startedAt: number;
  /** When the run ended (a terminated container), or undefined while it runs. */
  finishedAt: number | undefined;
  ending: 'crash' | 'oom' | undefined;
  service: ServiceSpec | undefined;
}

export interface LogLine {
  time: number;
  text: string;
}

const REQUEST_INTERVAL_MS = 2000;
const PATHS: Record<string, string[]> = {
  api: ['/v1/items', '/v1/items/{id}', '/v1/orders', '/healthz/ready', '/v1/search'],
  frontend: ['/', '/product/{id}', '/cart', '/static/app.js', '/checkout'],
};

function hash(run: ContainerRun, i: number, salt = ''): number {
  return fnv32a(`${run.podUid}/${run.container}/${run.restart}/${i}${salt}`);
}

function version(image: string): string {
  const tag = /:([^/:@]+)$/.exec(image)?.[1];
  return tag ?? 'latest';
}

function preamble(run: ContainerRun): string[] {
  const name = run.service?.name ?? run.container;
  const tier = run.service?.tier;
  if (tier === 'database') return ['LOG:  starting PostgreSQL 16.4 on x86_64-pc-linux-gnu', 'LOG:  listening on IPv4 address "0.0.0.0", port 5432', 'LOG:  database system is ready to accept connections'];
  if (tier === 'cache') return ['1:M * Redis version=7.2.5, bits=64, started', '1:M * Server initialized', '1:M * Ready to accept connections tcp'];
  const lines = [`level=info msg="starting ${name}" version=${version(run.image)} go=go1.22.8`, `level=info msg="configuration loaded" path=/etc/${name}/config.yaml`];
  if (run.ending === 'crash') {
    return [
      ...lines.slice(0, 1),
      `level=info msg="loading configuration" path=/etc/${name}/config.yaml`,
      `level=error msg="configuration invalid" error="missing required key: database.url"`,
      `panic: invalid configuration: missing required key database.url`,
      '',
      'goroutine 1 [running]:',
      'main.mustLoadConfig({0xc000124000, 0x1a})',
      `\t/src/cmd/${name}/main.go:48 +0x1c5`,
      'main.main()',
      `\t/src/cmd/${name}/main.go:23 +0x65`,
    ];
  }
  return [...lines, `level=info msg="listening" addr=:8080`];
}

function steadyLine(run: ContainerRun, i: number): string {
  const h = hash(run, i);
  const tier = run.service?.tier ?? 'api';
  if (run.ending === 'oom') return `level=warn msg="memory usage high" heap_mb=${300 + i * 37} gc_pause_ms=${12 + (h % 40)}`;
  if (tier === 'database') return h % 9 === 0 ? `LOG:  checkpoint complete: wrote ${h % 900} buffers (${(h % 50) / 10}%); write=${(h % 300) / 10} s` : `LOG:  duration: ${(h % 2000) / 100} ms  statement: SELECT * FROM orders WHERE id = $1`;
  if (tier === 'cache') return `1:M * ${1 + (h % 100)} changes in 60 seconds. Saving...`;
  if (tier === 'worker') return `level=info msg="processed job" queue=${run.service?.name ?? 'jobs'} job_id=${(h % 1_000_000).toString(36)} duration_ms=${50 + (h % 400)}`;
  const deps = run.service?.dependsOn ?? [];
  if (deps.length && h % 11 === 0) {
    const dep = deps[h % deps.length]?.split('/').pop() ?? 'upstream';
    return `level=warn msg="slow upstream call" upstream=${dep} duration_ms=${800 + (h % 2200)} trace_id=${h.toString(16).padStart(8, '0')}`;
  }
  const paths = PATHS[tier] ?? PATHS.api ?? [];
  const path = (paths[h % paths.length] ?? '/').replace('{id}', String(h % 10_000));
  const status = h % 97 === 0 ? 500 : h % 23 === 0 ? 404 : 200;
  const level = status >= 500 ? 'error' : 'info';
  const base = run.service?.baseLatencyMs ?? 40;
  return `level=${level} msg="request completed" method=${h % 5 === 0 ? 'POST' : 'GET'} path=${path} status=${status} duration_ms=${Math.round(base * (0.5 + (h % 100) / 100))} trace_id=${h.toString(16).padStart(8, '0')}`;
}

/** The lines of a run written up to `now`, oldest first, after log rotation. */
export function containerLog(run: ContainerRun, now: number): LogLine[] {
  const end = Math.min(now, run.finishedAt ?? now);
  const lines: LogLine[] = [];
  const head = preamble(run);
  head.forEach((text, i) => {
    const time = run.startedAt + i * 40;
    if (time <= end) lines.push({ time, text });
  });
  if (run.ending === 'crash') return lines;
  const steadyStart = run.startedAt + head.length * 40 + 500;
  if (end < steadyStart) return lines;
  const count = Math.floor((end - steadyStart) / REQUEST_INTERVAL_MS) + 1;
  const first = Math.max(0, count - MAX_LINES);
  const out = first > 0 ? [] : lines;
  for (let i = first; i < count; i++) {
    const time = steadyStart + i * REQUEST_INTERVAL_MS + (hash(run, i, 't') % 1500);
    if (time <= end) out.push({ time, text: steadyLine(run, i) });
  }
  return out;
}
