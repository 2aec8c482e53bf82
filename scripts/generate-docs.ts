import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { referencePages } from './reference-pages.js';

// npm run docs:generate: writes the generated pages of docs/reference/ (see reference-pages.ts).
const root = join(import.meta.dirname, '..');
for (const [path, text] of Object.entries(await referencePages())) {
  writeFileSync(join(root, path), text);
  process.stdout.write(`wrote ${path}\n`);
}
