import { useEngineStore } from './engine-store.js';
import { Icon } from './icons.js';
import { formatAge } from './freshness.js';
import { useTickingNow } from './use-ticking-now.js';
import { reconnectEngine } from './start.js';

/** Says plainly when the engine is out of reach, what is still shown, and when we retry. */
export function ConnectionBanner() {
  const link = useEngineStore((s) => s.link);
  const now = useTickingNow(link.status === 'reconnecting');
  if (link.status === 'reconnecting') {
    const seconds = Math.max(0, Math.ceil((link.retryAt - now) / 1000));
    return (
      <div className="banner tone-bad" role="alert">
        <Icon name="offline" />
        <div className="banner-text">
          <strong>Engine unreachable.</strong> {link.reason} What you see was current {formatAge(now - link.lostAt)}.{' '}
          {seconds > 0 ? `Retrying in ${seconds} s (attempt ${link.attempt}).` : 'Retrying…'}
        </div>
        <button type="button" className="button" onClick={reconnectEngine}>
          Retry now
        </button>
      </div>
    );
  }
  if (link.status === 'unauthorized') {
    return (
      <div className="banner tone-bad" role="alert">
        <Icon name="unauthorized" />
        <div className="banner-text">
          <strong>Disconnected.</strong> {link.reason}
        </div>
      </div>
    );
  }
  return null;
}
