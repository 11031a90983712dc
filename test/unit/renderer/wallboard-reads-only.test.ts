import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { isMethodName, methods } from '../../../shared/api/contract.js';
import { screenQueries } from '../../../shared/api/screens.js';

/**
 * The wallboard calls no mutating method: every API call in its view and store names a query
 * that a screen link may make. (#/screens, the operator's page beside it, is not the board.)
 */
const boardFiles = ['wallboard-store.ts', 'WallboardView.tsx', 'wallboard-words.ts'].map((f) => path.resolve(import.meta.dirname, '../../../renderer/features/wallboard', f));

describe('the wallboard only reads', () => {
  it('calls only queries open to a screen link', () => {
    const called = new Set<string>();
    for (const file of boardFiles) {
      for (const match of fs.readFileSync(file, 'utf8').matchAll(/\.call\(\s*'([^']+)'/g)) called.add(match[1]!);
    }
    expect(called.size).toBeGreaterThan(4);
    for (const name of called) {
      expect(isMethodName(name), name).toBe(true);
      if (!isMethodName(name)) continue;
      expect({ name, mutates: methods[name].mutates, open: screenQueries.has(name) }).toEqual({ name, mutates: false, open: true });
    }
  });
});
