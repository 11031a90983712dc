import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Operation, Plan } from '../../../shared/api/operations.js';
import { OperationJournal } from '../../../electron/engine/operations/journal.js';
import { OperationsService } from '../../../electron/engine/operations/service.js';
import type { OperationTimelineEvent } from '../../../electron/engine/operations/service.js';
import { AuditLog } from '../../../electron/engine/store/audit-log.js';
import { openStore } from '../../../electron/engine/store/database.js';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

const nowhere = { contextsOf: () => [], kubeConfigFor: () => undefined, isLive: () => false };

function plan(id: string): Plan {
  return {
    id,
    kind: 'restart',
    target: 'k8s:dc1/erp/Deployment/web',
    targetName: 'web',
    context: 'dc1',
    namespace: 'erp',
    params: {},
    state: 'ready',
    draftReason: null,
    diff: { summary: 'Restart every pod of Deployment erp/web.', changes: [] },
    risks: [],
    confirmation: { level: 'acknowledge', prompt: 'Confirm.', expected: 'confirm' },
    actingAs: 'admin',
    dryRunPassed: true,
    createdAt: 1,
    expiresAt: Number.MAX_SAFE_INTEGER,
  };
}

function operation(planId: string): Operation {
  return {
    id: 'op-1',
    planId,
    kind: 'restart',
    target: 'k8s:dc1/erp/Deployment/web',
    state: 'verifying',
    progress: '1 of 3 updated',
    fraction: 0.33,
    steps: [],
    outcome: null,
    startedAt: 2,
    executedAt: 3,
    finishedAt: null,
    deadline: 10,
    auditSeq: null,
  };
}

describe('an engine that stopped mid-operation', () => {
  it('on the next start, records the run as failed, says nobody saw how it ended, and puts it on the timeline', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'daytwo-ops-'));
    dirs.push(dir);
    const before = openStore(dir);
    const journal = new OperationJournal(before);
    journal.savePlan({ plan: plan('plan-1'), action: { restartedAt: 'x' }, fingerprint: 'generation=1', kubeUser: 'admin' });
    expect(journal.claim(operation('plan-1'))).toBe(true);
    expect(journal.claim({ ...operation('plan-1'), id: 'op-2' })).toBe(false); // one plan, one run
    before.close();

    const db = openStore(dir);
    const audit = new AuditLog(db);
    const timeline: OperationTimelineEvent[] = [];
    const service = new OperationsService({ db, audit, clusters: nowhere, productionPatterns: () => [], onTimelineEvent: (e) => timeline.push(e), osUser: () => 'sre' });
    const recovered = service.get('op-1');
    expect(recovered).toMatchObject({ state: 'failed', auditSeq: 1 });
    expect(recovered.outcome).toMatch(/stopped while this operation was verifying/);
    expect(audit.list()).toMatchObject([{ seq: 1, who: { osUser: 'sre', kubeUser: 'admin' }, outcome: { result: 'failed' } }]);
    expect(timeline).toMatchObject([{ operationId: 'op-1', outcome: 'failed' }]);
    // Executing the plan again returns the recorded run; nothing acts.
    await expect(service.execute('plan-1', 'confirm')).resolves.toMatchObject({ id: 'op-1', state: 'failed' });
    await service.close();
    db.close();
  });
});
