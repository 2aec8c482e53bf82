import fc from 'fast-check';
import type { MockConfigInput } from '../../mock-server/core/config.js';
import { ACCOUNT } from '../support/samples.js';
import { headerValue } from './header-arbitraries.js';

// The simulator set-up both fuzz suites share: a configured account list and keys, so that 401/403/404 are
// reachable, and account B, whose recorded answer must survive the fuzzing untouched.

/** How many cases each property runs: 800 in `npm test`, FUZZ_RUNS=50000 in `npm run fuzz`. */
export const RUNS = Number(process.env.FUZZ_RUNS ?? 800);
/** FUZZ_SEED replays a failing run. */
export const SEED = process.env.FUZZ_SEED === undefined ? {} : { seed: Number(process.env.FUZZ_SEED) };
/** Per test: room for the largest runs on a slow machine. */
export const timeoutFor = (runs: number) => Math.max(20_000, runs * 5);

export const ACCOUNT_B = 'krn:partner:global:account:test:FUZZBBBB';
const RESTRICTED = 'krn:partner:global:account:test:RESTRICT';

export const FUZZ_CONFIG: MockConfigInput = {
  accounts: [ACCOUNT, ACCOUNT_B, RESTRICTED],
  apiKeys: [{ key: 'klarna_test_api_all' }, { key: 'klarna_test_api_a', accounts: [ACCOUNT] }],
};

export const GOOD_HEADERS = { authorization: 'Basic klarna_test_api_all', 'content-type': 'application/json' };
export const GOOD_BODY = JSON.stringify({
  currency: 'USD',
  request_payment_transaction: { amount: 11800, payment_transaction_reference: 'fuzz-known-good' },
});

/** Answered STEP_UP_REQUIRED: its payment_request_url is built from the Host header. */
export const STEP_UP_BODY = JSON.stringify({
  currency: 'EUR',
  request_payment_transaction: { amount: 2500 },
  step_up_config: { customer_interaction_config: { method: 'HANDOVER', return_url: 'https://example.com/back' } },
});

/** Account B's records: the fuzzer reuses these very key and token on other accounts. */
export const B_KEY = 'fuzz-account-b-key';
export const B_TOKEN = 'fuzz-account-b-session-token';

/** Fuzz targets: A (configured), one it may not use with key A, unknown ones; never B. */
export const fuzzAccount = fc.oneof(
  { arbitrary: fc.constant(ACCOUNT), weight: 8 },
  { arbitrary: fc.constantFrom(RESTRICTED, 'krn:partner:global:account:test:UNKNOWN1', '__proto__'), weight: 1 },
  { arbitrary: fc.string({ maxLength: 300 }).filter((s) => s !== ACCOUNT_B), weight: 1 },
);

export const authorization = fc.oneof(
  { arbitrary: fc.constant('Basic klarna_test_api_all'), weight: 16 },
  {
    arbitrary: fc.constantFrom(
      'Basic klarna_test_api_a',
      `Basic ${Buffer.from('user:klarna_test_api_all').toString('base64')}`,
      'basic    klarna_test_api_all',
      'Basic',
      'Basic ',
      'Bearer klarna_test_api_all',
      'Basic nope',
      'Basic ====',
    ),
    weight: 2,
  },
  { arbitrary: headerValue, weight: 1 },
);

/** Small pools, so that replays, idempotency conflicts and session-token conflicts happen often. */
export const idempotencyKey = fc.oneof(
  { arbitrary: fc.constantFrom('fuzz-key-1', 'fuzz-key-2', 'fuzz-key-3', B_KEY), weight: 2 },
  { arbitrary: fc.uuid(), weight: 6 },
  { arbitrary: headerValue, weight: 1 },
);
export const sessionToken = fc.oneof(
  { arbitrary: fc.constantFrom('fuzz-token-1', 'fuzz-token-2', B_TOKEN), weight: 2 },
  { arbitrary: fc.uuid(), weight: 4 },
  { arbitrary: headerValue, weight: 1 },
);
export const customerToken = fc.oneof(
  { arbitrary: fc.constant('krn:customer-token:eu1:fuzz'), weight: 3 },
  { arbitrary: headerValue, weight: 1 },
);
const correlationId = fc.oneof({ arbitrary: fc.uuid(), weight: 3 }, { arbitrary: headerValue, weight: 1 });

/** Klarna's headers, each present or not, some with odd values. */
export const klarnaHeaders = fc
  .record(
    {
      authorization,
      'klarna-idempotency-key': idempotencyKey,
      'klarna-network-session-token': sessionToken,
      'klarna-customer-token': customerToken,
      'partner-correlation-id': correlationId,
    },
    { requiredKeys: ['authorization'] },
  )
  .map((headers) => headers as Record<string, string>);
