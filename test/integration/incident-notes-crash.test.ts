import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import type { Result } from '../../shared/api/contract.js';
import { createEngine } from '../../electron/engine/engine.js';
import { passphraseSealer } from '../../electron/engine/connections/vault.js';

/**
 * Given an incident, an operator's notes are acknowledged one by one by an engine in another
 * process; that process is killed with SIGKILL the moment an acknowledgement arrives, with no
 * chance to flush or close. After a restart, every acknowledged note is there.
 */

const here = path.dirname(fileURLToPath(import.meta.url));
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'daytwo-notes-crash-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

function openEngine() {
  return createEngine({ mode: 'host', version: 'test', dataDir: dir, readOnly: false, sealer: passphraseSealer(undefined), log: () => {} });
}

/** Runs the note writer until it has acknowledged `killAfter` notes, then SIGKILLs it; resolves with the last ack seen. */
function writeNotesThenKill(incidentId: string, killAfter: number): Promise<{ acked: number; signal: NodeJS.Signals | null }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', path.join(here, 'helpers/register-ts.mjs'), path.join(here, 'helpers/note-writer.ts'), dir, incidentId], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let acked = 0;
    let buffered = '';
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.stdout.on('data', (chunk: Buffer) => {
      buffered += chunk.toString();
      const lines = buffered.split('\n');
      buffered = lines.pop() ?? '';
      for (const line of lines) {
        const match = /^ack (\d+)$/.exec(line);
        if (match) acked = Math.max(acked, Number(match[1]));
      }
      if (acked >= killAfter && !child.killed) child.kill('SIGKILL');
    });
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      if (signal !== 'SIGKILL') reject(new Error(`note writer exited with ${code}: ${stderr}`));
      else resolve({ acked, signal });
    });
  });
}

describe('a note acknowledged is a note kept', () => {
  it('survives kill -9 right after its acknowledgement', async () => {
    const first = openEngine();
    const declared = await first.router.call('incidents.declare', { title: 'Crash test', severity: 'SEV3' }, { transport: 'internal' });
    if (!declared.ok) throw new Error(declared.error.message);
    const incidentId = (declared.result as Result<'incidents.declare'>).incident.id;
    await first.close();

    const { acked, signal } = await writeNotesThenKill(incidentId, 40);
    expect(signal).toBe('SIGKILL');
    expect(acked).toBeGreaterThanOrEqual(40);

    const after = openEngine();
    try {
      const texts = new Set(after.incidents.notes(incidentId).map((n) => n.text));
      const missing = Array.from({ length: acked }, (_, i) => `note ${i + 1}`).filter((text) => !texts.has(text));
      expect(missing).toEqual([]);
    } finally {
      await after.close();
    }
  });
});
