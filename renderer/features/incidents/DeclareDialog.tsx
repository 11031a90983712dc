import { useEffect, useRef } from 'react';
import { IncidentKind, Severity, severityWords } from '../../../shared/api/incidents.js';
import { Untrusted } from '../estate/parts.js';
import { estateIndex } from '../estate/store.js';
import { closeDeclare, declareIncident, useIncidentsStore } from './incidents-store.js';
import type { DeclareDraft } from './incidents-store.js';

/**
 * Declaring: title, severity (with its words), real or drill, and what it was declared from
 * (an alert group, an entity). Mount once, near the app root, like the operation dialog.
 */
export function DeclareDialog() {
  const draft = useIncidentsStore((s) => s.draft);
  const declaring = useIncidentsStore((s) => s.declaring);
  const ref = useRef<HTMLDivElement>(null);
  const open = draft !== null;

  useEffect(() => {
    if (!open) return;
    ref.current?.querySelector<HTMLElement>('[data-autofocus]')?.focus();
    const onKey = (event: KeyboardEvent) => {
      if (event.key === 'Escape') closeDeclare();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [open]);

  if (!draft) return null;
  const set = (patch: Partial<DeclareDraft>) => useIncidentsStore.setState({ draft: { ...draft, ...patch } });
  return (
    <div className="operation-backdrop" onMouseDown={(e) => e.target === e.currentTarget && closeDeclare()}>
      <div className="operation-dialog panel declare-dialog" role="dialog" aria-modal="true" aria-labelledby="declare-title" ref={ref}>
        <header className="operation-header">
          <h2 id="declare-title" className="operation-title">
            Declare an incident
          </h2>
          <button type="button" className="icon-button" aria-label="Close" onClick={closeDeclare}>
            ✕
          </button>
        </header>
        <form
          className="operation-form"
          onSubmit={(e) => {
            e.preventDefault();
            if (draft.title.trim()) void declareIncident({ ...draft, title: draft.title.trim() });
          }}
        >
          <label className="operation-field">
            <span>Title</span>
            <input className="text-input" data-autofocus value={draft.title} onChange={(e) => set({ title: e.target.value })} aria-label="Title" data-testid="declare-title" required />
          </label>
          <label className="operation-field">
            <span>Severity</span>
            <select className="text-input" value={draft.severity} onChange={(e) => set({ severity: e.target.value as DeclareDraft['severity'] })} aria-label="Severity">
              {Severity.options.map((s) => (
                <option key={s} value={s}>
                  {s}: {severityWords[s]}
                </option>
              ))}
            </select>
          </label>
          <fieldset className="operation-field declare-kind">
            <legend>Kind</legend>
            {IncidentKind.options.map((k) => (
              <label key={k}>
                <input type="radio" name="kind" value={k} checked={draft.kind === k} onChange={() => set({ kind: k })} /> {k === 'real' ? 'Real' : 'Drill (never counts in real figures)'}
              </label>
            ))}
          </fieldset>
          <label className="operation-field">
            <span>Summary</span>
            <textarea className="text-input" rows={3} value={draft.summary} onChange={(e) => set({ summary: e.target.value })} aria-label="Summary" />
          </label>
          {draft.impacted.length > 0 ? (
            <div className="help">
              Impacted:{' '}
              {draft.impacted.map((id) => (
                <Untrusted key={id} text={`${estateIndex.get(id)?.name ?? id} `} />
              ))}
            </div>
          ) : null}
          {draft.alertIds.length > 0 ? <div className="help">From {draft.alertIds.length} firing alert{draft.alertIds.length === 1 ? '' : 's'}; detection is when the first began.</div> : null}
          <div className="operation-buttons">
            <button type="button" className="button" onClick={closeDeclare}>
              Cancel
            </button>
            <button type="submit" className="button primary" disabled={declaring || !draft.title.trim()} data-testid="declare-submit">
              {declaring ? 'Declaring…' : 'Declare'}
            </button>
          </div>
        </form>
      </div>
    </div>
  );
}
