import type { upgradeMethods } from '../../../shared/api/upgrades.js';
import type { Handler } from '../api/router.js';
import { readiness, type ReadinessDeps } from './readiness.js';

type UpgradeMethod = keyof typeof upgradeMethods;

/** The API handlers for upgrade readiness; the engine spreads them into its router. */
export function upgradeHandlers(deps: ReadinessDeps): { [M in UpgradeMethod]: Handler<M> } {
  return {
    'upgrades.readiness': async ({ cluster, targetVersion }) => ({ report: await readiness(deps, cluster, targetVersion) }),
  };
}
