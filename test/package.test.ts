import { execFile, spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';

const ROOT = join(import.meta.dirname, '..');
const WAIT_MS = 10_000;
const LAUNCHER = join(ROOT, 'bin', 'klarna-mock.mjs');
const NODE_FLAGS = z.array(z.string()).parse(JSON.parse(readFileSync(join(ROOT, 'bin', 'node-flags.json'), 'utf8')));

const Pack = z.array(
  z.object({ size: z.number(), entryCount: z.number(), files: z.array(z.object({ path: z.string() })) }),
);
const Manifest = z.object({
  bin: z.record(z.string(), z.string()),
  exports: z.record(z.string(), z.union([z.string(), z.record(z.string(), z.string())])),
});
const manifest = Manifest.parse(JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')));

let packed: string[];

beforeAll(async () => {
  expect(existsSync(join(ROOT, 'dist', 'klarna-mock.cjs')), 'run `npm run build` first (npm test does)').toBe(true);
  // --ignore-scripts: `prepare` would build again; npm test has just built.
  const { stdout } = await promisify(execFile)('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], {
    cwd: ROOT,
  });
  const [pack] = Pack.parse(JSON.parse(stdout));
  packed = pack?.files.map((file) => file.path) ?? [];
}, 60_000);

describe('the package npm pack makes', () => {
  it('ships the license, the changelog and the README', () => {
    expect(packed).toEqual(expect.arrayContaining(['LICENSE', 'CHANGELOG.md', 'README.md', 'package.json']));
  });

  it('ships no source map and no TypeScript source, only compiled modules and their declarations', () => {
    expect(packed.length).toBeGreaterThan(0);
    expect(packed.filter((path) => path.endsWith('.map'))).toEqual([]);
    expect(packed.filter((path) => path.endsWith('.ts') && !path.endsWith('.d.ts'))).toEqual([]);
  });

  it('ships every file its bins and exports name', () => {
    const named = [
      ...Object.values(manifest.bin),
      ...Object.values(manifest.exports).flatMap((target) =>
        typeof target === 'string' ? [target] : Object.values(target),
      ),
    ].map((path) => path.replace(/^\.\//, ''));
    expect(named.length).toBeGreaterThan(0);
    expect(named.filter((path) => !packed.includes(path))).toEqual([]);
  });

  it('bundles the simulator as strict code, as the ES modules it is made of are', () => {
    // A directive counts only before the first statement: the first in the function the bundle is (its entry point
    // runs it as Node runs a CommonJS module), before the bundle's own banner.
    const [shebang, first] = readFileSync(join(ROOT, 'dist', 'klarna-mock.bundle.cjs'), 'utf8').split('\n');
    expect(shebang).toBe('#!/usr/bin/env node');
    expect(first).toBe("(function (exports, require, module, __filename, __dirname) { 'use strict';");
  });

  it('ships the simulator once: the bundle the klarna-mock bin runs, not also its compiled entry point', () => {
    expect(manifest.bin['klarna-mock']).toBe('bin/klarna-mock.mjs');
    expect(packed).toEqual(
      expect.arrayContaining([
        'bin/klarna-mock.mjs',
        'bin/node-flags.json',
        'dist/klarna-mock.cjs',
        'dist/klarna-mock.bundle.cjs',
      ]),
    );
    expect(packed.filter((path) => path.startsWith('dist/mock-server/app/main.') || path.includes('/proxy/'))).toEqual(
      [],
    );
    // The code cache names the paths of the machine that built it: of no use where the package is installed.
    expect(packed).not.toContain('dist/klarna-mock.code-cache');
  });
});

describe('the klarna-mock bin', () => {
  let settings: string;
  beforeAll(() => {
    settings = mkdtempSync(join(tmpdir(), 'klarna-mock-package-'));
    // Big enough that the simulator warns when its heap is npm start's 256 MB, and stays quiet on Node's default.
    writeFileSync(join(settings, 'settings.json'), JSON.stringify({ maxStoredResponses: 200_000 }));
  });
  afterAll(() => rmSync(settings, { recursive: true, force: true }));

  /** Runs the launcher until it is ready, stops it with SIGTERM, and returns its output and exit. */
  async function runLauncher(env: Record<string, string> = {}) {
    const args = ['--port', '0', '--log-level', 'warn', '--config', join(settings, 'settings.json')];
    const child = spawn(process.execPath, [LAUNCHER, ...args], {
      cwd: ROOT,
      env: { ...process.env, PORT: undefined, HOST: undefined, LOG_LEVEL: undefined, NODE_OPTIONS: undefined, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    const closed = once(child, 'close');
    const ready = new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`not ready in ${WAIT_MS} ms:\n${output}`)), WAIT_MS);
      const read = (chunk: Buffer) => {
        output += chunk.toString();
        if (/klarna-mock listening on http/.test(output)) {
          clearTimeout(timer);
          resolve();
        }
      };
      child.stdout.on('data', read);
      child.stderr.on('data', read);
    });
    try {
      await ready;
    } finally {
      child.kill('SIGTERM');
    }
    const [code, signal] = await closed;
    return { output, code, signal };
  }

  it('carries npm start’s heap flags', () => {
    expect(NODE_FLAGS).toEqual(expect.arrayContaining([expect.stringMatching(/^--max-old-space-size=\d+$/)]));
    expect(readFileSync(join(ROOT, 'package.json'), 'utf8')).toContain('"start": "node bin/klarna-mock.mjs"');
  });

  it('runs the bundle in a Node with that heap cap, and exits 0 when SIGTERM stops it', async () => {
    const { output, code, signal } = await runLauncher();
    const heapMb = Number(/this process has (\d+) MB/.exec(output)?.[1]);
    const capMb = Number(/^--max-old-space-size=(\d+)$/.exec(NODE_FLAGS[0] ?? '')?.[1]);
    // V8's limit is the old generation's cap plus the young generation's room.
    expect(heapMb).toBeGreaterThanOrEqual(capMb);
    expect(heapMb).toBeLessThan(capMb + 200);
    expect({ code, signal }).toEqual({ code: 0, signal: null });
  });

  it('starts from the code cache the build wrote (V8 takes it under these flags only)', async () => {
    const { output, code } = await runLauncher({ KLARNA_MOCK_CODE_CACHE_REPORT: '1' });
    expect(output).toContain('klarna-mock: code cache used');
    expect(code).toBe(0);
  });

  it('lets a heap size in NODE_OPTIONS win over its own, and then starts without the cache V8 refuses', async () => {
    const { output, code } = await runLauncher({
      NODE_OPTIONS: '--max-old-space-size=2048',
      KLARNA_MOCK_CODE_CACHE_REPORT: '1',
    });
    expect(output).toContain('klarna-mock listening on http');
    expect(output).toContain('klarna-mock: code cache rejected');
    expect(output).not.toContain('this process has');
    expect(code).toBe(0);
  });
});
