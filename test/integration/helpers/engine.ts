import type { Engine } from '../../../electron/engine/engine.js';
import type { SecretSealer } from '../../../electron/engine/connections/vault.js';
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
