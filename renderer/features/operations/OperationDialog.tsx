import { useEffect, useRef, useState } from 'react';
import type { ChangeEvent, FormEvent } from 'react';
import { operationTitles } from '../../../shared/api/operations.js';
import type { Operation, Plan, Revision, Risk } from '../../../shared/api/operations.js';
import { navigate } from '../../app/route.js';
import { formatAge } from '../../app/freshness.js';
import { useClockStore } from '../../app/clock.js';
import {
  closeOperationDialog,
  executePlan,
  planOperation,
  replanOperation,
  setParams,
  useOperationsStore,
} from './operations-store.js';
import type { OperationsState } from './operations-store.js';
import './operations.css';

/**
 * The plan dialog: what will change (before → after), every risk found, the confirmation the
 * guardrail asks for, then live progress and the result. Mount once, near the app root.
 */
export function OperationDialog() {
  const state = useOperationsStore();
  const dialogRef = useRef<HTMLDivElement>(null);

  useEffect(() => {
    if (state.step === 'closed') return;
    const onKey = (event: KeyboardEvent) => {
      if (event.key === 'Escape') closeOperationDialog();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [state.step]);

  useEffect(() => {
    dialogRef.current?.querySelector<HTMLElement>('[data-autofocus]')?.focus();
  }, [state.step, state.plan?.id]);

  if (state.step === 'closed' || !state.kind || !state.target) return null;
  const title = `${operationTitles[state.kind]} ${state.target.label}`;
  return (
    <div className="operation-backdrop" onMouseDown={(e) => e.target === e.currentTarget && state.step !== 'running' && closeOperationDialog()}>
      <div className="operation-dialog panel" role="dialog" aria-modal="true" aria-labelledby="operation-title" ref={dialogRef}>
        <header className="operation-header">
          <h2 id="operation-title" className="operation-title">
            <span className="untrusted">{title}</span>
          </h2>
          <button type="button" className="icon-button" aria-label="Close" onClick={closeOperationDialog}>
            ✕
          </button>
        </header>
        {state.step === 'params' ? <ParamsStep state={state} /> : null}
        {state.step === 'planning' ? <p className="help" role="status">Planning against live state: permission, dry run, diff and risks…</p> : null}
        {state.step === 'plan' ? <PlanStep state={state} /> : null}
        {(state.step === 'running' || state.step === 'result') && state.operation ? <RunStep operation={state.operation} plan={state.plan} /> : null}
        {state.error && state.step !== 'plan' ? <ErrorLine state={state} /> : null}
      </div>
    </div>
  );
}

function ErrorLine({ state }: { state: OperationsState }) {
  return (
    <div className="operation-error" role="alert">
      <p className="field-error untrusted-block">{state.error}</p>
      {state.offline ? (
        <button type="button" className="button" onClick={() => void planOperation(undefined, true)}>
          Keep as a draft
        </button>
      ) : null}
    </div>
  );
}

function ParamsStep({ state }: { state: OperationsState }) {
  const { kind, params } = state;
  const submit = (event: FormEvent) => {
    event.preventDefault();
    void planOperation();
  };
  const num = (key: string) => (typeof params[key] === 'number' ? (params[key] as number) : '');
  const setNum = (key: string) => (event: ChangeEvent<HTMLInputElement>) =>
    setParams({ [key]: event.target.value === '' ? undefined : Number(event.target.value) });
  return (
    <form className="operation-form" onSubmit={submit}>
      {kind === 'scale' ? (
        <label className="operation-field">
          <span>Replicas</span>
          <input className="text-input" type="number" min={0} max={10000} required value={num('replicas')} onChange={setNum('replicas')} data-autofocus />
          {state.target?.replicas !== undefined ? <span className="help">Now {state.target.replicas}.</span> : null}
        </label>
      ) : null}
      {kind === 'hpa-range' ? (
        <>
          <label className="operation-field">
            <span>Minimum replicas</span>
            <input className="text-input" type="number" min={1} required value={num('minReplicas')} onChange={setNum('minReplicas')} data-autofocus />
          </label>
          <label className="operation-field">
            <span>Maximum replicas</span>
            <input className="text-input" type="number" min={1} required value={num('maxReplicas')} onChange={setNum('maxReplicas')} />
          </label>
        </>
      ) : null}
      {kind === 'drain' ? (
        <label className="operation-field">
          <span>Give up waiting on disruption budgets after (seconds)</span>
          <input className="text-input" type="number" min={0} max={3600} placeholder="300" value={num('timeoutSeconds')} onChange={setNum('timeoutSeconds')} data-autofocus />
        </label>
      ) : null}
      {kind === 'rollback' ? <RevisionPicker revisions={state.revisions} chosen={params['revision']} /> : null}
      <div className="operation-buttons">
        <button type="button" className="button" onClick={closeOperationDialog}>
          Cancel
        </button>
        <button type="submit" className="button primary" disabled={state.busy || (kind === 'rollback' && params['revision'] === undefined)}>
          Plan
        </button>
      </div>
    </form>
  );
}

function RevisionPicker({ revisions, chosen }: { revisions: Revision[] | null; chosen: unknown }) {
  const now = useClockStore((s) => s.now);
  if (revisions === null) return <p className="help" role="status">Reading the revision history…</p>;
  if (revisions.length === 0) return <p className="help">No revisions are kept for this Deployment.</p>;
  return (
    <fieldset className="setting">
      <legend>Roll back to revision</legend>
      <div className="revision-list" role="radiogroup">
        {revisions.map((r) => (
          <label key={r.revision} className={`revision-row${chosen === r.revision ? ' checked' : ''}`}>
            <input type="radio" name="revision" checked={chosen === r.revision} disabled={r.current} onChange={() => setParams({ revision: r.revision })} />
            <span className="revision-number">#{r.revision}</span>
            <span className="untrusted mono">{r.images.join(', ')}</span>
            <span className="untrusted help">{r.changeCause ?? 'no change-cause'}</span>
            <span className="help">{r.current ? 'current' : r.createdAt ? `${formatAge(now - r.createdAt)} ago` : ''}</span>
          </label>
        ))}
      </div>
    </fieldset>
  );
}

const riskTone: Record<Risk['severity'], string> = { info: 'tone-info', warning: 'tone-warn', danger: 'tone-bad' };

function PlanStep({ state }: { state: OperationsState }) {
  const plan = state.plan;
  const [typed, setTyped] = useState('');
  if (!plan) {
    return (
      <>
        {state.error ? <ErrorLine state={state} /> : null}
        <div className="operation-buttons">
          <button type="button" className="button" onClick={closeOperationDialog}>
            Close
          </button>
        </div>
      </>
    );
  }
  const draft = plan.state === 'draft';
  const typeName = plan.confirmation.level === 'type-name';
  const ready = typeName ? typed.trim() === plan.confirmation.expected : true;
  const confirm = (event: FormEvent) => {
    event.preventDefault();
    if (ready) void executePlan(typeName ? typed.trim() : plan.confirmation.expected);
  };
  return (
    <form className="operation-plan" onSubmit={confirm}>
      <p className="operation-summary untrusted-block" data-testid="plan-summary">
        {plan.diff.summary}
      </p>
      <p className="help">
        Context <span className="untrusted mono">{plan.context}</span>
        {plan.actingAs ? (
          <>
            {' '}
            as <span className="untrusted mono">{plan.actingAs}</span>
          </>
        ) : null}
        {plan.dryRunPassed ? ' · server-side dry run passed' : ''}
      </p>
      {draft ? (
        <div className="operation-draft tone-warn" role="status">
          <strong>Draft.</strong> <span className="untrusted">{plan.draftReason}</span> It must be re-planned against live state before anyone can confirm it.
        </div>
      ) : null}
      {plan.diff.changes.length ? (
        <table className="operation-diff" aria-label="Before and after">
          <thead>
            <tr>
              <th scope="col">Field</th>
              <th scope="col">Before</th>
              <th scope="col">After</th>
            </tr>
          </thead>
          <tbody>
            {plan.diff.changes.map((line) => (
              <tr key={line.field}>
                <td className="mono untrusted">{line.field}</td>
                <td className="mono untrusted diff-before">{line.before ?? '—'}</td>
                <td className="mono untrusted diff-after">{line.after ?? '—'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
      {plan.risks.length ? (
        <ul className="operation-risks" aria-label="Risks">
          {plan.risks.map((risk, i) => (
            <li key={i} className={`operation-risk ${riskTone[risk.severity]}`} data-risk={risk.code}>
              <strong>{risk.severity === 'danger' ? 'Danger' : risk.severity === 'warning' ? 'Warning' : 'Note'}:</strong>{' '}
              <span className="untrusted">{risk.message}</span>
            </li>
          ))}
        </ul>
      ) : (
        <p className="help">No risks found.</p>
      )}
      {state.error ? <ErrorLine state={state} /> : null}
      {draft ? (
        <div className="operation-buttons">
          <button type="button" className="button" onClick={closeOperationDialog}>
            Close (keep draft)
          </button>
          <button type="button" className="button primary" disabled={state.busy} onClick={() => void replanOperation()} data-autofocus>
            Re-plan against live state
          </button>
        </div>
      ) : (
        <>
          {typeName ? (
            <label className="operation-field">
              <span className="untrusted">{plan.confirmation.prompt}</span>
              <input
                className="text-input mono"
                value={typed}
                onChange={(e) => setTyped(e.target.value)}
                autoComplete="off"
                spellCheck={false}
                aria-label={`Type ${plan.confirmation.expected} to confirm`}
                data-autofocus
              />
            </label>
          ) : (
            <p className="help untrusted">{plan.confirmation.prompt}</p>
          )}
          <div className="operation-buttons">
            <button type="button" className="button" onClick={closeOperationDialog} data-autofocus={typeName ? undefined : true}>
              Cancel
            </button>
            <button type="submit" className={`button primary${plan.risks.some((r) => r.severity === 'danger') ? ' danger' : ''}`} disabled={!ready || state.busy}>
              {operationTitles[plan.kind]} now
            </button>
          </div>
        </>
      )}
    </form>
  );
}

const stateWords: Record<Operation['state'], { label: string; tone: string }> = {
  executing: { label: 'Executing', tone: 'tone-info' },
  verifying: { label: 'Verifying', tone: 'tone-info' },
  succeeded: { label: 'Converged', tone: 'tone-ok' },
  failed: { label: 'Failed', tone: 'tone-bad' },
  'timed-out': { label: 'Timed out', tone: 'tone-warn' },
  unverified: { label: 'Applied, not verified', tone: 'tone-warn' },
};

function RunStep({ operation, plan }: { operation: Operation; plan: Plan | null }) {
  const words = stateWords[operation.state];
  const done = operation.finishedAt !== null;
  return (
    <div className="operation-run" aria-live="polite">
      {plan ? <p className="operation-summary untrusted-block">{plan.diff.summary}</p> : null}
      <p className={`operation-state ${words.tone}`} data-testid="operation-state" data-state={operation.state}>
        <strong>{words.label}</strong> <span className="untrusted">{operation.progress}</span>
      </p>
      {operation.fraction !== null ? (
        <progress className="operation-progress" max={1} value={operation.fraction} aria-label="Progress" />
      ) : null}
      <ol className="operation-steps">
        {operation.steps.map((step, i) => (
          <li key={i}>
            <time className="help mono">{new Date(step.at).toLocaleTimeString()}</time> <span className="untrusted">{step.message}</span>
          </li>
        ))}
      </ol>
      <div className="operation-buttons">
        {done && operation.auditSeq !== null ? (
          <button
            type="button"
            className="button"
            onClick={() => {
              closeOperationDialog();
              navigate('audit', String(operation.auditSeq));
            }}
          >
            Audit entry #{operation.auditSeq}
          </button>
        ) : null}
        <button type="button" className="button primary" onClick={closeOperationDialog} data-autofocus>
          {done ? 'Done' : 'Hide (keeps running)'}
        </button>
      </div>
    </div>
  );
}
