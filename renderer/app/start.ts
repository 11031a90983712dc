import { createClient } from '../../shared/api/client.js';
import { setApiClient } from '../api/api-client.js';
import type { EngineLink } from '../api/link-state.js';
import { linkChanged, loadAppInfo } from './engine-store.js';
import { startClock } from './clock.js';
import { startRouting } from './route.js';
import { defaultViewId, findView } from './views.js';
import { watchSources } from '../features/sources/sources-store.js';
import { loadSettings } from '../features/settings/settings-store.js';
import { startEstate } from '../features/estate/register.js';
import { wallboardViewId } from '../features/wallboard/register.js';

let engineLink: EngineLink | null = null;

/**
 * Wires the stores to the engine once, before the first render: subscriptions stay open for
 * the life of the window (the transport re-opens them after a reconnect), and what is fetched
 * once is fetched again whenever the link comes back, in case the engine restarted.
 */
export function startConsole(link: EngineLink): void {
  engineLink = link;
  setApiClient(createClient(link.transport));
  linkChanged(link.state, link.kind);
  let wasDown = false;
  link.onState((state) => {
    linkChanged(state, link.kind);
    if (state.status === 'open' && wasDown) void refreshEngineFacts();
    wasDown = state.status !== 'open';
  });
  if (link.screen) startRouting((view) => view === wallboardViewId, wallboardViewId);
  else startRouting((view) => findView(view) !== undefined, defaultViewId);
  startClock();
  watchSources();
  startEstate();
  void refreshEngineFacts();
}

function refreshEngineFacts(): Promise<unknown> {
  return Promise.all([loadAppInfo(), loadSettings()]);
}

export function reconnectEngine(): void {
  engineLink?.reconnectNow();
}
