// node scripts/bundle.mjs [outfile]: bundles the simulator's entry point, its packages included, into one minified ES module: dist/klarna-mock.mjs,
// what `npm start` runs. Node then reads and compiles one file instead of resolving and loading hundreds, which
// is most of the start-up (bench/run.ts measures it). `npm run build` runs this after tsc.
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
export const BUNDLE = join(ROOT, 'dist', 'klarna-mock.mjs');

/**
 * zod's `z` namespace re-exports every locale (a quarter of the bundle); the simulator uses the English messages
 * zod sets up by default, so the locale index is replaced by an empty module.
 */
const onlyEnglishZodMessages = {
  name: 'only-english-zod-messages',
  setup(build) {
    build.onResolve({ filter: /^\.\.\/locales\/index\.js$/ }, (args) =>
      /[\\/]zod[\\/]v4[\\/]/.test(args.importer) ? { path: 'zod-locales', namespace: 'empty' } : undefined,
    );
    build.onLoad({ filter: /.*/, namespace: 'empty' }, () => ({ contents: 'export {};', loader: 'js' }));
  },
};

/** `entry`: the simulator's by default; the bench bundles its bare server the same way, for its start-up floor. */
export async function bundle(outfile = BUNDLE, entry = join(ROOT, 'mock-server', 'app', 'main.ts')) {
  await build({
    entryPoints: [entry],
    outfile,
    bundle: true,
    minify: process.env.BUNDLE_MINIFY !== '0',
    platform: 'node',
    format: 'esm',
    target: 'node20',
    logLevel: 'error',
    // Loaded only when used (Fastify's ajv compilers and inject(), which the simulator never calls when serving;
    // @fastify/swagger, on the first GET /openapi.json; ioredis, when a Redis store is named):
    // left out, they cost nothing to parse at start-up.
    external: [
      'ajv',
      'ajv-formats',
      '@fastify/ajv-compiler',
      'light-my-request',
      'pino-pretty',
      '@fastify/swagger',
      'ioredis',
    ],
    plugins: [onlyEnglishZodMessages],
    // Bundled CommonJS packages call require(); an ES module has none, so give it one that resolves from dist/
    // (pino-pretty and swagger-ui's assets are still loaded from node_modules when used).
    banner: {
      js: "import { createRequire as klarnaMockRequire } from 'node:module'; const require = klarnaMockRequire(import.meta.url);",
    },
  });
  return outfile;
}

// node scripts/bundle.mjs [outfile [entry]]
if (process.argv[1] === fileURLToPath(import.meta.url)) await bundle(process.argv[2], process.argv[3]);
