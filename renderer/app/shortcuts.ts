import { views } from './views.js';

export const isMac = typeof navigator !== 'undefined' && /Mac|iPhone|iPad/.test(navigator.userAgent);
export const modKey = isMac ? '⌘' : 'Ctrl';

/** Every shortcut, as the help view lists it. The handlers live in use-global-keys.ts. */
export function shortcutList(): Array<{ keys: string[]; what: string }> {
  return [
    { keys: [modKey, 'K'], what: 'Open the command palette: go anywhere, run any action' },
    ...views.map((v) => ({ keys: ['g', v.goKey], what: `Go to ${v.title}` })),
    { keys: ['?'], what: 'Show this help' },
    { keys: ['/'], what: 'Filter the list in the current view' },
    { keys: ['L'], what: 'Metrics: pause or resume the live tail' },
    { keys: ['1', '–', '5'], what: 'Metrics: show 15m, 1h, 6h, 24h or 7d' },
    { keys: ['R'], what: 'Metrics: refresh now' },
    { keys: ['↑', '↓'], what: 'Move between navigation items and palette results' },
    { keys: ['Enter'], what: 'Open the selected item or run the selected command' },
    { keys: ['Esc'], what: 'Close the palette or clear a filter' },
    { keys: ['Tab'], what: 'Move through controls; the first Tab offers “Skip to main content”' },
  ];
}
