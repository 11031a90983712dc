import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          // Renderer component tests are .tsx beside their component, typechecked by renderer/tsconfig.json.
          include: ['test/unit/**/*.test.ts', 'test/security/**/*.test.ts', 'electron/**/*.test.ts', 'shared/**/*.test.ts', 'renderer/**/*.test.tsx'],
          environment: 'node',
        },
      },
      {
        test: {
          name: 'integration',
          include: ['test/integration/**/*.test.ts'],
          environment: 'node',
          testTimeout: 60_000,
          hookTimeout: 120_000,
          // Integration tests start sandboxes and real Prometheus; on two cores, run them one file at a time.
          fileParallelism: false,
        },
      },
    ],
  },
});
