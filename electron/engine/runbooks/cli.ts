import fs from 'node:fs';
import path from 'node:path';
import { parseRunbook, RunbookSyntaxError } from './parse-runbook.js';

/**
 * `npm run runbook -- lint FILE...`: parses each runbook as Daytwo would and prints every
 * problem as `file:line:column: message`, the form editors and CI annotate. Exit 1 on any problem.
 */

const USAGE = 'usage: npm run runbook -- lint FILE...';

function lint(files: string[]): number {
  let failed = 0;
  for (const file of files) {
    let text: string;
    try {
      text = fs.readFileSync(file, 'utf8');
    } catch (err) {
      console.error(`${file}: ${(err as Error).message}`);
      failed++;
      continue;
    }
    try {
      const runbook = parseRunbook({ id: path.basename(file, '.md'), origin: 'cli', path: file, text });
      console.log(`${file}: ok, "${runbook.title}", ${runbook.steps.length} steps`);
    } catch (err) {
      if (!(err instanceof RunbookSyntaxError)) throw err;
      console.error(err.message);
      failed++;
    }
  }
  return failed > 0 ? 1 : 0;
}

const [command, ...rest] = process.argv.slice(2);
if (command === 'lint' && rest.length > 0) {
  process.exitCode = lint(rest);
} else {
  console.error(USAGE);
  process.exitCode = 2;
}
