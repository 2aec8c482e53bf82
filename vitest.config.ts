import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts', 'examples/**/*.test.ts'],
    // The JSON report feeds the `N passed, N failed` line of .ci/run.
    reporters: ['default', ['json', { outputFile: 'reports/vitest.json' }]],
    testTimeout: 15_000,
  },
});
