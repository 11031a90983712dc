import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Engine } from '../../electron/engine/engine.js';
import { startSandbox, type RunningSandbox } from '../../electron/engine/sandbox/start.js';
import { pagerDutyOnlyEngine } from './helpers/pagerduty-engine.js';

/**
 * A PagerDuty account as large estates have it: at 10,000 pods the sandbox's teams own hundreds
 * of services, and asking for all their incidents in one URL went past what an HTTP server takes
 * in a request's head (431), so the source never synced. The engine asks a few dozen at a time.
 */
let dir: string;
let sandbox: RunningSandbox;
let engine: Engine;

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'daytwo-pagerduty-many-'));
  sandbox = await startSandbox({ port: 0, outDir: path.join(dir, 'sandbox'), seed: 42, pods: 10_000 });
  engine = pagerDutyOnlyEngine(dir, sandbox.pagerdutyPath);
}, 120_000);

afterAll(async () => {
  await engine?.close();
  await sandbox?.stop();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

describe('PagerDuty with hundreds of services', () => {
  it('syncs, asking for their incidents in requests an HTTP server accepts', { timeout: 120_000 }, async () => {
    const services = sandbox.pagerduty.directory.services.length;
    // One request for them all would carry about 27 bytes of query per service: past Node's 16 KB.
    expect(services * 27).toBeGreaterThan(16 * 1024);
    const deadline = Date.now() + 90_000;
    let source: { state: string; reason: string; lastSyncAt: string | null } | undefined;
    while (Date.now() < deadline) {
      const outcome = await engine.router.call('sources.list', {}, { transport: 'internal' });
      if (!outcome.ok) throw new Error(outcome.error.message);
      source = (outcome.result as { sources: { kind: string; state: string; reason: string; lastSyncAt: string | null }[] }).sources.find((s) => s.kind === 'pagerduty');
      if (source && source.lastSyncAt !== null && source.state !== 'connecting') break;
      await new Promise((r) => setTimeout(r, 500));
    }
    expect(source?.state, source?.reason).toBe('live');
    expect(source?.lastSyncAt).not.toBeNull();
  });
});
