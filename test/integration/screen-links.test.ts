import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { methods } from '../../shared/api/contract.js';
import { createEngine } from '../../electron/engine/engine.js';
import type { Engine } from '../../electron/engine/engine.js';
import { passphraseSealer } from '../../electron/engine/connections/vault.js';
import { startHostServer } from '../../electron/host/server.js';
import type { HostServer } from '../../electron/host/server.js';

/**
 * A war room's wall display holds a screen link: it can read the wallboard and nothing more,
 * whatever mode the host runs in, never receives a secret-marked note, and stops the moment the
 * operator revokes it or it expires.
 */

interface Answer {
  status: number;
  body: { result?: unknown; error?: { code: string; message: string } };
  text: string;
}

const secretText = 'db password is hunter2-SECRET-7f3a';

let engine: Engine;
let server: HostServer;
let dir: string;

async function call(method: string, params: unknown, token: string): Promise<Answer> {
  const res = await fetch(`http://127.0.0.1:${server.port}/api/${method}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${token}` },
    body: JSON.stringify(params),
  });
  const text = await res.text();
  return { status: res.status, body: JSON.parse(text) as Answer['body'], text };
}

async function operator<T>(method: string, params: unknown): Promise<T> {
  const answer = await call(method, params, server.token);
  if (answer.status !== 200) throw new Error(`${method}: ${answer.text}`);
  return answer.body.result as T;
}

async function newScreen(params: { label: string; incidentId?: string | null; expiresInMs?: number }): Promise<{ id: string; token: string; expiresAt: number }> {
  const { screen, token } = await operator<{ screen: { id: string; expiresAt: number }; token: string }>('screens.create', params);
  return { id: screen.id, token, expiresAt: screen.expiresAt };
}

interface OpenSocket {
  ws: WebSocket;
  messages: unknown[];
  closed: Promise<{ code: number; at: number }>;
}

function openSocket(token: string, topics: string[]): Promise<OpenSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`ws://127.0.0.1:${server.port}/api/ws`, ['daytwo.v1', `bearer.${token}`]);
    const messages: unknown[] = [];
    const closed = new Promise<{ code: number; at: number }>((r) => ws.on('close', (code) => r({ code, at: Date.now() })));
    ws.on('message', (data) => messages.push(JSON.parse(String(data))));
    ws.on('unexpected-response', (_req, res) => reject(new Error(`upgrade refused: ${res.statusCode}`)));
    ws.on('error', reject);
    ws.on('open', () => {
      topics.forEach((topic, i) => ws.send(JSON.stringify({ type: 'subscribe', id: `s${i}`, topic, params: {} })));
      resolve({ ws, messages, closed });
    });
  });
}

async function until<T>(probe: () => T | undefined, what: string): Promise<T> {
  for (let i = 0; i < 200; i++) {
    const value = probe();
    if (value !== undefined) return value;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`timed out waiting for ${what}`);
}

let incidentA: string;
let incidentB: string;

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'daytwo-screens-'));
  const staticDir = path.join(dir, 'renderer');
  fs.mkdirSync(staticDir);
  fs.writeFileSync(path.join(staticDir, 'index.html'), '<!doctype html><title>Daytwo</title>');
  // Not read-only: screen links must refuse mutations on their own, not lean on --read-only.
  engine = createEngine({ mode: 'host', version: '0.0.0-test', dataDir: path.join(dir, 'data'), readOnly: false, sealer: passphraseSealer(undefined), log: () => {} });
  server = await startHostServer({ router: engine.router, staticDir, port: 0, screens: engine.screens });
  const a = await operator<{ incident: { id: string } }>('incidents.declare', { title: 'Checkout 5xx after deploy', severity: 'SEV2', roles: { commander: ['ana'], scribe: ['bo'] } });
  const b = await operator<{ incident: { id: string } }>('incidents.declare', { title: 'Search latency', severity: 'SEV3' });
  incidentA = a.incident.id;
  incidentB = b.incident.id;
  await operator('incidents.note', { incidentId: incidentA, text: 'rolled back to revision 41' });
  await operator('incidents.note', { incidentId: incidentA, text: secretText, secret: true });
});

afterAll(async () => {
  await server.close();
  await engine.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('screen links in host mode', () => {
  it('refuses every mutating method to a screen token, though the host is not read-only', async () => {
    const { token } = await newScreen({ label: 'war room' });
    const mutating = Object.entries(methods).filter(([, spec]) => spec.mutates).map(([name]) => name);
    expect(mutating.length).toBeGreaterThan(10);
    for (const method of mutating) {
      const answer = await call(method, {}, token);
      expect({ method, status: answer.status, code: answer.body.error?.code }).toEqual({ method, status: 403, code: 'forbidden' });
    }
    // Nor may a screen list the other screens, or read the audit log: only the wallboard's queries are open.
    expect((await call('screens.list', {}, token)).status).toBe(403);
    expect((await call('audit.list', {}, token)).status).toBe(403);
    // And the operator's token still works for the same mutations.
    expect((await call('incidents.note', { incidentId: incidentB, text: 'operator still writes' }, server.token)).status).toBe(200);
  });

  it('works for what the wallboard reads', async () => {
    const { token } = await newScreen({ label: 'war room' });
    const list = await call('incidents.list', { status: ['investigating'] }, token);
    expect(list.status).toBe(200);
    expect((list.body.result as { incidents: { id: string }[] }).incidents.map((i) => i.id).sort()).toEqual([incidentA, incidentB].sort());
    for (const [method, params] of [
      ['app.info', {}],
      ['incidents.get', { id: incidentA }],
      ['incidents.timeline', { id: incidentA }],
      ['runs.list', {}],
      ['alerts.list', {}],
      ['estate.snapshot', {}],
    ] as const) {
      expect({ method, status: (await call(method, params, token)).status }).toEqual({ method, status: 200 });
    }
  });

  it('never hands a secret-marked note to a screen token, while the operator still sees it', async () => {
    const { token } = await newScreen({ label: 'war room' });
    const mine = await call('incidents.timeline', { id: incidentA }, server.token);
    expect(mine.text).toContain(secretText);
    const theirs = await call('incidents.timeline', { id: incidentA }, token);
    expect(theirs.status).toBe(200);
    expect(theirs.text).toContain('rolled back to revision 41');
    for (const [method, params] of [
      ['incidents.timeline', { id: incidentA }],
      ['incidents.timeline', { id: incidentA, includeHidden: true }],
      ['incidents.get', { id: incidentA }],
      ['incidents.list', {}],
      ['runs.list', {}],
    ] as const) {
      expect((await call(method, params, token)).text).not.toContain('hunter2');
    }
    // Over the socket too: a note pushed while the screen watches.
    const socket = await openSocket(token, ['incidents.subscribe']);
    await operator('incidents.note', { incidentId: incidentA, text: 'another SECRET-7f3a line', secret: true });
    await until(() => (socket.messages.length > 0 ? true : undefined), 'the incident change');
    expect(JSON.stringify(socket.messages)).not.toContain('SECRET-7f3a');
    socket.ws.close();
  });

  it('pinned to one incident, sees that incident and no other', async () => {
    const { token } = await newScreen({ label: 'bridge display', incidentId: incidentA });
    const list = await call('incidents.list', {}, token);
    expect((list.body.result as { incidents: { id: string }[] }).incidents.map((i) => i.id)).toEqual([incidentA]);
    expect((await call('incidents.get', { id: incidentA }, token)).status).toBe(200);
    expect((await call('incidents.get', { id: incidentB }, token)).status).toBe(403);
    expect((await call('incidents.timeline', { id: incidentB }, token)).status).toBe(403);

    const socket = await openSocket(token, ['incidents.subscribe']);
    await operator('incidents.update', { id: incidentB, summary: 'pinned screens must not see this' });
    await operator('incidents.update', { id: incidentA, summary: 'pinned screens see this' });
    await until(() => (socket.messages.length > 0 ? true : undefined), 'the pinned incident change');
    const seen = socket.messages.map((m) => (m as { message: { incident: { id: string } } }).message.incident.id);
    expect(new Set(seen)).toEqual(new Set([incidentA]));
    socket.ws.close();
  });

  it('stops working when revoked: calls refused and the open WebSocket closed', async () => {
    const { id, token } = await newScreen({ label: 'lobby' });
    const socket = await openSocket(token, ['incidents.subscribe']);
    const revokedAt = Date.now();
    await operator('screens.revoke', { id });
    const closed = await socket.closed;
    // The figure the issue asks for (within a second); printed, not asserted, on a shared machine.
    console.log(`screen socket closed ${closed.at - revokedAt} ms after revocation`);
    expect(closed.code).toBe(4401);
    expect((await call('incidents.list', {}, token)).status).toBe(401);
    const listed = await operator<{ screens: { id: string; revokedAt: number | null }[] }>('screens.list', {});
    expect(listed.screens.find((s) => s.id === id)?.revokedAt).not.toBeNull();
    await expect(openSocket(token, [])).rejects.toThrow(/401/);
  });

  it('expires on time, closing its socket', async () => {
    const { token, expiresAt } = await newScreen({ label: 'short-lived', expiresInMs: 1000 });
    expect((await call('incidents.list', {}, token)).status).toBe(200);
    const socket = await openSocket(token, []);
    const closed = await socket.closed;
    expect(closed.code).toBe(4401);
    // Not before its time (same clock: the engine runs in this process).
    expect(closed.at).toBeGreaterThanOrEqual(expiresAt);
    expect((await call('incidents.list', {}, token)).status).toBe(401);
  });

  it('keeps only a hash of the token in the store', () => {
    const rows = engine.db.prepare('SELECT token_hash, body FROM screen_links').all() as { token_hash: string; body: string }[];
    expect(rows.length).toBeGreaterThan(0);
    for (const row of rows) {
      expect(row.token_hash).toMatch(/^[0-9a-f]{64}$/);
      expect(row.body).not.toContain('scr_');
    }
  });
});
