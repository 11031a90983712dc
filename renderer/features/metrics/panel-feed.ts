import type { Panel } from '../../../shared/api/metrics.js';
import { canonicalQuery } from '../../../shared/metrics/query.js';
import { api, errorMessage } from '../../api/api-client.js';
import { panelData } from './panel-data.js';
import type { PanelData, QueryOutcome } from './panel-data.js';
import type { TimeWindow } from './time-range.js';

/**
 * One panel's data, fetched and held outside React (STYLE.md: fast data stays out of React).
 * The chart reads it through useSyncExternalStore and re-renders only when an answer lands,
 * never per request or per tick. Each answer is turned into chart rows once, here.
 *
 * maxPoints is the chart's plot width, measured by the chart, so no answer holds more points
 * per series than the chart has pixels; a resize re-buckets what is held at once (no chart is
 * ever drawn with more rows than pixels) and asks again at the new width.
 */

export interface FeedSnapshot {
  /** null until the first answer. */
  data: PanelData | null;
  loading: boolean;
}

export class PanelFeed {
  readonly key: string;
  private snapshot: FeedSnapshot = { data: null, loading: true };
  private readonly listeners = new Set<() => void>();
  private window: TimeWindow | null = null;
  private width = 0;
  private inFlight = false;
  private again = false;
  private disposed = false;
  private lastOutcomes: QueryOutcome[] | null = null;
  private lastWindow: TimeWindow | null = null;

  constructor(readonly panel: Panel) {
    this.key = feedKey(panel);
  }

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  getSnapshot = (): FeedSnapshot => this.snapshot;

  /** How often a live tail should re-ask, from the engine's last answer. */
  get refreshMs(): number | null {
    return this.snapshot.data?.refreshMs ?? null;
  }

  setWindow(window: TimeWindow): void {
    if (this.window && this.window.start === window.start && this.window.end === window.end) return;
    this.window = window;
    void this.fetch();
  }

  setWidth(width: number): void {
    const w = Math.max(2, Math.min(20_000, Math.floor(width)));
    if (w === this.width) return;
    this.width = w;
    // Redraw what is held on the new pixel grid now; the sharper answer follows.
    if (this.lastOutcomes && this.lastWindow) this.publish({ data: panelData(this.panel, this.lastOutcomes, this.lastWindow, w), loading: true });
    void this.fetch();
  }

  /** Ask again for the same window (after a reconnect, or a person pressing refresh). */
  refresh(): void {
    void this.fetch();
  }

  dispose(): void {
    this.disposed = true;
    this.listeners.clear();
  }

  private publish(next: FeedSnapshot): void {
    this.snapshot = next;
    for (const listener of this.listeners) listener();
  }

  private async fetch(): Promise<void> {
    if (this.disposed || !this.window || this.width < 2) return;
    // One request per panel at a time; a window that moved meanwhile is asked for next.
    if (this.inFlight) {
      this.again = true;
      return;
    }
    this.inFlight = true;
    if (!this.snapshot.loading) this.publish({ ...this.snapshot, loading: true });
    const window = { start: Math.round(this.window.start), end: Math.round(this.window.end) };
    const width = this.width;
    const outcomes = await Promise.all(
      this.panel.queries.map((q) =>
        api()
          .call('metrics.query', { source: q.source, query: q.query, start: window.start, end: window.end, maxPoints: width })
          .then(
            (result): QueryOutcome => ({ result }),
            (error: unknown): QueryOutcome => ({ error: errorMessage(error) }),
          ),
      ),
    ).catch((error: unknown) => this.panel.queries.map((): QueryOutcome => ({ error: errorMessage(error) })));
    this.inFlight = false;
    if (this.disposed) return;
    this.lastOutcomes = outcomes;
    this.lastWindow = window;
    this.publish({ data: panelData(this.panel, outcomes, window, this.width), loading: this.again });
    if (this.again) {
      this.again = false;
      void this.fetch();
    }
  }
}

/** Same panel, same questions: the feed (and what it holds) survives a reload of the panel list. */
export function feedKey(panel: Panel): string {
  return `${panel.id}\u0000${panel.unit}\u0000${panel.queries.map((q) => `${q.source}\u0001${canonicalQuery(q.query)}\u0001${q.label ?? ''}`).join('\u0002')}`;
}
