import { useEffect, useState } from 'react';
import type { Finding, FindingCategory, ReadinessReport } from '../../../shared/api/upgrades.js';
import { api, errorMessage } from '../../api/api-client.js';
import { navigate } from '../../app/route.js';
import { Untrusted } from '../estate/parts.js';
import './upgrades.css';

/**
 * A cluster's "Upgrade readiness" tab (renderer/features/estate/EntityDetail.tsx offers it on a
 * Kubernetes cluster): the report read live from the cluster, findings grouped by what they are
 * about, each object a link into the estate, and the guided node upgrade one button away.
 */

const groups: Array<[FindingCategory, string]> = [
  ['drain-blocked', 'Budgets that block a drain'],
  ['removed-api', 'API versions going away'],
  ['version-skew', 'Version skew'],
  ['drain-downtime', 'Downtime during a drain'],
];

export function UpgradeReadiness({ cluster, onOpen }: { cluster: string; onOpen: (id: string) => void }) {
  const [target, setTarget] = useState('');
  // Each "Check again" is a new request; an answer counts only for the request it answers.
  const [request, setRequest] = useState({ version: '', seq: 0 });
  const [answer, setAnswer] = useState<{ key: string; cluster: string; report: ReadinessReport | null; error: string | null } | null>(null);
  const [startError, setStartError] = useState<string | null>(null);
  const key = `${cluster}\n${request.version}\n${request.seq}`;

  useEffect(() => {
    let cancelled = false;
    const version = request.version.trim();
    api()
      .call('upgrades.readiness', { cluster, ...(version ? { targetVersion: version } : {}) })
      .then(
        (r) => !cancelled && setAnswer({ key, cluster, report: r.report, error: null }),
        (e: unknown) => !cancelled && setAnswer({ key, cluster, report: null, error: errorMessage(e) }),
      );
    return () => {
      cancelled = true;
    };
  }, [cluster, request.version, request.seq, key]);

  const loading = answer?.key !== key;
  const report = answer?.cluster === cluster ? answer.report : null;
  const error = answer?.key === key ? answer.error : null;
  const load = (version: string) => setRequest((r) => ({ version, seq: r.seq + 1 }));

  const startUpgrade = () => {
    if (!report) return;
    api()
      .call('runs.start', { runbookId: report.guidedUpgrade.runbookId, parameters: report.guidedUpgrade.parameters, declareIncident: false })
      .then((r) => navigate('runbooks', 'run', r.run.id), (e: unknown) => setStartError(errorMessage(e)));
  };

  const old = report?.nodes.filter((n) => n.old && !n.controlPlane) ?? [];
  return (
    <section className="entity-section upgrade-readiness" aria-label="Upgrade readiness">
      <form
        className="upgrade-target"
        onSubmit={(e) => {
          e.preventDefault();
          load(target);
        }}
      >
        <label>
          Target version <input value={target} placeholder={report ? report.targetMinor : '1.31'} onChange={(e) => setTarget(e.target.value)} size={6} />
        </label>
        <button type="submit" disabled={loading}>
          {loading ? 'Reading…' : 'Check again'}
        </button>
      </form>
      {(error ?? startError) && (
        <p className="tone-bad" role="alert">
          <Untrusted text={(error ?? startError) as string} block />
        </p>
      )}
      {report && (
        <>
          <p>
            Control plane <code>{report.controlPlaneVersion}</code> → target <strong>{report.targetMinor}</strong>, read through context <code>{report.context}</code>.{' '}
            {report.findings.filter((f) => f.severity === 'blocker').length} blocker(s), {report.findings.filter((f) => f.severity === 'warning').length} warning(s).
          </p>
          {groups.map(([category, title]) => {
            const found = report.findings.filter((f) => f.category === category);
            return (
              <div key={category} className="upgrade-group">
                <h3>
                  {title} ({found.length})
                </h3>
                {found.length === 0 ? <p className="muted">Nothing found.</p> : <ul className="upgrade-findings">{found.map((f, i) => <FindingItem key={i} finding={f} onOpen={onOpen} />)}</ul>}
              </div>
            );
          })}
          <div className="upgrade-group">
            <h3>Guided node upgrade</h3>
            {old.length === 0 ? (
              <p className="muted">No worker node is behind {report.targetMinor}.</p>
            ) : (
              <>
                <p>
                  Cordons and drains {old.length} old node{old.length === 1 ? '' : 's'} one at a time, waiting for every workload to be healthy between nodes, and stops on the first drain or check that fails.
                </p>
                <button type="button" className="primary" onClick={startUpgrade}>
                  Start guided upgrade
                </button>
              </>
            )}
          </div>
        </>
      )}
    </section>
  );
}

function FindingItem({ finding, onOpen }: { finding: Finding; onOpen: (id: string) => void }) {
  return (
    <li className={`upgrade-finding is-${finding.severity}`}>
      <p className="upgrade-finding-title">
        <span className="upgrade-severity">{finding.severity}</span> <Untrusted text={finding.title} />
      </p>
      <p>
        <Untrusted text={finding.detail} block />
      </p>
      <p>
        <strong>Do:</strong> <Untrusted text={finding.action} block />
      </p>
      <ul className="upgrade-objects" aria-label="Objects">
        {finding.objects.map((o) => {
          const label = `${o.kind} ${o.namespace ? `${o.namespace}/` : ''}${o.name}`;
          return (
            <li key={`${o.kind}/${o.namespace ?? ''}/${o.name}`}>
              {o.entityId ? (
                <button type="button" className="link-button" onClick={() => onOpen(o.entityId as string)}>
                  <Untrusted text={label} />
                </button>
              ) : (
                <Untrusted text={label} />
              )}
            </li>
          );
        })}
      </ul>
    </li>
  );
}
