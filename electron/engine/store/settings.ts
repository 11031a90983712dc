import { Settings, defaultSettings } from '../../../shared/api/app.js';
import { globsFromLegacyRegex, maxPatterns } from '../../../shared/settings/production-patterns.js';
import type { StoreDatabase } from './database.js';

/**
 * Marks a stored settings row whose productionPatterns are globs. Rows without it were written
 * when patterns were regexes, and are migrated once, on open (see migrateLegacyPatterns).
 */
const patternSyntaxKey = 'productionPatternSyntax';

/** Settings live as one JSON row; a row that no longer parses falls back to defaults field by field. */
export class SettingsStore {
  constructor(private readonly db: StoreDatabase) {
    this.migrateLegacyPatterns();
  }

  get(): Settings {
    const stored = this.readRow();
    if (stored === undefined) return { ...defaultSettings };
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
    this.write(next);
    return next;
  }

  private write(settings: Settings): void {
    this.db
      .prepare('INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value')
      .run('settings', JSON.stringify({ ...settings, [patternSyntaxKey]: 'glob' }));
  }

  /** The stored JSON, null-ish when it does not parse, undefined when there is no row. */
  private readRow(): unknown {
    const row = this.db.prepare('SELECT value FROM settings WHERE key = ?').get('settings') as { value: string } | undefined;
    if (!row) return undefined;
    try {
      return JSON.parse(row.value) as unknown;
    } catch {
      return null;
    }
  }

  /**
   * Patterns were case-insensitive regexes matched anywhere in the name; they are globs now
   * (shared/settings/production-patterns.ts). Each regex becomes globs that match at least
   * what it matched, so no context silently stops counting as production.
   */
  private migrateLegacyPatterns(): void {
    const stored = this.readRow();
    if (!stored || typeof stored !== 'object' || (stored as Record<string, unknown>)[patternSyntaxKey] === 'glob') return;
    const legacy = (stored as Record<string, unknown>)['productionPatterns'];
    const record = { ...(stored as Record<string, unknown>) };
    if (Array.isArray(legacy)) {
      const globs = [...new Set(legacy.filter((p): p is string => typeof p === 'string' && p !== '').flatMap(globsFromLegacyRegex))];
      record['productionPatterns'] = globs.slice(0, maxPatterns);
    }
    this.db.prepare('UPDATE settings SET value = ? WHERE key = ?').run(JSON.stringify({ ...record, [patternSyntaxKey]: 'glob' }), 'settings');
  }
}
