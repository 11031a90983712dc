import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import yaml from 'js-yaml';
import { eventually, freePort } from './prometheus.js';

/**
 * Debian's Alertmanager (package prometheus-alertmanager), started on a free loopback port with
 * its own storage and clustering off, routing everything to a receiver that sends nowhere: the
 * tests read what arrived through its v2 API (GET /api/v2/alerts).
 * https://prometheus.io/docs/alerting/latest/configuration/
 */
export const ALERTMANAGER_BINARY = '/usr/bin/prometheus-alertmanager';
export const alertmanagerAvailable = existsSync(ALERTMANAGER_BINARY);

export interface AlertmanagerAlert {
  labels: Record<string, string>;
  annotations: Record<string, string>;
  startsAt: string;
  endsAt: string;
  status: { state: 'active' | 'suppressed' | 'unprocessed'; silencedBy: string[]; inhibitedBy: string[] };
}

export interface RunningAlertmanager {
  url: string;
  alerts(filter?: string[]): Promise<AlertmanagerAlert[]>;
  log(): string;
  stop(): Promise<void>;
}

export async function startAlertmanager(workDir: string): Promise<RunningAlertmanager> {
  mkdirSync(workDir, { recursive: true });
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const config = path.join(workDir, 'alertmanager.yml');
  writeFileSync(config, yaml.dump({ route: { receiver: 'nowhere', group_wait: '0s', group_interval: '1s', repeat_interval: '1h' }, receivers: [{ name: 'nowhere' }] }));
  let log = '';
  const child: ChildProcess = spawn(
    ALERTMANAGER_BINARY,
    [
      `--config.file=${config}`,
      `--storage.path=${path.join(workDir, 'data')}`,
      `--web.listen-address=127.0.0.1:${port}`,
      // An empty address turns off the gossip mesh, which would otherwise bind a second port on every interface.
      '--cluster.listen-address=',
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
    async alerts(filter = []) {
      const query = filter.map((f) => `filter=${encodeURIComponent(f)}`).join('&');
      const res = await fetch(`${url}/api/v2/alerts${query ? `?${query}` : ''}`);
      if (!res.ok) throw new Error(`Alertmanager answered ${res.status}: ${await res.text()}`);
      return (await res.json()) as AlertmanagerAlert[];
    },
    log: () => log,
    async stop() {
      if (child.exitCode !== null) return;
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await exited;
    },
  };
}
