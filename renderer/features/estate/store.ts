import { create } from 'zustand';
import type { EntityDetail, EstateFrame, EstateOverviewAnswer, EstateSnapshot } from '../../../shared/api/estate.js';
import type { Source } from '../../../shared/api/sources.js';
import type { EstateEvent } from '../../../shared/estate/event.js';
import { unpackEstateSnapshot } from '../../../shared/estate/packed-snapshot.js';
import { api, errorMessage } from '../../api/api-client.js';
import { useSourcesStore } from '../sources/sources-store.js';
import { EstateIndex } from './estate-index.js';
import { EntitySearch } from './entity-search.js';

/**
 * The estate as the renderer holds it. The entities live in one EstateIndex outside React;
 * frames from `estate.subscribe` are applied to it as they arrive, and this store publishes
 * the index's version at a steady cadence (PUBLISH_MS), so a burst of a hundred frames costs
 * views one re-render, not a hundred (STYLE.md, "fast data stays out of React").
 *
 * Protocol (shared/api/estate.ts): subscribe first, then snapshot, then apply frames numbered
 * after the snapshot's; a gap in the numbering (missed frames, an engine restart) re-snapshots.
 */

export const estateIndex = new EstateIndex();
/** Finding an entity by name in estateIndex, for every finder and the topology's highlight. */
export const entitySearch = new EntitySearch(estateIndex);

/**
 * How often views learn about changes while frames keep coming. The first frame after a quiet
 * spell is published at once (see schedulePublish), so a burst starts showing without waiting
 * for a tick, but its last frame waits for the next one: at 250 ms that wait was most of what a
 * 5,000-pod burst took to show on the topology at 50,000 pods once its frames were in. Views
 * that cost more than this to refresh pace themselves (the overview, the topology's re-layout),
 * so a shorter tick costs a burst a few more cheap publishes, not more heavy work.
 */
export const PUBLISH_MS = 100;
const RECENT_EVENTS = 500;

export type EstatePhase = 'loading' | 'ready' | 'error';

export interface EstateState {
  phase: EstatePhase;
  error: string | null;
  /** estateIndex.dataVersion as last published: select it to re-derive on any change. */
  version: number;
  /** estateIndex.structureVersion as last published: select it to re-layout. */
  structureVersion: number;
  /** When the engine cut the last snapshot or frame we applied. */
  asOf: number | null;
  sources: ReadonlyMap<string, Source>;
  /**
   * The engine's own overview (estate.overview), held while the first snapshot is on its way so
   * the overview can be drawn from it; null once estateIndex holds the estate (phase 'ready').
   */
  firstOverview: EstateOverviewAnswer | null;
}

export const useEstateStore = create<EstateState>()(() => ({
  phase: 'loading',
  error: null,
  version: 0,
  structureVersion: 0,
  asOf: null,
  sources: new Map(),
  firstOverview: null,
}));

/** Recent events from frames, newest last, for detail panels that show events live. */
const recentEvents: EstateEvent[] = [];

export function recentEventsFor(entityId: string): EstateEvent[] {
  return recentEvents.filter((e) => e.entityId === entityId);
}

export function fetchEntityDetail(id: string): Promise<EntityDetail> {
  return api().call('estate.entity', { id });
}

let lastFrame = -1;
let snapshotPending: Promise<void> | null = null;
let buffered: EstateFrame[] = [];
let publishTimer: ReturnType<typeof setTimeout> | null = null;
let publishing = false;
let lastPublished = Number.NEGATIVE_INFINITY;
let lastAsOf: number | null = null;

/**
 * Publishes on the leading edge: at once (in the next task, so the frames of one burst that
 * arrive together are published together) when the last publish was PUBLISH_MS ago or more,
 * otherwise when that much has passed. A fixed tick instead made a frame wait up to a whole
 * PUBLISH_MS however quiet the estate had been, so a burst's last frame waited for the tick.
 */
function schedulePublish(): void {
  if (!publishing || publishTimer !== null) return;
  const wait = Math.max(0, lastPublished + PUBLISH_MS - performance.now());
  publishTimer = setTimeout(() => {
    publishTimer = null;
    publish();
  }, wait);
}

function publish(): void {
  lastPublished = performance.now();
  const state = useEstateStore.getState();
  if (state.version === estateIndex.dataVersion && state.asOf === lastAsOf) return;
  useEstateStore.setState({
    version: estateIndex.dataVersion,
    structureVersion: estateIndex.structureVersion,
    asOf: lastAsOf,
  });
  prepareSearchWhenIdle();
}

let searchPreparing = false;

/**
 * Brings the finders' search up to the published estate when the browser is idle, so the next
 * keystroke does not pay for it: a frame that replaced a cluster's pods (a relist) otherwise
 * left the first keystroke after it to fold thousands of names (15-20 ms at 10,000 pods).
 * One request at a time; a publish meanwhile is caught by the pending one, which reads the
 * index as it is when it runs.
 */
function prepareSearchWhenIdle(): void {
  if (searchPreparing) return;
  searchPreparing = true;
  whenIdle(() => {
    searchPreparing = false;
    entitySearch.prepare();
  });
}

function applyFrame(frame: EstateFrame): void {
  estateIndex.apply(frame);
  lastFrame = frame.frame;
  lastAsOf = frame.asOf;
  if (frame.events.length > 0) {
    recentEvents.push(...frame.events);
    if (recentEvents.length > RECENT_EVENTS) recentEvents.splice(0, recentEvents.length - RECENT_EVENTS);
  }
  schedulePublish();
}

function onFrame(frame: EstateFrame): void {
  if (snapshotPending) {
    buffered.push(frame);
    return;
  }
  // The subscription's first message repeats the frame the engine is at: nothing missed.
  if (frame.frame === lastFrame) return;
  // That first message (after every reconnect too) is empty and carries none of that frame's
  // changes (the engine cuts no empty frames), so one numbered next is not that frame: we
  // missed it (the snapshot was cut before the subscription opened, or the link was down).
  if (frame.frame === lastFrame + 1 && !isEmptyFrame(frame)) {
    applyFrame(frame);
    return;
  }
  // A gap (frames lost while the link was down) or a restarted engine counting from zero.
  buffered = [frame];
  void resnapshot();
}

function isEmptyFrame(frame: EstateFrame): boolean {
  return frame.upserted.length + frame.removed.length + frame.relationsUpserted.length + frame.relationsRemoved.length + frame.events.length === 0;
}

/**
 * Opened once the overview drawn from the engine's answer has reached the screen (or there is
 * none to wait for); the first snapshot is asked for only then. Parsing, checking, unpacking and
 * indexing it holds the page for a second or more at 50,000 pods on a busy machine, and doing
 * that before would keep that overview from being drawn at all.
 */
let firstOverviewShown: Promise<void> = Promise.resolve();
let showFirstOverview: (() => void) | null = null;

/** The overview view calls this once it has painted from `firstOverview`. */
export function firstOverviewDrawn(): void {
  if (showFirstOverview && useEstateStore.getState().firstOverview) performance.mark('daytwo:overview-painted');
  showFirstOverview?.();
}

/**
 * Asks the engine for its overview beside the first snapshot, so the overview can be drawn
 * before the snapshot is unpacked. Only the first time, and only for a page that opens on the
 * overview: afterwards (and in every other view) the console's own index answers.
 */
function askFirstOverview(): void {
  firstOverviewShown = new Promise<void>((resolve) => {
    const done = () => {
      showFirstOverview = null;
      resolve();
    };
    showFirstOverview = done;
    // However the page fares (the view gone elsewhere, the answer slow), the snapshot is asked
    // for no later than FIRST_OVERVIEW_WAIT_MS after the console's script is here.
    firstOverviewWaitLimit = done;
  });
  api()
    .call('estate.overview', {})
    .then((answer) => {
      // The snapshot got here first: the index answers from now on.
      if (useEstateStore.getState().phase !== 'loading') return firstOverviewDrawn();
      lastAsOf = answer.asOf;
      // Marks for test/bench/first-paint.js, which prints where a page load's time went.
      performance.mark('daytwo:overview-answer');
      useEstateStore.setState({ firstOverview: answer, asOf: answer.asOf, sources: mergeSources(answer.sources) });
    })
    // No overview to draw (an older engine, a source's parent cycle): the snapshot draws it.
    .catch(() => firstOverviewDrawn());
}

let firstOverviewWaitLimit: (() => void) | null = null;
const FIRST_OVERVIEW_WAIT_MS = 1_500;

async function untilFirstOverviewShown(): Promise<void> {
  const limit = firstOverviewWaitLimit;
  if (!limit) return;
  firstOverviewWaitLimit = null;
  const timer = setTimeout(limit, FIRST_OVERVIEW_WAIT_MS);
  await firstOverviewShown;
  clearTimeout(timer);
}

/** What the first snapshot request waits for (main.tsx: the console's script, when the engine's overview is drawn first). */
let firstSnapshotAfter: Promise<void> | null = null;

async function resnapshot(): Promise<void> {
  if (snapshotPending) return snapshotPending;
  snapshotPending = (async () => {
    try {
      const after = firstSnapshotAfter;
      firstSnapshotAfter = null;
      if (after) await after;
      await untilFirstOverviewShown();
      // Packed for the wire (a sixth of the bytes at 50,000 pods) and checked on arrival by the client.
      const packed = await api().call('estate.packedSnapshot', {});
      performance.mark('daytwo:snapshot-checked');
      const snapshot = unpackEstateSnapshot(packed);
      estateIndex.load(snapshot.entities, snapshot.relations);
      performance.mark('daytwo:snapshot-indexed');
      lastFrame = snapshot.frame;
      lastAsOf = snapshot.asOf;
      const pending = buffered.filter((f) => f.frame > snapshot.frame).sort((a, b) => a.frame - b.frame);
      buffered = [];
      snapshotPending = null;
      for (const frame of pending) onFrame(frame);
      useEstateStore.setState({ phase: 'ready', error: null, sources: mergeSources(snapshot.sources), firstOverview: null });
      publish();
      prepareSearchWhenIdle();
    } catch (error) {
      snapshotPending = null;
      useEstateStore.setState({ phase: estateIndex.entities.size > 0 ? 'ready' : 'error', error: errorMessage(error) });
      // The link may be reconnecting; try again shortly rather than leave the views empty.
      setTimeout(() => void resnapshot(), 2_000);
    }
  })();
  return snapshotPending;
}

/** After the views have drawn what they just learned; the next task where the browser has none. */
function whenIdle(work: () => void): void {
  if (typeof requestIdleCallback === 'function') requestIdleCallback(work, { timeout: 5_000 });
  else setTimeout(work, 500);
}

/** The live source list (sources.subscribe) wins over the snapshot's copy, which can be older. */
function mergeSources(fromSnapshot: readonly Source[]): Map<string, Source> {
  const merged = new Map(fromSnapshot.map((s) => [s.id, s]));
  for (const source of useSourcesStore.getState().sources ?? []) merged.set(source.id, source);
  return merged;
}

let stopFeed: (() => void) | null = null;

/**
 * Opens the feed for the life of the window; returns a function that closes it (tests, hot
 * reload). The page's entry opens it before the rest of the console has loaded, so the
 * snapshot is on its way meanwhile; startConsole asks again and gets the same feed.
 */
export function startEstate(options: { overviewFirst?: boolean; snapshotAfter?: Promise<void> } = {}): () => void {
  if (stopFeed) return stopFeed;
  if (options.overviewFirst && estateIndex.entities.size === 0 && useEstateStore.getState().phase === 'loading') askFirstOverview();
  firstSnapshotAfter = options.snapshotAfter ?? null;
  const unsubscribe = api().subscribe(
    'estate.subscribe',
    {},
    onFrame,
    (error) => useEstateStore.setState({ error: error.message }),
  );
  const unwatchSources = useSourcesStore.subscribe((state) => {
    if (state.sources) useEstateStore.setState({ sources: mergeSources([...useEstateStore.getState().sources.values()]) });
  });
  publishing = true;
  void resnapshot();
  stopFeed = () => {
    unsubscribe();
    unwatchSources();
    publishing = false;
    if (publishTimer) clearTimeout(publishTimer);
    publishTimer = null;
    stopFeed = null;
  };
  return stopFeed;
}

/** Loads a fixed estate with no engine behind it (unit tests, the layout benchmark). */
export function loadEstate(snapshot: Pick<EstateSnapshot, 'entities' | 'relations' | 'sources' | 'asOf'>): void {
  estateIndex.load(snapshot.entities, snapshot.relations);
  lastAsOf = snapshot.asOf;
  useEstateStore.setState({ phase: 'ready', error: null, sources: new Map(snapshot.sources.map((s) => [s.id, s])) });
  publish();
}
