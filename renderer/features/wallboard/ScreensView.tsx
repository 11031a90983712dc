import { useEffect, useState } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { useEngineStore } from '../../app/engine-store.js';
import { useTickingNow } from '../../app/use-ticking-now.js';
import { navigate } from '../../app/route.js';
import { formatAge } from '../../app/freshness.js';
import { createScreen, loadScreens, revokeScreen, useScreensStore } from './screens-store.js';

/**
 * The operator's side of the wall: screen links for displays in the room (host mode), each a
 * read-only token shown once, optionally pinned to one incident, listed and revocable.
 */
export function ScreensView() {
  const { screens, incidents, created, problem } = useScreensStore(
    useShallow((s) => ({ screens: s.screens, incidents: s.incidents, created: s.created, problem: s.problem })),
  );
  const [label, setLabel] = useState('War room');
  const [pin, setPin] = useState('');
  const [hours, setHours] = useState(24);
  const linkKind = useEngineStore((s) => s.linkKind);
  const readOnly = useEngineStore((s) => s.info?.readOnly ?? false);
  const now = useTickingNow(true, 30_000);
  // Only the desktop preload offers it: a full-screen wallboard window with a read-only channel.
  const present = window.daytwo?.present;
  useEffect(() => {
    void loadScreens();
  }, []);
  const create = () => createScreen(label, pin || null, Math.round(hours * 3600_000), window.location.origin);
  const revoke = (id: string) => revokeScreen(id);

  return (
    <div className="view view-narrow">
      <header className="view-header">
        <div className="view-heading">
          <h1 tabIndex={-1}>Wall screens</h1>
          <p className="view-summary">The wallboard on the room&apos;s display: read-only, never a secret, revocable at any time.</p>
        </div>
      </header>
      <section className="panel" aria-label="Show here">
        <h2>On this machine</h2>
        <p>
          <button type="button" className="button" onClick={() => navigate('wallboard')}>
            Open the wallboard here
          </button>{' '}
          <button type="button" className="button" onClick={() => navigate('wallboard', 'rotate', '30')}>
            Rotate open incidents every 30 s
          </button>
          {present ? (
            <>
              {' '}
              <button type="button" className="button" onClick={present}>
                Present on another display
              </button>
            </>
          ) : null}
        </p>
      </section>
      {problem ? (
        <div className="callout tone-bad" role="alert">
          <span>{problem}</span>
        </div>
      ) : null}
      {linkKind === 'host' && !readOnly ? (
        <section className="panel" aria-label="New screen link">
          <h2>New screen link</h2>
          <div className="screens-form">
            <label>
              Label <input value={label} maxLength={100} onChange={(e) => setLabel(e.target.value)} data-testid="screen-label" />
            </label>
            <label>
              Incident{' '}
              <select value={pin} onChange={(e) => setPin(e.target.value)} data-testid="screen-pin">
                <option value="">every open incident</option>
                {incidents.map((i) => (
                  <option key={i.id} value={i.id}>
                    {i.id}: {i.title}
                  </option>
                ))}
              </select>
            </label>
            <label>
              Expires after (hours){' '}
              <input type="number" min={1} max={720} value={hours} onChange={(e) => setHours(Math.min(720, Math.max(1, Number(e.target.value) || 1)))} />
            </label>
            <button type="button" className="button" onClick={() => void create()} disabled={label.trim() === ''} data-testid="screen-create">
              Create link
            </button>
          </div>
          {created ? (
            <p>
              Open this on the display; it is shown only now: <code data-testid="screen-link">{created}</code>
            </p>
          ) : null}
        </section>
      ) : null}
      <section className="panel" aria-label="Screen links">
        <h2>Screen links</h2>
        {screens.length === 0 ? (
          <p className="muted">None yet.</p>
        ) : (
          <table className="screens-table">
            <thead>
              <tr>
                <th>Label</th>
                <th>Shows</th>
                <th>State</th>
                <th>Last seen</th>
                <th />
              </tr>
            </thead>
            <tbody>
              {screens.map((s) => {
                const state = s.revokedAt !== null ? 'revoked' : s.expiresAt <= now ? 'expired' : `expires in ${Math.ceil((s.expiresAt - now) / 3600_000)} h`;
                return (
                  <tr key={s.id} data-testid="screen-row">
                    <td>{s.label}</td>
                    <td>{s.incidentId ?? 'every open incident'}</td>
                    <td>{state}</td>
                    <td>{s.lastSeenAt === null ? 'never' : formatAge(now - s.lastSeenAt)}</td>
                    <td>
                      {s.revokedAt === null && s.expiresAt > now && !readOnly ? (
                        <button type="button" className="button" onClick={() => void revoke(s.id)}>
                          Revoke
                        </button>
                      ) : null}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        )}
      </section>
    </div>
  );
}
