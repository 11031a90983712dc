import { create } from 'zustand';
import { parseRoute, routeHash } from './route-path.js';
import type { Route } from './route-path.js';

export { routeHash } from './route-path.js';
export type { Route } from './route-path.js';

interface RouteState {
  route: Route;
  /** True when the last change came from inside the app, so focus should follow it. */
  moved: boolean;
}

export const useRouteStore = create<RouteState>()(() => ({ route: { view: '', rest: [] }, moved: false }));

export function navigate(view: string, ...rest: string[]): void {
  const hash = routeHash(view, ...rest);
  useRouteStore.setState({ route: { view, rest }, moved: true });
  if (window.location.hash !== hash) window.location.hash = hash;
}

/** Follows the address bar (back/forward, typed URLs); unknown or empty routes go to fallback. */
export function startRouting(isKnown: (view: string) => boolean, fallback: string): () => void {
  const sync = () => {
    const parsed = parseRoute(window.location.hash);
    if (parsed && isKnown(parsed.view)) {
      useRouteStore.setState({ route: parsed, moved: useRouteStore.getState().route.view !== '' });
    } else {
      useRouteStore.setState({ route: { view: fallback, rest: [] } });
      window.history.replaceState(null, '', routeHash(fallback));
    }
  };
  sync();
  window.addEventListener('hashchange', sync);
  return () => window.removeEventListener('hashchange', sync);
}
