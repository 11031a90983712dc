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

/**
 * What a broken or hostile client can send host mode over a real socket, and what it gets:
 * each of these ended the process before (issue 10), taking the engine with it.
 */

let engine: Engine;
let server: HostServer;
let dir: string;
const logged: string[] = [];

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'daytwo-hardening-'));
  fs.mkdirSync(path.join(dir, 'renderer'));
  fs.writeFileSync(path.join(dir, 'renderer', 'index.html'), '<!doctype html><title>Daytwo</title>');
  engine = createEngine({ mode: 'host', version: '0.0.0-test', dataDir: path.join(dir, 'data'), readOnly: false, sealer: passphraseSealer(undefined), log: () => {} });
  server = await startHostServer({ router: engine.router, staticDir: path.join(dir, 'renderer'), port: 0, log: (line) => logged.push(line) });
});

afterAll(async () => {
  await server.close();
  await engine.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

function openSocket(): Promise<WebSocket> {
  const ws = new WebSocket(`ws://127.0.0.1:${server.port}/api/ws`, [`bearer.${server.token}`, 'daytwo.v1']);
  return new Promise((resolve, reject) => {
    ws.once('open', () => resolve(ws));
    ws.once('error', reject);
  });
}

function closeCode(ws: WebSocket): Promise<number> {
  return new Promise((resolve) => ws.once('close', (code) => resolve(code)));
}

function nextFrame(ws: WebSocket): Promise<{ type: string; id: string; error?: { code: string; message: string } }> {
  return new Promise((resolve) => ws.once('message', (data) => resolve(JSON.parse(String(data)))));
}

async function engineAnswers(): Promise<boolean> {
  const res = await fetch(`http://127.0.0.1:${server.port}/api/app.info`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${server.token}` },
    body: '{}',
  });
  return res.status === 200;
}

function rawPost(body: Buffer): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: '127.0.0.1',
        port: server.port,
        method: 'POST',
        path: '/api/app.info',
        headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${server.token}`, 'Content-Length': body.length },
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (text += chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

describe('host mode under frames and bodies that break the rules', () => {
  it('closes a socket that sends a frame over 1 MiB with 1009, and keeps serving', async () => {
    const ws = await openSocket();
    const closed = closeCode(ws);
    ws.send('x'.repeat(1024 * 1024 + 1));
    expect(await closed).toBe(1009);
    expect(await engineAnswers()).toBe(true);
    expect(logged.some((line) => /Max payload size exceeded/.test(line))).toBe(true);
  });

  it('closes a socket that sends a text frame of invalid UTF-8 with 1007, and keeps serving', async () => {
    const ws = await openSocket();
    const closed = closeCode(ws);
    ws.send(Buffer.from([0x7b, 0xff, 0xfe, 0x7d]), { binary: false });
    expect(await closed).toBe(1007);
    expect(await engineAnswers()).toBe(true);
  });

  it('answers a subscription to an unknown operation with not_found, on a socket that stays open', async () => {
    const ws = await openSocket();
    ws.send(JSON.stringify({ type: 'subscribe', id: 's1', topic: 'operations.watch', params: { id: 'op-does-not-exist' } }));
    const frame = await nextFrame(ws);
    expect(frame).toMatchObject({ type: 'error', id: 's1', error: { code: 'not_found' } });
    ws.send(JSON.stringify({ type: 'subscribe', id: 's2', topic: 'sources.subscribe', params: {} }));
    expect(await nextFrame(ws)).toMatchObject({ type: 'message', id: 's2' });
    ws.close();
    expect(await engineAnswers()).toBe(true);
  });

  it('answers a body over the limit with 413 and a JSON error, not a reset', async () => {
    const res = await rawPost(Buffer.alloc(1024 * 1024 + 10, 0x20));
    expect(res.status).toBe(413);
    expect(JSON.parse(res.body)).toMatchObject({ error: { code: 'bad_request', message: expect.stringContaining('1048576 bytes') } });
    expect(await engineAnswers()).toBe(true);
  });
});
