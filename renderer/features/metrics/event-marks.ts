import type { EstateEvent } from '../../../shared/estate/event.js';

/**
 * Which estate events deserve a mark on a metrics chart's time axis, and how each kind looks.
 * Shapes differ as well as colours, so a rollout and an alarm are told apart without colour.
 */

export type MarkKind = 'rollout' | 'operation' | 'alarm' | 'recovery' | 'warning';

export interface EventMark {
  id: string;
  t: number;
  kind: MarkKind;
  /** One line for the tooltip and the events list: untrusted, text only. */
  title: string;
  detail: string;
  entityId: string | null;
}

export const markLook: Record<MarkKind, { color: string; label: string }> = {
  rollout: { color: '#7057d1', label: 'Rollout' },
  operation: { color: '#2f64d6', label: 'Operation' },
  alarm: { color: '#d23a3a', label: 'Alarm' },
  recovery: { color: '#2f9e5a', label: 'Alarm OK' },
  warning: { color: '#c07a00', label: 'Warning' },
};

/** null: not worth a mark (routine Kubernetes bookkeeping such as SuccessfulCreate, Pulled). */
export function markKind(event: Pick<EstateEvent, 'reason' | 'type' | 'message'>): MarkKind | null {
  const reason = event.reason;
  // Operations Daytwo ran are recorded with a Daytwo<Kind> reason (engine/operations/timeline.ts).
  if (/^Daytwo/.test(reason)) return 'operation';
  if (/^(OK|Resolved)\b|alarm.*\bOK\b|resolved/i.test(reason)) return 'recovery';
  if (/alarm|alert|firing|^ALARM/i.test(reason)) return 'alarm';
  if (/ScalingReplicaSet|Rollout|Rollback|Deploy|SuccessfulRescale|RollingUpdate|ImageChange/i.test(reason)) return 'rollout';
  return event.type === 'warning' ? 'warning' : null;
}

/** Above this many marks a chart is a picket fence: Kubernetes warnings are dropped first. */
const MAX_MARKS = 40;

export function eventMarks(events: readonly EstateEvent[], start: number, end: number): EventMark[] {
  const inWindow: EventMark[] = [];
  for (const e of events) {
    if (e.lastAt < start || e.lastAt > end) continue;
    const kind = markKind(e);
    if (kind) inWindow.push({ id: e.id, t: e.lastAt, kind, title: e.reason, detail: e.message, entityId: e.entityId });
  }
  if (inWindow.length <= MAX_MARKS) return inWindow.sort((a, b) => a.t - b.t);
  const important = inWindow.filter((m) => m.kind !== 'warning');
  const warnings = inWindow.filter((m) => m.kind === 'warning');
  return [...important.slice(-MAX_MARKS), ...warnings.slice(-Math.max(0, MAX_MARKS - important.length))].sort((a, b) => a.t - b.t);
}
