import { useEffect } from 'react';
import { createKeySequence } from './key-sequence.js';
import { navigate } from './route.js';
import { views } from './views.js';
import { openPalette, usePaletteStore } from './palette/palette-store.js';

type Action = () => void;

/** Typing into a field must never trigger a shortcut. */
function isTyping(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  return target.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(target.tagName);
}

/** Focuses the current view's filter field, if it has one. */
function focusFilter(): void {
  document.querySelector<HTMLInputElement>('[data-view-filter]')?.focus();
}

/** The app-wide shortcuts listed in shortcuts.ts. */
export function useGlobalKeys(): void {
  useEffect(() => {
    const sequence = createKeySequence<Action>([
      ...views.map((v) => ({ keys: `g ${v.goKey}`, action: () => navigate(v.id) })),
      { keys: '?', action: () => navigate('help', 'shortcuts') },
      { keys: '/', action: focusFilter },
    ]);
    const onKeyDown = (event: KeyboardEvent) => {
      if ((event.ctrlKey || event.metaKey) && !event.altKey && event.key.toLowerCase() === 'k') {
        event.preventDefault();
        openPalette();
        return;
      }
      if (event.key === 'Shift') return;
      if (event.defaultPrevented || event.ctrlKey || event.metaKey || event.altKey) return;
      if (usePaletteStore.getState().open || isTyping(event.target)) {
        sequence.reset();
        return;
      }
      const action = sequence.press(event.key, event.timeStamp);
      if (action) {
        event.preventDefault();
        action();
      }
    };
    window.addEventListener('keydown', onKeyDown);
    return () => window.removeEventListener('keydown', onKeyDown);
  }, []);
}
