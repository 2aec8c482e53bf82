import { afterEach, describe, expect, it } from 'vitest';
import { runContractSuite } from '../../contract-suite/run-contract-suite.js';
import type { Violation } from '../../contracts/violation.js';
import { amountAsString } from './broken-providers/amount-as-string.js';
import { type Flaw, type RunningProvider, startProvider } from './broken-providers/fake-provider.js';
import { missingCorrelationId } from './broken-providers/missing-correlation-id.js';
import { missingTransactionId } from './broken-providers/missing-transaction-id.js';
import { nonKlarnaError } from './broken-providers/non-klarna-error.js';
import { wrongResultEnum } from './broken-providers/wrong-result-enum.js';
import { wrongStatus } from './broken-providers/wrong-status.js';
import { spawnContractCli } from './spawn-contract-cli.js';

const CREDENTIALS = { account: 'krn:partner:global:account:test:M48JWZF8', apiKey: 'klarna_test_api_key' };
let provider: RunningProvider | undefined;
afterEach(async () => {
  await provider?.close();
  provider = undefined;
});

async function suiteAgainst(flaw?: Flaw) {
  provider = await startProvider(flaw);
  return runContractSuite({ baseUrl: provider.url, ...CREDENTIALS });
}

/** Each failed interaction with its violations, keyed by name. */
const failures = (result: Awaited<ReturnType<typeof suiteAgainst>>) =>
  Object.fromEntries(
    result.interactions.filter((i) => i.outcome === 'failed').map((i) => [i.name, i.violations] as const),
  ) as Record<string, Violation[]>;

const TRANSACTION = 'payment_transaction_response.payment_transaction';
const FINAL = 'sample final-authorization: 2xx authorize response, or 4xx Klarna error (made-up session token)';
const TOKEN_CHARGE =
  'sample customer-token-charge: 2xx authorize response, or 4xx Klarna error (made-up customer token)';
const PAYMENT_TOKEN_CHARGE =
  'sample collection-charge-payment-token: 2xx authorize response, or 4xx Klarna error (made-up session token)';

describe('the contract suite against deliberately broken providers', () => {
  it('passes an unflawed provider, running the portable part only and skipping the simulator-only part', async () => {
    const result = await suiteAgainst();
    expect(result.provider).toEqual({ simulator: false, evidence: expect.stringMatching(/answered 404/) });
    expect(failures(result)).toEqual({});
    const simulatorOnly = result.interactions.filter((i) => i.part === 'simulator');
    expect(simulatorOnly.length).toBeGreaterThan(0);
    expect(simulatorOnly.every((i) => i.outcome === 'skipped')).toBe(true);
  });

  it('passes a provider whose only flaw is a missing Klarna-Correlation-Id header', async () => {
    expect(failures(await suiteAgainst(missingCorrelationId))).toEqual({});
  });

  it('names the amount sent as a string, in every approved transaction', async () => {
    const violation = { path: `${TRANSACTION}.amount`, expected: 'number (int)', received: '"11800"' };
    expect(failures(await suiteAgainst(amountAsString))).toEqual({
      [FINAL]: [violation],
      [TOKEN_CHARGE]: [{ ...violation, received: '"999"' }],
      [PAYMENT_TOKEN_CHARGE]: [{ ...violation, received: '"12336"' }],
    });
  });

  it('names the missing payment_transaction_id', async () => {
    const violations = failures(await suiteAgainst(missingTransactionId));
    expect(violations[FINAL]).toEqual([
      { path: `${TRANSACTION}.payment_transaction_id`, expected: 'string matching /^krn:/', received: '(missing)' },
    ]);
  });

  it('names error_id and error_code of a non-Klarna error body, for every error interaction', async () => {
    const result = await suiteAgainst(nonKlarnaError);
    const missing = ['error_id', 'error_code'].map((path) => ({ path, expected: 'string', received: '(missing)' }));
    expect(failures(result)).toEqual({
      'no Authorization header: 401 Klarna error': missing,
      'amount sent as a string: 400 Klarna error with validation_errors': [
        ...missing,
        { path: 'validation_errors', expected: 'a non-empty array of { parameter, reason }', received: '(missing)' },
      ],
      'malformed JSON: 400 Klarna error': missing,
      'read a payment transaction that does not exist: 404 with Klarna’s error body': missing,
    });
  });

  it('names the status of a 422 where Klarna answers 400', async () => {
    expect(failures(await suiteAgainst(wrongStatus))).toEqual({
      'amount sent as a string: 400 Klarna error with validation_errors': [
        { path: 'status', expected: '400', received: '422 (error_code "VALIDATION_ERROR")' },
      ],
    });
  });

  it('names a result outside the enum', async () => {
    const violations = failures(await suiteAgainst(wrongResultEnum));
    expect(violations[FINAL]).toEqual([
      {
        path: 'payment_transaction_response.result',
        expected: 'one of "APPROVED" | "DECLINED" | "STEP_UP_REQUIRED"',
        received: '"AUTHORIZED"',
      },
    ]);
  });

  it('exits 1 from the real command, printing each violation by path under its interaction', async () => {
    provider = await startProvider(amountAsString);
    const { code, stdout } = await spawnContractCli(['--base-url', provider.url]);
    expect(code).toBe(1);
    expect(stdout).toContain(`✗ ${FINAL}\n    ${TRANSACTION}.amount: expected number (int), received "11800"\n`);
    expect(stdout).toMatch(/^FAILED: \d+ interactions, \d+ passed, 3 failed, \d+ skipped; 3 violations$/m);
  });
});
