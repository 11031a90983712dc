import { dismissNotice, useNoticesStore } from './notices-store.js';
import { Icon } from './icons.js';

/** Outcomes of actions the person took elsewhere (palette, shortcuts): never silent. */
export function Notices() {
  const notices = useNoticesStore((s) => s.notices);
  return (
    <div className="notices" aria-live="polite">
      {notices.map((notice) => (
        <div key={notice.id} className={`notice tone-${notice.tone === 'error' ? 'bad' : 'info'}`} role={notice.tone === 'error' ? 'alert' : 'status'}>
          <Icon name={notice.tone === 'error' ? 'error' : 'live'} />
          <div className="notice-text">
            <strong>{notice.title}</strong>
            <span>{notice.message}</span>
          </div>
          <button type="button" className="icon-button" aria-label="Dismiss" onClick={() => dismissNotice(notice.id)}>
            <Icon name="close" />
          </button>
        </div>
      ))}
    </div>
  );
}
