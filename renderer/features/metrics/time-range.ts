import { clockTime, dayLabel, spanWords } from './units.js';

/**
 * The window every chart of a metrics view shows. A preset follows the present (live tail)
 * until the operator pauses it, and then holds still at that instant so a spike can be read
 * without it sliding away; a custom range never moves.
 */

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

export const presets = [
  { id: '15m', label: '15m', words: 'last 15 minutes', ms: 15 * MINUTE },
  { id: '1h', label: '1h', words: 'last hour', ms: HOUR },
  { id: '6h', label: '6h', words: 'last 6 hours', ms: 6 * HOUR },
  { id: '24h', label: '24h', words: 'last 24 hours', ms: DAY },
  { id: '7d', label: '7d', words: 'last 7 days', ms: 7 * DAY },
] as const;

export type PresetId = (typeof presets)[number]['id'];

export type RangeChoice = { kind: 'preset'; id: PresetId } | { kind: 'custom'; start: number; end: number };

export interface TimeWindow {
  start: number;
  end: number;
}

export function presetById(id: string): (typeof presets)[number] | undefined {
  return presets.find((p) => p.id === id);
}

/** The window to ask for now. `pausedAt` freezes a preset's end; a custom range is fixed. */
export function windowFor(choice: RangeChoice, now: number, pausedAt: number | null): TimeWindow {
  if (choice.kind === 'custom') return { start: choice.start, end: choice.end };
  const preset = presetById(choice.id) ?? presets[0];
  const end = pausedAt ?? now;
  return { start: end - preset.ms, end };
}

export function isLive(choice: RangeChoice, pausedAt: number | null): boolean {
  return choice.kind === 'preset' && pausedAt === null;
}

/** "last 15 minutes", "14:02 – 15:30", "Tue 3 Mar 14:02 – Wed 4 Mar 09:00". */
export function describeWindow(choice: RangeChoice, window: TimeWindow, live: boolean): string {
  if (choice.kind === 'preset' && live) return presetById(choice.id)?.words ?? spanWords(window.end - window.start);
  const sameDay = new Date(window.start).toDateString() === new Date(window.end).toDateString();
  const today = new Date().toDateString() === new Date(window.end).toDateString();
  if (sameDay && today) return `${clockTime(window.start)} – ${clockTime(window.end)}`;
  if (sameDay) return `${dayLabel(window.start)} ${clockTime(window.start)} – ${clockTime(window.end)}`;
  return `${dayLabel(window.start)} ${clockTime(window.start)} – ${dayLabel(window.end)} ${clockTime(window.end)}`;
}

/** `datetime-local` input value ("2025-03-04T14:02") for an epoch ms, in local time. */
export function toLocalInput(t: number): string {
  const d = new Date(t);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

/** Parses a `datetime-local` value as local time; null when empty or malformed. */
export function fromLocalInput(value: string): number | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2}))?$/.exec(value);
  if (!m) return null;
  const [, y, mo, d, h, mi, s] = m;
  const t = new Date(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s ?? 0)).getTime();
  return Number.isFinite(t) ? t : null;
}

/** Why a custom range cannot be used, in words, or null when it can. */
export function customRangeProblem(start: number | null, end: number | null, now: number): string | null {
  if (start === null) return 'Enter when the range starts.';
  if (end === null) return 'Enter when the range ends.';
  if (end <= start) return 'The end must be after the start.';
  if (end - start < MINUTE) return 'A range is at least one minute.';
  if (end - start > 400 * DAY) return 'A range is at most 400 days.';
  if (start > now) return 'The range starts in the future.';
  return null;
}
