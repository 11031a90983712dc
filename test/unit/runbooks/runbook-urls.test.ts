import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { RunbookUrls } from '../../../electron/engine/runbooks/runbook-urls.js';

const ours = `---
title: Ours
---

\`\`\`manual
id: look
title: Look
\`\`\`
`;
const wiki = '# KubePodCrashLooping\n\nCheck the logs. <script>x()</script>\n';

let server: http.Server;
let base: string;
let dir: string;
let clock = 1_000_000;

beforeEach(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'daytwo-runbook-urls-'));
  server = http.createServer((req, res) => {
    if (req.url === '/ours.md') res.end(ours);
    else if (req.url === '/wiki') res.end(wiki);
    else res.writeHead(404).end('no');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterEach(async () => {
  if (server.listening) await new Promise((r) => server.close(r));
  fs.rmSync(dir, { recursive: true, force: true });
});

describe("an alert's runbook_url", () => {
  it('is runnable when the page is in Daytwo’s format, and read-only text when it is not', async () => {
    const urls = new RunbookUrls(dir, { now: () => clock });
    const runnable = await urls.fetch(`${base}/ours.md`);
    expect(runnable.runbookId).toMatch(/^url-/);
    expect(urls.get(runnable.runbookId!)?.title).toBe('Ours');
    const readOnly = await urls.fetch(`${base}/wiki`);
    expect(readOnly.runbookId).toBeNull();
    expect(readOnly.markdown).toBe(wiki);
    expect(readOnly.problems[0]?.message).toContain('front matter');
  });

  it('is served from the offline copy, marked stale with its age, once the server is gone', async () => {
    const urls = new RunbookUrls(dir, { now: () => clock, timeoutMs: 2_000 });
    await urls.fetch(`${base}/wiki`);
    await new Promise((r) => server.close(r));
    clock += 90_000;
    const offline = await urls.fetch(`${base}/wiki`);
    expect(offline.stale).toBe(true);
    expect(offline.ageMs).toBe(90_000);
    expect(offline.markdown).toBe(wiki);
    await expect(urls.fetch(`${base}/never-seen`)).rejects.toThrow('never fetched before');
  });

  it('refuses anything but http(s)', async () => {
    await expect(new RunbookUrls(dir).fetch('file:///etc/passwd')).rejects.toThrow('http(s)');
  });
});
