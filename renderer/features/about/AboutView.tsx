import { useShallow } from 'zustand/react/shallow';
import { useEngineStore } from '../../app/engine-store.js';
import { useClockStore } from '../../app/clock.js';
import { formatAge } from '../../app/freshness.js';
import { Icon } from '../../app/icons.js';
import { Keys } from '../../app/Keys.js';
import { Truncated } from '../../app/Truncated.js';
import { shortcutList } from '../../app/shortcuts.js';
import type { LinkState } from '../../api/link-state.js';

function linkWords(link: LinkState): string {
  switch (link.status) {
    case 'open':
      return 'Connected';
    case 'connecting':
      return 'Connecting…';
    case 'reconnecting':
      return `Unreachable, retrying (attempt ${link.attempt})`;
    case 'unauthorized':
      return 'Refused this page’s token';
  }
}

export function AboutView({ rest }: { rest: string[] }) {
  const { info, infoError, link } = useEngineStore(
    useShallow((s) => ({ info: s.info, infoError: s.infoError, link: s.link })),
  );
  const now = useClockStore((s) => s.now);
  const toShortcuts = rest[0] === 'shortcuts';
  return (
    <div className="view view-narrow">
      <header className="view-header">
        <div className="view-heading">
          <h1 tabIndex={-1}>About &amp; help</h1>
          <p className="view-summary">Daytwo is an operations console for the people who run software after it ships.</p>
        </div>
      </header>
      {infoError ? (
        <div className="callout tone-bad" role="alert">
          <Icon name="error" />
          <span>
            <strong>The engine did not describe itself.</strong> {infoError}
          </span>
        </div>
      ) : null}
      <section className="panel" aria-labelledby="about-engine">
        <h2 id="about-engine">This engine</h2>
        {info ? (
          <dl className="facts">
            <dt>Version</dt>
            <dd>{info.version}</dd>
            <dt>Mode</dt>
            <dd>{info.mode === 'host' ? 'Host mode: served over loopback HTTP to this browser' : 'Desktop'}</dd>
            <dt>Connection</dt>
            <dd>{linkWords(link)}</dd>
            <dt>Read-only</dt>
            <dd>{info.readOnly ? 'Yes: started with --read-only, so every change is refused' : 'No'}</dd>
            <dt>Estate</dt>
            <dd>{info.sandbox ? 'Built-in sandbox (simulated)' : 'Configured sources'}</dd>
            <dt>Data directory</dt>
            <dd>
              <Truncated text={info.dataDir} className="mono" />
            </dd>
            <dt>Started</dt>
            <dd>
              <span title={new Date(info.startedAt).toLocaleString()}>{formatAge(now - info.startedAt)}</span>
            </dd>
          </dl>
        ) : infoError ? null : (
          <p className="muted">Asking the engine…</p>
        )}
      </section>
      <section className="panel" aria-labelledby="shortcuts">
        <h2 id="shortcuts" tabIndex={-1} data-autofocus={toShortcuts || undefined}>
          Keyboard shortcuts
        </h2>
        <table className="grid shortcuts">
          <tbody>
            {shortcutList().map((s) => (
              <tr key={s.what}>
                <td className="col-keys">
                  <Keys keys={s.keys} />
                </td>
                <td>{s.what}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>
    </div>
  );
}
