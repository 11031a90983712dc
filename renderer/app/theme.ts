import { useEffect, useSyncExternalStore } from 'react';
import type { Settings } from '../../shared/api/app.js';
import { saveSetting, useSettingsStore } from '../features/settings/settings-store.js';

export type ThemePreference = Settings['theme'];
export type ResolvedTheme = 'light' | 'dark';

const darkQuery = '(prefers-color-scheme: dark)';
const cacheKey = 'daytwo.theme';

function systemTheme(): ResolvedTheme {
  return window.matchMedia(darkQuery).matches ? 'dark' : 'light';
}

function subscribeToSystem(onChange: () => void): () => void {
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
    cached = window.localStorage.getItem(cacheKey);
  } catch {
    // Storage can be disabled; the system theme is a fine first paint.
  }
  const preference: ThemePreference = cached === 'light' || cached === 'dark' ? cached : 'system';
  document.documentElement.dataset.theme = resolveTheme(preference, systemTheme());
}

/** The theme in effect now; follows the OS while the preference is 'system'. */
export function useResolvedTheme(): ResolvedTheme {
  const preference = useSettingsStore((s) => s.settings?.theme ?? 'system');
  const system = useSyncExternalStore(subscribeToSystem, systemTheme);
  return resolveTheme(preference, system);
}

/** Keeps <html data-theme> in step with the setting (CSS variables do the rest). */
export function useThemeOnDocument(): void {
  const preference = useSettingsStore((s) => s.settings?.theme);
  const resolved = useResolvedTheme();
  useEffect(() => {
    document.documentElement.dataset.theme = resolved;
    if (preference === undefined) return;
    try {
      window.localStorage.setItem(cacheKey, preference);
    } catch {
      // Only the first paint of the next start depends on this.
    }
  }, [resolved, preference]);
}

export function setTheme(theme: ThemePreference, options?: { notify?: boolean }): Promise<boolean> {
  return saveSetting('theme', theme, options);
}

/** Light ↔ dark from whatever is showing now (a 'system' preference becomes explicit). */
export function toggleTheme(): Promise<boolean> {
  const current = resolveTheme(useSettingsStore.getState().settings?.theme ?? 'system', systemTheme());
  return setTheme(current === 'dark' ? 'light' : 'dark');
}
