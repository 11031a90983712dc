import { useState } from 'react';
import type { CatalogLink, RuleResult, Scorecard } from '../../../shared/api/catalog.js';
import { Icon } from '../../app/icons.js';
import { routeHash } from '../../app/route.js';
import { useEngineStore } from '../../app/engine-store.js';
import { Untrusted } from '../estate/parts.js';
import { planFix, useCatalogStore } from './catalog-store.js';
import { Freshness } from './CatalogView.js';
import { LevelBadge } from './LevelBadge.js';
import { TrafficPanel } from '../traffic/TrafficPanel.js';
import { FlagsPanel } from '../flags/FlagsPanel.js';

/**
 * One service: who owns it and who is on call, its links and runbooks, where it runs, and its
 * scorecard rule by rule. A failing rule opens to its evidence (object and field), what to
 * change, and, where an operation makes the change, a button that plans it.
 */
export function ServicePage({ id }: { id: string }) {
  const { service: detail, history, activity, error } = useCatalogStore();
  const readOnly = useEngineStore((s) => s.info?.readOnly ?? true);
  if (error && !detail) {
    return (
      <section className="view catalog-view">
        <p className="callout tone-bad" role="alert">
          <Untrusted text={error} />
        </p>
      </section>
    );
  }
  if (!detail || detail.service.id !== id) return <section className="view catalog-view"><p className="muted">Reading the service…</p></section>;
  const { service, scorecard } = detail;
  return (
    <section className="view catalog-view" aria-label={`Service ${service.name}`}>
      <header className="view-header">
        <div>
          <p className="crumbs">
            <a href={routeHash('catalog')}>Catalog</a>
            {service.team ? (
              <>
                <span aria-hidden="true">/</span>
                <a href={routeHash('catalog', 'team', service.team)}>{service.team}</a>
              </>
            ) : null}
          </p>
          <h1 tabIndex={-1}>
            <Untrusted text={service.name} /> <LevelBadge level={scorecard?.level ?? null} />
          </h1>
          <p className="view-summary">
            Scorecard{scorecard ? <Freshness list={{ asOf: scorecard.evaluatedAt, stale: scorecard.stale }} /> : ' not evaluated yet'}
          </p>
        </div>
      </header>
      <dl className="catalog-facts">
        <Fact term="Owner" value={service.owner} missing="no owner known" />
        <Fact term="Owner from" value={service.ownerFrom} missing="—" />
        <Fact term="On call (PagerDuty)" value={service.onCall} missing="no on-call service known" />
        <Fact term="System" value={service.system} missing="—" />
        <Fact term="Tier" value={service.tier} missing="—" />
        <Fact term="Lifecycle" value={service.lifecycle} missing="—" />
        <Fact term="Declared in" value={service.declared ? `${service.declared.file}:${service.declared.line}` : null} missing="not in any catalog-info.yaml" />
      </dl>
      <Links title="Runbooks" links={service.runbooks} />
      <Links title="Links" links={service.links} />
      <section className="catalog-section">
        <h2>Where it runs</h2>
        <table className="catalog-table" aria-label="Workloads">
          <thead>
            <tr>
              <th>Cluster</th>
              <th>Cloud</th>
              <th>Workload</th>
              <th>Replicas</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {service.workloads.map((w) => (
              <tr key={w.id}>
                <td>
                  <Untrusted text={w.cluster} /> {w.production ? <span className="badge tone-warn">production</span> : null}
                </td>
                <td>{w.cloud ?? '—'}</td>
                <td>
                  <a href={routeHash('overview', w.id)}>
                    <Untrusted text={`${w.kind} ${w.namespace}/${w.name}`} />
                  </a>
                </td>
                <td>{w.replicas === null ? '—' : `${w.readyReplicas ?? 0}/${w.replicas} ready`}</td>
                <td>
                  <a href={routeHash('metrics', w.id)}>golden signals</a>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>
      <TrafficPanel entityIds={service.workloads.map((w) => w.id)} readOnly={readOnly} />
      <FlagsPanel serviceId={service.id} readOnly={readOnly} />
      {scorecard ? <ScorecardRules scorecard={scorecard} readOnly={readOnly} /> : <p className="muted">Not evaluated yet.</p>}
      <section className="catalog-section">
        <h2>Last 7 days</h2>
        {activity === null ? <p className="muted">Reading deploys, operations and incidents…</p> : null}
        {activity && activity.incidents.length === 0 && activity.events.length === 0 ? <p className="muted">No deploys, operations, alarms or incidents.</p> : null}
        {activity && activity.incidents.length > 0 ? (
          <ul className="catalog-links" aria-label="Incidents">
            {activity.incidents.map((i) => (
              <li key={i.id}>
                <a href={routeHash('incidents', i.id)}>{i.title}</a>
                <span className="muted">
                  {i.severity} · {i.status}
                </span>
              </li>
            ))}
          </ul>
        ) : null}
        {activity && activity.events.length > 0 ? (
          <ul className="catalog-links" aria-label="Deploys, operations, alarms and alerts">
            {activity.events.map((e) => (
              <li key={e.id}>
                <span className="muted">{new Date(e.lastAt).toLocaleString()}</span>
                <span>{e.kind === 'kubernetes' ? 'deploy' : e.kind}</span>
                <Untrusted text={`${e.reason}: ${e.message}`} />
              </li>
            ))}
          </ul>
        ) : null}
      </section>
      {history && history.length > 0 ? (
        <section className="catalog-section">
          <h2>History</h2>
          <ol className="catalog-history" aria-label="Scorecard history, newest first">
            {history.map((h) => (
              <li key={`${h.at}-${h.failing.join(',')}`}>
                <span className="muted">{new Date(h.at).toLocaleString()}</span> <LevelBadge level={h.level} /> {h.passed} passing, {h.failed} failing
                {h.failing.length ? <Untrusted text={`: ${h.failing.join(', ')}`} className="muted" /> : null}
              </li>
            ))}
          </ol>
        </section>
      ) : null}
    </section>
  );
}

function Fact({ term, value, missing }: { term: string; value: string | null; missing: string }) {
  return (
    <>
      <dt>{term}</dt>
      <dd>{value ? <Untrusted text={value} /> : <span className="muted">{missing}</span>}</dd>
    </>
  );
}

/** Links are shown as text: they come from files anyone can edit, and the desktop opens no URL it was not asked to. */
function Links({ title, links }: { title: string; links: CatalogLink[] }) {
  if (links.length === 0) return null;
  return (
    <section className="catalog-section">
      <h2>{title}</h2>
      <ul className="catalog-links">
        {links.map((l) => (
          <li key={l.url}>
            <Untrusted text={l.title} className="strong" /> <Untrusted text={l.url} className="muted" />
          </li>
        ))}
      </ul>
    </section>
  );
}

const statusIcon = { pass: 'live', fail: 'error', 'not-applicable': 'disabled' } as const;

function ScorecardRules({ scorecard, readOnly }: { scorecard: Scorecard; readOnly: boolean }) {
  const levels = [...new Set(scorecard.results.map((r) => r.level))];
  return (
    <section className="catalog-section" aria-label="Scorecard">
      <h2>Scorecard</h2>
      {levels.map((level) => (
        <div key={level} className="catalog-level">
          <h3>
            <LevelBadge level={level} />
          </h3>
          <ul className="catalog-rules">
            {scorecard.results
              .filter((r) => r.level === level)
              .map((r) => (
                <Rule key={r.ruleId} result={r} readOnly={readOnly} />
              ))}
          </ul>
        </div>
      ))}
    </section>
  );
}

function Rule({ result, readOnly }: { result: RuleResult; readOnly: boolean }) {
  const [open, setOpen] = useState(false);
  const failing = result.status === 'fail';
  return (
    <li className={`catalog-rule rule-${result.status}`} data-testid="scorecard-rule" data-rule={result.ruleId}>
      <button type="button" className="catalog-rule-head" aria-expanded={open} onClick={() => setOpen(!open)} disabled={!failing && result.evidence.length === 0}>
        <Icon name={statusIcon[result.status]} />
        <Untrusted text={result.title} className="strong" />
        <Untrusted text={result.message} className="muted" />
      </button>
      {open ? (
        <div className="catalog-rule-detail">
          {result.evidence.length > 0 ? (
            <table className="catalog-evidence" aria-label="Evidence">
              <thead>
                <tr>
                  <th>Object</th>
                  <th>Field</th>
                  <th>Value</th>
                </tr>
              </thead>
              <tbody>
                {result.evidence.map((e, i) => (
                  <tr key={i}>
                    <td>
                      <Untrusted text={e.object} />
                    </td>
                    <td>
                      {/* Plain JSX text: React renders it as text, never as markup. */}
                      <code>{e.field}</code>
                    </td>
                    <td>
                      <Untrusted text={e.value} />
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          ) : null}
          {result.change ? (
            <p>
              <span className="strong">What to change: </span>
              <Untrusted text={result.change} />
            </p>
          ) : null}
          {result.fix && !readOnly ? (
            <button type="button" className="button primary" onClick={() => planFix(result.fix!)}>
              Plan: <Untrusted text={result.fix.title} />
            </button>
          ) : null}
        </div>
      ) : null}
    </li>
  );
}
