import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { methods, topics } from '../../shared/api/contract.js';
import { createEngine } from '../../electron/engine/engine.js';
import type { Engine } from '../../electron/engine/engine.js';
import { passphraseSealer } from '../../electron/engine/connections/vault.js';
import { startHostServer } from '../../electron/host/server.js';
import type { HostServer } from '../../electron/host/server.js';
import { clusterFact, deploymentFact, podFact, sourceOf } from '../unit/state/estate-fixtures.js';
import { seededRandom } from '../seeded-random.js';
import { Fuzz, fuzzBody } from './fuzz-params.js';
import type { FuzzBody } from './fuzz-params.js';

/**
 * Every method and topic in the contract (enumerated from shared/api/contract.ts, so a new one
 * is fuzzed the day it is declared), over host mode's real HTTP and WebSocket: values walked
 * from the schemas, and the ways a broken or hostile client breaks them (wrong types, extra
 * keys, __proto__, huge strings, deep nesting, invalid UTF-8, not JSON, over-size bodies and
 * frames). After each method's or topic's batch, the engine must still answer, and settings,
 * the estate's entity count and the audit chain must be as they were unless a valid mutation
 * went through. Fixed seed and count: the same requests on every run.
 */

const seed = 0x0da7_2010;
const perMethod = 80;
const perTopic = 80;
const maxBody = 1024 * 1024;

let engine: Engine;
let server: HostServer;
let dir: string;
const agent = new http.Agent({ keepAlive: true, maxSockets: 4 });
const crashes: string[] = [];
const figures = { http: 0, ws: 0, accepted: 0, validMutations: 0, socketsClosedByServer: 0 };

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'daytwo-fuzz-'));
  fs.mkdirSync(path.join(dir, 'renderer'));
  fs.writeFileSync(path.join(dir, 'renderer', 'index.html'), '<!doctype html><title>Daytwo</title>');
  engine = createEngine({
    mode: 'host',
    version: '0.0.0-fuzz',
    dataDir: path.join(dir, 'data'),
    readOnly: false,
    sealer: passphraseSealer(undefined),
    // The router logs only what it did not expect: every line is a handler that threw.
    log: (message, error) => crashes.push(`engine: ${message}: ${String(error)}`),
  });
  // An estate to count: a cluster with a deployment and its pods, as a provider would report them.
  engine.estate.replace(sourceOf('fuzz'), 'clusters', [clusterFact('fuzz')]);
  engine.estate.replace(sourceOf('fuzz'), 'deployments', [deploymentFact('fuzz', 'shop', 'web')]);
  engine.estate.replace(sourceOf('fuzz'), 'pods', [podFact('fuzz', 'shop', 'web-1'), podFact('fuzz', 'shop', 'web-2')]);
  // And an audit log with history in it, so "the chain is unchanged" says something.
  for (const n of [1, 2]) {
    engine.audit.append({
      at: 1_700_000_000_000 + n,
      who: { osUser: 'sre', kubeUser: 'admin', context: 'fuzz' },
      what: { kind: 'scale', summary: `Scale Deployment shop/web to ${n} replicas.` },
      target: 'k8s:fuzz/shop/Deployment/web',
      plan: { id: `plan-${n}`, params: { replicas: n }, diff: { summary: 'scale', changes: [] }, risks: [], confirmation: 'acknowledge' },
      operationId: `op-${n}`,
      outcome: { result: 'succeeded', message: 'converged' },
      timings: { plannedAt: 1, executedAt: 2, finishedAt: 3, durationMs: 2 },
    });
  }
  server = await startHostServer({
    router: engine.router,
    staticDir: path.join(dir, 'renderer'),
    port: 0,
    log: (line) => {
      // A socket closed for a bad frame is the defence working; anything else is a failure inside.
      if (!line.startsWith('websocket closed after a bad frame')) crashes.push(`host: ${line}`);
    },
  });
});

afterAll(async () => {
  agent.destroy();
  await server?.close();
  await engine?.close();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

interface Answer {
  status: number;
  json: { result?: unknown; error?: { code: string; message: string } } | null;
}

function post(method: string, body: string | Buffer, contentType = 'application/json'): Promise<Answer> {
  figures.http++;
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: '127.0.0.1',
        port: server.port,
        method: 'POST',
        path: `/api/${encodeURIComponent(method)}`,
        agent,
        headers: { 'Content-Type': contentType, Authorization: `Bearer ${server.token}`, 'Content-Length': Buffer.byteLength(body) },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          let json: Answer['json'] = null;
          try {
            json = JSON.parse(Buffer.concat(chunks).toString('utf8')) as Answer['json'];
          } catch {
            json = null;
          }
          resolve({ status: res.statusCode ?? 0, json });
        });
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

async function call(method: string): Promise<unknown> {
  const answer = await post(method, '{}');
  if (answer.status !== 200) throw new Error(`${method} answered ${answer.status}: ${JSON.stringify(answer.json)}`);
  return answer.json?.result;
}

/** What must not move unless a valid mutation went through. */
async function invariants(): Promise<{ settings: unknown; entities: number; audit: unknown }> {
  const info = (await call('app.info')) as { name: string };
  expect(info.name).toBe('Daytwo');
  const { settings } = (await call('settings.get')) as { settings: unknown };
  const { entities } = (await call('estate.snapshot')) as { entities: unknown[] };
  const audit = await call('audit.verify');
  expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
  return { settings, entities: entities.length, audit };
}

function judge(what: string, request: FuzzBody | { kind: string; triesValid: boolean }, answer: Answer, mutates: boolean): boolean {
  const shaped = answer.json !== null && (('result' in answer.json && answer.status === 200) || (answer.json.error !== undefined && answer.status >= 400));
  // 503 'unavailable' is an answer (no such source here, a feature this engine was not started
  // with); any other 5xx is the engine failing.
  const failed = answer.status >= 500 && !(answer.status === 503 && answer.json?.error?.code === 'unavailable');
  if (!shaped || failed) {
    crashes.push(`${what} (${request.kind}): HTTP ${answer.status} ${JSON.stringify(answer.json)?.slice(0, 300)}`);
    return false;
  }
  if (answer.status === 200) {
    figures.accepted++;
    if (mutates) figures.validMutations++;
  }
  return answer.status === 200 && mutates;
}

function openSocket(): Promise<WebSocket> {
  const ws = new WebSocket(`ws://127.0.0.1:${server.port}/api/ws`, [`bearer.${server.token}`, 'daytwo.v1']);
  return new Promise((resolve, reject) => {
    ws.once('open', () => resolve(ws));
    ws.once('error', reject);
  });
}

interface Frame {
  type: string;
  id: string;
  error?: { code: string; message: string };
}

/** Sends frames on one socket; answers are collected by id, and a sentinel marks where a batch ends. */
class FuzzSocket {
  private ws!: WebSocket;
  private readonly answers = new Map<string, Frame>();
  private sentinel = 0;
  private expectedClose: number | null = null;

  async open(): Promise<void> {
    this.ws = await openSocket();
    this.ws.on('message', (data) => {
      const frame = JSON.parse(String(data)) as Frame;
      if (!this.answers.has(frame.id)) this.answers.set(frame.id, frame);
    });
    this.ws.on('close', (code) => {
      if (code !== this.expectedClose) crashes.push(`websocket closed by the server with ${code}, not after a frame that breaks the protocol`);
      else figures.socketsClosedByServer++;
    });
  }

  send(data: string | Buffer): void {
    figures.ws++;
    this.ws.send(data, { binary: false });
  }

  /** A frame that breaks the protocol itself: the server must close this socket with `code`. */
  async sendFatal(data: string | Buffer, code: number): Promise<void> {
    this.expectedClose = code;
    const closed = new Promise<number>((resolve) => this.ws.once('close', resolve));
    this.send(data);
    expect(await closed).toBe(code);
    this.expectedClose = null;
    await this.open();
  }

  /** Resolves when every frame sent so far has been answered (the server answers in order). */
  async drain(): Promise<Map<string, Frame>> {
    const id = `sentinel-${++this.sentinel}`;
    this.send(JSON.stringify({ type: 'subscribe', id, topic: 'sources.subscribe', params: {} }));
    await new Promise<void>((resolve) => {
      const check = () => (this.answers.has(id) ? resolve() : this.ws.once('message', check));
      check();
    });
    return this.answers;
  }

  close(): void {
    this.expectedClose = 1005;
    this.ws.close();
  }
}

describe('the API under generated and hostile input', () => {
  it('answers every request with a result or a structured error, and changes nothing it was not asked to', { timeout: 110_000 }, async () => {
    const fuzz = new Fuzz(seededRandom(seed));
    let before = await invariants();
    expect(before).toMatchObject({ entities: 4, audit: { ok: true, checked: 2 } });
    const methodNames = Object.keys(methods).sort();
    const topicNames = Object.keys(topics).sort();
    expect(methodNames.length).toBeGreaterThan(10);

    for (const method of methodNames) {
      const spec = methods[method as keyof typeof methods];
      let mutated = false;
      for (let i = 0; i < perMethod; i++) {
        const request = fuzzBody(spec.params, fuzz, fuzz.int(1000, 300_000));
        const answer = await post(method, request.body);
        if (judge(method, request, answer, spec.mutates) && request.triesValid) mutated = true;
        else if (answer.status === 200 && spec.mutates && !request.triesValid) mutated = true; // a mutation the schema let through is still a mutation
      }
      // Over-size, wrong content type, and an unknown method next door.
      const oversize = await post(method, Buffer.alloc(maxBody + 1, 0x20));
      expect(oversize.status, `${method} over-size body`).toBe(413);
      judge(method, { kind: 'wrong-content-type', triesValid: false }, await post(method, '{}', 'text/plain'), false);
      judge(`${method}x`, { kind: 'unknown-method', triesValid: false }, await post(`${method}x`, '{}'), false);
      const after = await invariants();
      if (!mutated) expect(after, `state after fuzzing ${method}`).toEqual(before);
      before = after;
    }

    const socket = new FuzzSocket();
    await socket.open();
    for (const topic of topicNames) {
      const spec = topics[topic as keyof typeof topics];
      const sent: { id: string; kind: string }[] = [];
      for (let i = 0; i < perTopic; i++) {
        const request = fuzzBody(spec.params, fuzz, fuzz.int(1000, 200_000));
        const id = `${topic}-${i}`;
        if (request.kind === 'invalid-utf8') {
          // Not UTF-8 inside a text frame: the protocol says close with 1007 (RFC 6455 §8.1).
          await socket.sendFatal(Buffer.concat([Buffer.from(`{"type":"subscribe","id":"${id}","topic":"${topic}","params":`), request.body as Buffer, Buffer.from('}')]), 1007);
          continue;
        }
        socket.send(`{"type":"subscribe","id":"${id}","topic":"${topic}","params":${String(request.body)}}`);
        sent.push({ id, kind: request.kind });
      }
      // A method name is not a topic; frames that are not frames; one over the size limit.
      socket.send(JSON.stringify({ type: 'subscribe', id: `${topic}-method`, topic: methodNames[0], params: {} }));
      for (const junk of ['{', '[]', 'null', '{"type":"subscribe"}', '{"type":"unsubscribe","id":"never-opened"}', JSON.stringify({ type: 'subscribe', id: 'x'.repeat(100), topic, params: {} })]) socket.send(junk);
      const answers = await socket.drain();
      for (const { id, kind } of sent) {
        const answer = answers.get(id);
        if (answer?.type === 'error' && answer.error?.code === 'internal') crashes.push(`${topic} (${kind}): ${answer.error.message}`);
      }
      for (const id of sent.map((s) => s.id)) socket.send(JSON.stringify({ type: 'unsubscribe', id }));
      await socket.sendFatal(`{"type":"subscribe","id":"big","topic":"${topic}","params":{"x":"${'A'.repeat(maxBody)}"}}`, 1009);
      const after = await invariants();
      expect(after, `state after fuzzing ${topic}`).toEqual(before);
    }
    socket.close();

    const tried = figures.http + figures.ws;
    console.log(
      `API fuzz (seed ${seed.toString(16)}): ${tried} requests tried (${figures.http} over HTTP to ${methodNames.length} methods, ${figures.ws} WebSocket frames to ${topicNames.length} topics); ` +
        `${figures.accepted} accepted, ${figures.validMutations} valid mutations, ${figures.socketsClosedByServer} sockets closed for protocol violations; ${crashes.length} crashes.`,
    );
    expect(crashes).toEqual([]);
  });
});
