import { create } from 'zustand';
import type { Alert } from '../../../shared/api/metrics.js';
import { api, errorMessage } from '../../api/api-client.js';

/**
 * CloudWatch alarms and Prometheus alerts as the engine ranks them (worst first). Polled while
 * the list is open: alarm state changes at the pace of an evaluation period (a minute), so a
 * fifteen-second poll is never the slow part.
 */

export interface AlertsState {
  alerts: Alert[] | null;
  asOf: number | null;
  error: string | null;
  loading: boolean;
}

export const useAlertsStore = create<AlertsState>()(() => ({ alerts: null, asOf: null, error: null, loading: false }));

const POLL_MS = 15_000;
let seq = 0;

export async function loadAlerts(): Promise<void> {
  const mine = ++seq;
  useAlertsStore.setState({ loading: true });
  try {
    const { alerts, asOf } = await api().call('alerts.list', {});
    if (mine === seq) useAlertsStore.setState({ alerts, asOf, error: null, loading: false });
  } catch (error) {
    if (mine === seq) useAlertsStore.setState({ error: errorMessage(error), loading: false });
  }
}

/** Polls while a view shows alerts; returns the stop. */
export function watchAlerts(): () => void {
  void loadAlerts();
  const timer = setInterval(() => {
    if (document.visibilityState !== 'hidden') void loadAlerts();
  }, POLL_MS);
  return () => clearInterval(timer);
}

export { countByState, filterAlerts, worstFirst } from './alerts-order.js';
export type { AlertFilter } from './alerts-order.js';
