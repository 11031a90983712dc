import { useEffect } from 'react';
import { AuditOutcome } from '../../../shared/api/audit.js';
import type { AuditEntry } from '../../../shared/api/audit.js';
import { OperationKind, operationTitles } from '../../../shared/api/operations.js';
import { exportAudit, loadAudit, useAuditStore, verifyAudit } from './audit-store.js';
import './audit.css';

const outcomeTone: Record<AuditEntry['outcome']['result'], string> = {
  succeeded: 'tone-ok',
  failed: 'tone-bad',
  'timed-out': 'tone-warn',
  refused: 'tone-bad',
  unverified: 'tone-warn',
};

/**
 * Every operation Daytwo ran, newest first: who (OS user and Kubernetes identity), what,
 * where, the outcome and timings. "Verify" recomputes the hash chain and points at the first
 * entry that does not hold; "Export" writes JSON Lines with the hashes.
 * Route: #/audit[/<seq> to highlight an entry | /verify to verify on open].
 */
export function AuditView({ rest }: { rest: string[] }) {
  const { entries, filter, loading, error, verification, verifying } = useAuditStore();
  const highlight = Number(rest[0]);

  useEffect(() => {
    void loadAudit();
    if (rest[0] === 'verify') void verifyAudit();
  }, [rest]);

  const setFilter = (patch: Partial<typeof filter>) => void loadAudit({ ...filter, ...patch });

  return (
    <section className="view audit-view">
      <header className="view-header">
        <div>
          <h1 tabIndex={-1}>Audit log</h1>
          <p className="view-summary">Every operation, hash-chained so an edited, removed or reordered entry shows.</p>
        </div>
        <div className="view-tools">
          <button type="button" className="button" onClick={() => void verifyAudit()} disabled={verifying}>
            {verifying ? 'Verifying…' : 'Verify chain'}
          </button>
          <button type="button" className="button" onClick={() => void exportAudit()}>
            Export JSON Lines
          </button>
        </div>
      </header>

      {verification ? (
        <div className={`audit-verdict ${verification.ok ? 'tone-ok' : 'tone-bad'}`} role="status" data-testid="audit-verdict">
          <strong>{verification.ok ? 'Intact.' : `Broken at entry #${verification.brokenAt}.`}</strong>{' '}
          {verification.ok ? (
            `All ${verification.checked} entries verify against the chain and the checkpoint file.`
          ) : verification.findings.length > 1 ? (
            // Each tampering found is its own sentence; a list keeps them apart.
            <ul>
              {verification.findings.map((finding) => (
                <li key={finding}>{finding}</li>
              ))}
            </ul>
          ) : (
            verification.reason
          )}
        </div>
      ) : null}

      <div className="audit-filters" role="search">
        <input
          className="filter"
          type="search"
          placeholder="Search target, user, message…"
          aria-label="Search the audit log"
          value={filter.text ?? ''}
          onChange={(e) => setFilter({ text: e.target.value || undefined })}
        />
        <select className="text-input" aria-label="Operation" value={filter.kind ?? ''} onChange={(e) => setFilter({ kind: (e.target.value || undefined) as typeof filter.kind })}>
          <option value="">Every operation</option>
          {OperationKind.options.map((kind) => (
            <option key={kind} value={kind}>
              {operationTitles[kind]}
            </option>
          ))}
          <option value="reveal-secret">Reveal secret</option>
        </select>
        <select
          className="text-input"
          aria-label="Outcome"
          value={filter.outcome ?? ''}
          onChange={(e) => setFilter({ outcome: (e.target.value || undefined) as typeof filter.outcome })}
        >
          <option value="">Every outcome</option>
          {AuditOutcome.options.map((outcome) => (
            <option key={outcome} value={outcome}>
              {outcome}
            </option>
          ))}
        </select>
      </div>

      {error ? <p className="field-error">{error}</p> : null}
      {entries === null ? (
        <p className="help">{loading ? 'Loading…' : ''}</p>
      ) : entries.length === 0 ? (
        <p className="help">No operation matches. Operations appear here once they run.</p>
      ) : (
        <table className="audit-table">
          <thead>
            <tr>
              <th scope="col">#</th>
              <th scope="col">When</th>
              <th scope="col">Who</th>
              <th scope="col">What</th>
              <th scope="col">Outcome</th>
              <th scope="col">Took</th>
            </tr>
          </thead>
          <tbody>
            {entries.map((entry) => (
              <tr
                key={entry.seq}
                className={`${entry.seq === highlight ? 'is-highlighted' : ''}${verification && !verification.ok && verification.brokenAt === entry.seq ? ' is-broken' : ''}`}
                data-seq={entry.seq}
              >
                <td className="mono">{entry.seq}</td>
                <td className="mono">{new Date(entry.at).toLocaleString()}</td>
                <td>
                  <span className="untrusted">{entry.who.osUser}</span>
                  <span className="help"> as </span>
                  <span className="untrusted mono">{entry.who.kubeUser ?? '?'}</span>
                  <div className="help untrusted mono">{entry.who.context}</div>
                </td>
                <td>
                  <div className="untrusted">{entry.what.summary}</div>
                  <div className="help untrusted mono">{entry.target}</div>
                </td>
                <td className={outcomeTone[entry.outcome.result]}>
                  <strong className="strong-tone">{entry.outcome.result}</strong>
                  <div className="help untrusted">{entry.outcome.message}</div>
                </td>
                <td className="mono">{entry.timings.durationMs === null ? '—' : `${(entry.timings.durationMs / 1000).toFixed(1)} s`}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
