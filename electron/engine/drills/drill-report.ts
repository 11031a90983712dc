import type { Drill, Score } from '../../../shared/api/drills.js';
import { drillClock, formatClock } from './scoring.js';

/**
 * The drill report in Markdown: the milestones against par and the team's earlier best, the
 * scores per participant, the timeline on both clocks (wall clock in UTC and the drill clock
 * from the injection), and the debrief questions. Every string people typed is escaped so a
 * hint or a name cannot inject Markdown structure.
 */
export function drillMarkdown(drill: Drill, score: Score): string {
  const lines: string[] = [];
  const wall = (at: number | null) => (at === null ? '—' : new Date(at).toISOString().replace(/\.\d{3}Z$/, 'Z'));
  lines.push(`# Drill ${text(drill.id)}: ${text(drill.scenario)}`, '');
  lines.push(`*This was a drill: its incident is of kind \`drill\` and is not part of real incident figures.*`, '');
  lines.push(`- Scenario: ${text(drill.scenario)} — ${text(drill.summary)}`);
  lines.push(`- Outcome: ${drill.state}`);
  lines.push(`- Started: ${wall(drill.startedAt)}; ended: ${wall(drill.endedAt)}`);
  lines.push(`- Incident: ${drill.incidentId ? text(drill.incidentId) : 'none declared'}`);
  lines.push(`- Participants: ${drill.participants.map((p) => `${text(p.name)} (${p.role})`).join(', ')}`);
  for (const i of drill.injections) lines.push(`- Injected ${text(i.scenario)} on ${text(i.entityId)} at ${wall(i.at)}`);
  if (drill.steady) lines.push(`- Emergency stop: ${drill.steady.verifiedAt ? `steady state verified at ${wall(drill.steady.verifiedAt)}` : `not yet steady: ${drill.steady.problems.map(text).join('; ')}`}`);
  lines.push('', '## Milestones', '', '| Milestone | Drill clock | Wall clock | By | Par | Earlier best |', '|---|---|---|---|---|---|');
  for (const m of score.milestones) {
    lines.push(`| ${m.milestone} | ${formatClock(m.ms)} | ${wall(m.at)} | ${m.by ? text(m.by) : '—'} | ${formatClock(m.parMs)} | ${formatClock(m.previousBestMs)} |`);
  }
  if (drill.replay && score.replay) {
    const r = drill.replay;
    lines.push('', '## Replay: the original responders beside the trainees', '');
    lines.push(`Replayed ${text(r.incidentId)} "${text(r.title)}" at ${r.speed}× on ${text(r.target)} (recorded on ${text(r.source)}): ${r.events} Kubernetes event(s), ${r.alarms} alarm transition(s), golden signals ${r.signals ? 'driven along the recorded shape' : 'not replayed'}.`);
    lines.push(`Recording clock zero ${wall(r.recordedFrom)}; replay clock zero ${wall(r.startedAt)}. Times below count from the first alert: the recording's, and the replayed one.`, '');
    lines.push(`| Milestone | Original (recorded clock) | Original ÷ ${r.speed} (replay clock) | Trainees (replay clock) | Trainees wall clock |`, '|---|---|---|---|---|');
    for (const row of score.replay) {
      lines.push(`| ${row.milestone} | ${formatClock(row.originalMs)} | ${formatClock(row.originalScaledMs)} | ${formatClock(row.traineesMs)} | ${wall(row.traineesAt)} |`);
    }
    if (r.notReplayed.length) lines.push('', `Not replayed: ${r.notReplayed.map(text).join('; ')}.`);
  }
  lines.push('', '## Participants', '', '| Name | Role | Milestones | Actions | Unrelated actions |', '|---|---|---|---|---|');
  for (const p of score.perParticipant) lines.push(`| ${text(p.name)} | ${p.role} | ${p.milestones.join(', ') || '—'} | ${p.actions} | ${p.unrelatedActions} |`);
  lines.push('', `Team: ${score.actions} action(s), ${score.unrelatedActions} on unrelated entities.`);
  lines.push(`Runbooks used: ${score.runbooksUsed.map(text).join(', ') || 'none'}. Steps skipped: ${score.stepsSkipped.map(text).join(', ') || 'none'}.`);
  lines.push('', '## Timeline', '', '| Wall clock (UTC) | Drill clock | What | By | Detail |', '|---|---|---|---|---|');
  for (const e of [...drill.events].sort((a, b) => a.at - b.at)) {
    lines.push(`| ${wall(e.at)} | ${formatClock(drillClock(drill, e.at))} | ${e.kind}${e.unrelated ? ' (unrelated)' : ''} | ${e.by ? text(e.by) : '—'} | ${text(e.detail)} |`);
  }
  lines.push('', '## Debrief', '');
  const questions = drill.debrief.length ? drill.debrief : ['What told you first that something was wrong?', 'What slowed the diagnosis?', 'Which runbook step would you change?'];
  for (const q of questions) lines.push(`- ${text(q)}`);
  return `${lines.join('\n')}\n`;
}

/** Text people typed, safe inside a Markdown table cell or line. */
function text(value: string): string {
  return value.replace(/[\\`*_[\]<>|#]/g, (c) => `\\${c}`).replace(/\r?\n/g, ' ');
}
