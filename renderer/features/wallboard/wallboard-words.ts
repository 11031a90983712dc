import type { Incident, TimelineItem } from '../../../shared/api/incidents.js';
import type { Run } from '../../../shared/api/runbooks.js';

/** "14:03:27", the UTC wall clock the room agrees on whatever the laptops' time zones. */
export function utcClock(now: number): string {
  return new Date(now).toISOString().slice(11, 19);
}

/** "T+01:07:42" since detection; "T+1d 02:00:00" past a day. */
export function sinceClock(from: number, now: number): string {
  const total = Math.max(0, Math.floor((now - from) / 1000));
  const days = Math.floor(total / 86_400);
  const h = Math.floor((total % 86_400) / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  const hms = [h, m, s].map((n) => String(n).padStart(2, '0')).join(':');
  return days > 0 ? `T+${days}d ${hms}` : `T+${hms}`;
}

/** When the trouble started: detection if recorded, else declaration, else the record's last change. */
export function detectedAt(incident: Incident): number {
  return incident.milestones.detected?.at ?? incident.milestones.declared?.at ?? incident.updatedAt;
}

export const openStatuses = ['investigating', 'identified', 'mitigated'] as const;

const severityRank = { SEV1: 0, SEV2: 1, SEV3: 2, SEV4: 3 } as const;

/** Worst first, then the longest running: the order the room triages in. */
export function byUrgency(a: Incident, b: Incident): number {
  return severityRank[a.severity] - severityRank[b.severity] || detectedAt(a) - detectedAt(b);
}

/**
 * How old a panel's data is and whether it has aged past what the room should trust at a
 * glance: each panel refreshes every `cadenceMs`, so missing three refreshes (and at least
 * 30 s) means something is wrong.
 */
export function panelAge(at: number | null, now: number, cadenceMs: number): { aged: boolean; words: string } {
  if (at === null) return { aged: true, words: 'no data yet' };
  const age = Math.max(0, now - at);
  const aged = age > Math.max(30_000, cadenceMs * 3);
  return { aged, words: aged ? `last update ${ageWords(age)} ago` : `updated ${ageWords(age)} ago` };
}

function ageWords(ms: number): string {
  const s = Math.floor(ms / 1000);
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min`;
  const h = Math.floor(m / 60);
  return h < 48 ? `${h} h` : `${Math.floor(h / 24)} d`;
}

/**
 * Never on the wall: a note marked secret. The engine already drops these for a screen link;
 * this repeats it for the operator's own window presenting the board.
 */
export function wallItems(items: readonly TimelineItem[], count: number): TimelineItem[] {
  return items.filter((item) => item.secret !== true && !item.hidden).slice(-count);
}

/** The run's current step and who is on it (the last person to act on it, else who started the run). */
export function currentStep(run: Run): { title: string; index: number; of: number; state: string; who: string } | null {
  const step = run.steps[run.current];
  if (!step) return null;
  const last = step.records.at(-1);
  return { title: step.title, index: run.current + 1, of: run.steps.length, state: step.state, who: last?.by ?? run.startedBy };
}

/** The next incident to show when rotating: after the current one, wrapping round. */
export function nextInRotation(ids: readonly string[], current: string | null): string | null {
  if (ids.length === 0) return null;
  const at = current === null ? -1 : ids.indexOf(current);
  return ids[(at + 1) % ids.length] ?? null;
}
