import type { Source, SourceState } from '../../../shared/api/sources.js';
import type { IconName } from '../../app/icons.js';

export type Tone = 'ok' | 'warn' | 'bad' | 'info' | 'muted';

/** How each state looks: a tone for colour and a distinct icon shape for everyone. */
export const stateLook: Record<SourceState, { tone: Tone; icon: IconName }> = {
  live: { tone: 'ok', icon: 'live' },
  connecting: { tone: 'info', icon: 'connecting' },
  degraded: { tone: 'warn', icon: 'degraded' },
  offline: { tone: 'muted', icon: 'offline' },
  unauthorized: { tone: 'bad', icon: 'unauthorized' },
  error: { tone: 'bad', icon: 'error' },
  disabled: { tone: 'muted', icon: 'disabled' },
};

/** Worst first: what needs a person's attention leads every list. */
const severity: Record<SourceState, number> = {
  error: 0,
  unauthorized: 1,
  offline: 2,
  degraded: 3,
  connecting: 4,
  live: 5,
  disabled: 6,
};

export function byAttention(a: Source, b: Source): number {
  return severity[a.state] - severity[b.state] || a.name.localeCompare(b.name) || a.id.localeCompare(b.id);
}

export function countByState(sources: readonly Source[]): Array<[SourceState, number]> {
  const counts = new Map<SourceState, number>();
  for (const s of sources) counts.set(s.state, (counts.get(s.state) ?? 0) + 1);
  return [...counts.entries()].sort((a, b) => severity[a[0]] - severity[b[0]]);
}

export const kindLabels: Record<Source['kind'], string> = {
  kubernetes: 'Kubernetes',
  aws: 'AWS',
  prometheus: 'Prometheus',
  alertmanager: 'Alertmanager',
  pagerduty: 'PagerDuty',
};
