import { execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';

const ROOT = join(import.meta.dirname, '..');
/** Inside the project, so that what the bundle still loads at run time (pino-pretty, swagger-ui's assets) resolves. */
export const CACHE_DIR = join(ROOT, 'node_modules', '.cache', 'klarna-mock-bench');

/**
 * Bundles mock-server/app/main.ts exactly as `npm run build` does for `npm start` (scripts/bundle.mjs), from the
 * current sources, so the start-up measured is the one `npm start` gets even before a rebuild.
 */
export function compileMain(): string {
  return compile('klarna-mock.cjs');
}

/**
 * bench/bare-server.ts bundled the same way: the start-up floor, a Fastify that reads one file and serves one fixed
 * answer, timed beside the simulator's start-up on the same machine.
 */
export function compileBare(): string {
  return compile('bare-server.cjs', join(ROOT, 'bench', 'bare-server.ts'));
}

function compile(name: string, entry?: string): string {
  return bundleTo(join(CACHE_DIR, name), entry);
}

/** Bundles `entry` (the simulator's by default) into `outfile` with scripts/bundle.mjs, as `npm run build` does. */
export function bundleTo(outfile: string, entry?: string): string {
  mkdirSync(dirname(outfile), { recursive: true });
  const args = [join(ROOT, 'scripts', 'bundle.mjs'), outfile, ...(entry === undefined ? [] : [entry])];
  execFileSync(process.execPath, args, { stdio: 'inherit' });
  return outfile;
}
