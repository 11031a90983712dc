import { create } from 'zustand';
import type { Result } from '../../../shared/api/contract.js';
import type { CatalogService, HistoryEntry, OfferedFix, Scorecard, Team } from '../../../shared/api/catalog.js';
import type { EstateEvent } from '../../../shared/estate/event.js';
import type { Incident } from '../../../shared/api/incidents.js';
import { api, errorMessage } from '../../api/api-client.js';
import { openPlanFor } from './offered-fix.js';

/**
 * The catalog as the engine assembles it, and the open service's card and history. Polled while
 * a catalog view is open: the engine re-evaluates within a second of an estate change, so a
 * three-second poll shows a `kubectl scale` in a few seconds without a subscription of its own.
 */

export type CatalogList = Result<'catalog.list'>;

export interface CatalogState {
  list: CatalogList | null;
  teams: Team[] | null;
  /** The open service page. */
  service: { service: CatalogService; scorecard: Scorecard | null } | null;
  history: HistoryEntry[] | null;
  /** The open service's last week: rollouts, operations, alarms and alerts on its workloads, and incidents naming them. */
  activity: { events: EstateEvent[]; incidents: Incident[] } | null;
  error: string | null;
}

export const useCatalogStore = create<CatalogState>()(() => ({ list: null, teams: null, service: null, history: null, activity: null, error: null }));

const WEEK_MS = 7 * 24 * 3600_000;

const POLL_MS = 3_000;
let seq = 0;

export async function loadCatalog(): Promise<void> {
  const mine = ++seq;
  try {
    const [list, { teams }] = await Promise.all([api().call('catalog.list', {}), api().call('catalog.teams', {})]);
    if (mine === seq) useCatalogStore.setState({ list, teams, error: null });
  } catch (error) {
    if (mine === seq) useCatalogStore.setState({ error: errorMessage(error) });
  }
}

export async function loadService(id: string): Promise<void> {
  try {
    const [detail, { entries }] = await Promise.all([api().call('catalog.get', { id }), api().call('scorecards.history', { service: id, limit: 50 })]);
    useCatalogStore.setState({ service: detail, history: entries, error: null });
    void loadActivity(detail.service);
  } catch (error) {
    useCatalogStore.setState({ service: null, history: null, activity: null, error: errorMessage(error) });
  }
}

/** Recent events and incidents through the APIs that own them; a failure here leaves the page as it is. */
async function loadActivity(service: CatalogService): Promise<void> {
  const ids = service.workloads.map((w) => w.id).slice(0, 200);
  if (ids.length === 0) return;
  const now = Date.now();
  try {
    const [{ events }, { incidents }] = await Promise.all([
      api().call('metrics.events', { entityIds: ids, start: now - WEEK_MS, end: now, limit: 200 }),
      api().call('incidents.list', { limit: 200 }),
    ]);
    const mine = new Set(ids);
    if (useCatalogStore.getState().service?.service.id !== service.id) return;
    useCatalogStore.setState({
      activity: {
        events: events.filter((e) => e.kind !== 'kubernetes' || e.reason === 'ScalingReplicaSet').slice(-20).reverse(),
        incidents: incidents.filter((i) => i.impacted.some((id) => mine.has(id))).slice(0, 10),
      },
    });
  } catch {
    // Events and incidents are context on this page, not its subject: the scorecard stands without them.
  }
}

/** Polls while a catalog view is open; the service id, when a service page is. Returns the stop. */
export function watchCatalog(serviceId: string | null): () => void {
  const tick = () => {
    if (document.visibilityState === 'hidden') return;
    void loadCatalog();
    if (serviceId) void loadService(serviceId);
  };
  if (serviceId && useCatalogStore.getState().service?.service.id !== serviceId) useCatalogStore.setState({ service: null, history: null, activity: null });
  tick();
  const timer = setInterval(tick, POLL_MS);
  return () => clearInterval(timer);
}

export function planFix(fix: OfferedFix): void {
  openPlanFor(fix);
}
