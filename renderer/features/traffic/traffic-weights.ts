import type { TrafficRoute } from '../../../shared/api/traffic.js';
import { weightsProblem } from '../../../shared/traffic/traffic-split.js';

/**
 * The Traffic panel's arithmetic: what the slider means in weights, and whether the weights
 * typed are ones the plan will take. The engine validates again; this only keeps the button
 * honest and says why it is disabled.
 */

/** The slider moves the share of the non-stable backends (for two backends: the canary's percentage). */
export function weightsForCanaryPercent(route: TrafficRoute, percent: number): Record<string, number> {
  const pct = Math.max(0, Math.min(100, Math.round(percent)));
  const total = route.total ?? 100;
  const others = route.backends.filter((b) => !b.stable);
  const out: Record<string, number> = {};
  const canaryWeight = Math.round((pct / 100) * total);
  for (const b of route.backends) out[b.service] = b.stable ? total - canaryWeight : others.length === 0 ? 0 : Math.round(canaryWeight / others.length);
  return out;
}

export function canaryPercent(route: TrafficRoute): number {
  return Math.round(route.backends.filter((b) => !b.stable).reduce((n, b) => n + b.share, 0) * 100);
}

/** Why these weights cannot be planned, or null. */
export function draftProblem(route: TrafficRoute, draft: Record<string, number>): string | null {
  const weights = route.backends.map((b) => draft[b.service] ?? b.weight);
  return weightsProblem(weights, route.total ?? undefined);
}

export function sameAsLive(route: TrafficRoute, draft: Record<string, number>): boolean {
  return route.backends.every((b) => (draft[b.service] ?? b.weight) === b.weight);
}
