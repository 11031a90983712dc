import { useCallback, useEffect, useMemo, useRef, useState, type KeyboardEvent } from 'react';
import type { Plan } from '../../../shared/api/operations.js';
import type { Run, Runbook, RunbookProblem, RunbookSummary, RunStep } from '../../../shared/api/runbooks.js';
import { api, errorMessage } from '../../api/api-client.js';
import { navigate } from '../../app/route.js';
import { RunbookMarkdown } from './RunbookMarkdown.js';
import './runbooks.css';

/**
 * Runbooks: the list (filter by what each answers), one runbook with its prose and a start form,
 * and a run with its steps. Routes: #/runbooks, #/runbooks/book/<id>, #/runbooks/run/<id>.
 */
export function RunbooksView({ rest }: { rest: string[] }) {
  // A runbook link may carry parameters after "?" (#/runbooks/book/<id>?namespace=shop), as an alert's offer builds it.
  if (rest[0] === 'book' && rest[1]) return <RunbookPage id={rest[1].split('?')[0] as string} />;
  if (rest[0] === 'run' && rest[1]) return <RunPage id={rest[1]} />;
  return <RunbookList />;
}

function RunbookList() {
  const [runbooks, setRunbooks] = useState<RunbookSummary[]>([]);
  const [problems, setProblems] = useState<RunbookProblem[]>([]);
  const [runs, setRuns] = useState<Run[]>([]);
  const [filter, setFilter] = useState('');
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    api()
      .call('runbooks.list', {})
      .then((r) => {
        setRunbooks(r.runbooks);
        setProblems(r.problems);
      }, (e: unknown) => setError(errorMessage(e)));
    api()
      .call('runs.list', {})
      .then((r) => setRuns(r.runs), () => {});
  }, []);
  const shown = useMemo(() => {
    const f = filter.trim().toLowerCase();
    if (!f) return runbooks;
    return runbooks.filter((r) => [r.title, ...r.answers.alerts.map((a) => a.name), ...r.answers.entities.map((e) => e.kind)].some((t) => t.toLowerCase().includes(f)));
  }, [runbooks, filter]);
  return (
    <section className="view runbooks-view">
      <header className="view-header">
        <div>
          <h1 tabIndex={-1}>Runbooks</h1>
          <p className="view-summary">Markdown runbooks whose checks read live metrics and whose actions run through guarded operations.</p>
        </div>
        <input className="runbooks-filter" aria-label="Filter by title, alert or entity kind" placeholder="Filter: alert, kind, title" value={filter} onChange={(e) => setFilter(e.target.value)} />
      </header>
      {error && <p className="tone-bad">{error}</p>}
      <ul className="runbooks-list">
        {shown.map((r) => (
          <li key={r.id}>
            <a href={`#/runbooks/book/${encodeURIComponent(r.id)}`}>{r.title}</a>
            <span className="runbooks-answers">{[...r.answers.alerts.map((a) => a.name), ...r.answers.entities.map((e) => e.kind)].join(' · ')}</span>
            <span className="runbooks-origin">{r.origin}</span>
          </li>
        ))}
      </ul>
      {problems.length > 0 && (
        <>
          <h2>Refused files</h2>
          <ul className="runbooks-problems">
            {problems.map((p, i) => (
              <li key={i}>
                <code>
                  {p.file}:{p.line}:{p.column}
                </code>{' '}
                {p.message}
              </li>
            ))}
          </ul>
        </>
      )}
      {runs.length > 0 && (
        <>
          <h2>Runs</h2>
          <ul className="runbooks-list">
            {runs.map((r) => (
              <li key={r.id}>
                <a href={`#/runbooks/run/${encodeURIComponent(r.id)}`}>{r.runbookTitle}</a>
                <span className="runbooks-answers">
                  {r.state} · step {r.current + 1} of {r.steps.length} · {r.startedBy}
                </span>
              </li>
            ))}
          </ul>
        </>
      )}
    </section>
  );
}

function RunbookPage({ id }: { id: string }) {
  const [runbook, setRunbook] = useState<Runbook | null>(null);
  const [values, setValues] = useState<Record<string, string>>({});
  const [declare, setDeclare] = useState(false);
  const [error, setError] = useState<string | null>(null);
  // An offer from an incident names it: the run lands on that incident's timeline.
  const incidentId = new URLSearchParams(location.hash.split('?')[1] ?? '').get('@incident');
  useEffect(() => {
    const q = new URLSearchParams(location.hash.split('?')[1] ?? '');
    api()
      .call('runbooks.get', { id })
      .then((r) => {
        setRunbook(r.runbook);
        setValues(Object.fromEntries(Object.entries(r.runbook.parameters).map(([k, p]) => [k, q.get(k) ?? (p.default === undefined ? '' : String(p.default))])));
      }, (e: unknown) => setError(errorMessage(e)));
  }, [id]);
  if (error) return <section className="view"><p className="tone-bad">{error}</p></section>;
  if (!runbook) return <section className="view"><p>Loading…</p></section>;
  const start = () => {
    api()
      .call('runs.start', { runbookId: runbook.id, parameters: values, ...(incidentId ? { incidentId } : { declareIncident: declare }) })
      .then((r) => navigate('runbooks', 'run', r.run.id), (e: unknown) => setError(errorMessage(e)));
  };
  return (
    <section className="view runbook-page">
      <header className="view-header">
        <div>
          <h1 tabIndex={-1}>{runbook.title}</h1>
          <p className="view-summary">
            {runbook.origin} · version {runbook.hash.slice(0, 12)} · {runbook.steps.length} steps
          </p>
        </div>
      </header>
      <form
        className="runbook-start"
        onSubmit={(e) => {
          e.preventDefault();
          start();
        }}
      >
        {Object.entries(runbook.parameters).map(([name, p]) => (
          <label key={name}>
            {name} <small>({p.type})</small>
            <input value={values[name] ?? ''} onChange={(e) => setValues({ ...values, [name]: e.target.value })} />
          </label>
        ))}
        {incidentId ? (
          <p className="runbook-declare">
            On incident <a href={`#/incidents/${encodeURIComponent(incidentId)}`}>{incidentId}</a>
          </p>
        ) : (
          <label className="runbook-declare">
            <input type="checkbox" checked={declare} onChange={(e) => setDeclare(e.target.checked)} /> Declare an incident for this run
          </label>
        )}
        <button type="submit" className="button primary">
          Start run
        </button>
      </form>
      <RunbookMarkdown markdown={runbook.markdown} />
    </section>
  );
}

/** A run: every step with its state; the current one focused. Keys: Enter tick/complete, r re-check, s skip (asks why), p re-plan, 1–9 answer. */
function RunPage({ id }: { id: string }) {
  const [run, setRun] = useState<Run | null>(null);
  // The plan shown is the one the current step names; a stale answer for another plan is ignored.
  const [plan, setPlan] = useState<Plan | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [skipping, setSkipping] = useState(false);
  const [text, setText] = useState('');
  const currentRef = useRef<HTMLLIElement>(null);

  useEffect(() => api().subscribe('runs.subscribe', { id }, (m) => setRun(m.run), (e) => setError(errorMessage(e))), [id]);
  const step = run?.steps[run.current];
  const planId = step?.planId ?? null;
  useEffect(() => {
    if (planId) api().call('operations.getPlan', { id: planId }).then((r) => setPlan(r.plan), () => {});
  }, [planId]);
  const currentIndex = run?.current ?? -1;
  useEffect(() => {
    if (currentIndex >= 0) currentRef.current?.focus();
  }, [currentIndex]);

  const act = useCallback(
    (params: Record<string, unknown>) => {
      if (!run || !step) return;
      setError(null);
      api()
        .call('runs.step', { runId: run.id, stepId: step.id, ...params } as never)
        .then((r) => {
          setRun(r.run);
          setText('');
          setSkipping(false);
        }, (e: unknown) => setError(errorMessage(e)));
    },
    [run, step],
  );

  if (!run || !step) return <section className="view">{error ? <p className="tone-bad">{error}</p> : <p>Loading…</p>}</section>;
  const answers = step.type === 'branch' ? step.answers : [];

  const onKey = (e: KeyboardEvent<HTMLLIElement>) => {
    if (e.target !== e.currentTarget || run.state !== 'running') return;
    if (e.key === 'Enter' && (step.type === 'manual' || step.type === 'check')) act({ action: 'complete', ...(text ? { note: text } : {}) });
    else if (e.key === 'r' && step.type === 'check') act({ action: 'recheck' });
    else if (e.key === 'p' && step.type === 'action') act({ action: 'replan' });
    else if (e.key === 's') setSkipping(true);
    else if (/^[1-9]$/.test(e.key) && answers[Number(e.key) - 1]) act({ action: 'answer', answer: answers[Number(e.key) - 1] });
    else return;
    e.preventDefault();
  };

  return (
    <section className="view run-page">
      <header className="view-header">
        <div>
          <h1 tabIndex={-1}>{run.runbookTitle}</h1>
          <p className="view-summary">
            {run.state} · started by {run.startedBy} · version {run.runbookHash.slice(0, 12)}
            {run.incidentId && (
              <>
                {' '}
                · <a href={`#/incidents/${encodeURIComponent(run.incidentId)}`}>{run.incidentId}</a>
              </>
            )}
          </p>
        </div>
      </header>
      {error && <p className="tone-bad" role="alert">{error}</p>}
      <ol className="run-steps">
        {run.steps.map((s, i) => {
          const isCurrent = i === run.current && run.state === 'running';
          return (
            <li key={s.id} ref={isCurrent ? currentRef : undefined} tabIndex={isCurrent ? 0 : -1} className={`run-step run-step-${s.state}${isCurrent ? ' run-step-current' : ''}`} onKeyDown={isCurrent ? onKey : undefined}>
              <div className="run-step-head">
                <span className="run-step-type">{s.type}</span> <span className="run-step-title">{s.title}</span> <span className="run-step-state">{s.state}</span>
              </div>
              {s.check && <CheckLine step={s} />}
              <LastRecord step={s} />
              {isCurrent && (
                <div className="run-step-controls">
                  {step.type === 'manual' && <input aria-label="Note (evidence)" placeholder="Note (optional), Enter to tick" value={text} onChange={(e) => setText(e.target.value)} onKeyDown={(e) => e.key === 'Enter' && act({ action: 'complete', ...(text ? { note: text } : {}) })} />}
                  {answers.length > 0 && <p className="run-keys">{answers.map((a, n) => `${n + 1}: ${a}`).join(' · ')}</p>}
                  {step.type === 'action' && plan && plan.id === planId && <PlanBox plan={plan} onConfirm={(confirmation) => act({ action: 'execute', confirmation })} />}
                  {step.type === 'approval' && <ApproveBox onApprove={(context) => api().call('runs.approve', { runId: run.id, stepId: step.id, context }).then((r) => setRun(r.run), (e: unknown) => setError(errorMessage(e)))} />}
                  {skipping && (
                    <input autoFocus aria-label="Why skip this step" placeholder="Why skip? Enter to skip, Escape to cancel" value={text} onChange={(e) => setText(e.target.value)} onKeyDown={(e) => (e.key === 'Enter' && text.trim() ? act({ action: 'skip', reason: text }) : e.key === 'Escape' && setSkipping(false))} />
                  )}
                  <p className="run-keys">Enter tick · r re-check · p re-plan · s skip · 1–9 answer</p>
                </div>
              )}
            </li>
          );
        })}
      </ol>
    </section>
  );
}

/** Who last did what on the step, and the words they gave (a note, an answer, a reason). */
function LastRecord({ step }: { step: RunStep }) {
  const last = [...step.records].reverse().find((r) => r.what !== 'reached' && r.what !== 'checked');
  if (!last) return null;
  const words = [
    last.inputs.note,
    last.inputs.answer,
    last.inputs.reason,
    last.outputs.error,
    // The approver is already the record's "by"; say whose action they approved.
    last.what === 'approved' && last.outputs.runner ? `for ${String(last.outputs.runner)}` : undefined,
    last.what === 'executed' && last.outputs.state ? `operation ${String(last.outputs.state)}${last.outputs.outcome ? ` (${String(last.outputs.outcome)})` : ''}` : undefined,
  ].find((w) => typeof w === 'string' && w);
  return (
    <p className="run-record">
      {last.what} by {last.by} at {new Date(last.at).toLocaleTimeString()}
      {words ? `: ${String(words)}` : ''}
    </p>
  );
}

const SPARK_W = 160;
const SPARK_H = 36;

/** The check's value, verdict and a small chart of the window, with the threshold dashed across it. */
function CheckLine({ step }: { step: RunStep }) {
  const c = step.check!;
  const drawn = c.points.filter((p): p is [number, number] => p[1] !== null);
  const threshold = Number(/-?\d+(\.\d+)?(e-?\d+)?/i.exec(c.expect)?.[0]);
  const span = [...drawn.map((p) => p[1]), ...(Number.isFinite(threshold) ? [threshold] : [])];
  const max = Math.max(...span, 1e-9);
  const min = Math.min(...span, 0);
  const y = (v: number) => SPARK_H - 2 - ((v - min) / (max - min || 1)) * (SPARK_H - 4);
  const line = drawn.map((p, i) => `${(i / Math.max(drawn.length - 1, 1)) * SPARK_W},${y(p[1])}`).join(' ');
  return (
    <div className={`run-check ${c.passed ? 'tone-ok' : 'tone-bad'}`}>
      <span>
        {c.value === null ? 'no value' : c.value.toPrecision(3)} (expect {c.expect}) {c.passed ? 'passed' : 'failed'}
        {c.stale && ` · stale, ${Math.round((c.ageMs ?? 0) / 1000)} s old`}
        {c.note && ` · ${c.note}`}
      </span>
      {drawn.length > 1 && (
        <svg className="run-spark" width={SPARK_W} height={SPARK_H} viewBox={`0 0 ${SPARK_W} ${SPARK_H}`} role="img" aria-label={`${step.title}: the last ${drawn.length} values`}>
          {Number.isFinite(threshold) && <line x1="0" x2={SPARK_W} y1={y(threshold)} y2={y(threshold)} className="run-spark-threshold" />}
          <polyline points={line} fill="none" stroke="currentColor" strokeWidth="1.5" />
        </svg>
      )}
      <code className="run-query">{c.query}</code>
    </div>
  );
}

function PlanBox({ plan, onConfirm }: { plan: Plan; onConfirm: (confirmation: string) => void }) {
  const [typed, setTyped] = useState('');
  return (
    <div className="run-plan">
      <p>{plan.diff.summary}</p>
      {plan.state === 'draft' && <p className="tone-warn">Queued draft: {plan.draftReason}. Press p to re-plan against live state once the source is back.</p>}
      <ul>
        {plan.diff.changes.map((c, i) => (
          <li key={i}>
            {c.field}: {c.before ?? '—'} → {c.after ?? '—'}
          </li>
        ))}
        {plan.risks.map((r, i) => (
          <li key={`r${i}`} className={r.severity === 'danger' ? 'tone-bad' : 'tone-warn'}>
            {r.message}
          </li>
        ))}
      </ul>
      {plan.state === 'ready' && (
        <label>
          {plan.confirmation.prompt}
          <input aria-label="Confirmation" value={typed} placeholder={plan.confirmation.expected} onChange={(e) => setTyped(e.target.value)} onKeyDown={(e) => e.key === 'Enter' && onConfirm(typed)} />
        </label>
      )}
    </div>
  );
}

function ApproveBox({ onApprove }: { onApprove: (context: string) => void }) {
  const [context, setContext] = useState('');
  return (
    <label className="run-approve">
      Approver’s kubeconfig context
      <input aria-label="Approver context" value={context} onChange={(e) => setContext(e.target.value)} onKeyDown={(e) => e.key === 'Enter' && context && onApprove(context)} />
    </label>
  );
}
