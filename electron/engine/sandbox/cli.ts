import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { type SandboxOptions, startSandbox } from './start.js';
import { MAX_CLUSTERS } from './world/catalog.js';

/**
 * `npm run sandbox -- [--port N] [--out DIR] [--seed N] [--pods N] [--clusters N] [--scenario NAME|FILE]`:
 * starts the sandbox estate, prints one ready line, runs until SIGINT or SIGTERM.
 */

const USAGE = 'usage: npm run sandbox -- [--port N] [--out DIR] [--seed N] [--pods N] [--clusters N] [--scenario NAME|FILE.yaml]';

class UsageError extends Error {}

function integer(flag: string, value: string, min: number, max: number): number {
  if (!/^\d+$/.test(value)) throw new UsageError(`${flag} needs a whole number, got "${value}".`);
  const n = Number(value);
  if (n < min || n > max) throw new UsageError(`${flag} must be between ${min} and ${max}, got ${n}.`);
  return n;
}

export function parseArgs(argv: string[]): SandboxOptions | 'help' {
  const options: SandboxOptions = { outDir: join(tmpdir(), 'daytwo-sandbox') };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (arg === '--help' || arg === '-h') return 'help';
    const m = /^(--[a-z-]+)(?:=(.*))?$/.exec(arg);
    if (!m) throw new UsageError(`Unexpected argument "${arg}".`);
    const flag = m[1] as string;
    const value = m[2] ?? argv[++i];
    if (value === undefined || (m[2] === undefined && value.startsWith('--'))) throw new UsageError(`${flag} needs a value.`);
    switch (flag) {
      case '--port':
        options.port = integer(flag, value, 0, 65535);
        break;
      case '--out':
        options.outDir = resolve(value);
        break;
      case '--seed':
        options.seed = integer(flag, value, 0, 2 ** 32 - 1);
        break;
      case '--pods':
        options.pods = integer(flag, value, 1, 200_000);
        break;
      case '--clusters':
        options.clusters = integer(flag, value, 3, MAX_CLUSTERS);
        break;
      case '--scenario':
        options.scenario = value;
        break;
      default:
        throw new UsageError(`Unknown flag ${flag}.`);
    }
  }
  return options;
}

async function main(): Promise<void> {
  let options: SandboxOptions | 'help';
  try {
    options = parseArgs(process.argv.slice(2));
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    process.stderr.write(`${e.message}\n${USAGE}\n`);
    process.exit(2);
  }
  if (options === 'help') {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  let sandbox;
  try {
    sandbox = await startSandbox(options);
  } catch (e) {
    process.stderr.write(`Sandbox failed to start: ${e instanceof Error ? e.message : String(e)}\n`);
    process.exit(1);
  }
  process.stdout.write(
    `Sandbox ready kubeconfig=${sandbox.kubeconfigPath} aws-config=${sandbox.awsConfigPath} aws-credentials=${sandbox.awsCredentialsPath} metrics=${sandbox.metricsUrl} admin-token=${sandbox.adminTokenPath} prometheus-configs=${sandbox.prometheusConfigDir} pagerduty=${sandbox.pagerdutyPath}\n`,
  );
  const shutdown = () => {
    void sandbox.stop().then(() => process.exit(0));
  };
  process.once('SIGINT', shutdown);
  process.once('SIGTERM', shutdown);
}

void main();
