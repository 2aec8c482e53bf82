import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Node's flags in `npm start` and the `klarna-mock` command (bin/node-flags.json, which bin/klarna-mock.mjs starts the
 * bundle with: the heap cap and the young generation's size), so the benches run what users run, and give the bare
 * and floor servers the same.
 */
export const START_FLAGS: readonly string[] = JSON.parse(
  readFileSync(join(import.meta.dirname, '..', 'bin', 'node-flags.json'), 'utf8'),
);
