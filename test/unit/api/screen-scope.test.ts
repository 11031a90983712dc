import { describe, expect, it } from 'vitest';
import { methods, topics } from '../../../shared/api/contract.js';
import type { MethodName, TopicName } from '../../../shared/api/contract.js';
import { screenQueries, screenTopics } from '../../../shared/api/screens.js';
import { admitScreenCall, admitScreenTopic, redactForScreen } from '../../../electron/engine/screens/screen-scope.js';
import type { Run } from '../../../shared/api/runbooks.js';

const everywhere = { screenId: 'screen-1', incidentId: null };
const pinned = { screenId: 'screen-2', incidentId: 'inc-a' };

function run(incidentId: string | null): Run {
  return {
    id: `run-${incidentId}`,
    runbookId: 'bad-deploy',
    runbookTitle: 'Bad deploy',
    runbookHash: 'h',
    parameters: {},
    incidentId,
    state: 'running',
    current: 0,
    steps: [
      {
        id: 's1',
        type: 'manual',
        title: 'Look',
        state: 'current',
        check: null,
        planId: null,
        operationId: null,
        answers: [],
        records: [{ at: 1, by: 'ana', what: 'completed', inputs: { note: 'token=abc' }, outputs: { secret: 'x' } }],
      },
    ],
    startedBy: 'ana',
    startedAt: 0,
    updatedAt: 0,
  };
}

describe('what a screen link may see', () => {
  it('opens no mutating method and no topic outside the allowlist', () => {
    for (const name of screenQueries) expect({ name, mutates: methods[name].mutates }).toEqual({ name, mutates: false });
    for (const name of Object.keys(methods) as MethodName[]) {
      if (screenQueries.has(name)) expect(() => admitScreenCall(name, {}, everywhere)).not.toThrow();
      else expect(() => admitScreenCall(name, {}, everywhere)).toThrow(/not open to a screen link/);
    }
    for (const name of Object.keys(topics) as TopicName[]) {
      if (screenTopics.has(name)) expect(() => admitScreenTopic(name, {}, everywhere)).not.toThrow();
      else expect(() => admitScreenTopic(name, {}, everywhere)).toThrow();
    }
  });

  it('keeps a pinned screen on its incident', () => {
    expect(() => admitScreenCall('incidents.get', { id: 'inc-a' }, pinned)).not.toThrow();
    expect(() => admitScreenCall('incidents.timeline', { id: 'inc-b' }, pinned)).toThrow(/inc-a only/);
    const runs = redactForScreen('runs.list', { runs: [run('inc-a'), run('inc-b'), run(null)] }, pinned) as { runs: Run[] };
    expect(runs.runs.map((r) => r.incidentId)).toEqual(['inc-a']);
    expect(() => redactForScreen('runs.get', { run: run('inc-b') }, pinned)).toThrow();
  });

  it('drops secret notes and run step evidence, keeping who acted', () => {
    const timeline = redactForScreen(
      'incidents.timeline',
      { items: [{ id: 'note:1', secret: true }, { id: 'note:2' }], total: 2, start: 0, end: 1, anchor: 0 },
      everywhere,
    ) as { items: { id: string }[]; total: number };
    expect(timeline.items.map((i) => i.id)).toEqual(['note:2']);
    expect(timeline.total).toBe(1);
    const { run: seen } = redactForScreen('runs.get', { run: run('inc-a') }, everywhere) as { run: Run };
    expect(seen.steps[0]?.records[0]).toMatchObject({ by: 'ana', inputs: {}, outputs: {} });
  });
});
