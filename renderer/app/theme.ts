import { useEffect, useSyncExternalStore } from 'react';
import { saveSetting, useSettingsStore } from '../features/settings/settings-store.js';
import { resolveTheme, subscribeToSystemTheme, systemTheme, themeCacheKey } from './theme-cache.js';
import type { ResolvedTheme, ThemePreference } from './theme-cache.js';

export type { ResolvedTheme, ThemePreference } from './theme-cache.js';

/** The theme in effect now; follows the OS while the preference is 'system'. */
export function useResolvedTheme(): ResolvedTheme {
  const preference = useSettingsStore((s) => s.settings?.theme ?? 'system');
  const system = useSyncExternalStore(subscribeToSystemTheme, systemTheme);
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
      window.localStorage.setItem(themeCacheKey, preference);
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
