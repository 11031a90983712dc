import { useId, useMemo, useState } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { Icon } from '../../app/icons.js';
import { Truncated } from '../../app/Truncated.js';
import { useSourcesStore } from '../sources/sources-store.js';
import { saveSetting, useSettingsStore } from './settings-store.js';
import { checkPattern, namesMatching } from './production-patterns.js';

function sameList(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((v, i) => v === b[i]);
}

/** Edits the list locally, shows which current contexts each pattern catches, saves on request. */
export function ProductionPatterns({ saved }: { saved: string[] }) {
  const { saving, saveError } = useSettingsStore(useShallow((s) => ({ saving: s.saving, saveError: s.saveError })));
  const sources = useSourcesStore((s) => s.sources);
  const [draft, setDraft] = useState<string[] | null>(null);
  const [candidate, setCandidate] = useState('');
  const [problem, setProblem] = useState<string | null>(null);
  const inputId = useId();

  const patterns = draft ?? saved;
  const dirty = draft !== null && !sameList(draft, saved);
  const contexts = useMemo(
    () => (sources ?? []).filter((s) => s.kind === 'kubernetes').map((s) => s.name),
    [sources],
  );
  const error = saveError?.key === 'productionPatterns' ? saveError.message : null;

  function add(): void {
    const why = checkPattern(candidate, patterns);
    setProblem(why);
    if (why) return;
    setDraft([...patterns, candidate.trim()]);
    setCandidate('');
  }

  async function save(): Promise<void> {
    if (await saveSetting('productionPatterns', patterns, { notify: false })) setDraft(null);
  }

  return (
    <fieldset className="setting" aria-describedby="prod-help">
      <legend>Production contexts</legend>
      <p id="prod-help" className="help">
        Contexts whose names match any of these patterns count as production. A pattern covers the whole name, ignoring case: * matches any run of characters, ? one character (*prod* is any name containing prod).
        {contexts.length === 0 ? ' No Kubernetes context is configured yet, so none matches today.' : ''}
      </p>
      {patterns.length === 0 ? (
        <p className="muted">No patterns: nothing counts as production.</p>
      ) : (
        <ul className="pattern-list" aria-label="Production patterns">
          {patterns.map((pattern) => {
            const hits = namesMatching(pattern, contexts);
            return (
              <li key={pattern}>
                <code className="truncate" title={pattern}>
                  {pattern}
                </code>
                <Truncated
                  className="muted pattern-hits"
                  text={contexts.length === 0 ? '' : hits.length === 0 ? 'matches no context' : `matches ${hits.join(', ')}`}
                />
                <button
                  type="button"
                  className="icon-button"
                  aria-label={`Remove pattern ${pattern}`}
                  title="Remove"
                  onClick={() => setDraft(patterns.filter((p) => p !== pattern))}
                >
                  <Icon name="close" />
                </button>
              </li>
            );
          })}
        </ul>
      )}
      <form
        className="inline-form"
        onSubmit={(e) => {
          e.preventDefault();
          add();
        }}
      >
        <label htmlFor={inputId} className="visually-hidden">
          New production pattern
        </label>
        <input
          id={inputId}
          className="text-input mono"
          placeholder="e.g. prod-* or *-live"
          value={candidate}
          spellCheck={false}
          aria-invalid={problem ? true : undefined}
          aria-describedby={problem ? `${inputId}-problem` : undefined}
          onChange={(e) => {
            setCandidate(e.target.value);
            setProblem(null);
          }}
        />
        <button type="submit" className="button">
          Add pattern
        </button>
      </form>
      {problem ? (
        <p id={`${inputId}-problem`} className="field-error" role="alert">
          {problem}
        </p>
      ) : null}
      <div className="form-actions">
        <button type="button" className="button primary" disabled={!dirty || saving !== null} onClick={() => void save()}>
          {saving === 'productionPatterns' ? 'Saving…' : 'Save patterns'}
        </button>
        <button type="button" className="button" disabled={!dirty} onClick={() => setDraft(null)}>
          Discard changes
        </button>
        {dirty ? <span className="muted">Unsaved changes</span> : null}
      </div>
      {error ? (
        <p className="field-error" role="alert">
          {error}
        </p>
      ) : null}
    </fieldset>
  );
}
