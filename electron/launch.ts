import { spawn } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { appRoot } from './engine/app-paths.js';

/**
 * `npm start`: the desktop app when an Electron binary is here, host mode otherwise.
 *
 * The electron package's index.js downloads the binary when it is missing, which hangs or
 * fails where only the npm registry is reachable, so the binary is located here by reading
 * the same files index.js reads (path.txt, dist/, ELECTRON_OVERRIDE_DIST_PATH) and never by
 * loading index.js.
 */

export type ElectronBinary = { found: true; path: string } | { found: false; reason: string };

/** Where node_modules/electron is, without executing it; null when it is not installed. */
export function electronPackageDir(fromDir: string): string | null {
  try {
    return path.dirname(createRequire(path.join(fromDir, 'package.json')).resolve('electron/package.json'));
  } catch {
    return null;
  }
}

export function findElectronBinary(packageDir: string | null, env: NodeJS.ProcessEnv = process.env): ElectronBinary {
  if (packageDir === null) return { found: false, reason: 'the electron package is not installed' };
  let executable: string | undefined;
  try {
    executable = fs.readFileSync(path.join(packageDir, 'path.txt'), 'utf8').trim() || undefined;
  } catch {
    executable = undefined; // no path.txt: the binary was never downloaded
  }
  const override = env.ELECTRON_OVERRIDE_DIST_PATH;
  const candidate = override
    ? path.join(override, executable ?? 'electron')
    : executable
      ? path.join(packageDir, 'dist', executable)
      : null;
  if (candidate === null) return { found: false, reason: 'its binary was never downloaded' };
  if (!isExecutableFile(candidate)) return { found: false, reason: `there is no binary at ${candidate}` };
  return { found: true, path: candidate };
}

function isExecutableFile(file: string): boolean {
  try {
    if (!fs.statSync(file).isFile()) return false;
    if (process.platform !== 'win32') fs.accessSync(file, fs.constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

export function electronMissingLine(reason: string): string {
  return `Electron is not available here (${reason}); starting Daytwo in host mode instead.`;
}

async function main(argv: string[]): Promise<void> {
  const root = appRoot();
  const binary = findElectronBinary(electronPackageDir(root));
  if (binary.found) {
    const env = { ...process.env };
    // Set in a parent shell, this would make the binary behave as plain Node and ignore the app.
    delete env.ELECTRON_RUN_AS_NODE;
    const child = spawn(binary.path, [root, ...argv], { stdio: 'inherit', env });
    const started = await new Promise<boolean>((resolve) => {
      child.once('spawn', () => resolve(true));
      child.once('error', () => resolve(false));
    });
    if (started) {
      for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => child.kill(signal));
      child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
      return;
    }
    console.log(electronMissingLine(`${binary.path} could not be started`));
  } else {
    console.log(electronMissingLine(binary.reason));
  }
  // Loaded only now, so launching the desktop never loads the engine into this process.
  const { runHost } = await import('./host/cli.js');
  await runHost(argv);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  await main(process.argv.slice(2));
}
