import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { testApp } from './support/test-app.js';

const run = promisify(execFile);
const BIN = join(process.cwd(), 'node_modules', '.bin');
// Redocly would otherwise send usage data and look for a newer version of itself: the tests stay on this machine.
const QUIET = {
  ...process.env,
  REDOCLY_TELEMETRY: 'off',
  REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true',
  REDOCLY_SUPPRESS_NOTIFICATIONS: 'true',
  DO_NOT_TRACK: '1',
};
const LINTER_TIMEOUT = 60_000;

const RedoclyReport = z.object({
  totals: z.object({ errors: z.number(), warnings: z.number() }),
  problems: z.array(z.object({ ruleId: z.string(), severity: z.string(), message: z.string() })),
});
const SpectralReport = z.array(
  z.object({ code: z.union([z.string(), z.number()]), severity: z.number(), source: z.string().optional() }),
);

/** Redocly's `recommended` rules, as redocly.yaml names them; a warning counts as much as an error here. */
async function redocly(file: string) {
  const args = ['lint', '--config', 'redocly.yaml', '--format', 'json', file];
  // It exits non-zero on errors and still prints its report.
  const { stdout } = await run(join(BIN, 'redocly'), args, { env: QUIET }).catch((error: { stdout: string }) => error);
  return RedoclyReport.parse(JSON.parse(stdout));
}

/** Spectral's `spectral:oas` rules, as .spectral.yaml names them; its severities run 0 (error) to 3 (hint). */
async function spectral(...files: string[]) {
  const args = ['lint', '--ruleset', '.spectral.yaml', '--format', 'json', '--quiet', ...files];
  const { stdout } = await run(join(BIN, 'spectral'), args, { env: QUIET }).catch((error: { stdout: string }) => error);
  return SpectralReport.parse(JSON.parse(stdout));
}

let dir: string;
let document: string;
// An operation without operationId or description: both linters must see it, or a clean report proves nothing.
let flawed: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'klarna-mock-openapi-'));
  const { app } = await testApp();
  const response = await app.inject({ method: 'GET', url: '/openapi.json' });
  await app.close();
  document = join(dir, 'openapi.json');
  await writeFile(document, response.body);
  flawed = join(dir, 'flawed.json');
  const minimal = { openapi: '3.1.0', info: { title: 't', version: '1' }, paths: { '/x': { get: {} } } };
  await writeFile(flawed, JSON.stringify(minimal));
});

afterAll(() => rm(dir, { recursive: true, force: true }));

describe('the OpenAPI document, linted', () => {
  it(
    'passes Redocly’s recommended rules with no error and no warning',
    async () => {
      const [report, ofFlawed] = await Promise.all([redocly(document), redocly(flawed)]);
      expect(ofFlawed.problems.map((problem) => problem.ruleId)).toContain('operation-operationId');
      expect(report.problems).toEqual([]);
      expect(report.totals).toMatchObject({ errors: 0, warnings: 0 });
    },
    LINTER_TIMEOUT,
  );

  it(
    'passes Spectral’s spectral:oas rules with no error, warning, information or hint',
    async () => {
      const results = await spectral(document, flawed);
      expect(results.filter((result) => result.source === flawed).map((result) => result.code)).toContain(
        'operation-operationId',
      );
      expect(results.filter((result) => result.source !== flawed)).toEqual([]);
    },
    LINTER_TIMEOUT,
  );
});
