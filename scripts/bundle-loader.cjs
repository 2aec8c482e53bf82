#!/usr/bin/env node
// The bundle's entry point, copied beside it by scripts/bundle.mjs (dist/klarna-mock.cjs, what `npm start` and the
// `klarna-mock` bin run): it runs the bundle (klarna-mock.bundle.cjs) with V8's code cache for it
// (klarna-mock.code-cache), which the build wrote after a first authorize (scripts/code-cache.mjs). V8 then reads the
// functions the start and that authorize compiled instead of compiling them again: a sixth of the start-up
// (docs/performance.md, "Start-up and memory"). Without a cache, with a stale one, or on a Node whose V8 or flags
// differ from the build's, or after the files moved, the bundle is compiled as any script is: the cache only makes
// the start faster. KLARNA_MOCK_CODE_CACHE_REPORT=1 says on stderr whether the cache was used: used, none, stale
// (another build's, or made where the files were before), or rejected (by V8: another Node, or other flags).
// CommonJS, not an ES module: Node then starts without its ES module loader (a twentieth of the start-up).
'use strict';
const { isAscii } = require('node:buffer');
const { createHash } = require('node:crypto');
const { readFileSync, writeFileSync } = require('node:fs');
const { createRequire } = require('node:module');
const { dirname } = require('node:path');
const vm = require('node:vm');

const bundle = __filename.replace(/\.cjs$/, '.bundle.cjs');
const cacheFile = __filename.replace(/\.cjs$/, '.code-cache');
// The bundle is one function expression (scripts/bundle.mjs wraps it as Node wraps a CommonJS module: MODULE_WRAPPER
// there), so its text is the source V8 compiles, as it is: no second string to make and copy. Minified, it is ASCII
// (esbuild escapes the rest), so its bytes are its characters: read as Latin-1, a plain copy, faster than UTF-8.
const bytes = readFileSync(bundle);
const source = bytes.toString(isAscii(bytes) ? 'latin1' : 'utf8');
// Checked before any of it runs: a bundle of another build's format would fail at its first require().
const afterShebang = source.startsWith('#!') ? source.indexOf('\n') + 1 : 0;
if (!source.startsWith('(function (exports, require, module, __filename, __dirname) {', afterShebang)) {
  process.stderr.write(`klarna-mock: ${bundle} is not a bundle scripts/bundle.mjs wrote; run npm run build\n`);
  process.exit(1);
}
// V8 checks a cache against its own version, its flags and the source's length only. So the cache carries a stamp
// of the source (the bundle's bytes: a rebuild of the same length never runs the last one's code) and of the bundle's
// path (V8 would keep the path the cache was made at in every stack trace). SHA-1 of the bytes: 1 ms, against 5 for
// SHA-256 of the text.
const digest = createHash('sha1').update(`${bundle}\0`).update(bytes).digest();
// The stamp takes 24 bytes (SHA-1's 20, then 4 zeros), so that the code starts on an 8-byte boundary of the file's
// buffer: V8 copies code that does not before reading it.
const STAMP_BYTES = 24;
const stamp = Buffer.concat([digest, Buffer.alloc(STAMP_BYTES - digest.length)]);
const kept = readCache();
const cachedData = kept?.subarray(0, STAMP_BYTES).equals(stamp) ? kept.subarray(STAMP_BYTES) : undefined;
// The bundle has no import() (scripts/bundle.mjs turns those into require()), so the script needs no module loader.
const script = new vm.Script(source, { filename: bundle, cachedData });
if (process.env.KLARNA_MOCK_CODE_CACHE_REPORT === '1') {
  const fresh = cachedData === undefined ? undefined : !script.cachedDataRejected;
  const used = fresh === undefined ? (kept === undefined ? 'none' : 'stale') : fresh ? 'used' : 'rejected';
  process.stderr.write(`klarna-mock: code cache ${used}\n`);
}
if (process.env.KLARNA_MOCK_WRITE_CODE_CACHE === '1') {
  // What V8 compiled by the exit goes in: the start-up, and what the cache writer sent before it stopped the process.
  process.on('exit', () => writeFileSync(cacheFile, Buffer.concat([stamp, script.createCachedData()])));
}
const bundled = { exports: {} };
script.runInThisContext()(bundled.exports, createRequire(bundle), bundled, bundle, dirname(bundle));

function readCache() {
  try {
    return readFileSync(cacheFile);
  } catch {
    return undefined;
  }
}
