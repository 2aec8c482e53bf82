import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadPaymentRequestSamples, loadSamples } from '../../contract-suite/documented-requests.js';
import { runCli } from '../../contract-suite/run-cli.js';
import { suiteInteractions } from '../../contract-suite/run-contract-suite.js';
import type { MockApp } from '../../mock-server/app/build-app.js';
import { closedPort, listening, testApp } from '../support/test-app.js';
import { type RunningProvider, startProvider } from './broken-providers/fake-provider.js';
import { wrongResultEnum } from './broken-providers/wrong-result-enum.js';
import { spawnContractCli } from './spawn-contract-cli.js';

const dir = mkdtempSync(join(tmpdir(), 'contract-suite-'));
let app: MockApp;
let base: string;
let broken: RunningProvider;

beforeAll(async () => {
  ({ app } = await testApp());
  base = await listening(app);
  broken = await startProvider(wrongResultEnum);
});
afterAll(async () => {
  await app.close();
  await broken.close();
  rmSync(dir, { recursive: true, force: true });
});

/** The command in-process, with what it prints captured. */
async function run(args: string[], env: NodeJS.ProcessEnv = {}) {
  const printed = { stdout: '', stderr: '' };
  const io = {
    out: (text: string) => {
      printed.stdout += text;
    },
    err: (text: string) => {
      printed.stderr += text;
    },
  };
  const code = await runCli(args, env, io);
  return { code, ...printed };
}

function junitOf(file: string) {
  const xml = readFileSync(file, 'utf8');
  expect(XMLValidator.validate(xml)).toBe(true);
  const parsed = new XMLParser({
    ignoreAttributes: false,
    attributeNamePrefix: '',
    isArray: (name) => name === 'testcase' || name === 'testsuite',
  }).parse(xml);
  const suites = parsed.testsuites.testsuite as { name: string; testcase: Record<string, unknown>[] }[];
  return { xml, root: parsed.testsuites, cases: suites.flatMap((s) => s.testcase ?? []) };
}

describe('the contract command', () => {
  it('exits 2 with a clear message when nothing listens at the base URL, from the real command', async () => {
    const url = `http://127.0.0.1:${await closedPort()}`;
    const { code, stdout, stderr } = await spawnContractCli(['--base-url', url]);
    expect(code).toBe(2);
    expect(stderr).toContain(`contract: could not reach ${url}: connection refused (ECONNREFUSED)`);
    expect(stdout).not.toMatch(/[✓✗]/);
  });

  it('still writes a JUnit file, one errored testcase saying why, when nothing listens', async () => {
    const url = `http://127.0.0.1:${await closedPort()}`;
    const file = join(dir, 'unreachable.xml');
    const { code } = await run(['--base-url', url, '--reporter', 'junit', '--output', file]);
    expect(code).toBe(2);
    const { root, cases } = junitOf(file);
    expect(root).toMatchObject({ tests: '1', errors: '1', failures: '0' });
    expect(cases).toEqual([
      expect.objectContaining({
        name: 'reach the provider',
        error: expect.objectContaining({ message: `could not reach ${url}: connection refused (ECONNREFUSED)` }),
      }),
    ]);
  });

  it.each([
    [['--base-url', 'localhost:4747'], '--base-url: expected an http:// or https:// URL'],
    [[], '--base-url is required'],
    [['--base-url', 'http://127.0.0.1:4747', '--colour'], "Unknown option '--colour'"],
    [['--base-url', 'http://127.0.0.1:4747', '--timeout', 'soon'], '--timeout: expected a whole number'],
    [['--base-url', 'http://127.0.0.1:4747', '--reporter', 'junit'], '--reporter junit needs --output <file>'],
    [['--base-url', 'http://127.0.0.1:4747', '--reporter', 'tap', '--output', 'x'], '--reporter: the only reporter'],
  ])('exits 2 on the bad arguments %j, naming the problem', async (args, message) => {
    const { code, stdout, stderr } = await run(args);
    expect(code).toBe(2);
    expect(stderr).toContain(`contract: ${message}`);
    expect(stderr).toContain('--help');
    expect(stdout).toBe('');
  });

  it('names KLARNA_API_KEY when the bad key comes from the environment', async () => {
    const { code, stderr } = await run(['--base-url', base], { KLARNA_API_KEY: '' });
    expect(code).toBe(2);
    expect(stderr).toContain('contract: KLARNA_API_KEY: must not be empty');
  });

  it('prints every option with --help and exits 0', async () => {
    const { code, stdout } = await run(['--help']);
    expect(code).toBe(0);
    for (const option of ['--base-url', '--account', '--api-key', '--simulator', '--reporter junit', '--output']) {
      expect(stdout).toContain(option);
    }
  });

  it('takes the account and key from KLARNA_ACCOUNT_ID and KLARNA_API_KEY, without the default-credentials note', async () => {
    const env = { KLARNA_ACCOUNT_ID: 'krn:partner:global:account:test:ENVACCT1', KLARNA_API_KEY: 'env-key' };
    const { code, stdout } = await run(['--base-url', base], env);
    expect(code).toBe(0);
    expect(stdout).toContain('account krn:partner:global:account:test:ENVACCT1');
    expect(stdout).not.toContain('Note:');
  });

  it('writes a valid JUnit file with one testcase per interaction when everything passes', async () => {
    const file = join(dir, 'pass.xml');
    const { code, stdout } = await run(['--base-url', base, '--reporter', 'junit', '--output', file]);
    expect(code).toBe(0);
    const { root, cases } = junitOf(file);
    const interactions = stdout.split('\n').filter((line) => line.startsWith('✓ '));
    expect(cases.map((c) => c.name)).toEqual(interactions.map((line) => line.slice(2)));
    expect(root).toMatchObject({ tests: String(cases.length), failures: '0', skipped: '0' });
  });

  it('lists the violations of a broken provider in <failure> and the skipped simulator part in <skipped>', async () => {
    const file = join(dir, 'fail.xml');
    const { code } = await run(['--base-url', broken.url, '--reporter', 'junit', '--output', file]);
    expect(code).toBe(1);
    const { xml, root, cases } = junitOf(file);
    const failed = cases.filter((c) => c.failure !== undefined);
    expect(failed.map((c) => c.name)).toEqual([
      'sample collection-charge-payment-token: 2xx authorize response, or 4xx Klarna error (made-up session token)',
      'sample customer-token-charge: 2xx authorize response, or 4xx Klarna error (made-up customer token)',
      'sample final-authorization: 2xx authorize response, or 4xx Klarna error (made-up session token)',
    ]);
    expect(xml).toContain(
      'payment_transaction_response.result: expected one of &quot;APPROVED&quot; | &quot;DECLINED&quot; | ' +
        '&quot;STEP_UP_REQUIRED&quot;, received &quot;AUTHORIZED&quot;</failure>',
    );
    expect(root.failures).toBe('3');
    expect(Number(root.skipped)).toBe(cases.filter((c) => c.skipped !== undefined).length);
    expect(Number(root.tests)).toBe(cases.length);
  });

  it('runs the simulator-only part against any provider with --simulator, where it then fails', async () => {
    const { code, stdout } = await run(['--base-url', broken.url, '--simulator']);
    expect(code).toBe(1);
    expect(stdout).toContain('treated as the simulator because of --simulator');
    expect(stdout).toContain('✗ Mock-Scenario declined: 200 DECLINED');
  });

  it('refuses an API key no HTTP header can carry with exit 2, naming the option', async () => {
    const { code, stderr } = await run(['--base-url', base, '--api-key', 'abc\ndef']);
    expect(code).toBe(2);
    expect(stderr).toMatch(/^contract: --api-key: has characters an HTTP header cannot carry/);
  });

  it('says when checks were refused for their credentials', async () => {
    const { app: guarded } = await testApp({ config: { apiKeys: [{ key: 'the-right-key' }] } });
    try {
      const { code, stdout } = await run(['--base-url', await listening(guarded), '--api-key', 'a-wrong-key']);
      expect(code).toBe(1);
      expect(stdout).toMatch(
        /\n\d+ of the failed checks were refused with 401 or 403: are the account and the API key/,
      );
    } finally {
      await guarded.close();
    }
  });

  it("makes the JUnit file's directory when it is missing", async () => {
    const file = join(dir, 'reports', 'nested', 'out.xml');
    const { code } = await run(['--base-url', base, '--reporter', 'junit', '--output', file]);
    expect(code).toBe(0);
    const samples = loadSamples();
    const all = suiteInteractions(samples, loadPaymentRequestSamples()).length;
    expect(junitOf(file).cases.length).toBe(all);
  });

  it('exits 2 before sending any request when the JUnit file cannot be written', async () => {
    const requestsBefore = (await app.journal.entries()).length;
    const { code, stdout, stderr } = await run(['--base-url', base, '--reporter', 'junit', '--output', dir]);
    expect(code).toBe(2);
    expect(stderr).toBe(`contract: --output: ${dir} is a directory\nNothing was checked.\n`);
    expect(stdout).not.toContain('✓');
    expect((await app.journal.entries()).length).toBe(requestsBefore);
  });
});
