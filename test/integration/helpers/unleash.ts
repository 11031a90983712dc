import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chownSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { freePort } from './prometheus.js';

/**
 * A private, throwaway PostgreSQL cluster (Debian's postgresql package) and a real
 * unleash-server (npm, a devDependency) on it, for the Unleash integration test.
 * PostgreSQL refuses to run as root, and CI runs as root: there the cluster is made and run
 * as the `postgres` user the Debian package creates (else `nobody`), in a temp dir it owns.
 */

const PG_BIN = ['/usr/lib/postgresql/17/bin', '/usr/lib/postgresql/16/bin', '/usr/lib/postgresql/15/bin'].find((dir) => existsSync(path.join(dir, 'initdb')));

function unleashInstalled(): boolean {
  try {
    createRequire(import.meta.url).resolve('unleash-server');
    return true;
  } catch {
    return false;
  }
}

/** Why the Unleash test cannot run here, or null when it can. */
export const unleashUnavailable: string | null = !PG_BIN
  ? "PostgreSQL is not installed (Debian's postgresql package; .ci/run installs it)."
  : !unleashInstalled()
    ? 'unleash-server is not installed (npm ci installs it as a devDependency).'
    : null;

const runAs = process.getuid?.() === 0 ? (spawnSync('id', ['-u', 'postgres']).status === 0 ? 'postgres' : 'nobody') : null;

function asPgUser(command: string, args: string[]): [string, string[]] {
  return runAs ? ['runuser', ['-u', runAs, '--', command, ...args]] : [command, args];
}

function run(command: string, args: string[]): void {
  const [cmd, argv] = asPgUser(command, args);
  const result = spawnSync(cmd, argv, { encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} failed (${result.status}): ${result.stderr || result.stdout}`);
}

export interface RunningPostgres {
  host: string;
  port: number;
  user: string;
  stop(): Promise<void>;
}

export async function startPostgres(): Promise<RunningPostgres> {
  if (!PG_BIN) throw new Error(unleashUnavailable ?? 'no PostgreSQL');
  const dir = mkdtempSync(path.join(os.tmpdir(), 'daytwo-pg-'));
  if (runAs) {
    const uid = Number(spawnSync('id', ['-u', runAs], { encoding: 'utf8' }).stdout.trim());
    const gid = Number(spawnSync('id', ['-g', runAs], { encoding: 'utf8' }).stdout.trim());
    chownSync(dir, uid, gid);
  }
  const data = path.join(dir, 'data');
  const port = await freePort();
  run(path.join(PG_BIN, 'initdb'), ['-D', data, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--no-sync']);
  run(path.join(PG_BIN, 'pg_ctl'), ['-D', data, '-l', path.join(dir, 'log'), '-w', '-o', `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off`, 'start']);
  return {
    host: '127.0.0.1',
    port,
    user: 'postgres',
    async stop() {
      try {
        run(path.join(PG_BIN, 'pg_ctl'), ['-D', data, '-m', 'immediate', 'stop']);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}

export interface RunningUnleash {
  url: string;
  /** An admin API token created at start-up (authentication.initApiTokens). */
  adminToken: string;
  log(): string;
  stop(): Promise<void>;
}

/** unleash-server on the given PostgreSQL, in a child process; resolves once it listens. */
export async function startUnleash(pg: RunningPostgres): Promise<RunningUnleash> {
  const port = await freePort();
  const adminToken = `*:*.${randomBytes(24).toString('hex')}`;
  const config = { dbHost: pg.host, dbPort: pg.port, dbUser: pg.user, dbName: 'postgres', port, adminToken };
  const script = path.join(path.dirname(new URL(import.meta.url).pathname), 'unleash-server.mjs');
  const child: ChildProcess = spawn(process.execPath, [script, JSON.stringify(config)], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, LOG_LEVEL: 'warn' } });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  await new Promise<void>((resolve, reject) => {
    const onData = () => {
      if (output.includes(`ready ${port}`)) {
        child.stdout?.off('data', onData);
        resolve();
      }
    };
    child.stdout?.on('data', onData);
    child.once('exit', (code) => reject(new Error(`unleash-server exited (${code}) before it listened:\n${output.slice(-4000)}`)));
  });
  return {
    url: `http://127.0.0.1:${port}`,
    adminToken,
    log: () => output,
    async stop() {
      if (child.exitCode !== null) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    },
  };
}
