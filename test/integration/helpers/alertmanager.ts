import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { eventually, freePort } from './prometheus.js';

/**
 * Debian's Alertmanager on a free loopback port with its own storage and a route to one
 * receiver that notifies nobody (no network beyond loopback here). If the issue-15b helper is
 * merged too, keep one of the two.
 */
export const ALERTMANAGER_BINARY = '/usr/bin/prometheus-alertmanager';
export const alertmanagerAvailable = existsSync(ALERTMANAGER_BINARY);

export interface RunningAlertmanager {
  url: string;
  log(): string;
  stop(): Promise<void>;
}

export async function startAlertmanager(workDir: string): Promise<RunningAlertmanager> {
  mkdirSync(workDir, { recursive: true });
  const port = await freePort();
  const clusterPort = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const config = path.join(workDir, 'alertmanager.yml');
  writeFileSync(
    config,
    ['route:', '  receiver: sre-oncall', '  group_by: [alertname, namespace]', '  group_wait: 1s', '  group_interval: 1s', 'receivers:', '  - name: sre-oncall', ''].join('\n'),
  );
  let log = '';
  const child: ChildProcess = spawn(
    ALERTMANAGER_BINARY,
    [
      `--config.file=${config}`,
      `--storage.path=${path.join(workDir, 'data')}`,
      `--web.listen-address=127.0.0.1:${port}`,
      // A lone instance: gossip would listen on every interface by default.
      `--cluster.listen-address=127.0.0.1:${clusterPort}`,
      '--cluster.advertise-address=127.0.0.1:' + clusterPort,
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  child.stdout?.on('data', (d: Buffer) => (log += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (log += d.toString()));
  await eventually('Alertmanager to be ready', async () => ((await fetch(`${url}/-/ready`)).ok ? true : undefined)).catch((e: Error) => {
    child.kill('SIGTERM');
    throw new Error(`${e.message}\nAlertmanager log:\n${log.slice(-3000)}`);
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

/** What Prometheus does when a rule fires: POST the alert to Alertmanager's API v2. */
export async function postAlert(url: string, labels: Record<string, string>, annotations: Record<string, string>, startsAt = new Date()): Promise<void> {
  const res = await fetch(`${url}/api/v2/alerts`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify([{ labels, annotations, startsAt: startsAt.toISOString(), generatorURL: 'http://prometheus.invalid/graph' }]),
  });
  if (!res.ok) throw new Error(`Alertmanager refused the alert: ${res.status} ${await res.text()}`);
}
