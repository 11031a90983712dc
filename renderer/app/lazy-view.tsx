import { Component, Suspense, lazy, type ComponentType, type ReactNode } from 'react';

type ViewComponent = ComponentType<{ rest: string[] }>;

/**
 * A main view whose code is fetched when it is first shown, not with the console: the charts
 * (recharts and its d3, redux and immer) and the runbooks' Markdown parser were most of the
 * console's script, which the page parses and runs before it can draw the overview at all.
 * Not fetched ahead in the background: running 500 KB of modules at a moment of the browser's
 * choosing is a pause the operator did not ask for (it would land on a keystroke in a finder),
 * and the first showing waits only for a file from the engine or the app's own disk.
 */
export function lazyView(load: () => Promise<ViewComponent>): ViewComponent {
  // React keeps what the first fetch gave; the failure's own message offers the reload that tries again.
  const Lazy = lazy(() =>
    load().then(
      (view) => ({ default: view }),
      (error: unknown) => {
        throw new ViewLoadError(error);
      },
    ),
  );
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
