// node scripts/bundle.mjs [outfile]: bundles the simulator's entry point, its packages included, into one minified
// script (dist/klarna-mock.bundle.cjs) beside its entry point (dist/klarna-mock.cjs, what `npm start` runs: the loader
// in scripts/bundle-loader.cjs) and the V8 code cache the loader starts it with (dist/klarna-mock.code-cache,
// scripts/code-cache.mjs). Node then reads one file instead of resolving and loading hundreds, and V8 reads the code
// of most of what the start-up runs instead of compiling it (bench/run.ts measures it). `npm run build` runs this
// after tsc. BUNDLE_CODE_CACHE=0 leaves the cache out.
import { copyFileSync, rmSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { writeCodeCache } from './code-cache.mjs';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
export const BUNDLE = join(ROOT, 'dist', 'klarna-mock.cjs');

/**
 * The bundle is a function of what Node hands a CommonJS module, written so in the file itself: its entry point
 * compiles the file's text as it is. Wrapped at each start, the text became a second string V8 then copied whole into
 * a third, and the start took 13–17 ms longer (docs/performance.md).
 */
export const MODULE_WRAPPER = ['(function (exports, require, module, __filename, __dirname) {', '\n})'];

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

/**
 * Reads a package's source and replaces each line of `patches` ([line, replacement] pairs) in it: a package whose
 * source no longer has one of these lines fails the build, rather than being bundled unchanged.
 */
async function patchedSource(path, patches) {
  let contents = await readFile(path, 'utf8');
  for (const [line, replacement] of patches) {
    if (!contents.includes(line)) throw new Error(`${path} no longer has "${line.trim()}": check the plugin`);
    contents = contents.replace(line, replacement);
  }
  return contents;
}

/**
 * Fastify's server.js loads node:https and node:http2 as it loads (a tenth of the simulator's module start-up, with
 * the TLS modules they bring), though it calls them only for an HTTPS or HTTP/2 server, which neither the simulator
 * nor the bench's bare server makes. Both are loaded on first use instead. A Fastify whose server.js no longer has
 * these lines fails the build here rather than loading them silently.
 */
const fastifyLoadsHttpsOnUse = {
  name: 'fastify-loads-https-on-use',
  setup(build) {
    build.onLoad({ filter: /[\\/]fastify[\\/]lib[\\/]server\.js$/ }, async (args) => {
      const contents = await patchedSource(
        args.path,
        ['https', 'http2'].map((name) => [
          `const ${name} = require('node:${name}')`,
          `const ${name} = loadedOnUse('node:${name}')`,
        ]),
      );
      const loader =
        'function loadedOnUse (id) { let m; return new Proxy({}, { get: (_, key) => (m ??= require(id))[key] }) }';
      return { contents: `${contents}\n${loader}\n`, loader: 'js' };
    });
  },
};

/**
 * find-my-way compiles small functions with `new Function` as each route is added: a prefix matcher for each static
 * node, a params builder and a constraints matcher for each handler (over four hundred for the simulator's routes),
 * and V8's code cache holds none of them, so every start paid for them. Each is now compiled on its first call, and
 * that first call puts the compiled function where the original one would have been (the node's `matchPrefix`, the
 * handler's `_createParamsObject`, the storage's `_getHandlerMatchingConstraints`): every later call, a request's
 * lookup among them (Fastify does not use find-my-way's compiled lookup), is the same call to the same function as
 * before. A constraint strategy whose store fails now fails on the first request that needs it, not when its route is
 * added; neither the simulator nor the bench's bare server has constraints. A find-my-way whose sources no longer have
 * these lines fails the build here.
 */
const findMyWayCompilesOnFirstCall = {
  name: 'find-my-way-compiles-on-first-call',
  setup(build) {
    const patches = {
      'node.js': [
        [
          'this.matchPrefix = kind === NODE_TYPES.STATIC ? compilePrefixMatch(prefix) : null',
          'this.matchPrefix = kind === NODE_TYPES.STATIC ? compilePrefixMatchOnFirstCall(this, prefix) : null',
        ],
        [
          'this.matchPrefix = compilePrefixMatch(childPrefix)',
          'this.matchPrefix = compilePrefixMatchOnFirstCall(this, childPrefix)',
        ],
        [
          'function compilePrefixMatch (prefix) {',
          [
            'function compilePrefixMatchOnFirstCall (node, prefix) {',
            '  return function matchPrefixOnFirstCall (path, i) {',
            '    node.matchPrefix = compilePrefixMatch(prefix)',
            '    return node.matchPrefix(path, i)',
            '  }',
            '}',
            '',
            'function compilePrefixMatch (prefix) {',
          ].join('\n'),
        ],
      ],
      'handler-storage.js': [
        [
          '      _createParamsObject: this._compileCreateParamsObject(params)\n    }\n',
          [
            '      _createParamsObject: null',
            '    }',
            '    handlerObject._createParamsObject = (param0, param1, param2, param3, extraParams) => {',
            '      handlerObject._createParamsObject = this._compileCreateParamsObject(params)',
            '      return handlerObject._createParamsObject(param0, param1, param2, param3, extraParams)',
            '    }',
            '',
          ].join('\n'),
        ],
        [
          '      this._compileGetHandlerMatchingConstraints(constrainer, constraints)',
          [
            '      this._getHandlerMatchingConstraints = function compileOnFirstCall (derivedConstraints) {',
            '        this._compileGetHandlerMatchingConstraints(constrainer, constraints)',
            '        return this._getHandlerMatchingConstraints(derivedConstraints)',
            '      }',
          ].join('\n'),
        ],
      ],
    };
    build.onLoad({ filter: /[\\/]find-my-way[\\/]lib[\\/](node|handler-storage)\.js$/ }, async (args) => ({
      contents: await patchedSource(args.path, patches[args.path.split(/[\\/]/).pop()]),
      loader: 'js',
    }));
  },
};

/**
 * `outfile`: the entry point to write (`.cjs`); the bundle goes beside it with `.bundle.cjs`, the code cache with
 * `.code-cache`. `entry`: the simulator's by default; the bench bundles its bare server the same way, for its start-up
 * floor.
 */
export async function bundle(outfile = BUNDLE, entry = join(ROOT, 'mock-server', 'app', 'main.ts')) {
  if (!outfile.endsWith('.cjs')) throw new Error(`the entry point is a CommonJS script: ${outfile} should end in .cjs`);
  // A script, not an ES module: V8 keeps a code cache for a script (vm.Script), and Node 20 has none for modules.
  await build({
    entryPoints: [entry],
    outfile: outfile.replace(/\.cjs$/, '.bundle.cjs'),
    bundle: true,
    minify: process.env.BUNDLE_MINIFY !== '0',
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    logLevel: 'error',
    // import() in a script run by vm.Script needs a module loader that Node 20 offers only as experimental: the
    // packages left out below are loaded with require() instead (all of them are CommonJS).
    supported: { 'dynamic-import': false },
    // The two sources that find files from their own URL (pino-pretty, swagger-ui's assets) get the bundle's.
    define: { 'import.meta.url': 'klarnaMockUrl' },
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
    plugins: [onlyEnglishZodMessages, fastifyLoadsHttpsOnUse, findMyWayCompilesOnFirstCall],
    // Strict, as the ES module was: a directive counts only before any statement, and the banner comes first (after
    // the entry's shebang, which V8 reads as a comment).
    banner: {
      js: `${MODULE_WRAPPER[0]} 'use strict';\nconst klarnaMockUrl = require('node:url').pathToFileURL(__filename).href;`,
    },
    footer: { js: MODULE_WRAPPER[1] },
  });
  copyFileSync(join(ROOT, 'scripts', 'bundle-loader.cjs'), outfile);
  // The last build's cache goes in any case: none is better than one of another build.
  rmSync(outfile.replace(/\.cjs$/, '.code-cache'), { force: true });
  if (process.env.BUNDLE_CODE_CACHE !== '0') {
    // Only a faster start: a machine where the bundle cannot be run once (no loopback, say) still builds.
    await writeCodeCache(outfile).catch((error) => {
      console.warn(`bundle: no code cache written (each start compiles the bundle instead): ${error.message}`);
    });
  }
  return outfile;
}

// node scripts/bundle.mjs [outfile [entry]]
if (process.argv[1] === fileURLToPath(import.meta.url)) await bundle(process.argv[2], process.argv[3]);
