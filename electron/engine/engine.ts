import type { AppInfo } from '../../shared/api/app.js';
import { createRouter } from './api/router.js';
import type { Router } from './api/router.js';
import { openStore } from './store/database.js';
import type { StoreDatabase } from './store/database.js';
import { SettingsStore } from './store/settings.js';
import { SourceRegistry } from './connections/source-registry.js';
import { Vault } from './connections/vault.js';
import type { SecretSealer } from './connections/vault.js';

export interface EngineOptions {
  mode: AppInfo['mode'];
  version: string;
  dataDir: string;
  readOnly: boolean;
  sealer: SecretSealer;
  /** True when the engine runs on its built-in sandbox estate. */
  sandbox?: boolean;
  log?: (message: string, error?: unknown) => void;
}

/**
 * The engine: everything Daytwo does, free of Electron, reachable only through its router.
 * Transports (IPC, HTTP/WS) own authentication; the engine owns validation and behaviour.
 */
export interface Engine {
  readonly router: Router;
  readonly sources: SourceRegistry;
  readonly db: StoreDatabase;
  readonly vault: Vault;
  readonly info: AppInfo;
  close(): Promise<void>;
}

export function createEngine(options: EngineOptions): Engine {
  const log = options.log ?? ((message, error) => console.error(`[engine] ${message}`, error ?? ''));
  const db = openStore(options.dataDir);
  const settings = new SettingsStore(db);
  const sources = new SourceRegistry();
  const vault = new Vault(db, options.sealer);
  const info: AppInfo = {
    name: 'Daytwo',
    version: options.version,
    mode: options.mode,
    readOnly: options.readOnly,
    dataDir: options.dataDir,
    sandbox: options.sandbox ?? false,
    startedAt: Date.now(),
  };

  const router = createRouter({
    readOnly: options.readOnly,
    log,
    handlers: {
      'app.info': () => info,
      'settings.get': () => ({ settings: settings.get() }),
      'settings.set': ({ patch }) => ({ settings: settings.update(patch) }),
      'sources.list': () => ({ sources: sources.list() }),
    },
    topicHandlers: {
      'sources.subscribe': (_params, push) => {
        push({ sources: sources.list() });
        return sources.subscribe((list) => push({ sources: list }));
      },
    },
  });

  return {
    router,
    sources,
    db,
    vault,
    info,
    async close() {
      db.close();
    },
  };
}
