import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts', 'examples/**/*.test.ts'],
    // Bundles the command once for the tests that start it as a process (test/support/command-bundle.ts).
    globalSetup: ['test/support/command-bundle.ts'],
    // The JSON report feeds the `N passed, N failed` line of .ci/run.
    reporters: ['default', ['json', { outputFile: 'reports/vitest.json' }]],
    testTimeout: 15_000,
    // Two files at once even on two cores (vitest's default there is one): most files wait on servers, Redis and
    // child processes rather than compute, and the suite must stay under five minutes on CI's two cores.
    maxWorkers: Math.max(2, availableParallelism() - 1),
    // Each worker runs its files one after another in one module graph instead of importing every module again for
    // each file: on two cores the suite took 306 s isolated, 159 s not. No test relies on a fresh module: every test
    // makes its own app, store and clock, restores the timers it fakes, and spies only on objects of its own.
    isolate: false,
  },
});
