// A child process for the crash test: opens an engine on a data directory and adds notes to an
// incident through the API, printing "ack <n>" the moment each call is answered. The parent
// kills it with SIGKILL right after an ack and checks every acknowledged note survived.
import { createEngine } from '../../../electron/engine/engine.js';
import { passphraseSealer } from '../../../electron/engine/connections/vault.js';

const [dataDir, incidentId] = process.argv.slice(2);
if (!dataDir || !incidentId) throw new Error('usage: note-writer.ts <dataDir> <incidentId>');
const engine = createEngine({ mode: 'host', version: 'test', dataDir, readOnly: false, sealer: passphraseSealer(undefined) });
process.stdout.write('ready\n');
for (let n = 1; ; n++) {
  const outcome = await engine.router.call('incidents.note', { incidentId, text: `note ${n}` }, { transport: 'internal' });
  if (!outcome.ok) throw new Error(outcome.error.message);
  process.stdout.write(`ack ${n}\n`);
}
