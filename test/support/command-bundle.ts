import { join } from 'node:path';
import { bundleTo } from '../../bench/compile.js';
import { START_FLAGS } from '../../bench/start-flags.js';

// The tests that need the `klarna-mock` command in a real process run what `npm start` runs: the simulator bundled
// by scripts/bundle.mjs into one file, in a Node with bin/node-flags.json's flags. It is bundled once per test run,
// from the current sources (vitest's globalSetup below), so a test never runs a stale dist/. Under tsx each child
// compiled every source file again: a dozen starting at once beside the suite on two cores took up to 23 s.

const ROOT = join(import.meta.dirname, '..', '..');
/** Inside the project, so that what the bundle loads at run time (pino-pretty, swagger-ui's assets) resolves. */
const BUNDLE = join(ROOT, 'node_modules', '.cache', 'klarna-mock-test', 'klarna-mock.cjs');

/** The arguments after `node` that start `klarna-mock <args>`, as the launcher in bin/ starts it. */
export function commandArgs(args: string[]): string[] {
  return [...START_FLAGS, BUNDLE, ...args];
}

/** vitest's globalSetup: bundles the command before any test file runs. */
export default function setup(): void {
  bundleTo(BUNDLE);
}
