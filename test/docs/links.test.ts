import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

// The README and the pages under docs/ link to each other and to the code: every relative link must lead to a file
// that exists and, with an anchor, to a heading or id in it (GitHub's heading slugs).

const ROOT = join(import.meta.dirname, '..', '..');
const pages = [
  'README.md',
  ...readdirSync(join(ROOT, 'docs'), { recursive: true, encoding: 'utf8' })
    .filter((file) => file.endsWith('.md'))
    .map((file) => join('docs', file)),
];

const slug = (heading: string) =>
  heading
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N}_\- ]/gu, '')
    .replaceAll(' ', '-');

function anchorsOf(file: string): Set<string> {
  const text = readFileSync(join(ROOT, file), 'utf8');
  const anchors = new Set<string>();
  for (const match of text.matchAll(/^#{1,6} (.*)$/gm)) anchors.add(slug(match[1] ?? ''));
  for (const match of text.matchAll(/id="([^"]+)"/g)) anchors.add(match[1] ?? '');
  return anchors;
}

describe('the links of the README and docs/', () => {
  it('finds the pages', () => {
    expect(pages.length).toBeGreaterThan(5);
  });

  it.each(pages)('%s links only to files and anchors that exist', (page) => {
    const text = readFileSync(join(ROOT, page), 'utf8').replace(/```[\s\S]*?```/g, '');
    const broken: string[] = [];
    for (const [, target] of text.matchAll(/\]\(([^)\s]+)\)/g)) {
      if (target === undefined || /^[a-z]+:/.test(target)) continue;
      const [path, anchor] = target.split('#');
      const file = path === '' ? page : relative(ROOT, join(ROOT, dirname(page), path ?? ''));
      if (!existsSync(join(ROOT, file))) broken.push(`${target} (no file ${file})`);
      else if (anchor !== undefined && file.endsWith('.md') && !anchorsOf(file).has(anchor)) {
        broken.push(`${target} (no anchor #${anchor} in ${file})`);
      }
    }
    expect(broken).toEqual([]);
  });
});
