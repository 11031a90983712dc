import { createClient } from '../../shared/api/client.js';
import type { Transport } from '../../shared/api/transport.js';
import { setApiClient } from '../api/api-client.js';
import { startEstate } from '../features/estate/store.js';

/**
 * The estate's feed, opened by the page's entry while the console's script is still on its
 * way. A module of its own so that the entry can send its first call before the API contract
 * this pulls in is built.
 */
export function openEstateFeed(transport: Transport, options: Parameters<typeof startEstate>[0]): void {
  setApiClient(createClient(transport));
  startEstate(options);
}
