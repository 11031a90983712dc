import { Component, Suspense, lazy, type ComponentType, type ReactNode } from 'react';

type ViewComponent = ComponentType<{ rest: string[] }>;

const loaders: (() => Promise<unknown>)[] = [];

/**
 * A main view whose code is fetched when it is first shown, not with the console: the charts
 * (recharts and its d3, redux and immer) and the runbooks' Markdown parser were most of the
 * console's script, which the page parses and runs before it can draw the overview at all.
 * `preloadViews` fetches them all once the console is up, so later navigation does not wait
 * and a host-mode engine that goes away afterwards leaves every view usable.
 */
export function lazyView(load: () => Promise<ViewComponent>): ViewComponent {
  let pending: Promise<{ default: ViewComponent }> | null = null;
  const fetchOnce = () => {
    // A failed fetch (the engine restarting under host mode) is tried again on the next showing.
    pending ??= load().then(
      (view) => ({ default: view }),
      (error: unknown) => {
        pending = null;
        throw new ViewLoadError(error);
      },
    );
    return pending;
  };
  loaders.push(fetchOnce);
  const Lazy = lazy(fetchOnce);
  function LazyView(props: { rest: string[] }) {
    return (
      <CouldNotLoad>
        <Suspense fallback={<section className="view"><p className="help">Loading…</p></section>}>
          <Lazy {...props} />
        </Suspense>
      </CouldNotLoad>
    );
  }
  return LazyView;
}

/** Fetches every lazy view's code in the background; failures wait for the view's own showing. */
export function preloadViews(): void {
  for (const load of loaders) load().catch(() => {});
}

class ViewLoadError extends Error {
  constructor(cause: unknown) {
    super('A view could not be loaded', { cause });
  }
}

/** Says so when a view's code could not be fetched; any other error goes on to whoever handled it before. */
class CouldNotLoad extends Component<{ children: ReactNode }, { error: unknown }> {
  override state: { error: unknown } = { error: null };

  static getDerivedStateFromError(error: unknown): { error: unknown } {
    return { error };
  }

  override render(): ReactNode {
    if (this.state.error === null) return this.props.children;
    if (!(this.state.error instanceof ViewLoadError)) throw this.state.error;
    return (
      <section className="view" role="alert">
        <p>Daytwo could not load this view. Check that its engine is running, then reload the page.</p>
        <button type="button" onClick={() => window.location.reload()}>
          Reload
        </button>
      </section>
    );
  }
}
