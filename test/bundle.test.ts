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
if (process.argv.includes('--routes')) {
  // find-my-way's prefix matchers, params builders and constraints matchers, compiled on first call in the bundle.
  const app = Fastify();
  let compiled = 0;
  const Compile = globalThis.Function;
  globalThis.Function = new Proxy(Compile, { construct: (target, args) => (compiled++, Reflect.construct(target, args)) });
  for (const path of ['/a', '/ab', '/abc/def', '/abd/:x', '/users/:id/orders/:order', '/p/:a/:b/:c/:d/:e']) {
    app.get(path, async (request) => ({ path, params: request.params }));
  }
  app.get('/v', { constraints: { version: '1.2.0' } }, async () => 'version 1.2.0');
  app.get('/v', async () => 'no version');
  app.get('/h', { constraints: { host: 'example.com' } }, async () => 'example.com');
  globalThis.Function = Compile;
  const atStart = compiled;
  const urls = ['/a', '/ab', '/abc/def', '/abd/7', '/users/u1/orders/o%2F2', '/p/1/2/3/4/5', '/abc/de', '/abx'];
  const answers = async () => {
    const seen = [];
    for (const url of urls) seen.push((await app.inject({ url })).body);
    for (const version of ['1.2.0', '1.x', undefined]) {
      seen.push((await app.inject({ url: '/v', headers: version ? { 'accept-version': version } : {} })).body);
    }
    for (const host of ['example.com', 'example.org']) seen.push((await app.inject({ url: '/h', headers: { host } })).statusCode);
    return seen;
  };
  // The first requests compile the matchers; the second ones call what they compiled.
  (async () => process.stdout.write(JSON.stringify({ seen: await answers(), again: await answers(), atStart })))();
} else {
process.stdout.write(JSON.stringify({ before, after: loaded(), plain: typeof plain.server.listen, made: [secure, http2].filter(Boolean).length, text }));
}
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

  it('routes as find-my-way does, its matchers compiled on first use: prefixes, params, constraints', async () => {
    const { stdout } = await run(process.execPath, [join(dir, 'app.cjs'), '--routes']);
    const notFound = (url: string) =>
      JSON.stringify({ message: `Route GET:${url} not found`, error: 'Not Found', statusCode: 404 });
    const { seen, again, atStart } = JSON.parse(stdout);
    expect(again).toEqual(seen);
    // Without the build’s change, adding these routes compiled 48 functions; with it, 2.
    expect(atStart).toBeLessThan(5);
    expect(seen).toEqual([
      JSON.stringify({ path: '/a', params: {} }),
      JSON.stringify({ path: '/ab', params: {} }),
      JSON.stringify({ path: '/abc/def', params: {} }),
      JSON.stringify({ path: '/abd/:x', params: { x: '7' } }),
      JSON.stringify({ path: '/users/:id/orders/:order', params: { id: 'u1', order: 'o/2' } }),
      JSON.stringify({ path: '/p/:a/:b/:c/:d/:e', params: { a: '1', b: '2', c: '3', d: '4', e: '5' } }),
      notFound('/abc/de'),
      notFound('/abx'),
      'version 1.2.0',
      'version 1.2.0',
      'no version',
      200,
      404,
    ]);
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
