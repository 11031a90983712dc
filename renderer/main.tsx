import { createClient } from '../shared/api/client.js';
import { setApiClient } from './api/api-client.js';
import { connectToEngine } from './api/connect.js';
import { parseRoute } from './app/route-path.js';
import { applyCachedTheme } from './app/theme.js';
import { startEstate } from './features/estate/store.js';
import './styles/tokens.css';
import './styles/app.css';

// The page's entry holds only what reaching the engine and the estate's feed need: the estate's
// snapshot is asked for as soon as this small script has run, while the browser still loads the
// console around it (React, the views, the charts: most of the bundle) from ./app/boot.js.
applyCachedTheme();
const link = connectToEngine(window);
// Asked for first: when the overview is drawn from the engine's answer, this is what it waits on.
const consoleScript = import('./app/boot.js');
if (!('problem' in link)) {
  setApiClient(createClient(link.transport));
  // A console opening on the overview (the default view) draws it from the engine's own answer
  // first; the snapshot is asked for once that overview is on screen (store.ts), and not before
  // the console's script is here, so neither the engine's work on it (packing and sending 14.5 MB
  // at 50,000 pods holds its event loop) nor the page's (parsing and checking it) holds up the
  // script or the drawing. A screen link shows only
  // the wallboard, scoped to what it may see, and the engine's overview is not scoped.
  const view = parseRoute(window.location.hash)?.view ?? 'overview';
  const overviewFirst = !link.screen && view === 'overview';
  startEstate(overviewFirst ? { overviewFirst, snapshotAfter: consoleScript.then(() => undefined, () => undefined) } : {});
}

consoleScript
  .then(({ boot }) => boot(link))
  .catch(() => {
    const root = document.getElementById('root');
    if (root) root.textContent = 'Daytwo could not load the console. Reload the page to try again.';
  });
