import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { openStore } from '../../../electron/engine/store/database.js';
import { SettingsStore } from '../../../electron/engine/store/settings.js';
import { globMatches, globsFromLegacyRegex, isProductionContext, patternProblem } from '../../../shared/settings/production-patterns.js';
import { Settings } from '../../../shared/api/app.js';

describe('production patterns are globs, matched without backtracking', () => {
  it('matches the whole name, ignoring case, with * and ?', () => {
    expect(globMatches('*prod*', 'shop-PROD-eks')).toBe(true);
    expect(globMatches('prod-*', 'prod-eu')).toBe(true);
    expect(globMatches('prod-*', 'eu-prod-eu')).toBe(false);
    expect(globMatches('*-live', 'shop-live')).toBe(true);
    expect(globMatches('eu-?', 'eu-1')).toBe(true);
    expect(globMatches('eu-?', 'eu-12')).toBe(false);
    expect(isProductionContext('shop-staging', ['*prod*', '*prd*'])).toBe(false);
  });

  it('answers a pattern built to backtrack against a long name at once, and counts its steps', () => {
    // ^(a|a)*Z$ blocked the event loop for 1.9 s at 28 characters as a regex. The nearest glob,
    // many stars against a long near-miss, is bounded by pattern × name steps.
    const pattern = `${'*a'.repeat(90)}Z`;
    const name = 'a'.repeat(10_000);
    expect(globMatches(pattern, name)).toBe(false);
    expect(globMatches(pattern, `${name}Z`)).toBe(true);
  });

  it('refuses regular-expression syntax with a sentence saying what patterns are', () => {
    expect(patternProblem('^(a|a)*Z$')).toMatch(/globs.*regular-expression syntax/);
    expect(Settings.shape.productionPatterns.safeParse(['^(a|a)*Z$']).success).toBe(false);
    expect(Settings.shape.productionPatterns.safeParse(['*prod*']).success).toBe(true);
  });

  it('turns a legacy regex into globs that match at least what it matched', () => {
    expect(globsFromLegacyRegex('prod')).toEqual(['*prod*']);
    expect(globsFromLegacyRegex('^prod-')).toEqual(['prod-*']);
    expect(globsFromLegacyRegex('-live$')).toEqual(['*-live']);
    expect(globsFromLegacyRegex('^prod-|-live$')).toEqual(['prod-*', '*-live']);
    expect(globsFromLegacyRegex('^eu\\.prod\\d+$')).toEqual(['eu.prod*']);
    expect(globsFromLegacyRegex('^(a|a)*Z$')).toEqual(['*Z']);
    const cases: [string, string[]][] = [
      ['^(prod|production)-eu$', ['prod-eu', 'production-eu']],
      ['prod-?eu', ['prodeu', 'x-prod-eu']],
      ['p[rR]d', ['prd', 'pRd-1']],
      ['live{1,2}', ['live', 'xlivee']],
    ];
    for (const [regex, names] of cases) {
      for (const name of names) {
        expect(new RegExp(regex, 'i').test(name)).toBe(true);
        expect(isProductionContext(name, globsFromLegacyRegex(regex))).toBe(true);
      }
    }
  });

  it('migrates the patterns in existing settings once, on open', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'daytwo-patterns-'));
    const db = openStore(dir);
    db.prepare('INSERT INTO settings (key, value) VALUES (?, ?)').run(
      'settings',
      JSON.stringify({ theme: 'dark', productionPatterns: ['prod', '^live-', '^(a|a)*Z$'], disabledSources: [] }),
    );
    const store = new SettingsStore(db);
    expect(store.get()).toMatchObject({ theme: 'dark', productionPatterns: ['*prod*', 'live-*', '*Z'] });
    store.update({ productionPatterns: ['prod-*'] });
    // A second open leaves globs alone: 'prod-*' is not read as a regex again.
    expect(new SettingsStore(db).get().productionPatterns).toEqual(['prod-*']);
    db.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });
});
