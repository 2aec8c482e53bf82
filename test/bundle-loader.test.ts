import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MODULE_WRAPPER } from '../scripts/bundle.mjs';

// The entry point scripts/bundle.mjs writes beside every bundle (scripts/bundle-loader.cjs), run here on small
// bundles of its own: what it runs, the cache it writes, and that a cache never runs code other than the bundle's.

const ROOT = join(import.meta.dirname, '..');
const run = promisify(execFile);

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'klarna-mock-loader-'));
  copyFileSync(join(ROOT, 'scripts', 'bundle-loader.cjs'), join(dir, 'app.cjs'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/**
 * A bundle that prints what it was given, and `word` (the same length for every word of as many letters), wrapped
 * and with a shebang as scripts/bundle.mjs writes the simulator's.
 */
function writeBundle(word: string) {
  const text = `#!/usr/bin/env node
${MODULE_WRAPPER[0]} 'use strict';
const seen = { word: '${word}', filename: __filename, dirname: __dirname, exports: typeof module.exports, dep: typeof require('node:path').join, strict: this === undefined };
process.stdout.write(JSON.stringify(seen));
${MODULE_WRAPPER[1]}
`;
  writeFileSync(join(dir, 'app.bundle.cjs'), text);
  return text;
}

async function start(env: Record<string, string> = {}, nodeFlags: string[] = []) {
  const { stdout, stderr } = await run(process.execPath, [...nodeFlags, join(dir, 'app.cjs')], {
    env: { ...process.env, KLARNA_MOCK_CODE_CACHE_REPORT: '1', ...env },
  });
  return { seen: JSON.parse(stdout) as Record<string, string>, report: stderr.trim() };
}

/** writeBundle, then one start that writes the code cache (as scripts/code-cache.mjs has the build do). */
async function writeCachedBundle(word: string) {
  const text = writeBundle(word);
  await start({ KLARNA_MOCK_WRITE_CODE_CACHE: '1' });
  return text;
}

describe('the bundle entry point', () => {
  it('runs the .bundle.cjs beside it as Node runs a CommonJS module, its shebang included', async () => {
    writeBundle('alpha');
    const { seen, report } = await start();
    expect(seen).toEqual({
      word: 'alpha',
      filename: join(dir, 'app.bundle.cjs'),
      dirname: dir,
      exports: 'object',
      dep: 'function',
      strict: true,
    });
    expect(report).toBe('klarna-mock: code cache none');
  });

  it('reads a bundle beyond ASCII as UTF-8 (an unminified one, whose comments esbuild leaves as they are)', async () => {
    const text = `${MODULE_WRAPPER[0]}\n// Zürich\nprocess.stdout.write(JSON.stringify({ word: 'Zürich – 東京 😀' }));${MODULE_WRAPPER[1]}`;
    writeFileSync(join(dir, 'app.bundle.cjs'), text);
    const { seen } = await start();
    expect(seen.word).toBe('Zürich – 東京 😀');
  });

  it('refuses a bundle that is not one function expression before running it, with the command that makes one', async () => {
    // As bundles were written before they were wrapped: run as a script, its first require() would throw.
    writeFileSync(join(dir, 'app.bundle.cjs'), "#!/usr/bin/env node\n'use strict';\nrequire('node:path');\n");
    const failed = await run(process.execPath, [join(dir, 'app.cjs')], {
      env: { ...process.env, KLARNA_MOCK_WRITE_CODE_CACHE: '1' },
    }).catch((error: unknown) => error);
    expect(existsSync(join(dir, 'app.code-cache'))).toBe(false);
    expect(failed).toMatchObject({ code: 1, stdout: '' });
    expect((failed as { stderr: string }).stderr).toBe(
      `klarna-mock: ${join(dir, 'app.bundle.cjs')} is not a bundle scripts/bundle.mjs wrote; run npm run build\n`,
    );
  });

  it('writes a cache stamped with the bundle’s hash when asked, and starts from it the next time', async () => {
    const text = await writeCachedBundle('alpha');
    const cache = readFileSync(join(dir, 'app.code-cache'));
    const digest = createHash('sha1')
      .update(`${join(dir, 'app.bundle.cjs')}\0`)
      .update(text)
      .digest();
    // 24 bytes, so that the code after them starts on an 8-byte boundary: V8 would copy it otherwise.
    expect(cache.subarray(0, 24)).toEqual(Buffer.concat([digest, Buffer.alloc(4)]));
    expect(cache.length).toBeGreaterThan(24);

    const { seen, report } = await start();
    expect(seen.word).toBe('alpha');
    expect(report).toBe('klarna-mock: code cache used');
  });

  it('never runs another build’s code from a cache: a bundle of the same length made since is compiled anew', async () => {
    await writeCachedBundle('alpha');
    // V8 itself would take this cache: it checks only the source's length.
    writeBundle('omega');
    const { seen, report } = await start();
    expect(seen.word).toBe('omega');
    expect(report).toBe('klarna-mock: code cache stale');
  });

  it('compiles the bundle anew once its files moved: V8 would name the old path in every stack trace', async () => {
    await writeCachedBundle('alpha');
    const moved = `${dir}-moved`;
    renameSync(dir, moved);
    dir = moved;
    const { seen, report } = await start();
    expect(seen.filename).toBe(join(moved, 'app.bundle.cjs'));
    expect(report).toBe('klarna-mock: code cache stale');
  });

  it('compiles the bundle as usual when V8 rejects the cache (a Node started with other flags)', async () => {
    await writeCachedBundle('alpha');
    const { seen, report } = await start({}, ['--max-old-space-size=97']);
    expect(seen.word).toBe('alpha');
    expect(report).toBe('klarna-mock: code cache rejected');
  });

  it('starts without a report or a cache written unless asked', async () => {
    writeBundle('alpha');
    const { stdout, stderr } = await run(process.execPath, [join(dir, 'app.cjs')], {
      env: { ...process.env, KLARNA_MOCK_CODE_CACHE_REPORT: undefined, KLARNA_MOCK_WRITE_CODE_CACHE: undefined },
    });
    expect(JSON.parse(stdout)).toMatchObject({ word: 'alpha' });
    expect(stderr).toBe('');
    expect(existsSync(join(dir, 'app.code-cache'))).toBe(false);
  });
});
