import { create } from 'zustand';
import type { MissingSignal, Panel } from '../../../shared/api/metrics.js';
import type { EstateEvent } from '../../../shared/estate/event.js';
import { api, errorMessage } from '../../api/api-client.js';
import { estateIndex } from '../estate/store.js';
import { useSourcesStore } from '../sources/sources-store.js';
import { PanelFeed, feedKey } from './panel-feed.js';
import { isLive, windowFor } from './time-range.js';
import type { PresetId, RangeChoice, TimeWindow } from './time-range.js';

/**
 * The metrics view's state: which entity, its panels, the one time window every chart shares,
 * and the events marked on it. The window lives here so all charts of a view show the same
 * instant range (hover is synced across them); each panel's data lives in its PanelFeed,
 * outside React. Actions are module functions (zustand's "no store actions" practice).
 */

export interface MetricsState {
  entityId: string | null;
  panels: Panel[] | null;
  /** Signals no source has for the entity, and why; shown instead of empty charts. */
  missing: MissingSignal[];
  panelsError: string | null;
  range: RangeChoice;
  /** When the live tail was paused (a preset then holds still at this instant). */
  pausedAt: number | null;
  window: TimeWindow;
  events: EstateEvent[];
  eventsError: string | null;
}

const initialRange: RangeChoice = { kind: 'preset', id: '15m' };

export const useMetricsStore = create<MetricsState>()(() => ({
  entityId: null,
  panels: null,
  missing: [],
  panelsError: null,
  range: initialRange,
  pausedAt: null,
  window: windowFor(initialRange, Date.now(), null),
  events: [],
  eventsError: null,
}));

const feeds = new Map<string, PanelFeed>();

/** The feed that holds a panel's data; the same object for as long as the panel asks the same questions. */
export function feedFor(panel: Panel): PanelFeed {
  const key = feedKey(panel);
  let feed = feeds.get(key);
  if (!feed) {
    feed = new PanelFeed(panel);
    feeds.set(key, feed);
    feed.setWindow(useMetricsStore.getState().window);
  }
  return feed;
}

function pruneFeeds(panels: readonly Panel[]): void {
  const keep = new Set(panels.map(feedKey));
  for (const [key, feed] of feeds) {
    if (!keep.has(key)) {
      feed.dispose();
      feeds.delete(key);
    }
  }
}

// ---- Time window and live tail ------------------------------------------------------------

/** The engine asks for at least this between polls (shared/api/metrics.ts). */
const MIN_REFRESH_MS = 5_000;
let tickTimer: ReturnType<typeof setTimeout> | null = null;

function moveWindow(): void {
  const { range, pausedAt } = useMetricsStore.getState();
  const window = windowFor(range, Date.now(), pausedAt);
  useMetricsStore.setState({ window });
  for (const feed of feeds.values()) feed.setWindow(window);
  void loadEvents();
}

/**
 * The live tail: every chart moves together, as often as the quickest panel's data changes
 * (the engine's refreshMs, never under five seconds), so a 7-day chart is not re-asked every
 * few seconds and a 15-minute one keeps up with a 15-second scrape.
 */
function scheduleTick(): void {
  if (tickTimer) clearTimeout(tickTimer);
  tickTimer = null;
  const { range, pausedAt, entityId } = useMetricsStore.getState();
  if (!entityId || !isLive(range, pausedAt)) return;
  let every = Infinity;
  for (const feed of feeds.values()) every = Math.min(every, feed.refreshMs ?? Infinity);
  const delay = Math.max(MIN_REFRESH_MS, Number.isFinite(every) ? every : MIN_REFRESH_MS);
  tickTimer = setTimeout(() => {
    tickTimer = null;
    if (document.visibilityState !== 'hidden') moveWindow();
    scheduleTick();
  }, delay);
}

export function setRange(range: RangeChoice): void {
  useMetricsStore.setState({ range, pausedAt: null });
  moveWindow();
  scheduleTick();
}

export function setPreset(id: PresetId): void {
  setRange({ kind: 'preset', id });
}

/** Pause or resume the live tail. Resuming a custom range goes back to its length, live. */
export function toggleLive(): void {
  const { range, pausedAt } = useMetricsStore.getState();
  if (range.kind === 'custom') {
    setRange({ kind: 'preset', id: '15m' });
    return;
  }
  if (pausedAt === null) {
    useMetricsStore.setState({ pausedAt: useMetricsStore.getState().window.end });
    scheduleTick();
  } else {
    useMetricsStore.setState({ pausedAt: null });
    moveWindow();
    scheduleTick();
  }
}

export function refreshAll(): void {
  for (const feed of feeds.values()) feed.refresh();
  void loadEvents(true);
}

// ---- Entity, panels, events ---------------------------------------------------------------

let panelsSeq = 0;

export async function loadPanels(): Promise<void> {
  const { entityId } = useMetricsStore.getState();
  if (!entityId) return;
  const seq = ++panelsSeq;
  try {
    const { panels, missing } = await api().call('metrics.panels', { entityId });
    if (seq !== panelsSeq) return;
    pruneFeeds(panels);
    useMetricsStore.setState({ panels, missing, panelsError: null });
  } catch (error) {
    if (seq !== panelsSeq) return;
    useMetricsStore.setState({ panelsError: errorMessage(error) });
  }
  scheduleTick();
}

/** The entity itself and what is one hop along traffic from it: their events belong on its charts. */
export function eventEntityIds(entityId: string): string[] {
  const ids = new Set([entityId]);
  const near = [entityId];
  for (const rel of estateIndex.relationsOf(entityId)) {
    if (rel.kind === 'routes-to' || rel.kind === 'selects' || rel.kind === 'owns' || rel.kind === 'member-of') {
      const other = rel.from === entityId ? rel.to : rel.from;
      if (estateIndex.get(other)?.kind === 'pod') continue;
      ids.add(other);
      near.push(other);
    }
  }
  for (const id of near) {
    for (const rel of estateIndex.relationsOf(id)) if (rel.kind === 'alarms-on' && rel.to === id) ids.add(rel.from);
  }
  return [...ids].slice(0, 200);
}

let eventsAskedAt = 0;
let eventsSeq = 0;
const EVENTS_EVERY_MS = 10_000;

async function loadEvents(force = false): Promise<void> {
  const { entityId, window } = useMetricsStore.getState();
  if (!entityId) return;
  const now = Date.now();
  // Events change slowly next to a live tail; the markers need not move every poll.
  if (!force && now - eventsAskedAt < EVENTS_EVERY_MS) return;
  eventsAskedAt = now;
  const seq = ++eventsSeq;
  try {
    const { events } = await api().call('metrics.events', {
      entityIds: eventEntityIds(entityId),
      start: Math.round(window.start),
      end: Math.round(window.end),
      limit: 200,
    });
    if (seq === eventsSeq) useMetricsStore.setState({ events, eventsError: null });
  } catch (error) {
    if (seq === eventsSeq) useMetricsStore.setState({ eventsError: errorMessage(error) });
  }
}

let unwatchSources: (() => void) | null = null;
let sourcesTimer: ReturnType<typeof setTimeout> | null = null;

/**
 * Opens the view on an entity: panels, window, events, the live tail. Returns the close.
 * Panels are derived from the sources the estate has, so they are asked for again when a
 * source changes state (a Prometheus coming up adds latency panels).
 */
export function openEntityMetrics(entityId: string): () => void {
  const changed = useMetricsStore.getState().entityId !== entityId;
  if (changed) {
    pruneFeeds([]);
    useMetricsStore.setState({ entityId, panels: null, missing: [], panelsError: null, events: [], eventsError: null });
  }
  moveWindow();
  void loadEvents(true);
  void loadPanels();
  let lastStates = sourceStates();
  unwatchSources?.();
  unwatchSources = useSourcesStore.subscribe(() => {
    const states = sourceStates();
    if (states === lastStates) return;
    lastStates = states;
    if (sourcesTimer) clearTimeout(sourcesTimer);
    sourcesTimer = setTimeout(() => {
      void loadPanels();
      refreshAll();
    }, 500);
  });
  const onVisible = () => {
    if (document.visibilityState === 'visible' && isLive(useMetricsStore.getState().range, useMetricsStore.getState().pausedAt)) moveWindow();
  };
  document.addEventListener('visibilitychange', onVisible);
  scheduleTick();
  return () => {
    document.removeEventListener('visibilitychange', onVisible);
    unwatchSources?.();
    unwatchSources = null;
    if (sourcesTimer) clearTimeout(sourcesTimer);
    if (tickTimer) clearTimeout(tickTimer);
    tickTimer = null;
  };
}

function sourceStates(): string {
  return (useSourcesStore.getState().sources ?? []).map((s) => `${s.id}=${s.state}`).join(',');
}

/** Keeps the tail's cadence in step with the engine's answers (called when a feed publishes). */
export function feedAnswered(): void {
  if (!tickTimer) scheduleTick();
}

// ---- The user's own panels --------------------------------------------------------------

export async function removePanel(panelId: string): Promise<void> {
  const { entityId } = useMetricsStore.getState();
  if (!entityId) return;
  await api().call('metrics.removePanel', { entityId, panelId });
  await loadPanels();
}

/** Tests reset the module between cases. */
export function resetMetricsForTests(): void {
  pruneFeeds([]);
  if (tickTimer) clearTimeout(tickTimer);
  tickTimer = null;
  useMetricsStore.setState({ entityId: null, panels: null, missing: [], panelsError: null, range: initialRange, pausedAt: null, events: [], eventsError: null });
}
