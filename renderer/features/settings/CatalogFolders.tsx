import { useId, useState } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { saveSetting, useSettingsStore } from './settings-store.js';

/**
 * Folders of Backstage catalog-info.yaml files, one a line, read by the service catalog beside
 * any given with --catalog. The engine reads them again when they are saved; a folder that does
 * not exist is reported in the catalog's "Files refused", not here.
 */
export function CatalogFolders({ saved }: { saved: string[] }) {
  const { saving, saveError } = useSettingsStore(useShallow((s) => ({ saving: s.saving, saveError: s.saveError })));
  const [draft, setDraft] = useState<string | null>(null);
  const id = useId();
  const text = draft ?? saved.join('\n');
  const folders = text
    .split('\n')
    .map((line) => line.trim())
    .filter(Boolean);
  const dirty = draft !== null && folders.join('\n') !== saved.join('\n');
  const error = saveError?.key === 'catalogDirs' ? saveError.message : null;
  return (
    <fieldset className="setting" aria-describedby={`${id}-help`}>
      <legend>Catalog folders</legend>
      <p id={`${id}-help`} className="help">
        Folders holding Backstage <code>catalog-info.yaml</code> files, one a line. Their owners, on-call services and runbook links enrich the
        service catalog.
      </p>
      <textarea id={id} aria-label="Catalog folders, one a line" rows={3} value={text} onChange={(e) => setDraft(e.target.value)} spellCheck={false} />
      {error ? (
        <p className="field-error" role="alert">
          {error}
        </p>
      ) : null}
      <div className="setting-actions">
        <button
          type="button"
          className="button primary"
          disabled={!dirty || saving === 'catalogDirs'}
          onClick={() => void saveSetting('catalogDirs', folders, { notify: false }).then((ok) => ok && setDraft(null))}
        >
          Save folders
        </button>
      </div>
    </fieldset>
  );
}
