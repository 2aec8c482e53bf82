import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { GENERATE_COMMAND, referencePages } from '../../scripts/reference-pages.js';

// The generated pages of docs/reference/ are made again in memory; one that differs from the file on disk is stale.

const ROOT = join(import.meta.dirname, '../..');
const pages = await referencePages();

describe('the generated reference pages', () => {
  it('are the four pages: configuration, CLI, errors and OpenAPI', () => {
    expect(Object.keys(pages).sort()).toEqual([
      'docs/reference/cli.md',
      'docs/reference/configuration.md',
      'docs/reference/errors.md',
      'docs/reference/openapi.md',
    ]);
  });

  it.each(Object.keys(pages))('%s is up to date', (path) => {
    const onDisk = readFileSync(join(ROOT, path), 'utf8');
    if (onDisk !== pages[path]) {
      expect.fail(`${path} is stale: run \`${GENERATE_COMMAND}\` and commit the result`);
    }
  });

  // Biome aligns the tables' columns: any run of spaces inside a row.
  const row = (...cells: string[]) =>
    new RegExp(`\\| ${cells.map((c) => c.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join(' +\\| ')} +\\|`);

  it('document every setting, every option of every command and every catalogue entry', () => {
    expect(pages['docs/reference/configuration.md']).toMatch(
      row('`webhookFinishedBytes`', 'integer', '`16777216` (16 MB)'),
    );
    expect(pages['docs/reference/cli.md']).toMatch(row('`--upstream <url>`', '`KLARNA_MOCK_UPSTREAM`'));
    expect(pages['docs/reference/cli.md']).toContain('## klarna-mock-certify');
    expect(pages['docs/reference/errors.md']).toMatch(row('`429`', '`ACCESS_ERROR`', '`RATE_LIMITED`'));
    expect(pages['docs/reference/openapi.md']).toMatch(
      row('`POST`', '`/v2/accounts/{partner_account_id}/payment/authorize`', 'authorizePayment'),
    );
  });
});
