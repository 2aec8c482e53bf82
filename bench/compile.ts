import { mkdirSync } from 'node:fs';
import { join } from 'node:path';

const ROOT = join(import.meta.dirname, '..');
/** Inside node_modules so that the bundle's bare imports (packages stay external) resolve to the project's. */
const OUT_DIR = join(ROOT, 'node_modules', '.cache', 'klarna-mock-bench');

/**
 * Bundles mock-server/main.ts to plain JavaScript with esbuild (installed with tsx), packages left external: the
 * cheap way to see what start-up costs without the TypeScript loader. Resolves to undefined when esbuild is missing.
 */
export async function compileMain(): Promise<string | undefined> {
  let esbuild: typeof import('esbuild');
  try {
    esbuild = await import('esbuild');
  } catch {
    return undefined;
  }
  mkdirSync(OUT_DIR, { recursive: true });
  const outfile = join(OUT_DIR, 'main.mjs');
  await esbuild.build({
    entryPoints: [join(ROOT, 'mock-server', 'main.ts')],
    outfile,
    bundle: true,
    packages: 'external',
    platform: 'node',
    format: 'esm',
    target: 'node20',
    logLevel: 'error',
  });
  return outfile;
}
