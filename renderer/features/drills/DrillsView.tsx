import { useEffect, useState } from 'react';
import { Role } from '../../../shared/api/incidents.js';
import type { Participant } from '../../../shared/api/drills.js';
import { useTickingNow } from '../../app/use-ticking-now.js';
import { drillClockNow, formatClock, trends } from './drill-clock.js';
import { controlDrill, loadDrills, loadReport, openDrill, startDrill, useDrillsStore } from './drills-store.js';
import { ABORT_QUESTION } from './drill-commands.js';
import { ReplayComparison, ReplayIncidentForm } from './ReplayIncident.js';
import './drills.css';

/**
 * Drills and game days: start one (pick a scenario or deal a hidden one, name the participants
 * and their roles), run it from the game-master panel (clock, turn, hint, inject, pause, abort),
 * watch the scoreboard, read the report, and see the history with trends per scenario.
 * Responders work in the normal views, under the drill banner.
 * Route: #/drills[/<drill id>].
 */
export function DrillsView({ rest }: { rest: string[] }) {
  const { open, history, error } = useDrillsStore();
  const active = open !== null && (open.drill.state === 'running' || open.drill.state === 'paused');
  useEffect(() => {
    void loadDrills();
    if (rest[0]) void openDrill(rest[0]);
  }, [rest]);

  return (
    <section className="view drills-view">
      <header className="view-header">
        <div>
          <h1 tabIndex={-1}>Drills</h1>
          <p className="view-summary">Game days on the sandbox: a known fault at a known time, and how fast the team detects, declares, identifies and mitigates it.</p>
        </div>
      </header>
      {error ? <p className="tone-bad">{error}</p> : null}
      {active ? <GameMaster /> : null}
      {open ? <Scoreboard /> : null}
      {open && !active ? <Report /> : null}
      {active ? null : <StartForm />}
      {active ? null : <ReplayIncidentForm />}
      {history && history.length ? <History /> : null}
    </section>
  );
}

function StartForm() {
  const { scenarios, busy } = useDrillsStore();
  const [scenario, setScenario] = useState('');
  const [target, setTarget] = useState('');
  const [limit, setLimit] = useState('');
  const [people, setPeople] = useState<Participant[]>([{ name: '', role: 'commander' }]);
  const named = people.filter((p) => p.name.trim());
  return (
    <form
      className="drill-panel"
      aria-label="Start a drill"
      onSubmit={(e) => {
        e.preventDefault();
        void startDrill({
          ...(scenario && scenario !== 'deal' ? { scenario } : {}),
          deal: scenario === 'deal' || scenario === '',
          ...(target.trim() ? { target: target.trim() } : {}),
          participants: named.map((p) => ({ name: p.name.trim(), role: p.role })),
          ...(Number(limit) > 0 ? { timeLimitMinutes: Number(limit) } : {}),
        });
      }}
    >
      <h2>Start a drill</h2>
      <label>
        Scenario{' '}
        <select value={scenario} onChange={(e) => setScenario(e.target.value)} data-testid="drill-scenario">
          <option value="">Deal one, hidden</option>
          {(scenarios ?? []).map((s) => (
            <option key={s.name} value={s.name}>
              {s.name} — {s.summary}
            </option>
          ))}
        </select>
      </label>
      <label>
        Target service <input value={target} onChange={(e) => setTarget(e.target.value)} placeholder="cluster/namespace/name, random, or empty for the scenario's own" />
      </label>
      <label>
        Time limit (minutes) <input value={limit} onChange={(e) => setLimit(e.target.value)} inputMode="numeric" />
      </label>
      <fieldset>
        <legend>Participants</legend>
        {people.map((p, i) => (
          <div key={i} className="drill-participant">
            <input aria-label={`Participant ${i + 1} name`} value={p.name} onChange={(e) => setPeople(people.map((x, j) => (j === i ? { ...x, name: e.target.value } : x)))} />
            <select aria-label={`Participant ${i + 1} role`} value={p.role} onChange={(e) => setPeople(people.map((x, j) => (j === i ? { ...x, role: e.target.value as Participant['role'] } : x)))}>
              {Role.options.map((r) => (
                <option key={r} value={r}>
                  {r}
                </option>
              ))}
            </select>
          </div>
        ))}
        <button type="button" className="button" onClick={() => setPeople([...people, { name: '', role: 'operations' }])}>
          Add participant
        </button>
      </fieldset>
      <button type="submit" className="button primary" disabled={busy || named.length === 0}>
        {busy ? 'Starting…' : 'Start drill'}
      </button>
    </form>
  );
}

function GameMaster() {
  const { open, scenarios } = useDrillsStore();
  const now = useTickingNow(true);
  const [hint, setHint] = useState('');
  const [inject, setInject] = useState('');
  if (!open) return null;
  const { drill } = open;
  const id = drill.id;
  return (
    <div className="drill-panel" aria-label="Game-master panel">
      <h2>
        Game master — {drill.dealt ? 'dealt scenario (hidden from responders)' : drill.scenario}{' '}
        <span className="drill-clock" data-testid="drill-clock">
          {formatClock(drillClockNow(drill, now))}
        </span>
      </h2>
      <div className="drill-tools">
        <label>
          Acting at the console{' '}
          <select value={drill.acting ?? ''} onChange={(e) => void controlDrill({ id, action: 'turn', participant: e.target.value })} data-testid="drill-acting">
            {drill.participants.map((p) => (
              <option key={p.name} value={p.name}>
                {p.name} ({p.role})
              </option>
            ))}
          </select>
        </label>
        {drill.state === 'paused' ? (
          <button type="button" className="button" onClick={() => void controlDrill({ id, action: 'resume' })}>
            Resume
          </button>
        ) : (
          <button type="button" className="button" onClick={() => void controlDrill({ id, action: 'pause' })}>
            Pause clock
          </button>
        )}
        <button
          type="button"
          className="button danger"
          onClick={() => {
            if (window.confirm(ABORT_QUESTION)) void controlDrill({ id, action: 'abort' });
          }}
        >
          Abort (emergency stop)
        </button>
      </div>
      <form
        className="drill-tools"
        onSubmit={(e) => {
          e.preventDefault();
          if (hint.trim()) void controlDrill({ id, action: 'hint', text: hint.trim() }).then(() => setHint(''));
        }}
      >
        <input id="drill-hint" aria-label="Hint" value={hint} onChange={(e) => setHint(e.target.value)} placeholder="A hint for the responders (lands on the timeline)" />
        <button type="submit" className="button">
          Give hint
        </button>
      </form>
      <form
        className="drill-tools"
        onSubmit={(e) => {
          e.preventDefault();
          if (inject) void controlDrill({ id, action: 'inject', scenario: inject });
        }}
      >
        <select id="drill-inject" aria-label="Further fault" value={inject} onChange={(e) => setInject(e.target.value)}>
          <option value="">Inject a further fault…</option>
          {(scenarios ?? []).map((s) => (
            <option key={s.name} value={s.name}>
              {s.name}
            </option>
          ))}
        </select>
        <button type="submit" className="button" disabled={!inject}>
          Inject
        </button>
      </form>
    </div>
  );
}

function Scoreboard() {
  const open = useDrillsStore((s) => s.open);
  if (!open) return null;
  const { drill, score } = open;
  return (
    <div className="drill-panel" aria-label="Scoreboard" data-testid="drill-scoreboard">
      <h2>
        Scoreboard <span className={`drill-state state-${drill.state}`}>{drill.state}</span>
      </h2>
      <table className="drill-table">
        <thead>
          <tr>
            <th>Milestone</th>
            <th>Time</th>
            <th>By</th>
            <th>Par</th>
            <th>Earlier best</th>
          </tr>
        </thead>
        <tbody>
          {score.milestones.map((m) => (
            <tr key={m.milestone} data-testid={`milestone-${m.milestone}`}>
              <td>{m.milestone}</td>
              <td>{formatClock(m.ms)}</td>
              <td>{m.by ?? '—'}</td>
              <td>{formatClock(m.parMs)}</td>
              <td>{formatClock(m.previousBestMs)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <table className="drill-table">
        <thead>
          <tr>
            <th>Participant</th>
            <th>Role</th>
            <th>Milestones</th>
            <th>Actions</th>
            <th>Unrelated</th>
          </tr>
        </thead>
        <tbody>
          {score.perParticipant.map((p) => (
            <tr key={p.name}>
              <td>{p.name}</td>
              <td>{p.role}</td>
              <td>{p.milestones.join(', ') || '—'}</td>
              <td>{p.actions}</td>
              <td>{p.unrelatedActions}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <ReplayComparison drill={drill} score={score} />
      <p>
        Runbooks used: {score.runbooksUsed.join(', ') || 'none'}. Steps skipped: {score.stepsSkipped.join(', ') || 'none'}.
        {drill.steady ? ` Emergency stop: ${drill.steady.verifiedAt ? 'steady state verified.' : `waiting for steady state (${drill.steady.problems.length} problem(s)).`}` : ''}
      </p>
      <ol className="drill-events">
        {[...drill.events]
          .sort((a, b) => a.at - b.at)
          .map((e, i) => (
            <li key={i}>
              <time dateTime={new Date(e.at).toISOString()}>{new Date(e.at).toISOString().slice(11, 19)}Z</time> {formatClock(drillClockNow({ ...drill, endedAt: e.at }, e.at))} <strong>{e.kind}</strong>
              {e.by ? ` · ${e.by}` : ''} — {e.detail}
            </li>
          ))}
      </ol>
    </div>
  );
}

function Report() {
  const { open, report } = useDrillsStore();
  const [question, setQuestion] = useState('');
  if (!open) return null;
  const id = open.drill.id;
  return (
    <div className="drill-panel" aria-label="Report">
      <h2>Report</h2>
      <form
        className="drill-tools"
        onSubmit={(e) => {
          e.preventDefault();
          if (question.trim()) void controlDrill({ id, action: 'debrief', question: question.trim() }).then(() => setQuestion(''));
        }}
      >
        <input aria-label="Debrief question" value={question} onChange={(e) => setQuestion(e.target.value)} placeholder="A debrief question" />
        <button type="submit" className="button">
          Add question
        </button>
        <button type="button" className="button primary" onClick={() => void loadReport(id)}>
          Write report
        </button>
      </form>
      {report ? (
        <>
          <p>
            Written to <code>{report.files.markdown}</code> and <code>{report.files.json}</code>.
          </p>
          {/* Markdown shown as text: names, hints and questions people typed are never rendered as markup. */}
          <pre className="drill-report" data-testid="drill-report">
            {report.markdown}
          </pre>
        </>
      ) : null}
    </div>
  );
}

function History() {
  const history = useDrillsStore((s) => s.history) ?? [];
  return (
    <div className="drill-panel" aria-label="History">
      <h2>History</h2>
      <table className="drill-table">
        <thead>
          <tr>
            <th>Started</th>
            <th>Scenario</th>
            <th>Outcome</th>
            <th>Participants</th>
            <th>Detect</th>
            <th>Declare</th>
            <th>Identify</th>
            <th>Mitigate</th>
          </tr>
        </thead>
        <tbody>
          {history.map((d) => (
            <tr key={d.id}>
              <td>
                <button type="button" className="link" onClick={() => void openDrill(d.id)}>
                  {new Date(d.startedAt).toISOString().slice(0, 16).replace('T', ' ')}
                </button>
              </td>
              <td>{d.scenario}</td>
              <td>{d.state}</td>
              <td>{d.participants.join(', ')}</td>
              <td>{formatClock(d.milestones.detect)}</td>
              <td>{formatClock(d.milestones.declare)}</td>
              <td>{formatClock(d.milestones.identify)}</td>
              <td>{formatClock(d.milestones.mitigate)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <h3>Time to mitigate, per scenario, oldest first</h3>
      <ul>
        {trends(history, 'mitigate').map((t) => (
          <li key={t.scenario}>
            {t.scenario}: {t.times.map(formatClock).join(' → ')}
          </li>
        ))}
      </ul>
    </div>
  );
}
