import type { Source } from '../../../shared/api/sources.js';
import { formatAge } from '../../app/freshness.js';

/**
 * How fresh what a view shows is (ARCHITECTURE.md, "Offline and staleness"): live while the
 * source that reported it is live, otherwise "last seen N min ago" from the source's last good
 * sync (or, failing that, when the entity was last confirmed).
 */
export interface Freshness {
  live: boolean;
  /** "live", "last seen 4 min ago", "never synced". */
  label: string;
  /** Longer wording for a tooltip: the source's state and reason. */
  detail: string;
  /** Epoch ms of the last confirmation, or null when never. */
  lastSeenAt: number | null;
}

/** Derived entities (clouds, regions, apps) are computed by the engine from what sources report. */
const derivedSourceId = 'derived';

function freshnessOfSource(source: Source | undefined, observedAt: number | null, now: number): Freshness {
  if (source && (source.state === 'live' || source.state === 'degraded')) {
    return {
      live: true,
      label: source.state === 'live' ? 'live' : 'live (degraded)',
      detail: `${source.name}: ${source.state}${source.reason ? ` — ${source.reason}` : ''}`,
      lastSeenAt: source.lastSyncAt ?? observedAt,
    };
  }
  const lastSeenAt = source?.lastSyncAt ?? observedAt;
  const state = source ? `${source.name}: ${source.state}${source.reason ? ` — ${source.reason}` : ''}` : 'source not configured';
  if (lastSeenAt === null) return { live: false, label: 'never synced', detail: state, lastSeenAt: null };
  return { live: false, label: `last seen ${formatAge(now - lastSeenAt)}`, detail: state, lastSeenAt };
}

export function entityFreshness(
  entity: { sourceId: string; observedAt: number },
  sources: ReadonlyMap<string, Source>,
  now: number,
): Freshness {
  if (entity.sourceId === derivedSourceId) {
    return { live: true, label: 'derived', detail: 'Rolled up by Daytwo from what its members report', lastSeenAt: entity.observedAt };
  }
  return freshnessOfSource(sources.get(entity.sourceId), entity.observedAt, now);
}

/** A group is only as fresh as its stalest source: one offline cluster makes its cloud row stale. */
export function groupFreshness(sourceIds: Iterable<string>, sources: ReadonlyMap<string, Source>, now: number): Freshness {
  let stalest: Freshness | null = null;
  for (const id of sourceIds) {
    if (id === derivedSourceId) continue;
    const f = freshnessOfSource(sources.get(id), null, now);
    if (stalest === null || (stalest.live && !f.live) || (!stalest.live && !f.live && (f.lastSeenAt ?? 0) < (stalest.lastSeenAt ?? 0))) {
      stalest = f;
    }
  }
  return stalest ?? { live: true, label: 'live', detail: 'no sources', lastSeenAt: null };
}
