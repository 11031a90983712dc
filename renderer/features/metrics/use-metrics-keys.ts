import { useEffect } from 'react';
import { usePaletteStore } from '../../app/palette/palette-store.js';
import { refreshAll, setPreset, toggleLive } from './metrics-store.js';
import { presets } from './time-range.js';

function isTyping(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  return target.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(target.tagName);
}

/**
 * The metrics view's own keys, while it is open: L pauses or resumes the live tail, R asks
 * again now, 1–5 pick 15m … 7d. The frame's handler runs first (it is registered earlier) and
 * marks the keys it used ("g" sequences), so those never reach here.
 */
export function useMetricsKeys(): void {
  useEffect(() => {
    const onKeyDown = (event: KeyboardEvent) => {
      if (event.defaultPrevented || event.ctrlKey || event.metaKey || event.altKey) return;
      if (usePaletteStore.getState().open || isTyping(event.target)) return;
      const key = event.key.toLowerCase();
      if (key === 'l') toggleLive();
      else if (key === 'r') refreshAll();
      else if (/^[1-5]$/.test(event.key)) setPreset(presets[Number(event.key) - 1]!.id);
      else return;
      event.preventDefault();
    };
    window.addEventListener('keydown', onKeyDown);
    return () => window.removeEventListener('keydown', onKeyDown);
  }, []);
}
