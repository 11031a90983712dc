import type { Handlers } from '../api/router.js';
import type { UnleashConnections } from '../sources/unleash-connections.js';
import type { FlagBoard } from './flag-board.js';

type FlagMethod = 'flags.forService' | 'flags.unleashConnections' | 'flags.connectUnleash' | 'flags.disconnectUnleash';

export function flagHandlers(board: FlagBoard, unleash: UnleashConnections): Pick<Handlers, FlagMethod> {
  return {
    'flags.forService': ({ serviceId }) => board.forService(serviceId),
    'flags.unleashConnections': () => ({ connections: unleash.list() }),
    'flags.connectUnleash': ({ url, token }) => unleash.connect(url, token),
    'flags.disconnectUnleash': ({ url }) => {
      unleash.disconnect(url);
      return { url };
    },
  };
}
