import type { Alert, AlertState } from '../../../shared/api/metrics.js';

/** Alerts worst first and filtered, pure so it is tested without a browser. */

/** The engine's order, restated so the list stays worst first whatever arrives. */
const stateRank: Record<AlertState, number> = { firing: 0, pending: 1, 'insufficient-data': 2, ok: 3 };
const severityRank: Record<Alert['severity'], number> = { critical: 0, warning: 1, info: 2 };

export function worstFirst(a: Alert, b: Alert): number {
  return (
    stateRank[a.state] - stateRank[b.state] ||
    severityRank[a.severity] - severityRank[b.severity] ||
    (b.since ?? 0) - (a.since ?? 0) ||
    a.name.localeCompare(b.name)
  );
}

export interface AlertFilter {
  text: string;
  states: ReadonlySet<AlertState>;
}

export function filterAlerts(alerts: readonly Alert[], filter: AlertFilter): Alert[] {
  const words = filter.text.trim().toLowerCase().split(/\s+/).filter(Boolean);
  return alerts
    .filter((a) => filter.states.size === 0 || filter.states.has(a.state))
    .filter((a) => {
      if (words.length === 0) return true;
      const hay = `${a.name} ${a.summary} ${a.origin} ${a.sourceId} ${Object.entries(a.labels).map(([k, v]) => `${k}=${v}`).join(' ')}`.toLowerCase();
      return words.every((w) => hay.includes(w));
    })
    .sort(worstFirst);
}

export function countByState(alerts: readonly Alert[]): Record<AlertState, number> {
  const counts: Record<AlertState, number> = { firing: 0, pending: 0, 'insufficient-data': 0, ok: 0 };
  for (const a of alerts) counts[a.state] += 1;
  return counts;
}
