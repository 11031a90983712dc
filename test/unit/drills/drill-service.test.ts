import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Incident } from '../../../shared/api/incidents.js';
import { DrillService } from '../../../electron/engine/drills/drill-service.js';
import { DrillStore } from '../../../electron/engine/drills/drill-store.js';
import type { SandboxAdmin, ScenarioStatus } from '../../../electron/engine/drills/sandbox-admin.js';
import { openStore } from '../../../electron/engine/store/database.js';

/**
 * The drill service against a stand-in for the sandbox's admin API (the real one is exercised in
 * test/integration/drills.test.ts): what it records from incidents and operations, the guard it
 * gives operations, and that a drill outlives the engine that started it.
 */
const INJECTED = Date.UTC(2026, 10, 30, 9, 0, 0);

function status(name: string): ScenarioStatus {
  return {
    name,
    summary: 'A release crash-loops.',
    effects: { pods: 'p', metrics: 'm' },
    recovery: { description: 'Rolled back.', holdForMs: 30_000 },
    parMs: null,
    status: 'running',
    run: { status: 'running', target: 'shop-prod-eks/shop/checkout', targetRef: { cluster: 'shop-prod-eks', namespace: 'shop', name: 'checkout' }, startedAt: new Date(INJECTED).toISOString(), impactSeenAt: null, holdingSince: null, recoveredAt: null },
  };
}

const admin: SandboxAdmin = {
  scenarios: async () => [status('bad-deploy')],
  scenario: async (name) => status(name),
  start: async (name) => status(name),
  stopAll: async () => ({ steady: true, problems: [] }),
  steady: async () => ({ steady: true, problems: [] }),
  replay: async () => {
    throw new Error('no replays in this test');
  },
  replayStatus: async () => null,
  stopReplay: async () => {},
};

const dirs: string[] = [];
const services: DrillService[] = [];
const dbs: { close(): void }[] = [];
afterEach(() => {
  for (const s of services.splice(0)) s.close();
  for (const db of dbs.splice(0)) db.close();
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

function service(dataDir: string, listeners: ((i: Incident) => void)[] = []) {
  const db = openStore(dataDir);
  dbs.push(db);
  const drills = new DrillService({
    store: new DrillStore(db),
    admin,
    incidents: {
      subscribe: (l) => {
        listeners.push(l);
        return () => {};
      },
    },
    runs: { list: () => [] },
    isSandboxContext: (context) => context === 'shop-prod-eks',
    sandboxServices: () => [],
    dataDir,
    pollMs: 60_000,
  });
  services.push(drills);
  return drills;
}

function incident(over: Partial<Incident>): Incident {
  return { id: 'inc-1', title: 'Errors', severity: 'SEV2', status: 'investigating', kind: 'drill', summary: '', roles: { commander: [], scribe: [], communications: [], operations: [] }, impacted: [], milestones: {}, links: [], alertIds: [], createdBy: 'me', updatedAt: INJECTED, ...over };
}

describe('a drill in the engine', () => {
  it('links the drill incident, credits the acting participant, refuses non-sandbox operations, and survives a restart', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'drill-service-'));
    dirs.push(dir);
    const listeners: ((i: Incident) => void)[] = [];
    const first = service(dir, listeners);
    const drill = await first.start({ scenario: 'bad-deploy', deal: false, participants: [{ name: 'Alice', role: 'commander' }, { name: 'Bob', role: 'operations' }] });
    expect(drill.injections[0]).toMatchObject({ at: INJECTED, entityId: 'k8s:shop-prod-eks/shop/Deployment/checkout' });

    // A real incident during the drill is none of its business.
    for (const l of listeners) l(incident({ id: 'inc-real', kind: 'real', milestones: { declared: { at: INJECTED + 5_000, by: 'me' } } }));
    for (const l of listeners) l(incident({ milestones: { declared: { at: INJECTED + 60_000, by: 'me' } } }));
    await first.control({ id: drill.id, action: 'turn', participant: 'Bob' });
    first.onOperation({ at: INJECTED + 120_000, entityId: 'k8s:shop-prod-eks/other/Deployment/cart', context: 'shop-prod-eks', kind: 'restart', summary: 'restart cart', outcome: 'succeeded' });

    expect(first.refusal('shop-prod-eks')).toBeNull();
    expect(first.refusal('prod-eu')).toContain(`Drill ${drill.id} is running`);

    first.close();
    const again = service(dir);
    const { drill: kept, score } = again.get(drill.id);
    expect(kept.incidentId).toBe('inc-1');
    expect(score.milestones.find((m) => m.milestone === 'declare')).toMatchObject({ ms: 60_000, by: 'Alice' });
    expect(score.perParticipant.find((p) => p.name === 'Bob')).toMatchObject({ actions: 1, unrelatedActions: 1 });
    expect(again.refusal('prod-eu')).not.toBeNull();

    const aborted = await again.control({ id: drill.id, action: 'abort' });
    expect(aborted.state).toBe('aborted');
    expect(aborted.steady?.verifiedAt).not.toBeNull();
    expect(again.refusal('prod-eu')).toBeNull();
    await expect(again.control({ id: drill.id, action: 'hint', text: 'late' })).rejects.toThrow(/has ended/);
  });

  it('refuses a second drill while one runs, and participants with the same name', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'drill-service-'));
    dirs.push(dir);
    const drills = service(dir);
    await expect(drills.start({ scenario: 'bad-deploy', deal: false, participants: [{ name: 'A', role: 'commander' }, { name: 'A', role: 'scribe' }] })).rejects.toThrow(/different name/);
    await drills.start({ scenario: 'bad-deploy', deal: false, participants: [{ name: 'A', role: 'commander' }] });
    await expect(drills.start({ deal: true, participants: [{ name: 'B', role: 'commander' }] })).rejects.toThrow(/still running/);
  });
});
