import type { Drill, DrillSummary, Milestones } from '../../../shared/api/drills.js';

/** The drill clock now: ms since the first injection, paused time left out (as the engine scores it). */
export function drillClockNow(drill: Drill, now: number): number | null {
  const start = drill.injections.length ? Math.min(...drill.injections.map((i) => i.at)) : null;
  if (start === null) return null;
  const until = drill.endedAt ?? now;
  let paused = 0;
  for (const p of drill.pauses) {
    const from = Math.max(p.from, start);
    const to = Math.min(p.to ?? until, until);
    if (to > from) paused += to - from;
  }
  // The screen's clock may lag the engine's by a tick: never show a drill clock before zero.
  return Math.max(0, until - start - paused);
}

export function formatClock(ms: number | null | undefined): string {
  if (ms === null || ms === undefined) return '—';
  const s = Math.floor(Math.abs(ms) / 1000);
  return `${ms < 0 ? '-' : '+'}${String(Math.floor(s / 60)).padStart(2, '0')}:${String(s % 60).padStart(2, '0')}`;
}

/** Per scenario, each milestone's times in the order the drills ran: the trend the history shows. */
export function trends(history: readonly DrillSummary[], milestone: Milestones): { scenario: string; times: (number | null)[] }[] {
  const byScenario = new Map<string, DrillSummary[]>();
  for (const d of history) byScenario.set(d.scenario, [...(byScenario.get(d.scenario) ?? []), d]);
  return [...byScenario.entries()]
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([scenario, drills]) => ({ scenario, times: [...drills].sort((a, b) => a.startedAt - b.startedAt).map((d) => d.milestones[milestone] ?? null) }));
}
