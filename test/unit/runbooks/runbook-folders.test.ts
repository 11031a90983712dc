import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Engine } from '../../../electron/engine/engine.js';
import { createEngine } from '../../../electron/engine/engine.js';
import { passphraseSealer } from '../../../electron/engine/connections/vault.js';
import type { MethodName, Params, Result } from '../../../shared/api/contract.js';
import { tempDataDir } from '../state/estate-fixtures.js';

/**
 * Runbook folders kept in settings: a team adds its folder and its runbooks are there at once,
 * the files it refuses are listed with file:line:column, the folder survives a restart, a
 * missing or unreadable folder is refused with the reason, and removing it takes its runbooks
 * away, all without restarting the engine.
 */

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

const good = ['---', 'title: Restart the payments worker', '---', '', '```manual', 'id: restart', 'title: Restart it', '```', ''].join('\n');
// The step on lines 7–9 has no id: refused at its body (line 8, column 1).
const broken = ['---', 'title: Broken', '---', '', 'Some prose.', '', '```manual', 'title: no id here', '```', ''].join('\n');

function teamFolder(): string {
  const dir = path.join(data!.dir, 'team-runbooks');
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'payments-worker.md'), good);
  fs.writeFileSync(path.join(dir, 'broken.md'), broken);
  return dir;
}

describe('runbook folders in settings', () => {
  it('adds a folder: its runbooks appear at once, its refused files with file:line:column, and it is kept across a restart', async () => {
    start();
    const dir = teamFolder();
    expect((await call('runbooks.list', {})).runbooks.some((r) => r.id === 'payments-worker')).toBe(false);

    const { settings } = await call('settings.set', { patch: { runbookDirs: [dir] } });
    expect(settings.runbookDirs).toEqual([dir]);
    const { runbooks, problems } = await call('runbooks.list', {});
    expect(runbooks.find((r) => r.id === 'payments-worker')).toMatchObject({ origin: dir, title: 'Restart the payments worker' });
    expect(runbooks.some((r) => r.origin === 'bundled')).toBe(true);
    const refused = problems.filter((p) => p.file === path.join(dir, 'broken.md'));
    expect(refused.length).toBeGreaterThan(0);
    expect(refused[0]).toMatchObject({ line: 8, column: 1 });
    expect(refused[0]!.message).toMatch(/id/);

    await engine!.close();
    start();
    expect((await call('settings.get', {})).settings.runbookDirs).toEqual([dir]);
    expect((await call('runbooks.get', { id: 'payments-worker' })).runbook.origin).toBe(dir);
  });

  it('refuses a folder that does not exist, a relative path and a file, saying which and why', async () => {
    start();
    const missing = path.join(data!.dir, 'nowhere');
    await expect(call('settings.set', { patch: { runbookDirs: [missing] } })).rejects.toMatchObject({ code: 'bad_request', field: 'patch.runbookDirs.0', message: `The folder ${missing} does not exist.` });
    await expect(call('settings.set', { patch: { runbookDirs: ['runbooks'] } })).rejects.toMatchObject({ code: 'bad_request', message: expect.stringContaining('not an absolute path') });
    const file = path.join(teamFolder(), 'broken.md');
    await expect(call('settings.set', { patch: { runbookDirs: [file] } })).rejects.toMatchObject({ code: 'bad_request', message: expect.stringContaining('is a file, not a folder') });
    expect((await call('settings.get', {})).settings.runbookDirs).toEqual([]);
  });

  it.skipIf(process.getuid?.() === 0)('refuses a folder it may not read', async () => {
    start();
    const dir = teamFolder();
    fs.chmodSync(dir, 0o000);
    try {
      await expect(call('settings.set', { patch: { runbookDirs: [dir] } })).rejects.toMatchObject({ code: 'bad_request', message: expect.stringContaining('permission denied') });
    } finally {
      fs.chmodSync(dir, 0o755);
    }
  });

  it('lists a saved folder that has since gone as refused, and removing a folder takes its runbooks away without a restart', async () => {
    start();
    const dir = teamFolder();
    await call('settings.set', { patch: { runbookDirs: [dir] } });
    fs.renameSync(dir, `${dir}-moved`);
    const { problems } = await call('runbooks.list', {});
    expect(problems.find((p) => p.file === dir)?.message).toMatch(/cannot read the folder/);
    fs.renameSync(`${dir}-moved`, dir);

    await call('settings.set', { patch: { runbookDirs: [] } });
    const after = await call('runbooks.list', {});
    expect(after.runbooks.some((r) => r.id === 'payments-worker')).toBe(false);
    expect(after.problems.some((p) => p.file.startsWith(dir))).toBe(false);
  });
});
