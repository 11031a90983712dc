// Layers by what they may touch (docs/architecture.md, "Layers"): a wrong import fails `npm test`.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';
import { builtinModules } from 'node:module';
import engineLayers from './eslint-rules/engine-layers.js';

const nodeBuiltins = [...builtinModules, ...builtinModules.map((name) => `node:${name}`)];
const onlyShellMayImportElectron = {
  name: 'electron',
  message: 'Only electron/main.ts, electron/preload.ts and electron/desktop/** may import electron.',
};

export default tseslint.config(
  { ignores: ['out/**', 'dist/**', 'node_modules/**', 'test-results/**', 'playwright-report/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      'no-restricted-imports': ['error', { paths: [onlyShellMayImportElectron] }],
    },
  },
  {
    // The engine imports client-node in one place, whose build output is bundled (client-node.ts says why).
    files: ['electron/**/*.ts'],
    ignores: ['electron/engine/connections/client-node.ts', 'electron/engine/sandbox/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [
            onlyShellMayImportElectron,
            { name: '@kubernetes/client-node', message: 'Import KubeConfig from electron/engine/connections/client-node.ts.' },
          ],
        },
      ],
    },
  },
  {
    files: ['electron/main.ts', 'electron/preload.ts', 'electron/desktop/**'],
    rules: { 'no-restricted-imports': 'off' },
  },
  {
    files: ['test/electron/**'],
    rules: { 'no-restricted-imports': 'off' },
  },
  {
    // Layers inside the engine: values flow down (eslint-rules/engine-layers.js).
    files: ['electron/engine/**/*.ts'],
    plugins: { daytwo: engineLayers },
    rules: { 'daytwo/engine-layers': 'error' },
  },
  {
    files: ['renderer/**/*.{ts,tsx}'],
    languageOptions: { globals: { ...globals.browser } },
    plugins: { 'react-hooks': reactHooks },
    rules: {
      ...reactHooks.configs.recommended.rules,
      'no-restricted-imports': [
        'error',
        {
          paths: [
            onlyShellMayImportElectron,
            ...nodeBuiltins.map((name) => ({ name, message: 'The renderer runs in a sandbox: no Node built-ins.' })),
          ],
          patterns: [
            { group: ['**/electron/**'], message: 'The renderer talks to the engine only through the API client.' },
            { group: ['@kubernetes/*', '@aws-sdk/*'], message: 'Cloud SDKs belong in the engine.' },
          ],
        },
      ],
    },
  },
  {
    files: ['shared/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [
            onlyShellMayImportElectron,
            ...nodeBuiltins.map((name) => ({ name, message: 'shared/ is pure: no Node built-ins, no I/O.' })),
          ],
          patterns: [{ group: ['**/electron/**', '**/renderer/**'], message: 'shared/ imports nothing from either side.' }],
        },
      ],
    },
  },
);
