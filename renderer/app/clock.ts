import { create } from 'zustand';

/**
 * One shared "now" for every freshness label, so "last seen 4 min ago" advances by itself
 * without a timer per row. Ten seconds is finer than any label it feeds needs.
 */
export const useClockStore = create<{ now: number }>()(() => ({ now: Date.now() }));

const tickMs = 10_000;

/** New data is measured against the present, not against the last tick. */
export function tickClock(): void {
  useClockStore.setState({ now: Date.now() });
}

export function startClock(): () => void {
  const timer = setInterval(tickClock, tickMs);
  // A laptop waking from sleep should not show an hour-old "2 min ago" for ten seconds.
  const onVisible = () => {
    if (document.visibilityState === 'visible') tickClock();
  };
  document.addEventListener('visibilitychange', onVisible);
  return () => {
    clearInterval(timer);
    document.removeEventListener('visibilitychange', onVisible);
  };
}
