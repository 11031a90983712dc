import { useEffect, useState } from 'react';
import type { Drill, Score } from '../../../shared/api/drills.js';
import type { Incident } from '../../../shared/api/incidents.js';
import { api } from '../../api/api-client.js';
import { formatClock } from './drill-clock.js';
import { startReplay, useDrillsStore } from './drills-store.js';

/** The export's timeline.json is at most this big; the engine refuses more anyway. */
const MAX_EXPORT_BYTES = 5_000_000;

/**
 * "Replay an incident": a recorded incident (an export's timeline.json picked from disk, or a
 * past incident of this store) played on the sandbox against a service, at 1× or faster, as a
 * drill. Plain form controls, so it is driven from the keyboard like the rest of the view.
 */
export function ReplayIncidentForm() {
  const busy = useDrillsStore((s) => s.busy);
  const [from, setFrom] = useState<'file' | 'incident'>('file');
  const [file, setFile] = useState<{ name: string; text: string } | null>(null);
  const [fileError, setFileError] = useState<string | null>(null);
  const [incidents, setIncidents] = useState<Incident[]>([]);
  const [incidentId, setIncidentId] = useState('');
  const [target, setTarget] = useState('same-kind');
  const [speed, setSpeed] = useState('1');
  const [leadIn, setLeadIn] = useState('120');
  const [names, setNames] = useState('');
  useEffect(() => {
    api()
      .call('incidents.list', { kind: 'real', limit: 100 })
      .then((r) => setIncidents(r.incidents))
      .catch(() => setIncidents([]));
  }, []);
  const people = names
    .split(',')
    .map((n) => n.trim())
    .filter(Boolean);
  const ready = people.length > 0 && (from === 'file' ? file !== null : incidentId !== '');
  return (
    <form
      className="drill-panel"
      aria-label="Replay an incident"
      onSubmit={(e) => {
        e.preventDefault();
        if (!ready) return;
        void startReplay({
          ...(from === 'file' ? { exportJson: file!.text } : { incidentId }),
          target: target.trim() || 'same-kind',
          speed: Number(speed),
          leadInSeconds: Math.max(0, Math.min(3600, Math.round(Number(leadIn) || 0))),
          // The first name commands; the others operate.
          participants: people.map((name, i) => ({ name, role: i === 0 ? 'commander' : 'operations' })),
        });
      }}
    >
      <h2>Replay an incident</h2>
      <p className="view-summary">
        A recorded incident played on the sandbox: its Kubernetes events and alarm transitions in their order and spacing (divided by the speed), its golden signals along the recorded shape. The report sets your times beside the original responders'.
      </p>
      <fieldset>
        <legend>Recording</legend>
        <label>
          <input type="radio" name="replay-from" checked={from === 'file'} onChange={() => setFrom('file')} /> An export's timeline.json
        </label>{' '}
        <label>
          <input type="radio" name="replay-from" checked={from === 'incident'} onChange={() => setFrom('incident')} /> A past incident
        </label>
        {from === 'file' ? (
          <label>
            File{' '}
            <input
              type="file"
              accept=".json,application/json"
              data-testid="replay-file"
              onChange={(e) => {
                const picked = e.target.files?.[0];
                setFile(null);
                setFileError(null);
                if (!picked) return;
                if (picked.size > MAX_EXPORT_BYTES) {
                  setFileError(`${picked.name} is larger than ${MAX_EXPORT_BYTES / 1_000_000} MB: not an incident export's timeline.json.`);
                  return;
                }
                void picked.text().then((text) => setFile({ name: picked.name, text }));
              }}
            />
          </label>
        ) : (
          <label>
            Incident{' '}
            <select value={incidentId} onChange={(e) => setIncidentId(e.target.value)} data-testid="replay-incident">
              <option value="">Choose…</option>
              {incidents.map((i) => (
                <option key={i.id} value={i.id}>
                  {i.id} — {i.title}
                </option>
              ))}
            </select>
          </label>
        )}
        {fileError ? <p className="tone-bad">{fileError}</p> : null}
      </fieldset>
      <label>
        Target service <input value={target} onChange={(e) => setTarget(e.target.value)} placeholder="cluster/namespace/name, or same-kind" data-testid="replay-target" />
      </label>
      <label>
        Speed{' '}
        <select value={speed} onChange={(e) => setSpeed(e.target.value)} data-testid="replay-speed">
          {['1', '2', '4', '8'].map((s) => (
            <option key={s} value={s}>
              {s}×
            </option>
          ))}
        </select>
      </label>
      <label>
        Start before the first alert (seconds) <input value={leadIn} onChange={(e) => setLeadIn(e.target.value)} inputMode="numeric" />
      </label>
      <label>
        Trainees (names, comma-separated; the first commands) <input value={names} onChange={(e) => setNames(e.target.value)} data-testid="replay-trainees" />
      </label>
      <button type="submit" className="button primary" disabled={busy || !ready}>
        {busy ? 'Starting…' : 'Replay as a drill'}
      </button>
    </form>
  );
}

/** The original responders beside the trainees, milestone by milestone, on both clocks. */
export function ReplayComparison({ drill, score }: { drill: Drill; score: Score }) {
  const replay = drill.replay;
  if (!replay || !score.replay) return null;
  return (
    <div data-testid="replay-comparison">
      <h3>
        Replay of {replay.incidentId} at {replay.speed}× on {replay.target}
      </h3>
      <p>
        {replay.events} Kubernetes event(s), {replay.alarms} alarm transition(s); golden signals {replay.signals ? 'follow the recorded shape' : 'not replayed'}. Times count from the first alert.
        {replay.notReplayed.length ? ` Not replayed: ${replay.notReplayed.join('; ')}.` : ''}
      </p>
      <table className="drill-table">
        <thead>
          <tr>
            <th>Milestone</th>
            <th>Original (recorded clock)</th>
            <th>Original ÷ {replay.speed}</th>
            <th>Trainees</th>
          </tr>
        </thead>
        <tbody>
          {score.replay.map((r) => (
            <tr key={r.milestone}>
              <td>{r.milestone}</td>
              <td>{formatClock(r.originalMs)}</td>
              <td>{formatClock(r.originalScaledMs)}</td>
              <td>{formatClock(r.traineesMs)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
