import fs from 'node:fs';
import https from 'node:https';
import os from 'node:os';
import path from 'node:path';
import { api } from '@pagerduty/pdjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MethodName, Params, Result } from '../../shared/api/contract.js';
import type { PagerDutyIncident } from '../../shared/api/pagerduty.js';
import type { Engine } from '../../electron/engine/engine.js';
import { PagerDutyClient } from '../../electron/engine/providers/pagerduty/pagerduty-client.js';
import type { PagerDutyConnectionFile } from '../../electron/engine/sandbox/files.js';
import { startSandbox, type RunningSandbox } from '../../electron/engine/sandbox/start.js';
import { pagerDutyOnlyEngine } from './helpers/pagerduty-engine.js';

/**
 * PagerDuty, the way an SRE meets it: the sandbox's bad deploy fires a CloudWatch alarm, the
 * alarm pages through PagerDuty's CloudWatch integration, and the official client
 * (@pagerduty/pdjs) sees the incident. Daytwo lists it, acknowledges and reassigns it through
 * the operations path (audited), and a note written while PagerDuty is unreachable arrives
 * once, with the time it was written, after PagerDuty is back.
 */

let sandbox: RunningSandbox;
let dir: string;
let file: PagerDutyConnectionFile;
let agent: https.Agent;

/** pdjs as a script would use it: the token and server from the connection file, the sandbox's CA trusted. */
function pd(token = file.token) {
  return api({ token, server: file.server, agent, retryTimeout: 0 } as Parameters<typeof api>[0]);
}

async function admin(name: string, body: object): Promise<void> {
  const res = await fetch(`http://127.0.0.1:${sandbox.port}/sandbox/pagerduty/${name}`, { method: 'POST', body: JSON.stringify(body) });
  expect(res.status).toBe(200);
}

async function eventually<T>(what: string, probe: () => Promise<T | undefined> | T | undefined, attempts = 180, pauseMs = 1000): Promise<T> {
  for (let i = 0; i < attempts; i++) {
    const value = await probe();
    if (value !== undefined) return value;
    await new Promise((r) => setTimeout(r, pauseMs));
  }
  throw new Error(`Gave up waiting for ${what}`);
}

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'daytwo-pagerduty-'));
  sandbox = await startSandbox({ port: 0, outDir: path.join(dir, 'sandbox'), seed: 42 });
  file = JSON.parse(fs.readFileSync(sandbox.pagerdutyPath, 'utf8')) as PagerDutyConnectionFile;
  agent = new https.Agent({ ca: file.certificateAuthority });
  // The release goes bad now; its 5xx alarm fires within a minute or two of simulated (= real) time.
  sandbox.cloud.startScenario('bad-deploy');
});

afterAll(async () => {
  agent?.destroy();
  await sandbox?.stop();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

describe('the sandbox speaks PagerDuty REST API v2 to @pagerduty/pdjs', () => {
  it('keeps the connection file private and its token random per launch', () => {
    expect(fs.statSync(sandbox.pagerdutyPath).mode & 0o777).toBe(0o600);
    expect(file.token).toMatch(/^[A-Za-z0-9_-]{20}$/);
    expect(file.server).toBe(`127.0.0.1:${sandbox.port}/pagerduty`);
  });

  it('pages through services with offset, limit and more, and counts them when asked', async () => {
    const first = await pd().get('/services', { data: { limit: 5, total: true } });
    expect(first.status).toBe(200);
    expect(first.data.limit).toBe(5);
    expect(first.data.offset).toBe(0);
    expect(first.data.more).toBe(true);
    const total = first.data.total as number;
    expect(total).toBeGreaterThan(5);
    // Follow pdjs's own `next()`, which asks for offset + limit while `more` is true. (pdjs's
    // `all` cannot be used off api.pagerduty.com: it finds the resource name with /.com\/(\w+)/.)
    const services: { id: string }[] = [...first.data.services];
    let page = first;
    while (page.next) {
      page = await page.next();
      expect(page.status).toBe(200);
      services.push(...page.data.services);
    }
    expect(services).toHaveLength(total);
    expect(new Set(services.map((s) => s.id)).size).toBe(total);
    for (const s of services) expect(s.id).toMatch(/^P[A-Z0-9]{6}$/);
  });

  it('refuses a bad token with 401 in PagerDuty error format', async () => {
    const res = await pd('not-the-token').get('/incidents');
    expect(res.status).toBe(401);
    expect(res.data).toEqual({ error: { message: 'Authentication failed', code: 2006 } });
  });

  it('requires From with a user of the account to change an incident', async () => {
    const service = sandbox.pagerduty.directory.services[0]!;
    const incident = sandbox.pagerduty.incidents.trigger({ serviceId: service.id, title: 'Disk filling on a test box', description: 'test', incidentKey: 'from-test', source: 'test' });
    const body = { incident: { type: 'incident_reference', status: 'acknowledged' } };
    const missing = await pd().put(`/incidents/${incident.id}`, { data: body });
    expect(missing.status).toBe(400);
    expect(missing.data.error.code).toBe(2011);
    const stranger = await pd().put(`/incidents/${incident.id}`, { data: body, headers: { From: 'nobody@example.com' } });
    expect(stranger.status).toBe(400);
    const ok = await pd().put(`/incidents/${incident.id}`, { data: body, headers: { From: file.from } });
    expect(ok.status).toBe(200);
    expect(ok.data.incident.status).toBe('acknowledged');
    await pd().put(`/incidents/${incident.id}`, { data: { incident: { type: 'incident_reference', status: 'resolved' } }, headers: { From: file.from } });
  });

  it('answers 429 with Retry-After over the rate limit, and serves again once that has passed', async () => {
    await admin('rate-limit', { requests: 3, windowSeconds: 2 });
    try {
      for (let i = 0; i < 3; i++) expect((await pd().get('/users', { data: { limit: 1 } })).status).toBe(200);
      const limited = await pd().get('/users', { data: { limit: 1 } });
      expect(limited.status).toBe(429);
      expect(limited.data.error.code).toBe(2020);
      const retryAfter = Number(limited.headers.get('retry-after'));
      expect(Number.isInteger(retryAfter) && retryAfter >= 1).toBe(true);
      await new Promise((r) => setTimeout(r, retryAfter * 1000));
      expect((await pd().get('/users', { data: { limit: 1 } })).status).toBe(200);

      // Daytwo's client waits out each 429 for its Retry-After, so every call gets its answer.
      const client = new PagerDutyClient({ sourceId: 'pagerduty:test', server: file.server, from: file.from, certificateAuthority: file.certificateAuthority!, token: () => file.token });
      const before = sandbox.pagerduty.calls;
      for (let i = 0; i < 7; i++) expect((await client.get<{ users: unknown[] }>('/users', { limit: '1' })).users).toHaveLength(1);
      expect(sandbox.pagerduty.calls - before).toBeGreaterThan(7);
      client.close();
    } finally {
      await admin('rate-limit', { requests: 960, windowSeconds: 60 });
    }
  });
});

describe('Daytwo and a PagerDuty incident', () => {
  let engine: Engine;
  let incident: PagerDutyIncident;
  /** A Daytwo incident's id, as the incidents feature would hand it over. */
  const daytwoIncident = 'incident-2026-11-30-checkout';

  async function call<M extends MethodName>(method: M, params: Params<M>): Promise<Result<M>> {
    const outcome = await engine.router.call(method, params, { transport: 'internal' });
    if (!outcome.ok) throw Object.assign(new Error(outcome.error.message), { code: outcome.error.code });
    return outcome.result as Result<M>;
  }

  function openEngine(): Engine {
    return pagerDutyOnlyEngine(dir, sandbox.pagerdutyPath);
  }

  beforeAll(() => {
    engine = openEngine();
  });

  afterAll(async () => {
    await engine?.close();
  });

  it('lists the incident the bad deploy triggered, and keeps the token out of every answer', { timeout: 240_000 }, async () => {
    incident = await eventually('the bad deploy to page', async () => {
      const { incidents } = await call('pagerduty.incidents', {});
      return incidents.find((i) => i.title.includes('catalog-api-5xx-high'));
    });
    expect(incident.status).toBe('triggered');
    expect(incident.id).toMatch(/^P[A-Z0-9]{6}$/);
    expect(incident.service.name).toBe('catalog-api (shop-prod-eks)');
    expect(incident.assignees).toHaveLength(1);
    const { sources } = await call('sources.list', {});
    const source = sources.find((s) => s.kind === 'pagerduty');
    expect(source?.state).toBe('live');
    const everything = JSON.stringify([sources, await call('pagerduty.incidents', {}), await call('pagerduty.outbox', {})]);
    expect(everything).not.toContain(file.token);

    // The same incident, seen by the official client on its own.
    const seen = await pd().get('/incidents', { data: { 'statuses[]': ['triggered'], 'service_ids[]': [incident.service.id] } });
    expect((seen.data.incidents as { id: string }[]).map((i) => i.id)).toContain(incident.id);
    const entries = await call('pagerduty.logEntries', { incident: incident.target });
    expect(entries.items.map((i) => i.entryType)).toEqual(['trigger_log_entry', 'assign_log_entry']);
  });

  it('links it to a Daytwo incident, once however often it is asked', async () => {
    const first = await call('pagerduty.link', { incidentId: daytwoIncident, pagerduty: incident.target });
    const again = await call('pagerduty.link', { incidentId: daytwoIncident, pagerduty: incident.target });
    expect(again.link).toEqual(first.link);
    expect((await call('pagerduty.links', { incidentId: daytwoIncident })).links.map((l) => l.pagerduty)).toEqual([incident.target]);
    await expect(call('pagerduty.link', { incidentId: daytwoIncident, pagerduty: 'pagerduty:elsewhere.example/incidents/PABCDEF' })).rejects.toMatchObject({ code: 'not_found' });
  });

  it('acknowledges it from Daytwo through plan, confirm, execute, verify, and the audit log', { timeout: 60_000 }, async () => {
    const { plan } = await call('operations.plan', { kind: 'pagerduty-acknowledge', target: incident.target, params: {} });
    expect(plan.state).toBe('ready');
    expect(plan.diff.changes).toEqual([{ field: 'status', before: 'triggered', after: 'acknowledged' }]);
    expect(plan.actingAs).toBe(file.from);
    const { operation } = await call('operations.execute', { planId: plan.id, confirmation: plan.confirmation.expected, wait: true });
    expect(operation.state).toBe('succeeded');
    // The plan id is the idempotency key: a second execute is the same operation, nothing sent again.
    const again = await call('operations.execute', { planId: plan.id, confirmation: plan.confirmation.expected, wait: true });
    expect(again.operation.id).toBe(operation.id);

    const live = await pd().get(`/incidents/${incident.id}`);
    expect(live.data.incident.status).toBe('acknowledged');
    expect(live.data.incident.acknowledgements).toHaveLength(1);
    expect(live.data.incident.acknowledgements[0].acknowledger.id).toBe(sandbox.pagerduty.directory.operator.id);

    const { entries } = await call('audit.list', {});
    const entry = entries.find((e) => e.operationId === operation.id);
    expect(entry?.what.kind).toBe('pagerduty-acknowledge');
    expect(entry?.outcome.result).toBe('succeeded');
    expect(entry?.target).toBe(incident.target);
    expect(entry?.who.kubeUser).toBe(file.from);
    expect((await call('audit.verify', {})).ok).toBe(true);
  });

  it('reassigns it, and PagerDuty pages the new assignee', { timeout: 60_000 }, async () => {
    const { users } = await call('pagerduty.users', { sourceId: incident.sourceId });
    const other = users.find((u) => u.id !== incident.assignees[0]!.id && u.email !== file.from)!;
    const { plan } = await call('operations.plan', { kind: 'pagerduty-reassign', target: incident.target, params: { assignees: [other.id] } });
    expect(plan.risks.map((r) => r.code)).toContain('pages-someone');
    expect(plan.diff.changes).toContainEqual({ field: 'status', before: 'acknowledged', after: 'triggered' });
    const { operation } = await call('operations.execute', { planId: plan.id, confirmation: plan.confirmation.expected, wait: true });
    expect(operation.state).toBe('succeeded');
    const live = await pd().get(`/incidents/${incident.id}`);
    expect(live.data.incident.assignments.map((a: { assignee: { id: string } }) => a.assignee.id)).toEqual([other.id]);
    expect(live.data.incident.status).toBe('triggered');
  });

  it('queues a note while PagerDuty is unreachable and delivers it once, with its original time, after reconnect and a restart', { timeout: 120_000 }, async () => {
    const sourceId = incident.sourceId;
    await admin('outage', { down: true });
    await engine.pagerduty.source(sourceId)!.refresh();
    expect(engine.sources.get(sourceId)?.state).toBe('offline');

    // Written five minutes ago, on a plane; PagerDuty will stamp it with the time it arrives.
    const writtenAt = Math.floor((Date.now() - 5 * 60_000) / 1000) * 1000;
    const stamp = new Date(writtenAt).toISOString().replace('.000Z', 'Z');
    // Written on the Daytwo incident; mirrored to every PagerDuty incident linked to it.
    const [queued] = engine.pagerduty.mirrorNote(daytwoIncident, { text: 'Rolled back catalog-api; 5xx falling.', occurredAt: writtenAt, author: 'Sam' });
    if (!queued) throw new Error('The note was not queued for the linked PagerDuty incident.');
    expect(queued.state).toBe('queued');
    await engine.pagerduty.flush(sourceId);
    expect((await call('pagerduty.outbox', {})).notes.find((n) => n.id === queued.id)?.state).toBe('queued');

    await admin('outage', { down: false });
    await eventually('the note to be sent', async () => ((await call('pagerduty.outbox', {})).notes.find((n) => n.id === queued.id)?.state === 'sent' ? true : undefined), 60, 500);

    // A restart reads the same outbox; nothing is sent twice.
    await engine.close();
    engine = openEngine();
    await eventually('the source to be live again', () => (engine.sources.get(sourceId)?.state === 'live' ? true : undefined), 60, 500);
    await engine.pagerduty.flush(sourceId);

    const notes = (await pd().get(`/incidents/${incident.id}/notes`)).data.notes as { content: string }[];
    const mine = notes.filter((n) => n.content.includes('Rolled back catalog-api'));
    expect(mine).toHaveLength(1);
    expect(mine[0]!.content.startsWith(`[${stamp}, written offline by Sam] Rolled back catalog-api; 5xx falling.`)).toBe(true);

    const { items } = await call('pagerduty.timeline', { incidentId: daytwoIncident });
    const note = items.find((i) => i.entryType === 'annotate_log_entry')!;
    expect(note.occurredAt).toBe(writtenAt);
    expect(note.late).toBe(true);
    expect(note.recordedAt).toBeGreaterThan(writtenAt);
    expect(items.map((i) => i.entryType)).toEqual(expect.arrayContaining(['trigger_log_entry', 'acknowledge_log_entry', 'assign_log_entry', 'annotate_log_entry']));
  });

  it('sends a note whose answer was lost exactly once: it reads the incident\'s notes before sending again', { timeout: 60_000 }, async () => {
    const sourceId = incident.sourceId;
    await eventually('the source to be live', () => (engine.sources.get(sourceId)?.state === 'live' ? true : undefined), 60, 500);
    await admin('lose-answers', { count: 1 });
    const queued = engine.pagerduty.enqueueNote(incident.target, { text: 'Error budget burn back under 1x.', occurredAt: Date.now(), author: 'Sam' });
    await engine.pagerduty.flush(sourceId);
    const afterLoss = (await call('pagerduty.outbox', {})).notes.find((n) => n.id === queued.id)!;
    expect(afterLoss.state).toBe('queued');
    expect(afterLoss.attempts).toBe(1);
    // The next flush (on the next good read) finds the note already there and marks it sent.
    await eventually('the note to be marked sent', async () => ((await call('pagerduty.outbox', {})).notes.find((n) => n.id === queued.id)?.state === 'sent' ? true : undefined), 60, 500);
    const notes = (await pd().get(`/incidents/${incident.id}/notes`)).data.notes as { content: string }[];
    expect(notes.filter((n) => n.content.includes('Error budget burn back under 1x.'))).toHaveLength(1);
    expect((await call('pagerduty.outbox', {})).notes.find((n) => n.id === queued.id)?.attempts).toBe(1);
  });

  it('resolves it from Daytwo, and refuses to plan anything more on a resolved incident', { timeout: 60_000 }, async () => {
    const { plan } = await call('operations.plan', { kind: 'pagerduty-resolve', target: incident.target, params: {} });
    expect(plan.diff.changes).toEqual([{ field: 'status', before: 'triggered', after: 'resolved' }]);
    const { operation } = await call('operations.execute', { planId: plan.id, confirmation: plan.confirmation.expected, wait: true });
    expect(operation.state).toBe('succeeded');
    expect((await pd().get(`/incidents/${incident.id}`)).data.incident.status).toBe('resolved');
    await expect(call('operations.plan', { kind: 'pagerduty-acknowledge', target: incident.target, params: {} })).rejects.toMatchObject({ code: 'conflict' });
    await expect(call('operations.plan', { kind: 'pagerduty-acknowledge', target: 'k8s:ctx/ns/Deployment/web', params: {} } as never)).rejects.toMatchObject({ code: 'bad_request' });
  });
});
