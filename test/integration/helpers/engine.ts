import path from 'node:path';
import { createEngine, type Engine, type EngineOptions } from '../../../electron/engine/engine.js';
import { passphraseSealer, type SecretSealer } from '../../../electron/engine/connections/vault.js';
import type { MethodName, Params, Result } from '../../../shared/api/contract.js';

/** A vault sealer for tests that store no secrets: any attempt to seal one is a test bug. */
export const noSecrets: SecretSealer = {
  unavailableReason: 'tests keep no secrets',
  seal(): Buffer {
    throw new Error('no vault in tests');
  },
  open(): string {
    throw new Error('no vault in tests');
  },
};

/**
 * Calls the engine through its router, as a transport would, and throws the structured error
 * with its code. `engine` is read at each call, so a test may restart its engine.
 */
export function routerCaller(engine: () => Engine) {
  return async function call<M extends MethodName>(method: M, params: Params<M>): Promise<Result<M>> {
    const outcome = await engine().router.call(method, params, { transport: 'internal' });
    if (!outcome.ok) throw new Error(`${method}: ${outcome.error.code}: ${outcome.error.message}`);
    return outcome.result as Result<M>;
  };
}

/**
 * A host-mode, writable engine on the sandbox whose data lives under `dir`/data, sealing with the
 * test passphrase and logging nowhere: what most integration tests share. `options` adds the
 * sources and tuning the test is about, and may override any of these.
 */
export function sandboxTestEngine(dir: string, options: Partial<EngineOptions> = {}): Engine {
  return createEngine({
    mode: 'host',
    version: 'test',
    dataDir: path.join(dir, 'data'),
    readOnly: false,
    sealer: passphraseSealer(undefined),
    sandbox: true,
    log: () => {},
    ...options,
  });
}
