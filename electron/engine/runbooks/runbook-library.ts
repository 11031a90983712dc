import fs from 'node:fs';
import path from 'node:path';
import type { Runbook, RunbookProblem, RunbookSummary } from '../../../shared/api/runbooks.js';
import { ApiError } from '../../../shared/api/errors.js';
import { parseRunbook, RunbookSyntaxError } from './parse-runbook.js';

/** A folder of runbooks: the bundled ones, or one given with --runbooks. */
export interface RunbookFolder {
  origin: string;
  dir: string;
}

/**
 * Every runbook Daytwo knows, read from folders in order: a runbook's id is its file name, and
 * the first folder to define an id wins, so a team's folder given before the bundled one can
 * replace a bundled runbook. Files are read again on every `reload()` (the list view asks), and a
 * file that does not parse is kept out with its problems, never half-loaded.
 */
export class RunbookLibrary {
  private runbooks = new Map<string, Runbook>();
  private problems: RunbookProblem[] = [];
  /**
   * Read when first asked, not at construction: parsing the bundled runbooks is the Markdown
   * parser's first run, 0.15 s of the engine's start before it could list a cluster.
   */
  private read = false;

  constructor(private folders: readonly RunbookFolder[]) {}

  /** Replaces the folders (settings changed) and reads them at once: no restart. */
  setFolders(folders: readonly RunbookFolder[]): void {
    this.folders = folders;
    this.reload();
  }

  private ensureRead(): void {
    if (!this.read) this.reload();
  }

  reload(): void {
    this.read = true;
    const runbooks = new Map<string, Runbook>();
    const problems: RunbookProblem[] = [];
    for (const folder of this.folders) {
      let names: string[];
      try {
        names = fs.readdirSync(folder.dir).filter((n) => n.endsWith('.md') && n !== 'README.md').sort();
      } catch (err) {
        problems.push({ file: folder.dir, line: 0, column: 0, message: `cannot read the folder: ${(err as Error).message}` });
        continue;
      }
      for (const name of names) {
        const id = name.slice(0, -'.md'.length);
        if (runbooks.has(id)) continue;
        const file = path.join(folder.dir, name);
        try {
          runbooks.set(id, parseRunbook({ id, origin: folder.origin, path: file, text: fs.readFileSync(file, 'utf8') }));
        } catch (err) {
          if (err instanceof RunbookSyntaxError) problems.push(...err.problems);
          else problems.push({ file, line: 0, column: 0, message: (err as Error).message });
        }
      }
    }
    this.runbooks = runbooks;
    this.problems = problems;
  }

  list(): { runbooks: RunbookSummary[]; problems: RunbookProblem[] } {
    this.ensureRead();
    const runbooks = [...this.runbooks.values()].map(({ id, title, origin, hash, answers }) => ({ id, title, origin, hash, answers }));
    return { runbooks, problems: this.problems };
  }

  all(): Runbook[] {
    this.ensureRead();
    return [...this.runbooks.values()];
  }

  get(id: string): Runbook {
    this.ensureRead();
    const runbook = this.runbooks.get(id);
    if (!runbook) throw new ApiError('not_found', `No runbook "${id}": it is in none of the runbook folders, or it did not parse (see runbooks.list for problems).`);
    return runbook;
  }
}

/**
 * Why a folder cannot be a runbook folder, or null when it can: settings refuse it when it is
 * added, with this reason. (A folder that goes away later is listed with the refused files.)
 */
export function runbookFolderProblem(dir: string): string | null {
  if (!path.isAbsolute(dir)) return `"${dir}" is not an absolute path; give the folder's full path.`;
  let stat: fs.Stats;
  try {
    stat = fs.statSync(dir);
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'ENOENT' ? `The folder ${dir} does not exist.` : `Cannot read ${dir}: ${(err as Error).message}`;
  }
  if (!stat.isDirectory()) return `${dir} is a file, not a folder.`;
  try {
    fs.readdirSync(dir);
  } catch (err) {
    return `Cannot read the folder ${dir}: ${(err as NodeJS.ErrnoException).code === 'EACCES' ? 'permission denied' : (err as Error).message}.`;
  }
  return null;
}
