import { isAscii } from 'node:buffer';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bundleTo } from '../bench/compile.js';

// What scripts/bundle.mjs changes in the packages it bundles, checked on a small Fastify app bundled by it.

const ROOT = join(import.meta.dirname, '..');
const run = promisify(execFile);

let dir: string;
beforeAll(() => {
  // Inside the project, so that the bundle's packages left out (light-my-request and the like) resolve.
  dir = mkdtempSync(join(ROOT, 'node_modules', '.cache', 'klarna-mock-bundle-'));
  writeFileSync(
    join(dir, 'entry.ts'),
    `import Fastify from 'fastify';
const loaded = () => process.moduleLoadList.filter((name) => /^NativeModule (https|http2|tls)$/.test(name));
const before = loaded();
const plain = Fastify();
const secure = process.argv.includes('--https') ? Fastify({ https: {} }) : undefined;
const http2 = process.argv.includes('--http2') ? Fastify({ http2: true }) : undefined;
const text = 'Zürich – 東京 😀';
process.stdout.write(JSON.stringify({ before, after: loaded(), plain: typeof plain.server.listen, made: [secure, http2].filter(Boolean).length, text }));
`,
  );
  const previous = process.env.BUNDLE_CODE_CACHE;
  process.env.BUNDLE_CODE_CACHE = '0';
  try {
    bundleTo(join(dir, 'app.cjs'), join(dir, 'entry.ts'));
  } finally {
    if (previous === undefined) delete process.env.BUNDLE_CODE_CACHE;
    else process.env.BUNDLE_CODE_CACHE = previous;
  }
}, 60_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function start(...args: string[]) {
  const { stdout } = await run(process.execPath, [join(dir, 'app.cjs'), ...args]);
  return JSON.parse(stdout) as { before: string[]; after: string[]; plain: string; made: number; text: string };
}

describe('the bundle scripts/bundle.mjs makes', () => {
  it('starts an HTTP Fastify without loading node:https, node:http2 or TLS', async () => {
    const seen = await start();
    expect(seen).toEqual({ before: [], after: [], plain: 'function', made: 0, text: 'Zürich – 東京 😀' });
  });

  it('writes ASCII when it minifies (its entry point then reads it as Latin-1): text beyond it arrives whole', () => {
    const written = readFileSync(join(dir, 'app.bundle.cjs'));
    expect(written.toString('latin1')).toContain('Z\\xFCrich \\u2013 \\u6771\\u4EAC \\u{1F600}');
    expect(isAscii(written)).toBe(true);
  });

  it('still loads them for a Fastify that serves HTTPS or HTTP/2', async () => {
    const secure = await start('--https');
    expect(secure.made).toBe(1);
    expect(secure.after).toEqual(expect.arrayContaining(['NativeModule https', 'NativeModule tls']));
    const http2 = await start('--http2');
    expect(http2.made).toBe(1);
    expect(http2.after).toContain('NativeModule http2');
  });
});
