import type { Drill, DrillEvent, DrillEventKind, Milestones, Par, Score } from '../../../shared/api/drills.js';

/**
 * Scores a drill from its record, purely: every time is counted from the first injection (the
 * sandbox's own record of when the fault went in), on the drill clock, which leaves out the time
 * the game master kept it paused.
 *
 * - detect: the first of the drill incident acknowledged or declared
 * - declare: the drill incident declared
 * - identify: its status set to identified with the faulty entity among the impacted
 * - mitigate: the scenario's recovery condition started holding (and then held for its holdFor)
 */

const milestoneEvents: Record<Milestones, readonly DrillEventKind[]> = {
  detect: ['acknowledged', 'declared'],
  declare: ['declared'],
  identify: ['identified'],
  mitigate: ['mitigated'],
};

export const milestoneOrder: readonly Milestones[] = ['detect', 'declare', 'identify', 'mitigate'];

export function injectedAt(drill: Drill): number | null {
  const times = drill.injections.map((i) => i.at);
  return times.length ? Math.min(...times) : null;
}

/** Milliseconds on the drill clock from the first injection to `at`. */
export function drillClock(drill: Drill, at: number): number | null {
  const start = injectedAt(drill);
  if (start === null) return null;
  let paused = 0;
  for (const p of drill.pauses) {
    const from = Math.max(p.from, start);
    const to = Math.min(p.to ?? at, at);
    if (to > from) paused += to - from;
  }
  return at - start - paused;
}

function firstOf(drill: Drill, milestone: Milestones): DrillEvent | undefined {
  const kinds = milestoneEvents[milestone];
  return drill.events.filter((e) => kinds.includes(e.kind)).sort((a, b) => a.at - b.at)[0];
}

/** Each milestone's time on the drill clock, null when not reached. */
export function milestoneTimes(drill: Drill): Record<Milestones, number | null> {
  const out = {} as Record<Milestones, number | null>;
  for (const m of milestoneOrder) {
    const event = firstOf(drill, m);
    out[m] = event ? drillClock(drill, event.at) : null;
  }
  return out;
}

export interface ScoreInputs {
  par: Par | null;
  /** Earlier drills of the same scenario. */
  earlier: readonly Drill[];
  /** Runbooks run on the drill incident, and the steps skipped in them ("runbook: step"). */
  runbooksUsed: string[];
  stepsSkipped: string[];
}

export function scoreDrill(drill: Drill, inputs: ScoreInputs): Score {
  const earlierTimes = inputs.earlier.map(milestoneTimes);
  const milestones = milestoneOrder.map((milestone) => {
    const event = firstOf(drill, milestone);
    const previous = earlierTimes.map((t) => t[milestone]).filter((v): v is number => v !== null);
    return {
      milestone,
      ms: event ? drillClock(drill, event.at) : null,
      at: event?.at ?? null,
      by: event?.by ?? null,
      parMs: inputs.par ? inputs.par[milestone] : null,
      previousBestMs: previous.length ? Math.min(...previous) : null,
    };
  });
  const actions = drill.events.filter((e) => e.kind === 'action');
  return {
    milestones,
    perParticipant: drill.participants.map((p) => {
      const mine = actions.filter((a) => a.by === p.name);
      return {
        name: p.name,
        role: p.role,
        milestones: milestones.filter((m) => m.by === p.name).map((m) => m.milestone),
        actions: mine.length,
        unrelatedActions: mine.filter((a) => a.unrelated).length,
      };
    }),
    actions: actions.length,
    unrelatedActions: actions.filter((a) => a.unrelated).length,
    runbooksUsed: inputs.runbooksUsed,
    stepsSkipped: inputs.stepsSkipped,
  };
}

/** `+mm:ss` on the drill clock, for people. */
export function formatClock(ms: number | null): string {
  if (ms === null) return '—';
  const sign = ms < 0 ? '-' : '+';
  const s = Math.floor(Math.abs(ms) / 1000);
  return `${sign}${String(Math.floor(s / 60)).padStart(2, '0')}:${String(s % 60).padStart(2, '0')}`;
}

/**
 * A replay's two teams side by side: the original responders' milestones from the recording's
 * first alert (as recorded, and divided by the speed, which is what the replay's clock makes of
 * them), and the trainees' from the replayed first alert on the drill clock.
 */
export function replayComparison(drill: Drill): NonNullable<Score['replay']> {
  const replay = drill.replay;
  if (!replay) return [];
  const alertOffset = (replay.firstAlertOffsetMs ?? 0) / replay.speed;
  return milestoneOrder.map((milestone) => {
    const event = firstOf(drill, milestone);
    const clock = event ? drillClock(drill, event.at) : null;
    const original = replay.original[milestone] ?? null;
    return {
      milestone,
      originalMs: original,
      originalScaledMs: original === null ? null : Math.round(original / replay.speed),
      traineesMs: clock === null ? null : Math.round(clock - alertOffset),
      traineesAt: event?.at ?? null,
    };
  });
}
