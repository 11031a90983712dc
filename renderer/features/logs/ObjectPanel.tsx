import { useEffect, useState } from 'react';
import type { ObjectRef, ObjectSummary, ObjectView } from '../../../shared/api/objects.js';
import { api, errorMessage } from '../../api/api-client.js';

type Loaded = { key: string; view: ObjectView | null; error: string | null };

/**
 * One Kubernetes object read live: its describe-like summary, its YAML (managedFields folded,
 * Secret values masked) and the kubectl command that prints the same. Secrets and ConfigMaps it
 * refers to open below it, masked too; revealing a Secret's values takes a second, explicit
 * click and is written to the audit log by the engine before the values are read.
 */
export function ObjectPanel({ entityId, refObject, onShowRef }: { entityId: string; refObject?: ObjectRef; onShowRef?: (ref: ObjectRef) => void }) {
  const key = `${entityId}|${refObject?.kind ?? ''}|${refObject?.name ?? ''}`;
  const [loaded, setLoaded] = useState<Loaded | null>(null);
  const [showManaged, setShowManaged] = useState(false);
  const [confirmReveal, setConfirmReveal] = useState(false);
  const [copied, setCopied] = useState<string | null>(null);

  useEffect(() => {
    let cancelled = false;
    api()
      .call('objects.get', { entityId, ...(refObject ? { ref: refObject } : {}) })
      .then(
        (view) => !cancelled && setLoaded({ key, view, error: null }),
        (error: unknown) => !cancelled && setLoaded({ key, view: null, error: errorMessage(error) }),
      );
    return () => {
      cancelled = true;
    };
  }, [entityId, refObject, key]);

  const current = loaded?.key === key ? loaded : null;
  if (!current) return <p className="muted">Reading the object from its API server…</p>;
  if (!current.view) return <p className="tone-bad">Could not read the object: {current.error}</p>;
  const view = current.view;

  const reveal = () => {
    setConfirmReveal(false);
    api()
      .call('objects.revealSecret', { entityId, ...(refObject ? { ref: { kind: 'Secret' as const, name: refObject.name } } : {}) })
      .then(
        (revealed) => setLoaded({ key, view: revealed, error: null }),
        (error: unknown) => setLoaded({ key, view, error: errorMessage(error) }),
      );
  };
  const copy = () => {
    navigator.clipboard.writeText(view.kubectl).then(
      () => setCopied('Copied.'),
      () => setCopied('The clipboard refused; select the command and copy it.'),
    );
  };

  return (
    <div className="object-panel" data-testid={refObject ? 'ref-object' : 'object'}>
      <section className="entity-section" aria-label={`${view.kind} ${view.name}`}>
        <h3>
          {view.kind} {view.name}
        </h3>
        <div className="object-actions">
          <button type="button" className="button" onClick={copy}>
            Copy as kubectl command
          </button>
          {copied ? <span className="muted">{copied}</span> : null}
        </div>
        <code className="object-command" data-testid="kubectl-command">
          {view.kubectl}
        </code>
      </section>
      <Describe summary={view.summary} onShowRef={onShowRef} />
      <section className="entity-section" aria-label="YAML">
        <h3>YAML</h3>
        {view.maskedKeys.length > 0 ? (
          <div className="object-actions" data-testid="secret-masked">
            <span className="muted">
              {view.maskedKeys.length === 1 ? 'The value of 1 key is masked.' : `The values of ${view.maskedKeys.length} keys are masked.`}
            </span>
            {confirmReveal ? (
              <>
                <span className="tone-warn">Revealing is recorded in the audit log.</span>
                <button type="button" className="button" onClick={reveal}>
                  Reveal values
                </button>
                <button type="button" className="button" onClick={() => setConfirmReveal(false)}>
                  Cancel
                </button>
              </>
            ) : (
              <button type="button" className="button" onClick={() => setConfirmReveal(true)}>
                Reveal…
              </button>
            )}
          </div>
        ) : null}
        {view.managedFieldsCount > 0 ? (
          <button type="button" className="link-button" onClick={() => setShowManaged((s) => !s)} aria-expanded={showManaged}>
            managedFields: {view.managedFieldsCount} entr{view.managedFieldsCount === 1 ? 'y' : 'ies'} {showManaged ? '(fold)' : '(folded; show)'}
          </button>
        ) : null}
        {showManaged && view.managedFieldsYaml ? <pre className="object-yaml">{view.managedFieldsYaml}</pre> : null}
        <pre className="object-yaml" data-testid="object-yaml" tabIndex={0}>
          {view.yaml}
        </pre>
        {current.error ? <p className="tone-bad">{current.error}</p> : null}
      </section>
    </div>
  );
}

function Describe({ summary, onShowRef }: { summary: ObjectSummary; onShowRef?: (ref: ObjectRef) => void }) {
  return (
    <section className="entity-section" aria-label="Describe">
      <h3>Describe</h3>
      <dl className="facts entity-facts">
        {summary.facts.map(([name, value]) => (
          <div key={name} style={{ display: 'contents' }}>
            <dt>{name}</dt>
            <dd className="untrusted untrusted-block">{value}</dd>
          </div>
        ))}
      </dl>
      {summary.containers.map((c) => (
        <div key={`${c.init ? 'init-' : ''}${c.name}`} className="describe-container" data-testid="describe-container">
          <strong>
            {c.init ? 'Init container ' : 'Container '}
            {c.name}
          </strong>
          <span className="mono">{c.image}</span>
          {c.state ? <span>{c.state}</span> : null}
          <ul>
            {c.ports.length > 0 ? <li>Ports: {c.ports.join(', ')}</li> : null}
            {c.probes.map((p) => (
              <li key={p} className="mono">
                {p}
              </li>
            ))}
            {c.resources.map((r) => (
              <li key={r}>{r}</li>
            ))}
            {c.env.map((e) => (
              <li key={e} className="mono">
                {e}
              </li>
            ))}
            {c.mounts.map((m) => (
              <li key={m} className="mono">
                {m}
              </li>
            ))}
          </ul>
        </div>
      ))}
      {summary.conditions.length > 0 ? (
        <>
          <h3>Conditions</h3>
          <ul className="describe-list">
            {summary.conditions.map((c) => (
              <li key={c.type}>
                {c.type}: {c.status}
                {c.reason ? ` (${c.reason})` : ''}
                {c.message ? ` — ${c.message}` : ''}
              </li>
            ))}
          </ul>
        </>
      ) : null}
      {summary.volumes.length > 0 ? (
        <>
          <h3>Volumes</h3>
          <ul className="describe-list">
            {summary.volumes.map((v) => (
              <li key={v} className="mono">
                {v}
              </li>
            ))}
          </ul>
        </>
      ) : null}
      {summary.references.length > 0 && onShowRef ? (
        <>
          <h3>Refers to</h3>
          <ul className="describe-list">
            {summary.references.map((r) => (
              <li key={`${r.kind}/${r.name}`}>
                <button type="button" className="link-button" onClick={() => onShowRef(r)}>
                  {r.kind} {r.name}
                </button>
              </li>
            ))}
          </ul>
        </>
      ) : null}
    </section>
  );
}
