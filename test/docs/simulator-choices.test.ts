import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

// docs/simulator-choices.md is the one page of simulator choices; code comments link to its anchors.
const ROOT = join(import.meta.dirname, '..', '..');
const PAGE = 'docs/simulator-choices.md';
const CODE_DIRS = ['mock-server', 'contracts', 'contract-suite'];
/** Build output, dependencies, git's own files and test reports: not the repository's content. */
const SKIPPED_DIRS = new Set(['node_modules', 'dist', '.git', 'reports']);
// The forbidden strings are built below, so that this file does not cite them itself.
const FORBIDDEN = [['simulator', 'decisions'].join('-'), ['..', 'shared', ''].join('/')];

function filesUnder(dir: string): string[] {
  return readdirSync(join(ROOT, dir), { withFileTypes: true }).flatMap((entry) => {
    const path = dir === '' ? entry.name : `${dir}/${entry.name}`;
    if (entry.isDirectory()) return SKIPPED_DIRS.has(entry.name) ? [] : filesUnder(path);
    return entry.isFile() ? [path] : [];
  });
}

const read = (path: string) => readFileSync(join(ROOT, path), 'utf8');

describe(PAGE, () => {
  const page = read(PAGE);
  const ids = new Set([...page.matchAll(/\bid="([^"]+)"/g)].map((match) => match[1]));

  it('has every anchor that code links to', () => {
    const links = CODE_DIRS.flatMap((dir) => filesUnder(dir))
      .filter((path) => path.endsWith('.ts'))
      .flatMap((path) =>
        // A comment may wrap the link after `.md`, with `#anchor` on the next line after the comment's `*`.
        [...read(path).matchAll(/simulator-choices\.md(?:\s*\*?\s*)#([a-z0-9-]+)/g)].map((match) => ({
          path,
          anchor: match[1],
        })),
      );
    expect(links.length).toBeGreaterThan(0);
    const missing = links.filter(({ anchor }) => !ids.has(anchor)).map(({ path, anchor }) => `${path}: #${anchor}`);
    expect(missing).toEqual([]);
  });

  it('links only to anchors it has', () => {
    const local = [...page.matchAll(/\]\(#([^)]+)\)/g)].map((match) => match[1]);
    expect(local.filter((anchor) => !ids.has(anchor))).toEqual([]);
    const fromReadme = [...read('README.md').matchAll(/simulator-choices\.md#([a-z0-9-]+)/g)].map((match) => match[1]);
    expect(fromReadme.filter((anchor) => !ids.has(anchor))).toEqual([]);
  });

  it('has unique anchors', () => {
    const all = [...page.matchAll(/\bid="([^"]+)"/g)].map((match) => match[1]);
    expect(all.length).toBe(ids.size);
  });
});

describe('citations of files users do not have', () => {
  it('no file in the repository cites them', () => {
    const offenders = filesUnder('').flatMap((path) => {
      const lines = read(path).split('\n');
      return lines.flatMap((line, i) =>
        FORBIDDEN.some((text) => line.includes(text)) ? [`${path}:${i + 1}: ${line.trim()}`] : [],
      );
    });
    expect(offenders).toEqual([]);
  });
});
