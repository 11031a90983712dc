import type { Source, SourceState } from '../../shared/api/sources.js';

/** "just now", "25 s ago", "4 min ago", "3 h ago", "2 d ago". */
export function formatAge(ms: number): string {
  const seconds = Math.max(0, Math.floor(ms / 1000));
  if (seconds < 10) return 'just now';
  if (seconds < 60) return `${seconds} s ago`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes} min ago`;
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return `${hours} h ago`;
  return `${Math.floor(hours / 24)} d ago`;
}

export const stateLabels: Record<SourceState, string> = {
  connecting: 'connecting',
  live: 'live',
  degraded: 'degraded',
  offline: 'offline',
  unauthorized: 'unauthorized',
  error: 'error',
  disabled: 'disabled',
};

/**
 * How fresh what we show of a source is, in a few words. When the engine itself is out of
 * reach, a source last reported live is only known to have been live until then.
 */
export function describeFreshness(
  source: Pick<Source, 'state' | 'lastSyncAt'>,
  now: number,
  engineLostAt?: number,
): string {
  if (source.state === 'disabled') return 'disabled';
  if (source.state === 'live') {
    return engineLostAt === undefined ? 'live' : `live as of ${formatAge(now - engineLostAt)}`;
  }
  const label = stateLabels[source.state];
  if (source.lastSyncAt === null) return `${label} · never synced`;
  return `${label} · last seen ${formatAge(now - source.lastSyncAt)}`;
}
