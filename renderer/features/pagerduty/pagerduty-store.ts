import { create } from 'zustand';
import type { PagerDutyIncident } from '../../../shared/api/pagerduty.js';
import { api, errorMessage } from '../../api/api-client.js';

/**
 * PagerDuty incidents of the user's services, as the engine last read them. Polled while
 * shown; the engine itself reads PagerDuty on its own interval, so this only picks that up.
 */

export interface PagerDutyState {
  incidents: PagerDutyIncident[] | null;
  asOf: number | null;
  stale: boolean;
  error: string | null;
}

export const usePagerDutyStore = create<PagerDutyState>()(() => ({ incidents: null, asOf: null, stale: false, error: null }));

const POLL_MS = 10_000;
let seq = 0;

export async function loadPagerDutyIncidents(): Promise<void> {
  const mine = ++seq;
  try {
    const { incidents, asOf, stale } = await api().call('pagerduty.incidents', {});
    if (mine === seq) usePagerDutyStore.setState({ incidents, asOf, stale, error: null });
  } catch (error) {
    if (mine === seq) usePagerDutyStore.setState({ error: errorMessage(error) });
  }
}

/** Polls while a view shows PagerDuty incidents; returns the stop. */
export function watchPagerDutyIncidents(): () => void {
  void loadPagerDutyIncidents();
  const timer = setInterval(() => {
    if (document.visibilityState !== 'hidden') void loadPagerDutyIncidents();
  }, POLL_MS);
  return () => clearInterval(timer);
}
