import { useEffect, useId, useState } from 'react';
import { Untrusted } from '../estate/parts.js';
import { connectUnleash, disconnectUnleash, loadUnleashConnections, useFlagsStore } from './flags-store.js';
import './flags.css';

/**
 * An Unleash server for feature flags: its base URL and an admin API token. The engine checks
 * both against Unleash before keeping them, and keeps the token in its vault; the page never
 * sees it again, so the field empties once it is saved.
 */
export function UnleashConnection({ readOnly }: { readOnly: boolean }) {
  const { connections, connectionError, connecting } = useFlagsStore();
  const [url, setUrl] = useState('');
  const [token, setToken] = useState('');
  const id = useId();
  useEffect(() => void loadUnleashConnections(), []);
  return (
    <fieldset className="setting" aria-describedby={`${id}-help`}>
      <legend>Unleash</legend>
      <p id={`${id}-help`} className="help">
        The base URL of an Unleash server and an admin API token (Unleash → Admin → API access). The token is kept encrypted by the engine and
        never shown again.
      </p>
      {connections && connections.length > 0 ? (
        <ul className="unleash-connections" aria-label="Unleash connections">
          {connections.map((c) => (
            <li key={c.url}>
              <Untrusted text={c.url} />
              <span className={`badge ${c.state === 'live' ? 'tone-ok' : c.state === 'unknown' ? 'tone-muted' : 'tone-bad'}`}>{c.state}</span>
              <span className="muted">
                <Untrusted text={c.reason} />
              </span>
              <button type="button" className="button" disabled={readOnly} onClick={() => void disconnectUnleash(c.url)} aria-label={`Forget Unleash at ${c.url}`}>
                Forget
              </button>
            </li>
          ))}
        </ul>
      ) : null}
      <form
        onSubmit={(e) => {
          e.preventDefault();
          void connectUnleash(url.trim(), token.trim()).then((ok) => {
            if (ok) {
              setUrl('');
              setToken('');
            }
          });
        }}
      >
        <label htmlFor={`${id}-url`}>Server URL</label>
        <input id={`${id}-url`} type="url" placeholder="https://unleash.example.com" value={url} onChange={(e) => setUrl(e.target.value)} disabled={readOnly} autoComplete="off" spellCheck={false} />
        <label htmlFor={`${id}-token`}>Admin API token</label>
        <input id={`${id}-token`} type="password" value={token} onChange={(e) => setToken(e.target.value)} disabled={readOnly} autoComplete="off" spellCheck={false} />
        {connectionError ? (
          <p className="field-error" role="alert">
            <Untrusted text={connectionError} block />
          </p>
        ) : null}
        <div className="setting-actions">
          <button type="submit" className="button primary" disabled={readOnly || connecting || !url.trim() || !token.trim()}>
            {connecting ? 'Checking…' : 'Check and save'}
          </button>
        </div>
      </form>
    </fieldset>
  );
}
