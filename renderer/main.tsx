import { connectToEngine } from './api/connect.js';
import { withEarlyCall } from './api/early-call.js';
import { parseRoute } from './app/route-path.js';
import { applyCachedTheme } from './app/theme-cache.js';
import './styles/tokens.css';
import './styles/app.css';

// The page's entry holds only what reaching the engine needs (no zod, no React), so that it runs
// the moment it arrives. It asks the engine for what the first view draws, then imports the
// rest: the console (React, the views: ./app/boot.js, most of the bundle), and the API contract
// with the estate's feed (./app/open-feed.js), built while the console's script is on its way.
applyCachedTheme();
const link = connectToEngine(window);
// A console opening on the overview (the default view) draws it from the engine's own answer
// first; the snapshot is asked for once that overview is on screen (store.ts), and not before
// the console's script is here, so neither the engine's work on it (packing and sending 14.5 MB
// at 50,000 pods holds its event loop) nor the page's (parsing and checking it) holds up the
// script or the drawing. A screen link shows only the wallboard, scoped to what it may see, and
// the engine's overview is not scoped.
const overviewFirst = !('problem' in link) && !link.screen && (parseRoute(window.location.hash)?.view ?? 'overview') === 'overview';
const transport = 'problem' in link ? null : overviewFirst ? withEarlyCall(link.transport, 'estate.overview', {}) : link.transport;
const consoleScript = import('./app/boot.js');
let feedOpened: Promise<unknown> = Promise.resolve();
if (transport) {
  const snapshotAfter = consoleScript.then(() => undefined, () => undefined);
  feedOpened = import('./app/open-feed.js')
    .then(({ openEstateFeed }) => openEstateFeed(transport, overviewFirst ? { overviewFirst, snapshotAfter } : {}))
    // The console opens the feed itself when it starts (start.ts), without the early overview.
    .catch(() => undefined);
}

Promise.all([consoleScript, feedOpened])
  .then(([{ boot }]) => boot(link))
  .catch(() => {
    const root = document.getElementById('root');
    if (root) root.textContent = 'Daytwo could not load the console. Reload the page to try again.';
  });
