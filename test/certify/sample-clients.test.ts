import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CERTIFY_CASES } from '../../certify/cases.js';
import { commandClient } from '../../certify/command-client.js';
import { certify } from '../../certify/run-certify.js';
import { runCertifyCli } from '../../certify/run-cli.js';
import { failedRules } from '../../certify/text-report.js';
import { CertificationState } from '../../contracts/index.js';
import { startMock } from '../../mock-server/app/start-mock.js';

// The two sample clients of examples/, certified as a partner would: each case runs the client once, in its own
// process. A run takes a few seconds (one 429 with Retry-After: 1, one hang of 2 s at most). Each client runs its own
// webhook receiver and reports its effects to certify's report URL.

const root = join(import.meta.dirname, '..', '..');
const dir = mkdtempSync(join(tmpdir(), 'certify-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function io() {
  const out: string[] = [];
  const err: string[] = [];
  return { out, err, io: { out: (t: string) => out.push(t), err: (t: string) => err.push(t) } };
}

// The two runs go side by side (each has its own simulator): every rule they are judged by holds on a slow machine
// (the careful client waits 200 ms and up, the naive one is judged with a 400 ms minimum gap).
describe.concurrent('certifying the sample clients', () => {
  it('passes the careful client on every rule of every case', { timeout: 60_000 }, async () => {
    const result = await certify({ client: commandClient(['node', join(root, 'examples/careful-client.mjs')]) });
    const failed = result.cases.flatMap((c) =>
      c.verdicts.filter((v) => !v.passed).map((v) => `${c.case.id} ${v.rule}: ${v.why}`),
    );
    expect(failed).toEqual([]);
    expect(result.passed).toBe(true);
    expect(result.cases).toHaveLength(CERTIFY_CASES.length);
    const why = (id: string, rule: string) =>
      result.cases.find((c) => c.case.id === id)?.verdicts.find((v) => v.rule === rule)?.why;
    expect(why('duplicate-webhook', 'webhook-processed-once')).toBe('1 of 1 event applied, none twice (2 deliveries)');
    expect(why('out-of-order-webhooks', 'webhook-newest-state-kept')).toBe(
      "ended on EXPIRED, the newest event's state",
    );
    expect(why('expired-session-token', 'expired-token-not-reused')).toBe(
      'dropped the session token after attempt 1 was refused as expired',
    );
    expect(result.cases.map((c) => c.account)).toEqual(
      result.cases.map((_, i) => `krn:partner:global:account:test:CERT${i + 1}`),
    );
  });

  it('fails the naive client on exactly the rules it breaks, with exit code 1 and both reports', {
    timeout: 60_000,
  }, async () => {
    const { out, io: cliIo } = io();
    const junit = join(dir, 'naive.xml');
    const html = join(dir, 'naive.html');
    // A wider minimum gap than the default 100 ms: the naive client's immediate retries stay well under it even on
    // a busy machine, and the careful client's waits (200 ms and up) are judged at the default above.
    const code = await runCertifyCli(
      ['--min-gap', '400', '--junit', junit, '--html', html, 'node', join(root, 'examples/naive-client.mjs')],
      {},
      cliIo,
    );
    const text = out.join('');
    expect(code).toBe(1);
    const summary = text.split('\n').find((line) => line.startsWith('FAILED:')) ?? '';
    const named = [...summary.matchAll(/([a-z0-9-]+) \(\d+ cases?\)/g)].map((m) => m[1]).sort();
    expect(named).toEqual([
      'backoff',
      'eventually-succeeds',
      'expired-token-not-reused',
      'no-retry-on-4xx',
      'one-transaction',
      'retry-after-honoured',
      'same-key-on-retry',
      'webhook-newest-state-kept',
      'webhook-processed-once',
    ]);
    // The rules whose failure does not depend on timing, case by case.
    expect(text).toMatch(/✗ CERT\d+ response-lost +one-transaction +2 transactions approved for one purchase/);
    expect(text).toMatch(/✗ CERT\d+ validation-error-400 +no-retry-on-4xx +retried a 400/);
    expect(text).toMatch(/✓ CERT\d+ hang +eventually-succeeds +APPROVED on attempt 2/);
    expect(text).toMatch(/✗ CERT\d+ duplicate-webhook +webhook-processed-once +event [0-9a-f]{8}… applied 2 times/);
    expect(text).toMatch(/✓ CERT\d+ out-of-order-webhooks +webhook-processed-once +2 of 2 events applied, none twice/);
    expect(text).toMatch(
      /✗ CERT\d+ out-of-order-webhooks +webhook-newest-state-kept +ended on AUTHORIZED, delivered last; the newest event says EXPIRED/,
    );
    expect(text).toMatch(
      /✗ CERT\d+ expired-session-token +expired-token-not-reused +sent the expired session token again 3 times/,
    );
    expect(text).toMatch(/✗ CERT\d+ expired-session-token +eventually-succeeds +no approval answered in 4 attempts/);
    const xml = readFileSync(junit, 'utf8');
    expect(xml).toContain('<testsuite name="certify" tests="40"');
    expect(xml).toMatch(
      /<testcase classname="certify.response-lost" name="one-transaction" time="[\d.]+">\n {6}<failure/,
    );
    const page = readFileSync(html, 'utf8');
    expect(page).toMatch(/^<!doctype html>/);
    expect(page).not.toMatch(/<script|<link|src=|url\(/);
    expect(page).toContain('2 transactions approved for one purchase');
  });
});

describe('certify as a library call', () => {
  it('gives the client its values and judges a client that never calls', { timeout: 30_000 }, async () => {
    const seen: string[] = [];
    const tokens: (string | undefined)[] = [];
    const result = await certify({
      seed: 'library',
      client: async ({ baseUrl, accountId, apiKey, reportUrl, signingKey, sessionToken }) => {
        seen.push(`${baseUrl.startsWith('http://127.0.0.1:')} ${accountId} ${apiKey}`);
        expect(reportUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/cases\/\d+$/);
        expect(signingKey.length).toBeGreaterThanOrEqual(16);
        tokens.push(sessionToken);
      },
    });
    expect(seen[0]).toBe('true krn:partner:global:account:test:CERT1 klarna_test_api_certify');
    expect(seen).toHaveLength(CERTIFY_CASES.length);
    // One case hands out a session token the simulator issued; no other does.
    expect(tokens.filter((t) => t !== undefined)).toEqual([
      expect.stringMatching(/^krn:payment:eu1:klarna-network-session-token:/),
    ]);
    // Without a receiver, the webhook rules cannot see anything applied: they fail, and say why.
    expect([...failedRules(result).keys()]).toEqual([
      'eventually-succeeds',
      'webhook-processed-once',
      'webhook-newest-state-kept',
    ]);
    const webhook = result.cases.find((c) => c.case.id === 'duplicate-webhook')?.verdicts[0];
    expect(webhook?.why).toBe('the client announced no webhook receiver to its report URL');
    expect(result.cases.map((c) => c.case.id)).toEqual(
      (await certify({ seed: 'library', client: async () => {} })).cases.map((c) => c.case.id),
    );
  });
});

describe("certify's report in the simulator's inspector", () => {
  it('hands the report to a simulator named by baseUrl, which keeps it for GET /__mock/certification', {
    timeout: 30_000,
  }, async () => {
    const mock = await startMock();
    try {
      const result = await certify({
        baseUrl: mock.url,
        client: async () => {},
        clientName: 'a client that never calls',
      });
      expect(result.inspector).toBe('handed in');
      const { report } = CertificationState.parse(await (await fetch(`${mock.url}/__mock/certification`)).json());
      expect(report).toMatchObject({ simulator: 'given', passed: false, client: 'a client that never calls' });
      expect(report?.cases.map((c) => c.id)).toEqual(result.cases.map((c) => c.case.id));
      expect(report?.cases.flatMap((c) => c.verdicts.map((v) => v.passed))).toEqual(
        result.cases.flatMap((c) => c.verdicts.map((v) => v.passed)),
      );
    } finally {
      await mock.close();
    }
  });
});

describe('the certify command could not run', () => {
  it.each([
    ['no command', [], /<command>: give the command that runs your client/],
    ['a bad seed', ['--seed', '', 'node', 'x.mjs'], /--seed: must not be empty/],
    ['an unknown option', ['--nope', 'node'], /Unknown option '--nope'/],
  ])('exits 2 on %s', async (_, argv, message) => {
    const { err, io: cliIo } = io();
    expect(await runCertifyCli(argv as string[], {}, cliIo)).toBe(2);
    expect(err.join('')).toMatch(message);
  });

  it('exits 2 and says so when nothing answers at --base-url', async () => {
    const port = await closedPort();
    const { err, io: cliIo } = io();
    const junit = join(dir, 'unreachable.xml');
    const code = await runCertifyCli(
      ['--base-url', `http://127.0.0.1:${port}`, '--junit', junit, 'node', 'x.mjs'],
      {},
      cliIo,
    );
    expect(code).toBe(2);
    expect(err.join('')).toContain(`could not reach the simulator at http://127.0.0.1:${port}: ECONNREFUSED`);
    expect(readFileSync(junit, 'utf8')).toContain('<error message="could not reach the simulator');
  });

  it('exits 2 when the command cannot be started', { timeout: 15_000 }, async () => {
    const { err, io: cliIo } = io();
    expect(await runCertifyCli(['./no-such-client-here'], {}, cliIo)).toBe(2);
    expect(err.join('')).toContain('could not start ./no-such-client-here: ENOENT');
  });
});

/** A port nothing listens on: bind one, then close it. */
function closedPort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}
