// The engine's layers, enforced (docs/architecture.md, "Layers inside the engine"), in the
// manner of VS Code's code-layering rule: each engine folder has a level, and a value import
// may only reach a folder of a lower level (or its own folder). Type-only imports may cross,
// since they are erased and create no load-time dependency: a provider states facts through
// the EstateSink interface that state/ defines, without loading state/.
import path from 'node:path';

/** Low to high. A folder may import values from folders of a lower level only. */
export const engineLayers = [
  { level: 0, folders: ['(root helpers)', 'connections', 'store', 'sandbox'], what: 'configuration files and the vault; SQLite; the simulated estate' },
  { level: 1, folders: ['providers'], what: 'backends: clients, reflectors, facts' },
  { level: 2, folders: ['sources'], what: 'the one owner of live sources: registry, lifecycle, cluster identity, and the clients every feature asks for' },
  { level: 3, folders: ['state'], what: 'the estate in memory: write and read seams' },
  { level: 4, folders: ['metrics', 'operations', 'incidents', 'objects', 'screens'], what: 'features' },
  { level: 5, folders: ['runbooks', 'logs', 'catalog', 'upgrades', 'flags'], what: 'features built on features: runbooks run checks through metrics and actions through operations, onto incidents; logs find their pods as the object view addresses them; the catalog scores what the others know; upgrade readiness reads clusters as operations reach them; flags show the feature flags a service uses' },
  { level: 6, folders: ['drills'], what: 'game days: drive the sandbox, score the incidents and runbook runs of a drill' },
  { level: 7, folders: ['api'], what: 'the router' },
  { level: 8, folders: ['(composition)'], what: 'engine.ts and process.ts, which wire everything' },
];

const composition = new Set(['engine.ts', 'process.ts']);

function folderOf(engineRoot, file) {
  const relative = path.relative(engineRoot, file);
  if (relative.startsWith('..') || path.isAbsolute(relative)) return null;
  const [first, ...rest] = relative.split(path.sep);
  if (rest.length === 0) return composition.has(first.replace(/\.js$/, '.ts')) ? '(composition)' : '(root helpers)';
  return first;
}

function levelOf(folder) {
  return engineLayers.find((layer) => layer.folders.includes(folder))?.level;
}

function isTypeOnly(node) {
  if (node.importKind === 'type' || node.exportKind === 'type') return true;
  return node.type === 'ImportDeclaration' && node.specifiers.length > 0 && node.specifiers.every((s) => s.importKind === 'type');
}

/** @type {import('eslint').Rule.RuleModule} */
export const engineLayersRule = {
  meta: {
    type: 'problem',
    docs: { description: 'Engine folders import values only from lower layers.' },
    schema: [],
    messages: {
      upward: '{{from}}/ (layer {{fromLevel}}) may not import from {{to}}/ (layer {{toLevel}}): values flow down the engine layers (docs/architecture.md). Pass it in from the layer above, or import only its type.',
      unknown: 'The engine folder "{{to}}" has no layer: add it to eslint-rules/engine-layers.js and docs/architecture.md.',
    },
  },
  create(context) {
    const file = context.filename;
    const marker = `${path.sep}electron${path.sep}engine${path.sep}`;
    const at = file.indexOf(marker);
    if (at < 0) return {};
    const engineRoot = file.slice(0, at + marker.length - 1);
    const from = folderOf(engineRoot, file);
    const check = (node) => {
      if (!node.source || typeof node.source.value !== 'string' || !node.source.value.startsWith('.')) return;
      if (isTypeOnly(node)) return;
      const target = path.resolve(path.dirname(file), node.source.value);
      const to = folderOf(engineRoot, target);
      if (to === null || to === from) return;
      const fromLevel = levelOf(from);
      const toLevel = levelOf(to);
      if (toLevel === undefined || fromLevel === undefined) {
        context.report({ node, messageId: 'unknown', data: { to: toLevel === undefined ? to : from } });
        return;
      }
      if (toLevel >= fromLevel) context.report({ node, messageId: 'upward', data: { from, to, fromLevel, toLevel } });
    };
    return { ImportDeclaration: check, ExportNamedDeclaration: check, ExportAllDeclaration: check };
  },
};

export default { rules: { 'engine-layers': engineLayersRule } };
