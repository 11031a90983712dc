import type { UnleashEnvironment } from '../providers/unleash/admin-api.js';
import type { UnleashConnections } from '../sources/unleash-connections.js';
import { explainUnleash } from '../sources/unleash-connections.js';
import type { ExternalSystem } from './external-operation.js';
import { parseUnleashTarget } from './kinds/unleash-flag.js';
import type { UnleashActor } from './kinds/unleash-flag.js';

export interface UnleashAccessOptions {
  connections: UnleashConnections;
  isProductionName(name: string): boolean;
  usersOf(project: string, feature: string): { id: string; name: string }[];
}

/**
 * What the operations service needs to act on Unleash: the target names the connection, the
 * client is its Admin API with the vault's token, and liveness is what the last call said
 * (a plan reads the feature live anyway, so an unchecked connection is tried, not refused).
 */
export function unleashAccess(options: UnleashAccessOptions): ExternalSystem<UnleashActor> {
  const { connections } = options;
  const statusOf = (url: string) => connections.list().find((c) => c.url === url);
  return {
    parseTarget: (id) => parseUnleashTarget(id),
    client(target) {
      const { url } = parseUnleashTarget(target.id);
      const api = connections.client(url);
      if (!api) return undefined;
      return {
        api,
        isProduction: (env: UnleashEnvironment) => env.type === 'production' || options.isProductionName(env.name),
        usersOf: options.usersOf,
      };
    },
    isLive(target) {
      const status = statusOf(parseUnleashTarget(target.id).url);
      return status !== undefined && status.state !== 'unauthorized';
    },
    notLiveReason(target) {
      const { url } = parseUnleashTarget(target.id);
      const status = statusOf(url);
      return status ? `Unleash at ${url} is ${status.state}: ${status.reason}` : `No Unleash connection to ${url} is configured; add it in Settings.`;
    },
    actingAs(target) {
      return statusOf(parseUnleashTarget(target.id).url)?.actingAs ?? null;
    },
    explain(error) {
      return explainUnleash(error, 'the Unleash server');
    },
  };
}
