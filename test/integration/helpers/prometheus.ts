import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import path from 'node:path';
import yaml from 'js-yaml';

/** Debian's Prometheus, started on a free loopback port with its own storage, scraping targets every second. */
export const PROMETHEUS_BINARY = '/usr/bin/prometheus';
export const prometheusAvailable = existsSync(PROMETHEUS_BINARY);

export interface RunningPrometheus {
  url: string;
  log(): string;
  stop(): Promise<void>;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** Polls until `probe` returns a value, or fails with the last thing seen. */
export async function eventually<T>(what: string, probe: () => Promise<T | undefined>, attempts = 120, pauseMs = 500): Promise<T> {
  let last: unknown;
  for (let i = 0; i < attempts; i++) {
    try {
      const v = await probe();
      if (v !== undefined) return v;
    } catch (e) {
      last = e;
    }
    await new Promise((r) => setTimeout(r, pauseMs));
  }
  throw new Error(`Gave up waiting for ${what}. Last error: ${String(last)}`);
}

/** What a test's Prometheus scrapes, evaluates and alerts to, beyond the defaults. */
export interface PrometheusSetup {
  /** Full scrape_configs entries (e.g. the sandbox's kube-prometheus-shaped jobs). */
  scrapeConfigs?: object[];
  /** Rule files to load, as paths. */
  ruleFiles?: string[];
  /** Alertmanager base URLs (http://host:port) to send alerts to. */
  alertmanagers?: string[];
  /** Listen on this port (one handed out by freePort() earlier, so a host could be told the URL first). */
  port?: number;
}

/**
 * Starts Prometheus scraping every second. Given a list of host:port targets it scrapes their
 * /metrics as one job (`daytwo-sandbox`); given a setup, exactly the scrape configs, rule files
 * and Alertmanagers the setup names.
 */
export async function startPrometheus(workDir: string, targetsOrSetup: string[] | PrometheusSetup): Promise<RunningPrometheus> {
  mkdirSync(workDir, { recursive: true });
  const setup: PrometheusSetup = Array.isArray(targetsOrSetup)
    ? { scrapeConfigs: [{ job_name: 'daytwo-sandbox', metrics_path: '/metrics', static_configs: [{ targets: targetsOrSetup }] }] }
    : targetsOrSetup;
  const port = setup.port ?? (await freePort());
  const url = `http://127.0.0.1:${port}`;
  const config = path.join(workDir, 'prometheus.yml');
  writeFileSync(
    config,
    yaml.dump({
      global: { scrape_interval: '1s', evaluation_interval: '1s' },
      scrape_configs: setup.scrapeConfigs ?? [],
      ...(setup.ruleFiles ? { rule_files: setup.ruleFiles } : {}),
      ...(setup.alertmanagers
        ? { alerting: { alertmanagers: [{ api_version: 'v2', static_configs: [{ targets: setup.alertmanagers.map((u) => new URL(u).host) }] }] } }
        : {}),
    }),
  );
  let log = '';
  const child: ChildProcess = spawn(
    PROMETHEUS_BINARY,
    [`--config.file=${config}`, `--storage.tsdb.path=${path.join(workDir, 'data')}`, `--web.listen-address=127.0.0.1:${port}`],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  child.stdout?.on('data', (d: Buffer) => (log += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (log += d.toString()));
  await eventually('Prometheus to be ready', async () => ((await fetch(`${url}/-/ready`)).ok ? true : undefined)).catch((e: Error) => {
    child.kill('SIGTERM');
    throw new Error(`${e.message}\nPrometheus log:\n${log.slice(-3000)}`);
  });
  return {
    url,
    log: () => log,
    async stop() {
      if (child.exitCode !== null) return;
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await exited;
    },
  };
}
