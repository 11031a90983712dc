import { auditKeyFromPassphrase } from '../engine/store/audit-checkpoint.js';
import { pathToFileURL } from 'node:url';
import { createEngine } from '../engine/engine.js';
import { busyWhileBursting, startMemoryReducer } from '../engine/memory-reducer.js';
import { StoreOpenError } from '../engine/store/database.js';
import { passphraseSealer } from '../engine/connections/vault.js';
import { defaultDataDir } from '../engine/data-dir.js';
import { appVersion, rendererDir } from '../engine/app-paths.js';
import { chooseEstate } from '../engine/sources/default-estate.js';
import { parseHostArgs } from './args.js';
import { startHostServer } from './server.js';

/**
 * `npm run serve`: the engine and the built renderer on loopback, for a browser, a war-room
 * screen (--read-only) or the end-to-end tests. Prints exactly one `Daytwo ready:` line.
 */
export async function runHost(argv: string[]): Promise<void> {
  let args;
  try {
    args = parseHostArgs(argv);
  } catch (error) {
    fail(error instanceof Error ? error.message : String(error));
  }
  const dataDir = args.dataDir ?? defaultDataDir();
  const estate = await chooseEstate({
    dataDir,
    prometheusUrls: args.prometheus,
    alertmanagerUrls: args.alertmanager,
    sandbox: args.sandbox,
    ...(args.sandboxPods !== undefined ? { sandboxPods: args.sandboxPods } : {}),
    ...(args.sandboxClusters !== undefined ? { sandboxClusters: args.sandboxClusters } : {}),
    ...(args.sandboxScenario !== undefined ? { sandboxScenario: args.sandboxScenario } : {}),
  }).catch((error: unknown) => fail(`could not start the built-in sandbox: ${error instanceof Error ? error.message : String(error)}`));
  let engine;
  try {
    engine = createEngine({
      mode: 'host',
      version: appVersion(),
      dataDir,
      readOnly: args.readOnly,
      sealer: passphraseSealer(process.env.DAYTWO_VAULT_PASSPHRASE),
      // Without a passphrase there is no secret to seal checkpoints with: they are an unkeyed chain.
      auditKey: process.env.DAYTWO_VAULT_PASSPHRASE ? auditKeyFromPassphrase(process.env.DAYTWO_VAULT_PASSPHRASE) : null,
      sandbox: estate.sandbox !== null,
      ...(estate.sandbox ? { sandboxAdmin: { url: `http://127.0.0.1:${estate.sandbox.port}`, token: estate.sandbox.adminToken } } : {}),
      connections: estate.connections,
      runbookDirs: args.runbooks,
      catalogDirs: args.catalog,
      ...(args.scorecards !== undefined ? { scorecardRulesFile: args.scorecards } : {}),
    });
  } catch (error) {
    await estate.sandbox?.stop();
    if (error instanceof StoreOpenError) fail(error.message);
    throw error;
  }
  const stopReducer = startMemoryReducer(
    (line) => console.error(`[host] ${line}`),
    busyWhileBursting((listener) => engine.estate.subscribe(listener)),
  );
  const server = await startHostServer({
    router: engine.router,
    staticDir: rendererDir(),
    port: args.port,
    screens: engine.screens,
    log: (line) => console.error(`[host] ${line}`),
  });

  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    stopReducer();
    await server.close();
    await engine.close();
    await estate.sandbox?.stop();
    process.exit(0);
  };
  process.once('SIGINT', () => void stop());
  process.once('SIGTERM', () => void stop());

  console.log(`Daytwo ready: ${server.url}`);
}

function fail(message: string): never {
  console.error(`daytwo: ${message}`);
  process.exit(1);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  await runHost(process.argv.slice(2));
}
