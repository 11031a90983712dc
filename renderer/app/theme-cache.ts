import type { Settings } from '../../shared/api/app.js';

/**
 * The theme as the page's entry applies it, before React or the engine's settings have loaded;
 * theme.ts keeps it in step with the setting afterwards.
 */
export type ThemePreference = Settings['theme'];
export type ResolvedTheme = 'light' | 'dark';

const darkQuery = '(prefers-color-scheme: dark)';
export const themeCacheKey = 'daytwo.theme';

export function systemTheme(): ResolvedTheme {
  return window.matchMedia(darkQuery).matches ? 'dark' : 'light';
}

export function subscribeToSystemTheme(onChange: () => void): () => void {
  const query = window.matchMedia(darkQuery);
  query.addEventListener('change', onChange);
  return () => query.removeEventListener('change', onChange);
}

export function resolveTheme(preference: ThemePreference, system: ResolvedTheme): ResolvedTheme {
  return preference === 'system' ? system : preference;
}

/**
 * Paint with the last theme this browser used before the engine answers, so a dark-room
 * screen does not flash white on every start.
 */
export function applyCachedTheme(): void {
  let cached: string | null = null;
  try {
    cached = window.localStorage.getItem(themeCacheKey);
  } catch {
    // Storage can be disabled; the system theme is a fine first paint.
  }
  const preference: ThemePreference = cached === 'light' || cached === 'dark' ? cached : 'system';
  document.documentElement.dataset.theme = resolveTheme(preference, systemTheme());
}
