import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';

export const repoRoot = path.resolve(import.meta.dirname, '../..');

export interface RunningHost {
  url: string;
  dataDir: string;
  stop(): Promise<void>;
  /** Stops the process but keeps the data directory, so a host can be started again on it. */
  kill(): Promise<void>;
}

/**
 * Starts the built host (`npm run build` ran first: the test command builds) on a free port
 * and a fresh data directory, and waits for the one `Daytwo ready:` line.
 */
export async function startHost(extraArgs: string[] = [], options: { dataDir?: string; readyTimeoutMs?: number } = {}): Promise<RunningHost> {
  const cli = path.join(repoRoot, 'out/electron/host/cli.js');
  const page = path.join(repoRoot, 'dist/renderer/index.html');
  for (const built of [cli, page]) {
    if (!fs.existsSync(built)) throw new Error(`${path.relative(repoRoot, built)} is missing: run \`npm run build\` first.`);
  }
  const dataDir = options.dataDir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'daytwo-e2e-'));
  const port = extraArgs.includes('--port') ? [] : ['--port', '0'];
  const child = spawn(process.execPath, [cli, ...port, '--data-dir', dataDir, ...extraArgs], {
    cwd: repoRoot,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: isolatedEnv(dataDir),
  });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));

  const url = await new Promise<string>((resolve, reject) => {
    const readyMs = options.readyTimeoutMs ?? 20_000;
    let timedOut = false;
    // A host that never got ready is stopped, not left serving (and holding its ports) after the test.
    const timer = setTimeout(() => {
      timedOut = true;
      void stopChild(child).then(() => reject(new Error(`host did not print its ready line within ${readyMs / 1000} s.\n${stderr}`)));
    }, readyMs);
    readline.createInterface({ input: child.stdout! }).on('line', (line) => {
      const match = /^Daytwo ready: (http:\/\/127\.0\.0\.1:\d+\/#token=\S+)$/.exec(line);
      if (match?.[1]) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      if (!timedOut) reject(new Error(`host exited with code ${code} before it was ready.\n${stderr}`));
    });
  });

  return {
    url,
    dataDir,
    async stop() {
      await stopChild(child);
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
    kill: () => stopChild(child),
  };
}

/**
 * The engine finds connections the way kubectl and the AWS CLI do (KUBECONFIG, ~/.kube,
 * ~/.aws, AWS_*). The tests must not pick up whatever the machine running them has configured,
 * so the host gets an empty home of its own and none of those variables.
 */
function isolatedEnv(dataDir: string): NodeJS.ProcessEnv {
  const home = path.join(dataDir, 'home');
  fs.mkdirSync(home, { recursive: true });
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (key === 'KUBECONFIG' || key.startsWith('AWS_')) continue;
    env[key] = value;
  }
  return { ...env, HOME: home, USERPROFILE: home };
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const force = setTimeout(() => child.kill('SIGKILL'), 5000);
    child.once('exit', () => {
      clearTimeout(force);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

/**
 * The embedded sandbox's admin side, as a person finds it: its plain-HTTP origin from the AWS
 * profile it wrote (`endpoint_url`; each cluster's Kubernetes API has a port of its own) and the
 * bearer token the admin endpoints require, from `admin-token` beside the kubeconfig.
 */
export async function sandboxAdmin(dataDir: string, timeoutMs = 60_000): Promise<{ origin: string; token: string; post(path: string, body?: unknown): Promise<Response> }> {
  const dir = path.join(dataDir, 'sandbox');
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const config = path.join(dir, 'aws-config');
    const tokenFile = path.join(dir, 'admin-token');
    const origin = fs.existsSync(config) ? /endpoint_url = (http:\/\/127\.0\.0\.1:\d+)/.exec(fs.readFileSync(config, 'utf8'))?.[1] : undefined;
    if (origin && fs.existsSync(tokenFile)) {
      const token = fs.readFileSync(tokenFile, 'utf8').trim();
      return {
        origin,
        token,
        post: (route, body) =>
          fetch(`${origin}${route}`, { method: 'POST', headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' }, ...(body === undefined ? {} : { body: JSON.stringify(body) }) }),
      };
    }
    if (Date.now() > deadline) throw new Error(`The sandbox wrote no aws-config and admin-token under ${dir}.`);
    await new Promise((r) => setTimeout(r, 200));
  }
}
