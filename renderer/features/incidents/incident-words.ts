import type { IncidentStatus, TimelineItemKind } from '../../../shared/api/incidents.js';

export const statusTone: Record<IncidentStatus, string> = {
  investigating: 'tone-bad',
  identified: 'tone-warn',
  mitigated: 'tone-info',
  resolved: 'tone-ok',
};

export const kindWords: Record<TimelineItemKind, string> = {
  'k8s-event': 'Kubernetes event',
  rollout: 'Rollout',
  pod: 'Pod',
  node: 'Node',
  alarm: 'Alarm',
  alert: 'Alert',
  operation: 'Operation',
  note: 'Note',
  incident: 'Incident',
  pagerduty: 'PagerDuty',
  runbook: 'Runbook',
};

export function utcTime(at: number): string {
  return new Date(at).toISOString().slice(11, 19);
}

export function utcDateTime(at: number): string {
  return new Date(at).toISOString().slice(0, 19).replace('T', ' ');
}

/** T+1h02m05s from the anchor (detection or declaration); T- before it. */
export function tPlus(ms: number): string {
  const sign = ms < 0 ? '-' : '+';
  const s = Math.floor(Math.abs(ms) / 1000);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = s % 60;
  const mm = String(m).padStart(2, '0');
  const ss = String(sec).padStart(2, '0');
  return h > 0 ? `T${sign}${h}h${mm}m${ss}s` : `T${sign}${m}m${ss}s`;
}
