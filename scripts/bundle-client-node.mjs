// Part of `npm run build:node`, after tsc: replaces out/electron/engine/connections/client-node.js
// (a re-export of @kubernetes/client-node's KubeConfig) with KubeConfig and what it imports
// bundled into one module. The package's entry loads its ~1,000 generated API modules, which
// the engine never uses and which cost 0.8 s of every start; tree-shaken into one file, the same
// code loads in about a fifth of that. electron/engine/connections/client-node.ts says more.
//
// node-fetch stays outside, imported from node_modules as client-node imports it: bundled, its
// URL parser's require('punycode') would no longer come from node_modules, and Node 22 (Electron's)
// warns about the built-in punycode module everywhere else.
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { builtinModules, createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { rolldown } from 'rolldown';

const repo = join(dirname(fileURLToPath(import.meta.url)), '..');
const file = join(repo, process.env.DAYTWO_OUT ?? 'out', 'electron/engine/connections/client-node.js');
if (!existsSync(file)) {
  console.error(`bundle-client-node: no ${file}; run tsc -p tsconfig.node.json first.`);
  process.exit(1);
}
if (!readFileSync(file, 'utf8').includes("from '@kubernetes/client-node'")) {
  console.error(`bundle-client-node: ${file} is not tsc's re-export of @kubernetes/client-node (bundled already?); run tsc again.`);
  process.exit(1);
}

// The external node-fetch must be the copy client-node itself would load.
const fromOutput = createRequire(file).resolve('node-fetch');
const fromClientNode = createRequire(createRequire(repo + '/').resolve('@kubernetes/client-node')).resolve('node-fetch');
if (fromOutput !== fromClientNode) {
  console.error(`bundle-client-node: node-fetch resolves to ${fromOutput} from out/ but to ${fromClientNode} from client-node.`);
  process.exit(1);
}

const external = new Set(['node-fetch', ...builtinModules, ...builtinModules.map((name) => `node:${name}`)]);
const bundle = await rolldown({
  input: file,
  platform: 'node',
  external: (id) => external.has(id),
  logLevel: 'warn',
});
await bundle.write({
  file,
  format: 'esm',
  banner: '// KubeConfig from @kubernetes/client-node, bundled by scripts/bundle-client-node.mjs (electron/engine/connections/client-node.ts says why).',
});
await bundle.close();
// tsc's map is of the re-export, no longer of this file.
rmSync(`${file}.map`, { force: true });
