// node scripts/prune-dist.mjs: removes from dist/ what the package does not use, after `npm run build`. tsc compiles
// every source file, but the simulator and the proxy run from the bundle (dist/klarna-mock.cjs, with the script and
// code cache beside it), so their entry point's modules are used by nothing else; source maps would point at sources
// the package does not ship; and a file left by an earlier build of a source since removed is used by nothing. What
// stays: every module the package's "exports" and "bin" reach, their declaration files, and the bundle.
import { existsSync, readdirSync, readFileSync, rmdirSync, rmSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const DIST = join(ROOT, 'dist');
/** The bundle's entry point, the bundle and its code cache (scripts/bundle.mjs). */
const BUNDLE = ['klarna-mock.cjs', 'klarna-mock.bundle.cjs', 'klarna-mock.code-cache'].map((name) => join(DIST, name));

const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
const targets = [...Object.values(pkg.exports), ...Object.values(pkg.bin)].flatMap((target) =>
  typeof target === 'string' ? [target] : Object.values(target),
);
const inDist = targets.map((target) => resolve(ROOT, target)).filter((file) => file.startsWith(`${DIST}/`));

// The modules reached at run time, dynamic imports included, as esbuild follows them (packages left out).
const { metafile } = await build({
  absWorkingDir: ROOT,
  entryPoints: inDist.filter((file) => file.endsWith('.js')),
  bundle: true,
  packages: 'external',
  write: false,
  metafile: true,
  format: 'esm',
  platform: 'node',
  outdir: join(DIST, 'unused'),
  logLevel: 'error',
});
const used = new Set([...BUNDLE, ...Object.keys(metafile.inputs).map((input) => resolve(ROOT, input))]);

// The declaration files the "types" reach, through their relative imports.
const pending = inDist.filter((file) => file.endsWith('.d.ts'));
while (pending.length > 0) {
  const file = pending.pop();
  if (used.has(file) || !existsSync(file)) continue;
  used.add(file);
  for (const [, specifier] of readFileSync(file, 'utf8').matchAll(/(?:from|import\()\s*['"](\.{1,2}\/[^'"]+)['"]/g)) {
    pending.push(resolve(dirname(file), specifier.replace(/\.js$/, '.d.ts')));
  }
}

const files = readdirSync(DIST, { recursive: true, withFileTypes: true }).filter((entry) => entry.isFile());
let removed = 0;
for (const entry of files) {
  const file = join(entry.parentPath, entry.name);
  if (used.has(file)) continue;
  rmSync(file);
  removed += 1;
}
// Folders left empty, the deepest first.
const folders = readdirSync(DIST, { recursive: true, withFileTypes: true }).filter((entry) => entry.isDirectory());
for (const folder of folders
  .map((entry) => join(entry.parentPath, entry.name))
  .sort()
  .reverse()) {
  if (readdirSync(folder).length === 0) rmdirSync(folder);
}
console.log(`prune-dist: kept ${used.size} files, removed ${removed} from ${relative(ROOT, DIST)}/`);
