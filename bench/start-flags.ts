import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Node's flags in `npm start` (package.json's start script: the heap cap and the young generation's size), read
 * from there so the benches run what users run, and give the bare and floor servers the same.
 */
export const START_FLAGS: readonly string[] = (() => {
  const pkg = JSON.parse(readFileSync(join(import.meta.dirname, '..', 'package.json'), 'utf8'));
  const start: string = pkg.scripts.start;
  return start.split(/\s+/).filter((word) => word.startsWith('--'));
})();
