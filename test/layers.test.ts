import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, posix } from 'node:path';
import { describe, expect, it } from 'vitest';

// The layer table of the README's layout section, checked on the import graph itself: independent of Biome's
// noRestrictedImports overrides (biome.json), which say the same per folder, so a rule lost in a config edit still
// fails here. A file's layer is its folder; each layer may import only the ones listed for it.
const ROOT = join(import.meta.dirname, '..');
const SHIPPED = ['contracts', 'shared-cli', 'mock-server', 'contract-suite', 'certify'];
const SERVER_LAYERS = ['app', 'http', 'core', 'io'] as const;

type Layer = 'contracts' | 'shared-cli' | 'entry' | (typeof SERVER_LAYERS)[number] | 'contract-suite' | 'certify';

const MAY_IMPORT: Record<Layer, readonly Layer[]> = {
  contracts: ['contracts'],
  'shared-cli': ['shared-cli', 'contracts'],
  core: ['core', 'contracts'],
  io: ['io', 'core', 'contracts'],
  http: ['http', 'io', 'core', 'contracts', 'shared-cli'],
  app: ['app', 'http', 'io', 'core', 'contracts', 'shared-cli', 'entry'],
  // mock-server/index.ts, the package entry: what the library exports, from any layer of the simulator
  entry: ['app', 'http', 'io', 'core', 'contracts'],
  'contract-suite': ['contract-suite', 'contracts', 'shared-cli'],
  certify: ['certify', 'contracts', 'shared-cli', 'entry'],
};

const FASTIFY = /^(fastify|fastify-[\w-]+|@fastify\/[\w-]+|pino|pino-pretty|light-my-request)(\/|$)/;
const IO_MODULE =
  /^(node:)?(fs|fs\/promises|net|http|https|http2|timers|timers\/promises|dgram|tls|dns|child_process|worker_threads|cluster)$/;
const IO_GLOBAL =
  /(?<![\w$.])(fetch|setTimeout|setInterval|setImmediate|clearTimeout|clearInterval|clearImmediate)\s*\(/;

function layerOf(path: string): Layer | 'unplaced' | undefined {
  if (path.startsWith('contracts/')) return 'contracts';
  if (path.startsWith('shared-cli/')) return 'shared-cli';
  if (path === 'mock-server/index.ts') return 'entry';
  for (const layer of SERVER_LAYERS) if (path.startsWith(`mock-server/${layer}/`)) return layer;
  if (path.startsWith('mock-server/')) return 'unplaced';
  if (path.startsWith('contract-suite/')) return 'contract-suite';
  if (path.startsWith('certify/')) return 'certify';
  return undefined;
}

function stripComments(text: string): string {
  return text.replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|[^:'"`\\])\/\/.*$/gm, '$1');
}

/** Static imports and re-exports (type-only too), side-effect imports and import(). */
function importsOf(text: string): string[] {
  const re =
    /(?:^|[^\w$.])(?:import|export)\s+(?:type\s+)?(?:[\w$*{}\s,]+?\s+from\s+)?(['"])([^'"\n]+)\1|import\(\s*(['"])([^'"\n]+)\3/gm;
  return [...stripComments(text).matchAll(re)].map((m) => (m[2] ?? m[4]) as string);
}

/** Every broken rule of one file, each naming the file and the offending import. */
function violationsOf(file: string, text: string, exists: (path: string) => boolean): string[] {
  const layer = layerOf(file);
  if (layer === undefined) return [];
  if (layer === 'unplaced') return [`${file} is in no layer folder (mock-server/app|http|core|io/)`];
  const out: string[] = [];
  for (const spec of importsOf(text)) {
    if (spec.startsWith('.')) {
      const base = posix.normalize(posix.join(posix.dirname(file), spec));
      const target = [base.replace(/\.js$/, '.ts'), base, `${base}.ts`, `${base}/index.ts`].find(exists) ?? base;
      const to = layerOf(target);
      if (to === undefined) out.push(`${file} imports ${spec}: outside the shipped folders`);
      else if (to === 'unplaced' || !MAY_IMPORT[layer].includes(to)) {
        out.push(`${file} imports ${spec}: ${layer} may import ${MAY_IMPORT[layer].join(', ')}, not ${to}`);
      }
    } else if (FASTIFY.test(spec) && layer !== 'http' && layer !== 'app') {
      out.push(`${file} imports '${spec}': Fastify belongs to mock-server/http/ (and app/ wiring)`);
    } else if (layer === 'contracts' && !/^zod(\/|$)/.test(spec)) {
      out.push(`${file} imports '${spec}': contracts/ imports zod only`);
    } else if (layer === 'shared-cli' && !/^(node:|zod(\/|$))/.test(spec)) {
      out.push(`${file} imports '${spec}': shared-cli/ imports node:, zod and contracts/ only`);
    } else if (layer === 'core' && IO_MODULE.test(spec)) {
      out.push(`${file} imports '${spec}': core/ does no I/O (files, sockets, timers are io/)`);
    }
  }
  if (/declare module ['"]fastify['"]/.test(text) && layer !== 'http' && layer !== 'app') {
    out.push(`${file} augments 'fastify': Fastify belongs to mock-server/http/`);
  }
  const io = layer === 'core' ? stripComments(text).match(IO_GLOBAL) : null;
  if (io) out.push(`${file} calls ${io[1]}(): core/ does no I/O, take it as a parameter`);
  return out;
}

function shippedFiles(): string[] {
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(join(ROOT, dir), { withFileTypes: true })) {
      const path = `${dir}/${entry.name}`;
      if (entry.isDirectory()) walk(path);
      else if (/\.(ts|mts|js|mjs)$/.test(entry.name) && !entry.name.endsWith('.d.ts')) out.push(path);
    }
  };
  for (const top of SHIPPED) if (existsSync(join(ROOT, top))) walk(top);
  return out;
}

describe('the layers of the README layout section', () => {
  const files = shippedFiles();
  const fileSet = new Set(files);
  const exists = (path: string) => fileSet.has(path);

  it('reads the shipped code and its imports', () => {
    expect(files.length).toBeGreaterThan(100);
    expect(files.filter((f) => layerOf(f) === 'core').length).toBeGreaterThan(20);
    const imports = files.flatMap((f) => importsOf(readFileSync(join(ROOT, f), 'utf8')));
    expect(imports.length).toBeGreaterThan(500);
  });

  it('has every file of mock-server/ in a layer folder, and every import going down the table', () => {
    const violations = files.flatMap((f) => violationsOf(f, readFileSync(join(ROOT, f), 'utf8'), exists));
    expect(violations).toEqual([]);
  });

  it('names the file and the import that break the table', () => {
    const known = (p: string) => ['mock-server/http/send-json.ts', 'mock-server/core/store/store.ts'].includes(p);
    expect(
      violationsOf('mock-server/core/journal/journal.ts', "import { sendJson } from '../../http/send-json.js';", known),
    ).toEqual([
      'mock-server/core/journal/journal.ts imports ../../http/send-json.js: core may import core, contracts, not http',
    ]);
    expect(violationsOf('mock-server/core/x.ts', "import type { FastifyReply } from 'fastify';", known)).toHaveLength(
      1,
    );
    expect(violationsOf('mock-server/core/x.ts', "import { readFile } from 'node:fs/promises';", known)).toHaveLength(
      1,
    );
    expect(violationsOf('mock-server/core/x.ts', 'const t = setTimeout(run, 5);', known)).toHaveLength(1);
    expect(
      violationsOf('contract-suite/x.ts', "export * from '../mock-server/core/store/store.js';", known),
    ).toHaveLength(1);
    expect(violationsOf('mock-server/http/x.ts', "import { Store } from '../core/store/store.js';", known)).toEqual([]);
  });
});
