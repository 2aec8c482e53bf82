import { describe, expect, it } from 'vitest';
import { runContractSuite } from '../../contract-suite/run-contract-suite.js';
import { servedApp } from '../support/test-app.js';
import { spawnContractCli } from './spawn-contract-cli.js';

const CREDENTIALS = { account: 'krn:partner:global:account:test:CONTRACT1', apiKey: 'klarna_test_api_contract' };
const served = servedApp();
// A simulator that takes any account id (accountIds: any), for ids that are no krn.
const anyIds = servedApp({ config: { accountIds: 'any' } });

describe('the contract suite against the simulator', () => {
  it('detects the simulator and passes every portable and simulator-only interaction', async () => {
    const result = await runContractSuite({ baseUrl: served.base, ...CREDENTIALS });
    expect(result.provider.simulator).toBe(true);
    expect(result.interactions.filter((i) => i.outcome !== 'passed')).toEqual([]);
    const names = result.interactions.map((i) => `${i.part}: ${i.name}`);
    expect(names).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^portable: sample final-authorization: /),
        'portable: no Authorization header: 401 Klarna error',
        'portable: malformed JSON: 400 Klarna error',
        'simulator: Mock-Scenario declined: 200 DECLINED',
        'simulator: Mock-Scenario step-up: 200 STEP_UP_REQUIRED',
        'simulator: Mock-Scenario rate-limited: 429 ACCESS_ERROR / RATE_LIMITED with Retry-After',
        'simulator: Mock-Scenario timeout: 500 TECHNICAL_ERROR / TIMEOUT',
        'simulator: same Klarna-Idempotency-Key twice: the identical body again',
        'portable: payment request sample create-one-time: POST 201 SUBMITTED',
        'portable: payment request sample create-tokenization: POST 201 SUBMITTED',
        'portable: payment request sample update-one-time: PATCH 200 SUBMITTED',
        'simulator: sample direct-initial-authorization: default decision STEP_UP_REQUIRED',
        'simulator: Klarna Direct: POST /v2/payment/requests 201 SUBMITTED, then GET it 200',
        'simulator: a Klarna route the simulator does not simulate: 404 NOT_FOUND without error_type',
      ]),
    );
  });

  it("runs Klarna's Notification API interactions and leaves no signing key or webhook behind", async () => {
    const result = await runContractSuite({ baseUrl: served.base, ...CREDENTIALS });
    const notification = result.interactions.filter((i) => /signing key|webhook/.test(i.name));
    expect(notification.map((i) => [i.part, i.outcome])).toEqual([
      ['simulator', 'passed'],
      ['simulator', 'passed'],
      ['simulator', 'passed'],
    ]);
    const account = served.app.mockConfig.defaultAccount;
    expect(served.app.notifications.signingKeys(account)).toEqual([]);
    expect(served.app.notifications.webhooks(account)).toEqual([]);
  });

  it('passes again on a second run against the same long-running simulator, given a trailing slash', async () => {
    const result = await runContractSuite({ baseUrl: `${served.base}/`, ...CREDENTIALS });
    expect(result.interactions.filter((i) => i.outcome !== 'passed')).toEqual([]);
  });

  it('encodes an account id with a slash and a space so that it stays one path segment', async () => {
    const result = await runContractSuite({ baseUrl: anyIds.base, account: 'acct/with space', apiKey: 'k' });
    expect(result.interactions.length).toBeGreaterThan(0);
    expect(result.interactions.every((i) => i.outcome === 'passed')).toBe(true);
  });

  it('exits 0 from the real command and prints one line per interaction and a summary', async () => {
    const { code, stdout, stderr } = await spawnContractCli(['--base-url', served.base]);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    const lines = stdout.split('\n');
    expect(stdout).toContain('Provider: the klarna-mock simulator');
    expect(lines.filter((line) => line.startsWith('✗ '))).toEqual([]);
    const summary = stdout.match(/^PASSED: (\d+) interactions, (\d+) passed, 0 failed, 0 skipped; 0 violations$/m);
    expect(summary?.[2]).toBe(summary?.[1]);
    expect(lines.filter((line) => line.startsWith('✓ '))).toHaveLength(Number(summary?.[1]));
  });
});
