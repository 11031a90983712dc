import type { TimelineItem } from '../../../shared/api/incidents.js';
import type { Run, StepRecord } from '../../../shared/api/runbooks.js';

/**
 * A run's place on its incident's timeline: one `runbook` item when it started, one per step
 * record a person or the run produced (reaching a step is not news), and one when it finished.
 * Derived from the run at read time, like the rest of the timeline, so a run resumed after a
 * restart shows its whole history and nothing is written twice. Ids are stable (run, step,
 * record index) so stars and hides stick.
 */
export function runTimelineItems(run: Run): TimelineItem[] {
  const short = run.id.slice(4, 12);
  const item = (id: string, at: number, by: string, what: string, detail: string, severity: TimelineItem['severity'] = 'info'): TimelineItem => ({
    id: `run:${run.id}:${id}`,
    kind: 'runbook',
    what,
    detail,
    entityId: null,
    source: by,
    severity,
    occurredAt: at,
    recordedAt: at,
    late: false,
    starred: false,
    hidden: false,
    originalOccurredAt: null,
  });
  const parameters = Object.entries(run.parameters).map(([k, v]) => `${k}=${v}`).join(', ');
  const items = [item('start', run.startedAt, run.startedBy, `Started the runbook "${run.runbookTitle}"`, `run ${short}, version ${run.runbookHash.slice(0, 12)}${parameters ? `, with ${parameters}` : ''}`)];
  for (const step of run.steps) {
    step.records.forEach((record, n) => {
      if (record.what === 'reached') return;
      const failed = record.what === 'refused' || (record.what === 'checked' && record.outputs.passed === false) || (record.what === 'executed' && record.outputs.state !== 'succeeded');
      items.push(item(`${step.id}:${n}`, record.at, record.by, `${capitalised(record.what)} ${step.type} step "${step.title}"`, `run ${short}${describe(record)}`, failed ? 'warning' : 'info'));
    });
  }
  if (run.state === 'finished') items.push(item('finish', run.updatedAt, run.startedBy, `Finished the runbook "${run.runbookTitle}"`, `run ${short}`));
  return items;
}

function capitalised(word: string): string {
  return word.charAt(0).toUpperCase() + word.slice(1);
}

function describe({ what, inputs, outputs }: StepRecord): string {
  switch (what) {
    case 'checked':
      return `: ${String(outputs.value ?? 'no value')} (expect ${String(inputs.expect)}) ${outputs.passed ? 'passed' : 'failed'}${outputs.stale ? `, stale by ${Math.round(Number(outputs.ageMs ?? 0) / 1000)} s` : ''}`;
    case 'skipped':
      return `: ${String(inputs.reason)}`;
    case 'answered':
      return `: ${String(inputs.answer ?? inputs.outcome)} → ${String(outputs.goto)}`;
    case 'planned':
    case 'replanned':
    case 'drafted':
      return `: ${String(outputs.summary ?? outputs.reason ?? '')}`;
    case 'executed':
      return `: operation ${String(outputs.operationId)} ${String(outputs.state)}${outputs.outcome ? ` (${String(outputs.outcome)})` : ''}`;
    case 'approved':
      return `: approved by ${String(outputs.approver)} for ${String(outputs.runner)}`;
    case 'refused':
      return `: ${String(outputs.error)}`;
    case 'completed':
      return inputs.note ? `: ${String(inputs.note)}` : '';
    default:
      return '';
  }
}
