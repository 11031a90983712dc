import { z } from 'zod';
import { mutation, query, topic } from './define.js';
import { Role } from './incidents.js';

/**
 * Drills and game days: a scenario injected on the sandbox at a recorded time, people
 * responding in Daytwo as they would for real, and their times scored against that injection.
 * Every drill incident is of kind `drill`, so it never counts in real incident figures.
 */

const EpochMs = z.number().int().nonnegative();
const DrillId = z.string().min(1).max(100);
const ScenarioName = z.string().regex(/^[a-z0-9][a-z0-9-]*$/).max(100);
const Person = z.string().trim().min(1).max(100);

export const Par = z.object({ detect: z.number(), declare: z.number(), identify: z.number(), mitigate: z.number() });
export type Par = z.infer<typeof Par>;

export const DrillScenario = z.object({
  name: z.string(),
  summary: z.string(),
  effects: z.object({ pods: z.string(), metrics: z.string() }),
  recovery: z.object({ description: z.string(), holdForMs: z.number() }),
  /** Milliseconds from the injection to each milestone for a practised team; null when the scenario states none. */
  parMs: Par.nullable(),
  /** Hints the scenario's author wrote for a game master to give, in order. */
  hints: z.array(z.string()).default([]),
  /** Questions the scenario's author suggests for the debrief. */
  debrief: z.array(z.string()).default([]),
});
export type DrillScenario = z.infer<typeof DrillScenario>;

export const Participant = z.object({ name: Person, role: Role });
export type Participant = z.infer<typeof Participant>;

export const DrillState = z.enum(['running', 'paused', 'mitigated', 'timed-out', 'aborted']);
export type DrillState = z.infer<typeof DrillState>;

export const DrillEventKind = z.enum([
  'injected', // a scenario's fault reached the sandbox (its own recorded time)
  'acknowledged', // the drill incident's acknowledged milestone
  'declared', // the drill incident was declared
  'identified', // status identified with the faulty entity among the impacted
  'mitigated', // the scenario's recovery condition started holding, and held for its holdFor
  'action', // an operation ended on the estate
  'hint', // the game master gave a hint
  'paused',
  'resumed',
  'turn', // the acting participant at the console changed
  'aborted', // emergency stop
  'steady', // after an abort: the sandbox verified back at steady state
  'ended',
]);
export type DrillEventKind = z.infer<typeof DrillEventKind>;

export const DrillEvent = z.object({
  kind: DrillEventKind,
  /** Wall clock. The drill clock is `at - injectedAt` less the time spent paused. */
  at: EpochMs,
  /** The participant it counts for, when it was one person's. */
  by: z.string().nullable(),
  detail: z.string(),
  entityId: z.string().nullable(),
  /** For an action: whether it touched something outside the scenario's target. */
  unrelated: z.boolean().optional(),
});
export type DrillEvent = z.infer<typeof DrillEvent>;

export const Injection = z.object({ scenario: z.string(), at: EpochMs, target: z.string(), entityId: z.string() });
export type Injection = z.infer<typeof Injection>;

/**
 * A drill replaying a recorded incident (drills.fromIncident): what was replayed, where, how
 * fast, and the original responders' milestones, so the report can set the two teams side by side.
 */
export const DrillReplay = z.object({
  /** The recorded incident's id and title, as its export named them. */
  incidentId: z.string(),
  title: z.string(),
  speed: z.number(),
  /** The recorded service (its workload's entity id) and the estate's service it was played against. */
  source: z.string(),
  target: z.string(),
  /** Wall clock of the recording's replay-clock zero, and of the replay's. */
  recordedFrom: EpochMs,
  startedAt: EpochMs,
  endsAt: EpochMs,
  /** The recording's first alert, in ms from `recordedFrom` (recording clock); null when it had none. */
  firstAlertOffsetMs: z.number().nullable(),
  events: z.number().int(),
  alarms: z.number().int(),
  /** Whether the recorded golden-signal shape drives the target's load (older exports carry no series). */
  signals: z.boolean(),
  /** What the recording held that the replay does not play, in words. */
  notReplayed: z.array(z.string()),
  /** The original responders' milestones in ms from the recording's first alert (null when not reached). */
  original: z.record(z.string(), z.number().nullable()),
});
export type DrillReplay = z.infer<typeof DrillReplay>;

export const Drill = z.object({
  id: z.string(),
  /** The scenario's name; hidden from views while `dealt` and the drill runs. */
  scenario: z.string(),
  dealt: z.boolean(),
  /** Kept on the drill at start, so the report is written offline with no sandbox to ask. */
  summary: z.string(),
  parMs: Par.nullable(),
  participants: z.array(Participant),
  /** The participant acting at the one console now: whom the next action counts for. */
  acting: z.string().nullable(),
  timeLimitMs: z.number().nullable(),
  state: DrillState,
  startedAt: EpochMs,
  endedAt: EpochMs.nullable(),
  injections: z.array(Injection),
  incidentId: z.string().nullable(),
  events: z.array(DrillEvent),
  /** Paused intervals, so the drill clock can leave them out. */
  pauses: z.array(z.object({ from: EpochMs, to: EpochMs.nullable() })),
  debrief: z.array(z.string()),
  /** After an abort: null until verified, then what the verification saw. */
  steady: z.object({ verifiedAt: EpochMs.nullable(), problems: z.array(z.string()) }).nullable(),
  /** Set when the drill replays a recorded incident. */
  replay: DrillReplay.optional(),
});
export type Drill = z.infer<typeof Drill>;

export const Milestones = z.enum(['detect', 'declare', 'identify', 'mitigate']);
export type Milestones = z.infer<typeof Milestones>;

export const MilestoneScore = z.object({
  milestone: Milestones,
  /** Milliseconds from the first injection, on the drill clock (pauses left out); null when not reached. */
  ms: z.number().nullable(),
  at: EpochMs.nullable(),
  by: z.string().nullable(),
  parMs: z.number().nullable(),
  /** The team's best earlier time for this scenario, when it has run it before. */
  previousBestMs: z.number().nullable(),
});
export type MilestoneScore = z.infer<typeof MilestoneScore>;

export const Score = z.object({
  milestones: z.array(MilestoneScore),
  perParticipant: z.array(z.object({ name: z.string(), role: Role, milestones: z.array(Milestones), actions: z.number(), unrelatedActions: z.number() })),
  actions: z.number(),
  unrelatedActions: z.number(),
  runbooksUsed: z.array(z.string()),
  stepsSkipped: z.array(z.string()),
  /**
   * A replay only: each milestone of the original responders (from the recording's first alert,
   * and that divided by the speed) beside the trainees' (from the replayed first alert).
   */
  replay: z
    .array(
      z.object({
        milestone: Milestones,
        originalMs: z.number().nullable(),
        originalScaledMs: z.number().nullable(),
        traineesMs: z.number().nullable(),
        traineesAt: EpochMs.nullable(),
      }),
    )
    .optional(),
});
export type Score = z.infer<typeof Score>;

export const DrillSummary = z.object({
  id: z.string(),
  scenario: z.string(),
  state: DrillState,
  startedAt: EpochMs,
  participants: z.array(z.string()),
  milestones: z.partialRecord(Milestones, z.number().nullable()),
});
export type DrillSummary = z.infer<typeof DrillSummary>;

export const StartParams = z
  .object({
    /** A scenario by name; left out (or `deal`) draws one hidden from the deck. */
    scenario: ScenarioName.optional(),
    deal: z.boolean().default(false),
    /** A sandbox service id, or "random"; left out, the scenario's own target rule picks. */
    target: z.string().min(1).max(300).optional(),
    participants: z.array(Participant).min(1).max(20),
    timeLimitMinutes: z.number().positive().max(24 * 60).optional(),
  })
  .strict();
export type StartParams = z.infer<typeof StartParams>;

export const FromIncidentParams = z
  .object({
    /** The export's timeline.json (incidents.export), as text: untrusted, parsed on arrival. Or: */
    exportJson: z.string().min(2).max(5_000_000).optional(),
    /** a past incident in this store, exported on the spot. */
    incidentId: z.string().min(1).max(100).optional(),
    /** A sandbox service id (`cluster/namespace/name`), or "same-kind": a service of the estate like the recorded one. */
    target: z.string().min(1).max(300).default('same-kind'),
    speed: z.number().min(1).max(60).default(1),
    /** How long before the recording's first alert the replay starts. */
    leadInSeconds: z.number().int().min(0).max(3600).default(120),
    participants: z.array(Participant).min(1).max(20),
    timeLimitMinutes: z.number().positive().max(24 * 60).optional(),
  })
  .strict();
export type FromIncidentParams = z.infer<typeof FromIncidentParams>;

export const ControlParams = z.discriminatedUnion('action', [
  z.object({ id: DrillId, action: z.literal('pause') }).strict(),
  z.object({ id: DrillId, action: z.literal('resume') }).strict(),
  z.object({ id: DrillId, action: z.literal('hint'), text: z.string().trim().min(1).max(2000) }).strict(),
  z.object({ id: DrillId, action: z.literal('inject'), scenario: ScenarioName, target: z.string().min(1).max(300).optional() }).strict(),
  z.object({ id: DrillId, action: z.literal('abort') }).strict(),
  /** One console, many people: name who acts now, so what they do counts for them. */
  z.object({ id: DrillId, action: z.literal('turn'), participant: Person }).strict(),
  /** A question for the debrief, added by the game master. */
  z.object({ id: DrillId, action: z.literal('debrief'), question: z.string().trim().min(1).max(2000) }).strict(),
]);
export type ControlParams = z.infer<typeof ControlParams>;

export const DrillReport = z.object({
  drill: Drill,
  score: Score,
  markdown: z.string(),
  /** Where the Markdown and JSON were written under the data folder. */
  files: z.object({ markdown: z.string(), json: z.string() }),
});
export type DrillReport = z.infer<typeof DrillReport>;

export const drillMethods = {
  'drills.scenarios': query('The scenarios a drill can run on the sandbox, with recovery and par times.', z.object({}).strict(), z.object({ scenarios: z.array(DrillScenario) })),
  'drills.start': mutation('Start a drill on the sandbox: a scenario (or one dealt hidden), a target, participants with roles, a time limit.', StartParams, z.object({ drill: Drill })),
  'drills.get': query('One drill with its score so far.', z.object({ id: DrillId }).strict(), z.object({ drill: Drill, score: Score })),
  'drills.list': query('Past and running drills, newest first, with their milestone times.', z.object({}).strict(), z.object({ drills: z.array(DrillSummary) })),
  'drills.control': mutation('Game master: pause, resume, hint, inject a further fault, abort (emergency stop), turn, debrief question.', ControlParams, z.object({ drill: Drill })),
  'drills.report': mutation('The drill report in Markdown and JSON, both clocks, milestones, scores, debrief; written under the data folder.', z.object({ id: DrillId }).strict(), DrillReport),
  'drills.fromIncident': mutation(
    'Replay a recorded incident as a drill: its alerts, Kubernetes events and golden-signal shape played on the sandbox against a service, on a shifted clock (1× or faster).',
    FromIncidentParams,
    z.object({ drill: Drill }),
  ),
};

export const drillTopics = {
  'drills.subscribe': topic('Every drill as it changes.', z.object({}).strict(), z.object({ drill: Drill })),
};
