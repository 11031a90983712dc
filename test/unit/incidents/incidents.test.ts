import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { MethodName, Params, Result } from '../../../shared/api/contract.js';
import type { EstateEvent } from '../../../shared/estate/event.js';
import { relation } from '../../../shared/estate/model.js';
import { createEngine } from '../../../electron/engine/engine.js';
import type { Engine } from '../../../electron/engine/engine.js';
import { passphraseSealer } from '../../../electron/engine/connections/vault.js';
import { incidentNeighbourhood } from '../../../electron/engine/incidents/neighbourhood.js';
import { suggestIncidents } from '../../../electron/engine/incidents/suggestions.js';
import { deploymentFact, entity, podFact, sourceOf, tempDataDir } from '../state/estate-fixtures.js';

let data: ReturnType<typeof tempDataDir> | undefined;
let engine: Engine | undefined;

function start(): Engine {
  data ??= tempDataDir();
  engine = createEngine({ mode: 'host', version: 'test', dataDir: data.dir, readOnly: false, sealer: passphraseSealer(undefined), log: () => {} });
  return engine;
}

async function call<M extends MethodName>(method: M, params: Params<M>): Promise<Result<M>> {
  const outcome = await engine!.router.call(method, params, { transport: 'internal' });
  if (!outcome.ok) throw Object.assign(new Error(outcome.error.message), { code: outcome.error.code, field: outcome.error.field });
  return outcome.result as Result<M>;
}

afterEach(async () => {
  await engine?.close();
  engine = undefined;
  data?.remove();
  data = undefined;
});

const ctx = 'shop-prod';
const deployment = `k8s:${ctx}/shop/Deployment/api`;
const replicaSet = `k8s:${ctx}/shop/ReplicaSet/api-7d9`;
const service = `k8s:${ctx}/shop/Service/api`;
const pod = `k8s:${ctx}/shop/Pod/api-7d9-x1`;
const node = `k8s:${ctx}/Node/node-1`;
const unrelatedPod = `k8s:${ctx}/shop/Pod/cart-1`;

/** A small shop: api Deployment → ReplicaSet → pod on node-1, a Service selecting it, and an unrelated cart pod on the same node. */
function seedEstate(e: Engine): void {
  e.estate.replace(sourceOf(ctx), 'workloads', [
    deploymentFact(ctx, 'shop', 'api'),
    { entity: entity(replicaSet, 'replicaset', deployment, sourceOf(ctx)), relations: [relation('owns', deployment, replicaSet, sourceOf(ctx))] },
    { entity: entity(service, 'service', `k8s:${ctx}/shop`, sourceOf(ctx)), relations: [relation('selects', service, pod, sourceOf(ctx))] },
    { entity: entity(node, 'node', `k8s:${ctx}`, sourceOf(ctx)) },
  ]);
  e.estate.replace(sourceOf(ctx), 'pods', [podFact(ctx, 'shop', 'api-7d9-x1', { node: 'node-1', owner: replicaSet }), podFact(ctx, 'shop', 'cart-1', { node: 'node-1' })]);
  e.estate.flush();
}

function event(id: string, entityId: string, reason: string, at: number, type: EstateEvent['type'] = 'normal'): EstateEvent {
  return { id, sourceId: sourceOf(ctx), entityId, kind: 'kubernetes', type, reason, message: `${reason} on ${entityId}`, count: 1, firstAt: at, lastAt: at };
}

describe('declaring and following an incident', () => {
  it('declares with a commander and milestones, moves through the statuses and back, and says who did each', async () => {
    start();
    const { incident } = await call('incidents.declare', { title: 'Checkout errors', severity: 'SEV2', impacted: [deployment], detectedAt: Date.now() - 60_000 });
    expect(incident).toMatchObject({ status: 'investigating', kind: 'real', severity: 'SEV2', impacted: [deployment] });
    expect(incident.id).toMatch(/^inc-\d{8}-1$/);
    expect(incident.roles.commander).toHaveLength(1);
    expect(incident.milestones.detected!.at).toBeLessThan(incident.milestones.declared!.at);

    await call('incidents.update', { id: incident.id, roles: { scribe: ['ana', 'bo'] }, milestones: { acknowledged: Date.now() } });
    const mitigated = (await call('incidents.update', { id: incident.id, status: 'mitigated' })).incident;
    expect(mitigated.milestones.mitigated).toBeDefined();
    const resolved = (await call('incidents.update', { id: incident.id, status: 'resolved' })).incident;
    expect(resolved.milestones.resolved).toBeDefined();
    // The fix did not hold: back to investigating; resolution is cleared, the line saying it stays.
    const reopened = (await call('incidents.update', { id: incident.id, status: 'investigating' })).incident;
    expect(reopened.milestones.resolved).toBeUndefined();
    expect(reopened.roles.scribe).toEqual(['ana', 'bo']);

    const { items } = await call('incidents.timeline', { id: incident.id, kinds: ['incident'] });
    expect(items.map((i) => i.what)).toEqual([
      expect.stringContaining('Incident declared'),
      'Scribe: ana, bo',
      expect.stringContaining('Milestone acknowledged set'),
      'Status investigating → mitigated',
      'Status mitigated → resolved',
      'Status resolved → investigating',
    ]);

    // A drill is its own kind and filters apart from real incidents.
    await call('incidents.declare', { title: 'Game day', severity: 'SEV3', kind: 'drill' });
    expect((await call('incidents.list', { kind: 'drill' })).incidents.map((i) => i.title)).toEqual(['Game day']);
    expect((await call('incidents.list', { kind: 'real' })).incidents.map((i) => i.title)).toEqual(['Checkout errors']);
  });

  it('refuses a malformed or impossible change and changes nothing', async () => {
    start();
    const { incident } = await call('incidents.declare', { title: 'x', severity: 'SEV4' });
    await expect(call('incidents.update', { id: incident.id, status: 'closed' as never })).rejects.toMatchObject({ code: 'bad_request' });
    await expect(call('incidents.update', { id: incident.id, milestones: { mitigated: Date.now() + 3_600_000 } })).rejects.toMatchObject({ code: 'bad_request' });
    await expect(call('incidents.get', { id: 'inc-nope' })).rejects.toMatchObject({ code: 'not_found' });
    await expect(call('incidents.note', { incidentId: incident.id, text: '   ' })).rejects.toMatchObject({ code: 'bad_request' });
    expect((await call('incidents.get', { id: incident.id })).incident).toEqual(incident);
  });

  it('keeps a note whose time was edited with its first time, flags a note written late, and stars and hides items', async () => {
    start();
    const { incident } = await call('incidents.declare', { title: 'Latency', severity: 'SEV3' });
    const late = Date.now() - 20 * 60_000;
    const { note } = await call('incidents.note', { incidentId: incident.id, text: 'Paged the DB team', occurredAt: late, mentions: [deployment] });
    const moved = (await call('incidents.note', { incidentId: incident.id, noteId: note.id, text: 'Paged the DB team', occurredAt: late - 60_000 })).note;
    expect(moved).toMatchObject({ id: note.id, occurredAt: late - 60_000, originalOccurredAt: late, recordedAt: note.recordedAt });

    const noteItem = (await call('incidents.timeline', { id: incident.id, kinds: ['note'] })).items[0]!;
    expect(noteItem).toMatchObject({ what: 'Paged the DB team', late: true, originalOccurredAt: late, entityId: deployment });

    await call('incidents.mark', { id: incident.id, itemId: noteItem.id, starred: true });
    expect((await call('incidents.timeline', { id: incident.id, starredOnly: true })).items.map((i) => i.id)).toEqual([noteItem.id]);
    await call('incidents.mark', { id: incident.id, itemId: noteItem.id, hidden: true });
    expect((await call('incidents.timeline', { id: incident.id, kinds: ['note'] })).items).toEqual([]);
    expect((await call('incidents.timeline', { id: incident.id, kinds: ['note'], includeHidden: true })).items[0]).toMatchObject({ starred: true, hidden: true });
  });

  it('hands each stored note to onNote listeners (how PagerDuty mirrors notes), and a failing listener loses nothing', async () => {
    const e = start();
    const seen: string[] = [];
    e.incidents.onNote(() => {
      throw new Error('PagerDuty unreachable');
    });
    e.incidents.onNote((n, i) => seen.push(`${i.id}: ${n.text}`));
    const { incident } = await call('incidents.declare', { title: 'x', severity: 'SEV4', links: [{ system: 'pagerduty', id: 'Q1ABC', url: null }] });
    await call('incidents.note', { incidentId: incident.id, text: 'rolled back' });
    expect(seen).toEqual([`${incident.id}: rolled back`]);
    expect(e.incidents.notes(incident.id).map((n) => n.text)).toEqual(['rolled back']);
  });
});

describe('the timeline writes itself', () => {
  it('an incident opened two hours late shows, in order, what the event store and the audit log kept about the service and around it', async () => {
    const e = start();
    seedEstate(e);
    const t0 = Date.now() - 2 * 3_600_000;
    e.estate.recordEvents(sourceOf(ctx), [
      event('rollout', deployment, 'ScalingReplicaSet', t0),
      event('backoff', pod, 'BackOff', t0 + 60_000, 'warning'),
      event('node', node, 'NodeNotReady', t0 + 90_000, 'warning'),
      event('alarm', service, 'AlarmAlarm', t0 + 120_000, 'warning'),
      event('unrelated', unrelatedPod, 'BackOff', t0 + 130_000, 'warning'),
      event('before-window', pod, 'Pulled', t0 - 3 * 3_600_000),
      // operations/timeline.ts also lands operations here; the audit entry is the record of them.
      event('daytwo-operation:op-1', deployment, 'DaytwoRollback', t0 + 150_000),
    ]);
    e.estate.flush();
    e.audit.append({
      at: t0 + 160_000,
      who: { osUser: 'ana', kubeUser: 'admin', context: ctx },
      what: { kind: 'rollback', summary: 'Roll Deployment shop/api back to revision 1.' },
      target: deployment,
      plan: { id: 'plan-1', params: { revision: 1 }, diff: { summary: 'rollback', changes: [] }, risks: [], confirmation: 'acknowledge' },
      operationId: 'op-1',
      outcome: { result: 'succeeded', message: 'converged' },
      timings: { plannedAt: t0 + 140_000, executedAt: t0 + 150_000, finishedAt: t0 + 160_000, durationMs: 10_000 },
    });

    const { incident } = await call('incidents.declare', { title: 'api crash-looping', severity: 'SEV2', impacted: [deployment], detectedAt: t0 + 60_000 });
    const { items, anchor } = await call('incidents.timeline', { id: incident.id });
    expect(anchor).toBe(t0 + 60_000);
    expect(items.map((i) => [i.kind, i.entityId])).toEqual([
      ['rollout', deployment],
      ['pod', pod],
      ['node', node],
      ['alarm', service],
      ['operation', deployment],
      ['incident', null],
    ]);
    expect(items.find((i) => i.kind === 'operation')!.what).toContain('Roll Deployment shop/api back to revision 1. succeeded');

    const pods = await call('incidents.timeline', { id: incident.id, kinds: ['pod'] });
    expect(pods.total).toBe(1);
  });

  it('walks from a Deployment to its pods, Service and nodes, but not to the other pods on those nodes', () => {
    const e = start();
    seedEstate(e);
    const covered = incidentNeighbourhood([deployment], {
      get: (id) => e.estate.get(id),
      relationsOf: (id) => e.estate.detail(id)?.relations ?? [],
      childrenOf: (id) => e.estate.detail(id)?.children ?? [],
    });
    expect(new Set(covered)).toEqual(new Set([deployment, replicaSet, pod, service, node]));
  });

  it('offers firing alerts about one service as one suggested incident, and stops offering them once declared', () => {
    const alert = (id: string, name: string, service: string, severity: 'critical' | 'warning') => ({
      id,
      sourceId: 'prometheus:x',
      origin: 'prometheus-alert' as const,
      name,
      state: 'firing' as const,
      severity,
      summary: '',
      entityIds: [`k8s:${ctx}/shop/Deployment/${service}`],
      since: 1000,
      labels: { namespace: 'shop', service },
    });
    const alerts = [alert('a1', 'KubePodCrashLooping', 'api', 'warning'), alert('a2', 'HighErrorRate', 'api', 'critical'), alert('a3', 'KubePodCrashLooping', 'cart', 'warning')];
    const suggestions = suggestIncidents(alerts, []);
    expect(suggestions.map((s) => [s.key, s.severity, s.alertIds])).toEqual([
      ['shop/api', 'SEV2', ['a1', 'a2']],
      ['shop/cart', 'SEV3', ['a3']],
    ]);
  });
});

describe('the postmortem export', () => {
  it('writes report, timeline, an audit excerpt whose verify command passes against the log, and a zip', async () => {
    const e = start();
    seedEstate(e);
    const t0 = Date.now() - 10 * 60_000;
    e.estate.recordEvents(sourceOf(ctx), [event('backoff', pod, 'BackOff', t0 + 1000, 'warning')]);
    e.estate.flush();
    e.audit.append({
      at: t0 + 2000,
      who: { osUser: 'ana', kubeUser: 'admin', context: ctx },
      what: { kind: 'scale', summary: 'Scale Deployment shop/api from 3 to 5 replicas.' },
      target: deployment,
      plan: { id: 'plan-2', params: { replicas: 5 }, diff: { summary: 'scale', changes: [] }, risks: [], confirmation: 'acknowledge' },
      operationId: 'op-2',
      outcome: { result: 'succeeded', message: 'converged' },
      timings: { plannedAt: t0 + 1500, executedAt: t0 + 1800, finishedAt: t0 + 2000, durationMs: 200 },
    });
    const { incident } = await call('incidents.declare', { title: 'api down', severity: 'SEV1', impacted: [deployment], detectedAt: t0 });
    await call('incidents.note', { incidentId: incident.id, text: 'Follow-up: add a readiness gate' });
    await call('incidents.update', { id: incident.id, status: 'resolved' });

    const result = await call('incidents.export', { id: incident.id });
    expect(result.files).toEqual(expect.arrayContaining(['report.md', 'timeline.json', 'audit.jsonl', 'VERIFY.txt', 'verify-audit.mjs']));
    const report = fs.readFileSync(path.join(result.folder, 'report.md'), 'utf8');
    expect(report).toContain('# ' + incident.id);
    expect(report).toContain('| detected |');
    expect(report).toContain('Scale Deployment shop/api from 3 to 5 replicas.');
    expect(report).toContain('- [ ] Follow-up: add a readiness gate');
    expect(report).toMatch(/\| T\+0m01s \| pod \|/);
    expect(JSON.parse(fs.readFileSync(path.join(result.folder, 'timeline.json'), 'utf8')).items.length).toBeGreaterThan(3);
    expect(fs.statSync(result.zip).size).toBeGreaterThan(100);

    const verify = execFileSync('node', [path.join(result.folder, 'verify-audit.mjs'), e.db.name], { encoding: 'utf8' });
    expect(verify).toContain('verified 1 entries against');

    // An edited excerpt no longer verifies.
    const auditFile = path.join(result.folder, 'audit.jsonl');
    fs.writeFileSync(auditFile, fs.readFileSync(auditFile, 'utf8').replace('3 to 5', '3 to 50'));
    expect(() => execFileSync('node', [path.join(result.folder, 'verify-audit.mjs'), e.db.name], { stdio: 'pipe' })).toThrow(/content does not match its hash/);
  });
});
