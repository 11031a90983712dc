import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox, type RunningSandbox } from '../../electron/engine/sandbox/start.js';

/**
 * Scenarios started at runtime through the admin endpoint, watched the way an operator's tools
 * would watch them: request counters on /metrics and alarms over the CloudWatch wire protocol.
 */

let sandbox: RunningSandbox;
let outDir: string;
let base: string;

beforeAll(async () => {
  outDir = mkdtempSync(path.join(os.tmpdir(), 'daytwo-scn-'));
  sandbox = await startSandbox({ outDir, seed: 42 });
  base = `http://127.0.0.1:${sandbox.port}`;
});

afterAll(async () => {
  await sandbox?.stop();
  rmSync(outDir, { recursive: true, force: true });
});

interface ScenarioView {
  name: string;
  status: string;
  run: { target: string; originalImage: string | null; impactSeenAt: string | null; recovery: { reached: boolean } } | null;
}

async function admin(method: 'GET' | 'POST', suffix: string): Promise<{ status: number; body: ScenarioView & { scenarios?: ScenarioView[] } }> {
  const res = await fetch(`${base}/sandbox/scenarios${suffix}`, { method, headers: { Authorization: `Bearer ${sandbox.adminToken}` } });
  return { status: res.status, body: (await res.json()) as ScenarioView & { scenarios?: ScenarioView[] } };
}

/** Requests served so far by a service's pods, optionally only failures. */
async function requestsServed(service: string, failuresOnly: boolean): Promise<number> {
  const text = await (await fetch(`${base}/metrics`)).text();
  let total = 0;
  for (const line of text.split('\n')) {
    if (!line.startsWith('http_requests_total{') || !line.includes(`service="${service}"`)) continue;
    if (failuresOnly && line.includes('code="200"')) continue;
    total += Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return total;
}

/** Requests per second over a short real-time window (simulated time runs at real speed). */
async function ratePerSecond(service: string, failuresOnly: boolean, windowMs = 2000): Promise<number> {
  const a = await requestsServed(service, failuresOnly);
  const t = Date.now();
  await new Promise((r) => setTimeout(r, windowMs));
  const b = await requestsServed(service, failuresOnly);
  return (b - a) / ((Date.now() - t) / 1000);
}

function accessKeyId(): string {
  return /aws_access_key_id = (\S+)/.exec(readFileSync(sandbox.awsCredentialsPath, 'utf8'))?.[1] ?? '';
}

async function alarmState(name: string): Promise<string | undefined> {
  const res = await fetch(`${base}/`, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-amz-json-1.0',
      'x-amz-target': 'GraniteServiceVersion20100801.DescribeAlarms',
      // The sandbox checks the access key id is this launch's (the one in the profile it wrote).
      authorization: `AWS4-HMAC-SHA256 Credential=${accessKeyId()}/20260101/us-east-1/monitoring/aws4_request, SignedHeaders=host, Signature=0`,
    },
    body: JSON.stringify({ AlarmNames: [name] }),
  });
  const body = (await res.json()) as { MetricAlarms?: { StateValue: string }[] };
  return body.MetricAlarms?.[0]?.StateValue;
}

async function eventually<T>(what: string, probe: () => Promise<T | undefined>, attempts = 60, pauseMs = 1000): Promise<T> {
  let last: unknown;
  for (let i = 0; i < attempts; i++) {
    const v = await probe();
    if (v !== undefined) return v;
    last = v;
    await new Promise((r) => setTimeout(r, pauseMs));
  }
  throw new Error(`Gave up waiting for ${what} (last: ${String(last)})`);
}

describe('scenarios started at runtime', () => {
  it('lists every bundled scenario, idle, and refuses an unknown one', async () => {
    const list = await admin('GET', '');
    expect(list.status).toBe(200);
    const names = list.body.scenarios!.map((s) => s.name);
    expect(names).toEqual(expect.arrayContaining(['bad-deploy', 'traffic-surge', 'node-failure', 'saturated-dependency']));
    expect(list.body.scenarios!.every((s) => s.status === 'idle')).toBe(true);
    expect((await admin('POST', '/meteor-strike/start')).status).toBe(404);
  });

  it('bad deploy: failures rise and the 5xx alarm fires; rolling back brings failures down', { timeout: 180_000 }, async () => {
    const calm = await ratePerSecond('catalog-api', true);
    const started = await admin('POST', '/bad-deploy/start');
    expect(started.status).toBe(200);
    expect(started.body.status).toBe('running');
    const run = started.body.run!;
    expect(run.target).toBe('shop-prod-eks/shop/catalog-api');
    expect(run.originalImage).toMatch(/catalog-api:/);

    const broken = await eventually('failures to rise', async () => {
      const r = await ratePerSecond('catalog-api', true);
      return r > Math.max(5, calm * 10) ? r : undefined;
    });
    expect(broken).toBeGreaterThan(calm);
    await eventually('the 5xx alarm to fire', async () => ((await alarmState('shop-prod-eks-shop-catalog-api-5xx-high')) === 'ALARM' ? true : undefined), 90);
    expect((await admin('GET', '/bad-deploy')).body.run!.impactSeenAt).not.toBeNull();

    // What `kubectl rollout undo` does: the Deployment goes back to the image it ran.
    sandbox.world.setImage(run.target, run.originalImage!);
    const recovered = await eventually('failures to fall back', async () => {
      const r = await ratePerSecond('catalog-api', true);
      return r < Math.max(2, calm * 3) ? r : undefined;
    });
    expect(recovered).toBeLessThan(broken / 3);
  });

  it('traffic surge: the frontend serves about three times the requests until stopped', { timeout: 120_000 }, async () => {
    const calm = await ratePerSecond('storefront', false);
    expect((await admin('POST', '/traffic-surge/start')).body.run!.target).toBe('shop-prod-eks/shop/storefront');
    const surged = await eventually('traffic to climb', async () => {
      const r = await ratePerSecond('storefront', false);
      return r > calm * 2.2 ? r : undefined;
    });
    expect(surged).toBeLessThan(calm * 4);
    const stopped = await admin('POST', '/traffic-surge/stop');
    expect(stopped.body.status).toBe('stopped');
    await eventually('traffic to settle', async () => ((await ratePerSecond('storefront', false)) < calm * 1.5 ? true : undefined));
  });
});
