import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Where the bundled scenarios live: resources/scenarios at the project root, found by walking
 * up from this module, which sits at different depths in the source tree (tests) and in out/
 * (the built app).
 */
export function defaultScenarioDir(from = path.dirname(fileURLToPath(import.meta.url))): string {
  let dir = from;
  for (;;) {
    const candidate = path.join(dir, 'resources', 'scenarios');
    if (existsSync(candidate)) return candidate;
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error(`No resources/scenarios folder above ${from}.`);
    dir = parent;
  }
}
