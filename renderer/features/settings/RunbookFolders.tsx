import { useEffect, useId, useState } from 'react';
import { useShallow } from 'zustand/react/shallow';
import type { RunbookProblem, RunbookSummary } from '../../../shared/api/runbooks.js';
import { api, errorMessage } from '../../api/api-client.js';
import { saveSetting, useSettingsStore } from './settings-store.js';

/**
 * Folders of runbooks, read after any given with --runbooks and before the bundled ones. Adding
 * or removing one takes effect at once; the engine refuses a folder that does not exist or
 * cannot be read, and each folder lists what it holds and the files it refused, with
 * file:line:column, as `npm run runbook -- lint` prints them.
 */
export function RunbookFolders({ saved }: { saved: string[] }) {
  const { saving, saveError } = useSettingsStore(useShallow((s) => ({ saving: s.saving, saveError: s.saveError })));
  const [adding, setAdding] = useState('');
  const [library, setLibrary] = useState<{ runbooks: RunbookSummary[]; problems: RunbookProblem[] } | null>(null);
  const [listError, setListError] = useState<string | null>(null);
  const id = useId();
  const key = saved.join('\n');
  useEffect(() => {
    let live = true;
    api()
      .call('runbooks.list', {})
      .then(
        (r) => live && (setLibrary(r), setListError(null)),
        (e: unknown) => live && setListError(errorMessage(e)),
      );
    return () => {
      live = false;
    };
  }, [key]);
  const error = saveError?.key === 'runbookDirs' ? saveError.message : null;
  const add = () => {
    const dir = adding.trim();
    if (!dir || saved.includes(dir)) return;
    void saveSetting('runbookDirs', [...saved, dir], { notify: false }).then((ok) => ok && setAdding(''));
  };
  return (
    <fieldset className="setting" aria-describedby={`${id}-help`} data-testid="runbook-folders">
      <legend>Runbook folders</legend>
      <p id={`${id}-help`} className="help">
        Folders of Markdown runbooks, read before the bundled ones: a runbook with the same file name replaces the bundled one.
      </p>
      <ul className="runbook-folders">
        {saved.map((dir) => {
          const inFolder = library?.runbooks.filter((r) => r.origin === dir).length ?? 0;
          const problems = library?.problems.filter((p) => p.file === dir || p.file.startsWith(dir.endsWith('/') ? dir : `${dir}/`)) ?? [];
          return (
            <li key={dir} data-testid="runbook-folder">
              <div className="runbook-folder-head">
                <code>{dir}</code>
                <span className="muted">{library ? `${inFolder} runbook${inFolder === 1 ? '' : 's'}` : ''}</span>
                <button type="button" className="button small" aria-label={`Remove ${dir}`} disabled={saving === 'runbookDirs'} onClick={() => void saveSetting('runbookDirs', saved.filter((d) => d !== dir), { notify: false })}>
                  Remove
                </button>
              </div>
              {problems.length > 0 ? (
                <ul className="runbook-folder-problems tone-bad">
                  {problems.map((p, i) => (
                    <li key={i}>
                      <code>
                        {p.file}:{p.line}:{p.column}
                      </code>{' '}
                      {p.message}
                    </li>
                  ))}
                </ul>
              ) : null}
            </li>
          );
        })}
      </ul>
      <div className="setting-actions">
        <input
          aria-label="Runbook folder to add (full path)"
          placeholder="/path/to/runbooks"
          value={adding}
          spellCheck={false}
          onChange={(e) => setAdding(e.target.value)}
          onKeyDown={(e) => {
            if (e.key === 'Enter') {
              e.preventDefault();
              add();
            }
          }}
        />
        <button type="button" className="button primary" disabled={!adding.trim() || saving === 'runbookDirs'} onClick={add}>
          Add folder
        </button>
      </div>
      {error ? (
        <p className="field-error" role="alert">
          {error}
        </p>
      ) : null}
      {listError ? <p className="muted">{listError}</p> : null}
    </fieldset>
  );
}
