import { useRef } from 'react';
import type { KeyboardEvent } from 'react';
import { Icon } from './icons.js';
import { Keys } from './Keys.js';
import { routeHash, useRouteStore } from './route.js';
import { views } from './views.js';
import type { ViewSpec } from './views.js';
import { openPalette } from './palette/palette-store.js';
import { modKey } from './shortcuts.js';

const sections: Array<ViewSpec['section']> = ['Estate', 'Daytwo'];

/**
 * The view list. Each item is a real link in the tab order; ↑/↓ (and Home/End) also move
 * between them, as in a menu.
 */
export function Sidebar() {
  const current = useRouteStore((s) => s.route.view);
  const navRef = useRef<HTMLElement>(null);

  function onKeyDown(event: KeyboardEvent): void {
    const links = [...(navRef.current?.querySelectorAll<HTMLAnchorElement>('a.nav-item') ?? [])];
    const at = links.indexOf(document.activeElement as HTMLAnchorElement);
    if (at === -1) return;
    const next =
      event.key === 'ArrowDown' ? (at + 1) % links.length
      : event.key === 'ArrowUp' ? (at - 1 + links.length) % links.length
      : event.key === 'Home' ? 0
      : event.key === 'End' ? links.length - 1
      : -1;
    if (next === -1) return;
    event.preventDefault();
    links[next]?.focus();
  }

  return (
    <aside className="sidebar">
      <div className="brand">
        <svg viewBox="0 0 32 32" width="18" height="18" aria-hidden="true">
          <rect width="32" height="32" rx="7" fill="var(--brand-bg)" />
          <path d="M8 22V10h5.5a6 6 0 0 1 0 12H8z" fill="none" stroke="var(--accent)" strokeWidth="3" />
          <circle cx="24" cy="21" r="2.5" fill="var(--ok)" />
        </svg>
        <span>Daytwo</span>
      </div>
      <button
        type="button"
        className="palette-trigger"
        onClick={openPalette}
        aria-label="Open the command palette"
        aria-keyshortcuts="Control+K Meta+K"
      >
        <Icon name="search" />
        <span className="truncate">Commands…</span>
        <Keys keys={[modKey, 'K']} />
      </button>
      <nav aria-label="Views" ref={navRef} onKeyDown={onKeyDown}>
        {sections.map((section) => {
          const items = views.filter((v) => v.section === section);
          if (items.length === 0) return null;
          return (
            <div className="nav-section" key={section}>
              <h2 className="nav-heading">{section}</h2>
              <ul>
                {items.map((view) => (
                  <li key={view.id}>
                    <a
                      className="nav-item"
                      href={routeHash(view.id)}
                      aria-current={current === view.id ? 'page' : undefined}
                      aria-keyshortcuts={`g ${view.goKey}`}
                    >
                      <Icon name={view.icon} />
                      <span className="truncate">{view.title}</span>
                      <Keys keys={['g', view.goKey]} />
                    </a>
                  </li>
                ))}
              </ul>
            </div>
          );
        })}
      </nav>
    </aside>
  );
}
