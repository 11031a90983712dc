import type { LogLine } from '../api/logs.js';
import { stripAnsi } from './ansi.js';

/** A note's text is bounded (incidents.note); a pinned line keeps its head and says it was cut. */
const maxLineChars = 4_000;

/**
 * A log line pinned to an incident: a note that says where the line came from, its text without
 * colour codes, and the time the kubelet stamped it, so it sits on the timeline when it was
 * written, not when someone pinned it.
 */
export function pinnedLogNote(line: LogLine, entityName: string): { text: string; occurredAt: number | undefined } {
  const text = stripAnsi(line.text);
  const body = text.length > maxLineChars ? `${text.slice(0, maxLineChars)}… (cut at ${maxLineChars.toLocaleString('en')} characters)` : text;
  return {
    text: `Log line of ${entityName} (${line.pod}/${line.container}, ${line.stamp || 'no timestamp'}):\n${body}`,
    occurredAt: line.time ?? undefined,
  };
}
