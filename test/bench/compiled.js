// The compiled engine a bench measures: the modules under out/ (DAYTWO_OUT overrides), loaded by
// path, after a check that the build is there.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

export const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const out = path.resolve(process.env.DAYTWO_OUT ?? path.join(repo, 'out'));

/** A loader for modules under out/; exits with a hint when `required` was never compiled. */
export function compiledEngine(required) {
  if (!fs.existsSync(path.join(out, required))) {
    console.error(`No compiled engine under ${out}; run npm run build:node first.`);
    process.exit(2);
  }
  return (file) => import(pathToFileURL(path.join(out, file)).href);
}
