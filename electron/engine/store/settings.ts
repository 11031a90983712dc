import { Settings, defaultSettings } from '../../../shared/api/app.js';
import type { StoreDatabase } from './database.js';

/** Settings live as one JSON row; a row that no longer parses falls back to defaults field by field. */
export class SettingsStore {
  constructor(private readonly db: StoreDatabase) {}

  get(): Settings {
    const row = this.db.prepare('SELECT value FROM settings WHERE key = ?').get('settings') as
      | { value: string }
      | undefined;
    if (!row) return { ...defaultSettings };
    let stored: unknown;
    try {
      stored = JSON.parse(row.value);
    } catch {
      return { ...defaultSettings };
    }
    const merged: Record<string, unknown> = { ...defaultSettings };
    if (stored && typeof stored === 'object') {
      for (const [key, value] of Object.entries(stored)) {
        const field = Settings.shape[key as keyof Settings];
        if (field?.safeParse(value).success) merged[key] = value;
      }
    }
    return Settings.parse(merged);
  }

  update(patch: Partial<Settings>): Settings {
    const next = Settings.parse({ ...this.get(), ...patch });
    this.db
      .prepare('INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value')
      .run('settings', JSON.stringify(next));
    return next;
  }
}
