import { describe, expect, it } from 'vitest';
import { runTimelineItems } from '../../../electron/engine/runbooks/run-timeline.js';
import { offersForIncident } from '../../../electron/engine/runbooks/alert-offers.js';
import type { Run, Runbook } from '../../../shared/api/runbooks.js';
import type { Entity } from '../../../shared/estate/model.js';

const run: Run = {
  id: 'run-0123456789abcdef',
  runbookId: 'bad-deploy',
  runbookTitle: 'Bad deploy',
  runbookHash: 'f'.repeat(64),
  parameters: { namespace: 'shop', deployment: 'storefront' },
  incidentId: 'inc-1',
  state: 'finished',
  current: 1,
  steps: [
    {
      id: 'errors-high',
      type: 'check',
      title: 'Error ratio of storefront',
      state: 'done',
      check: null,
      planId: null,
      operationId: null,
      answers: [],
      records: [
        { at: 1_000, by: 'alice', what: 'reached', inputs: {}, outputs: {} },
        { at: 1_100, by: 'alice', what: 'checked', inputs: { expect: '> 0.02' }, outputs: { value: 0.1, passed: true } },
        { at: 1_200, by: 'alice', what: 'completed', inputs: {}, outputs: {} },
      ],
    },
    {
      id: 'rollback',
      type: 'action',
      title: 'Roll storefront back',
      state: 'done',
      check: null,
      planId: 'plan-1',
      operationId: 'op-1',
      answers: [],
      records: [{ at: 2_000, by: 'alice', what: 'executed', inputs: {}, outputs: { operationId: 'op-1', state: 'failed' } }],
    },
  ],
  startedBy: 'alice',
  startedAt: 900,
  updatedAt: 3_000,
};

describe('a run on its incident timeline', () => {
  it('is one runbook item at the start, one per record but reaching a step, and one at the finish, with stable ids', () => {
    const items = runTimelineItems(run);
    expect(items.map((i) => i.kind)).toEqual(['runbook', 'runbook', 'runbook', 'runbook', 'runbook']);
    expect(items.map((i) => i.what)).toEqual([
      'Started the runbook "Bad deploy"',
      'Checked check step "Error ratio of storefront"',
      'Completed check step "Error ratio of storefront"',
      'Executed action step "Roll storefront back"',
      'Finished the runbook "Bad deploy"',
    ]);
    expect(items[1]!.detail).toBe('run 01234567: 0.1 (expect > 0.02) passed');
    expect(items.map((i) => i.id)).toEqual(runTimelineItems(run).map((i) => i.id));
    expect(items[0]!.id).toBe('run:run-0123456789abcdef:start');
    // A failed execution stands out.
    expect(items[3]!.severity).toBe('warning');
    expect(items.map((i) => i.occurredAt)).toEqual([900, 1_100, 1_200, 2_000, 3_000]);
  });
});

describe('runbooks offered on an incident', () => {
  const runbook = (id: string, answers: Runbook['answers'], parameters: Runbook['parameters']): Runbook => ({ id, title: id, origin: 'bundled', path: `${id}.md`, hash: id, answers, parameters, steps: [], markdown: '' });
  const database: Entity = { id: 'aws:123/eu-west-1/rds/orders-db', kind: 'database', name: 'orders-db', labels: { engine: 'postgres' } } as unknown as Entity;
  const estate = { get: (id: string) => (id === database.id ? database : undefined), parent: () => undefined, clusters: () => [] };

  it('offers those of its alerts first, then those that apply to its impacted entities, each once', async () => {
    const books = [
      runbook('crash', { alerts: [{ name: 'KubePodCrashLooping', labels: '' }], entities: [] }, { namespace: { type: 'namespace' } }),
      runbook('saturated', { alerts: [], entities: [{ kind: 'database', selector: 'engine=postgres' }] }, { dbInstance: { type: 'string' } }),
      runbook('mysql-only', { alerts: [], entities: [{ kind: 'database', selector: 'engine=mysql' }] }, {}),
    ];
    const offers = await offersForIncident(books, { alerts: [{ alertname: 'KubePodCrashLooping', labels: { namespace: 'shop' } }], impacted: [database.id, database.id] }, estate, async () => true);
    expect(offers.map((o) => o.runbook.id)).toEqual(['crash', 'saturated']);
    expect(offers[0]!.parameters).toEqual({ namespace: 'shop' });
    expect(offers[1]!.parameters).toEqual({ dbInstance: 'orders-db' });
  });
});
