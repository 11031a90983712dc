import { useEffect, useId, useState } from 'react';
import type { FlagEnvironment, ServiceFlag } from '../../../shared/api/flags.js';
import { Untrusted } from '../estate/parts.js';
import { terminalOperationStates } from '../../../shared/api/operations.js';
import { useOperationsStore } from '../operations/operations-store.js';
import { planFlagChange, refreshFlags, useFlagsStore, watchFlags } from './flags-store.js';
import './flags.css';

/**
 * The feature flags a service's workloads name (`daytwo.io/feature-flags`), with their state in
 * each environment: the cluster for an OpenFeature FeatureFlag, Unleash's own environments. Each
 * action opens the operation dialog already planned; production asks for the name typed there.
 * Every name here comes from a cluster or a flag server, so all of it is rendered as text.
 */
export function FlagsPanel({ serviceId, readOnly }: { serviceId: string; readOnly: boolean }) {
  const { flags, problems, error } = useFlagsStore();
  useEffect(() => watchFlags(serviceId), [serviceId]);
  // A flag operation that ended shows its result here at once, not at the next poll.
  const ended = useOperationsStore((s) => (s.operation && terminalOperationStates.includes(s.operation.state) && (s.operation.kind === 'openfeature-flag' || s.operation.kind === 'unleash-flag') ? s.operation.id : null));
  useEffect(() => {
    if (ended) refreshFlags();
  }, [ended]);
  return (
    <section className="catalog-section flags-panel" aria-labelledby="flags-heading">
      <h2 id="flags-heading">Feature flags</h2>
      {error ? (
        <p className="callout tone-bad" role="alert">
          <Untrusted text={error} />
        </p>
      ) : null}
      {flags === null && !error ? <p className="muted">Reading the flags this service names…</p> : null}
      {flags !== null && flags.length === 0 ? (
        <p className="muted">
          No flags: name them on a workload with the <code>daytwo.io/feature-flags</code> annotation (<code>openfeature:&lt;FeatureFlag&gt;</code>,{' '}
          <code>unleash:&lt;project&gt;/&lt;feature&gt;</code>).
        </p>
      ) : null}
      {flags && flags.length > 0 ? (
        <table className="catalog-table flags-table" aria-label="Feature flags">
          <thead>
            <tr>
              <th scope="col">Flag</th>
              <th scope="col">Environment</th>
              <th scope="col">State</th>
              <th scope="col">Variant</th>
              <th scope="col">Rollout</th>
              <th scope="col">
                <span className="visually-hidden">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {flags.flatMap((flag) =>
              flag.environments.map((env, index) => <FlagRow key={`${flag.source}|${flag.key}|${env.environment}`} flag={flag} env={env} first={index === 0} rows={flag.environments.length} readOnly={readOnly} />),
            )}
          </tbody>
        </table>
      ) : null}
      {problems.length > 0 ? (
        <ul className="flags-problems" aria-label="Flags that could not be read">
          {problems.map((problem) => (
            <li key={problem}>
              <Untrusted text={problem} block />
            </li>
          ))}
        </ul>
      ) : null}
    </section>
  );
}

function FlagRow({ flag, env, first, rows, readOnly }: { flag: ServiceFlag; env: FlagEnvironment; first: boolean; rows: number; readOnly: boolean }) {
  const id = useId();
  const [variant, setVariant] = useState(env.variant ?? env.variants[0] ?? '');
  const [rollout, setRollout] = useState(String(env.rollout ?? 100));
  const label = `${flag.key} in ${env.environment}`;
  const rolloutNumber = Number(rollout);
  const rolloutValid = /^\d{1,3}$/.test(rollout) && rolloutNumber <= 100;
  return (
    <tr>
      {first ? (
        <th scope="rowgroup" rowSpan={rows} className="flag-name">
          <Untrusted text={flag.key} />
          <span className="muted flag-source">
            <Untrusted text={flag.source} />
          </span>
        </th>
      ) : null}
      <td>
        <Untrusted text={env.environment} /> {env.production ? <span className="badge tone-warn">production</span> : null}
      </td>
      <td>
        <span className={`badge ${env.enabled ? 'tone-ok' : 'tone-muted'}`}>{env.enabled ? 'on' : 'off'}</span>
      </td>
      <td>{env.variant ? <Untrusted text={env.variant} /> : <span className="muted">{env.variants.length ? 'split' : '—'}</span>}</td>
      <td>{env.rollout === null ? <span className="muted">—</span> : `${env.rollout}%`}</td>
      <td className="flag-actions">
        <button type="button" className="button" disabled={readOnly} aria-label={`${env.enabled ? 'Switch off' : 'Switch on'} ${label}`} onClick={() => planFlagChange(flag, env, { enabled: !env.enabled })}>
          {env.enabled ? 'Switch off' : 'Switch on'}
        </button>
        {env.variants.length > 1 ? (
          <span className="flag-inline">
            <label htmlFor={`${id}-variant`} className="visually-hidden">
              Variant for {label}
            </label>
            <select id={`${id}-variant`} value={variant} onChange={(e) => setVariant(e.target.value)} disabled={readOnly}>
              {env.variants.map((v) => (
                <option key={v} value={v}>
                  {v}
                </option>
              ))}
            </select>
            <button type="button" className="button" disabled={readOnly || !variant} aria-label={`Serve variant for ${label}`} onClick={() => planFlagChange(flag, env, { variant })}>
              Serve
            </button>
          </span>
        ) : null}
        {flag.backend === 'unleash' && env.rollout !== null ? (
          <span className="flag-inline">
            <label htmlFor={`${id}-rollout`} className="visually-hidden">
              Rollout percentage for {label}
            </label>
            <input id={`${id}-rollout`} type="number" min={0} max={100} step={1} inputMode="numeric" value={rollout} onChange={(e) => setRollout(e.target.value)} disabled={readOnly} aria-invalid={!rolloutValid} />
            <button type="button" className="button" disabled={readOnly || !rolloutValid} aria-label={`Set rollout for ${label}`} onClick={() => planFlagChange(flag, env, { rollout: rolloutNumber })}>
              Set %
            </button>
          </span>
        ) : null}
      </td>
    </tr>
  );
}
