import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { createEngine } from '../../electron/engine/engine.js';
import type { Engine } from '../../electron/engine/engine.js';
import { passphraseSealer } from '../../electron/engine/connections/vault.js';
import { startHostServer } from '../../electron/host/server.js';
import type { HostServer } from '../../electron/host/server.js';

interface Running {
  engine: Engine;
  server: HostServer;
  dir: string;
}

async function startHost(readOnly: boolean): Promise<Running> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'daytwo-host-'));
  const staticDir = path.join(dir, 'renderer');
  fs.mkdirSync(staticDir);
  fs.writeFileSync(path.join(staticDir, 'index.html'), '<!doctype html><title>Daytwo</title>');
  const engine = createEngine({
    mode: 'host',
    version: '0.0.0-test',
    dataDir: path.join(dir, 'data'),
    readOnly,
    sealer: passphraseSealer(undefined),
    log: () => {},
  });
  const server = await startHostServer({ router: engine.router, staticDir, port: 0 });
  return { engine, server, dir };
}

async function stop(running: Running): Promise<void> {
  await running.server.close();
  await running.engine.close();
  fs.rmSync(running.dir, { recursive: true, force: true });
}

/** Raw request so the test controls the Host header, which fetch will not let it set. */
function request(
  port: number,
  options: { method?: string; path: string; headers?: Record<string, string>; body?: string },
): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      { host: '127.0.0.1', port, method: options.method ?? 'GET', path: options.path, headers: options.headers },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (body += chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      },
    );
    req.on('error', reject);
    if (options.body !== undefined) req.write(options.body);
    req.end();
  });
}

function api(running: Running, method: string, body: unknown, token = running.server.token) {
  return request(running.server.port, {
    method: 'POST',
    path: `/api/${method}`,
    headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${token}` },
    body: JSON.stringify(body),
  });
}

describe('host mode, as a browser or a script meets it', () => {
  let host: Running;
  let readOnlyHost: Running;

  beforeAll(async () => {
    host = await startHost(false);
    readOnlyHost = await startHost(true);
  });
  afterAll(async () => {
    await stop(host);
    await stop(readOnlyHost);
  });

  it('answers a call that carries the launch token', async () => {
    const res = await api(host, 'app.info', {});
    expect(res.status).toBe(200);
    const { result } = JSON.parse(res.body) as { result: { name: string; mode: string; readOnly: boolean } };
    expect(result).toMatchObject({ name: 'Daytwo', mode: 'host', readOnly: false });
  });

  it('refuses a call without the token, or with a wrong one, with 401', async () => {
    const missing = await request(host.server.port, {
      method: 'POST',
      path: '/api/app.info',
      headers: { 'Content-Type': 'application/json' },
      body: '{}',
    });
    expect(missing.status).toBe(401);
    expect(JSON.parse(missing.body)).toMatchObject({ error: { code: 'unauthorized' } });
    const wrong = await api(host, 'app.info', {}, 'not-the-token');
    expect(wrong.status).toBe(401);
  });

  it('refuses a foreign Host header with 403, even with the token', async () => {
    const res = await request(host.server.port, {
      method: 'POST',
      path: '/api/app.info',
      headers: { Host: 'evil.example', 'Content-Type': 'application/json', Authorization: `Bearer ${host.server.token}` },
      body: '{}',
    });
    expect(res.status).toBe(403);
    const page = await request(host.server.port, { path: '/', headers: { Host: `evil.example:${host.server.port}` } });
    expect(page.status).toBe(403);
  });

  it('answers bad parameters with 400 naming the field, and changes nothing', async () => {
    const before = JSON.parse((await api(host, 'settings.get', {})).body).result.settings;
    const res = await api(host, 'settings.set', { patch: { theme: 'purple' } });
    expect(res.status).toBe(400);
    const { error } = JSON.parse(res.body) as { error: { code: string; message: string; field: string } };
    expect(error.code).toBe('bad_request');
    expect(error.field).toBe('patch.theme');
    expect(error.message).toContain('patch.theme');
    const after = JSON.parse((await api(host, 'settings.get', {})).body).result.settings;
    expect(after).toEqual(before);
  });

  it('refuses unknown fields rather than ignoring a typo', async () => {
    const res = await api(host, 'settings.set', { patch: { them: 'dark' } });
    expect(res.status).toBe(400);
  });

  it('applies a valid mutation and keeps it', async () => {
    const res = await api(host, 'settings.set', { patch: { theme: 'dark' } });
    expect(res.status).toBe(200);
    const after = JSON.parse((await api(host, 'settings.get', {})).body).result.settings;
    expect(after.theme).toBe('dark');
  });

  it('answers an unknown method with 404 and a malformed body with 400', async () => {
    expect((await api(host, 'nope.nothing', {})).status).toBe(404);
    const res = await request(host.server.port, {
      method: 'POST',
      path: '/api/app.info',
      headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${host.server.token}` },
      body: '{not json',
    });
    expect(res.status).toBe(400);
  });

  it('refuses every mutating method when started read-only, and still answers reads', async () => {
    const res = await api(readOnlyHost, 'settings.set', { patch: { theme: 'dark' } });
    expect(res.status).toBe(403);
    expect(JSON.parse(res.body).error.message).toMatch(/read-only/);
    expect((await api(readOnlyHost, 'settings.get', {})).status).toBe(200);
  });

  it('serves the page with a strict Content-Security-Policy', async () => {
    const res = await request(host.server.port, { path: '/' });
    expect(res.status).toBe(200);
    const csp = String(res.headers['content-security-policy']);
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toContain('unsafe-eval');
    expect(res.headers['x-content-type-options']).toBe('nosniff');
  });

  it('never serves a file outside the renderer folder', async () => {
    fs.writeFileSync(path.join(host.dir, 'secret.txt'), 'do not serve');
    for (const probe of ['/../secret.txt', '/%2e%2e/secret.txt', '/..%2fsecret.txt']) {
      const res = await request(host.server.port, { path: probe });
      expect(res.body).not.toContain('do not serve');
    }
  });

  it('streams a subscription over a WebSocket that carries the token', async () => {
    const ws = new WebSocket(`ws://127.0.0.1:${host.server.port}/api/ws`, ['daytwo.v1', `bearer.${host.server.token}`], {
      origin: `http://127.0.0.1:${host.server.port}`,
    });
    const first = await new Promise<unknown>((resolve, reject) => {
      ws.on('open', () => ws.send(JSON.stringify({ type: 'subscribe', id: 's1', topic: 'sources.subscribe', params: {} })));
      ws.on('message', (data) => resolve(JSON.parse(String(data))));
      ws.on('error', reject);
    });
    expect(first).toMatchObject({ type: 'message', id: 's1', message: { sources: expect.any(Array) } });
    ws.close();
  });

  it('refuses a WebSocket from a foreign Origin with 403 and one without the token with 401', async () => {
    const statusOf = (protocols: string[], origin: string) =>
      new Promise<number>((resolve) => {
        const ws = new WebSocket(`ws://127.0.0.1:${host.server.port}/api/ws`, protocols, { origin });
        ws.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
        ws.on('open', () => {
          ws.close();
          resolve(101);
        });
        ws.on('error', () => {});
      });
    expect(await statusOf(['daytwo.v1', `bearer.${host.server.token}`], 'https://evil.example')).toBe(403);
    expect(await statusOf(['daytwo.v1'], `http://127.0.0.1:${host.server.port}`)).toBe(401);
  });
});
