import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MockApp } from '../../mock-server/app/build-app.js';
import { AUTHORIZE_URL } from '../support/samples.js';
import { testApp } from '../support/test-app.js';
import { type Answer, expectKlarnaAnswer } from './answer-check.js';
import {
  ACCOUNT_B,
  B_KEY,
  B_TOKEN,
  FUZZ_CONFIG,
  fuzzAccount,
  GOOD_BODY,
  GOOD_HEADERS,
  klarnaHeaders,
  RUNS,
  SEED,
  STEP_UP_BODY,
  timeoutFor,
} from './fuzz-app.js';
import { contentType, extraHeaders, headerValue } from './header-arbitraries.js';
import { armsScenario, fuzzValue, toJsonText } from './json-arbitraries.js';
import { mutatedRequest } from './request-arbitraries.js';

// Property tests over app.inject(): whatever arrives, the answer is a contract-valid 200 or a Klarna 4xx, never a
// 5xx (no scenario is armed and no magic amount is sent), and account B's records stay as they were.

let app: MockApp;
const recordedForB: Answer[] = [];

async function post(
  headers: Record<string, string | undefined>,
  payload: string | Buffer | undefined,
  url = AUTHORIZE_URL(),
): Promise<Answer> {
  const defined = Object.fromEntries(Object.entries(headers).filter(([, v]) => v !== undefined)) as Record<
    string,
    string
  >;
  const response = await app.inject({ method: 'POST', url, headers: defined, payload });
  return { status: response.statusCode, headers: response.headers, body: response.body };
}

const forB = [
  { 'klarna-idempotency-key': B_KEY },
  { 'klarna-idempotency-key': `${B_KEY}-2`, 'klarna-network-session-token': B_TOKEN },
];

beforeAll(async () => {
  ({ app } = await testApp({ config: FUZZ_CONFIG }));
  for (const headers of forB) {
    const answer = await post({ ...GOOD_HEADERS, ...headers }, GOOD_BODY, AUTHORIZE_URL(ACCOUNT_B));
    expect(answer.status).toBe(200);
    recordedForB.push(answer);
  }
});
afterAll(() => app.close());

const check = (runs = RUNS) => ({ numRuns: runs, ...SEED });

describe('the authorize route under fuzzing', () => {
  it(
    'answers arbitrary JSON values with a contract-valid 200 or a Klarna 4xx',
    async () => {
      await fc.assert(
        fc.asyncProperty(fuzzValue, klarnaHeaders, async (value, headers) => {
          const text = toJsonText(value);
          fc.pre(!armsScenario(text));
          expectKlarnaAnswer(await post({ ...headers, 'content-type': 'application/json' }, text), text);
        }),
        check(),
      );
    },
    timeoutFor(RUNS),
  );

  it(
    'answers arbitrary bytes, with and without a JSON content type, in Klarna shape',
    async () => {
      const validText = fc.constantFrom(GOOD_BODY, '{}', '[]', 'null', '"x"', '{"currency":"USD"}');
      // A valid body with a few bytes flipped, dropped or inserted: almost JSON.
      const almostJson = fc
        .tuple(validText, fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 }), fc.nat(2)), { maxLength: 4 }))
        .map(([text, edits]) => {
          const bytes = [...Buffer.from(text)];
          for (const [at, byte, kind] of edits) {
            const i = at % (bytes.length + 1);
            if (kind === 0) bytes[i] = byte;
            else if (kind === 1) bytes.splice(i, 1);
            else bytes.splice(i, 0, byte);
          }
          return Buffer.from(bytes);
        });
      const bytes = fc.oneof(
        fc.uint8Array({ maxLength: 2048 }).map((b) => Buffer.from(b)),
        almostJson,
      );
      await fc.assert(
        fc.asyncProperty(bytes, contentType, klarnaHeaders, async (body, type, headers) => {
          fc.pre(!armsScenario(body));
          const answer = await post({ ...headers, 'content-type': type }, body);
          expectKlarnaAnswer(answer, `${type}: ${body.toString('hex').slice(0, 400)}`);
        }),
        check(),
      );
    },
    timeoutFor(RUNS),
  );

  it(
    'answers mutated documented requests in contract or Klarna shape, and approves some of them',
    async () => {
      let approved = 0;
      await fc.assert(
        fc.asyncProperty(mutatedRequest, klarnaHeaders, async (text, headers) => {
          fc.pre(!armsScenario(text));
          const answer = await post({ ...headers, 'content-type': 'application/json' }, text);
          expectKlarnaAnswer(answer, text);
          if (answer.status === 200) approved += 1;
        }),
        check(),
      );
      // Without this the generator could drift into testing only the validation errors.
      // About 5 % are answered 200 (35–47 of 800 seen): most mutations break a rule, as they should.
      expect(approved).toBeGreaterThan(RUNS / 50);
    },
    timeoutFor(RUNS),
  );

  it(
    'answers odd and huge headers with a contract-valid 200 or a Klarna 4xx',
    async () => {
      await fc.assert(
        fc.asyncProperty(
          klarnaHeaders,
          extraHeaders,
          fc.constantFrom(GOOD_BODY, STEP_UP_BODY),
          async (headers, extra, body) => {
            const answer = await post({ ...extra, ...headers, 'content-type': 'application/json' }, body);
            expectKlarnaAnswer(answer, JSON.stringify({ ...extra, ...headers }).slice(0, 2000));
          },
        ),
        check(),
      );
    },
    timeoutFor(RUNS),
  );

  it(
    'answers a Mock-Scenario header naming no scenario with a Klarna 400',
    async () => {
      const known = new Set(app.scenarios.available().map((s) => s.name));
      const name = headerValue.filter((v) => v.length <= 200 && !known.has(v));
      await fc.assert(
        fc.asyncProperty(name, async (scenario) => {
          const answer = await post({ ...GOOD_HEADERS, 'mock-scenario': scenario }, GOOD_BODY);
          expectKlarnaAnswer(answer, scenario);
          expect(answer.status).toBe(400);
        }),
        check(),
      );
    },
    timeoutFor(RUNS),
  );

  // The reason naming an unknown scenario must stay within the contract's 512 characters, whatever the name.
  it('answers a 300-character Mock-Scenario name with a Klarna 400, not 500 {}', async () => {
    const answer = await post({ ...GOOD_HEADERS, 'mock-scenario': 'x'.repeat(300) }, GOOD_BODY);
    expectKlarnaAnswer(answer, 'Mock-Scenario: x × 300');
  });

  it(
    'answers any account id and odd raw paths in Klarna shape',
    async () => {
      const rawPath = fc.constantFrom('%', '%zz', '..', '%00', '%2F', '%ff', '%c0%af', 'a%2Fb', '');
      const url = fc.oneof(
        fuzzAccount.map((account) => AUTHORIZE_URL(account)),
        rawPath.map((segment) => `/v2/accounts/${segment}/payment/authorize`),
        fc
          .string({ unit: 'grapheme', maxLength: 30 })
          .map((s) => `/v2/accounts/${encodeURIComponent(s)}/payment/authorize`),
      );
      await fc.assert(
        fc.asyncProperty(url, klarnaHeaders, async (target, headers) => {
          const answer = await post({ ...headers, 'content-type': 'application/json' }, GOOD_BODY, target);
          expectKlarnaAnswer(answer, target);
        }),
        check(),
      );
    },
    timeoutFor(RUNS),
  );

  it(
    'answers requests nested up to 1,000 levels deep anywhere in Klarna shape',
    async () => {
      // Both sides of the simulator's depth bound (64 levels): below it the fingerprint and the checks walk the body.
      const depth = fc.oneof(fc.integer({ min: 1, max: 70 }), fc.integer({ min: 1, max: 1_000 }));
      const wrap = fc.constantFrom(
        (inner: string) => `{"a":${inner}}`,
        (inner: string) => `[${inner}]`,
        (inner: string) => `{"__proto__":${inner}}`,
        (inner: string) => `{"constructor":${inner}}`,
      );
      const place = fc.constantFrom(
        (deep: string) => deep,
        (deep: string) => `{"currency":"USD","request_payment_transaction":{"amount":100},"x":${deep}}`,
        (deep: string) => `{"currency":"USD","request_payment_transaction":${deep}}`,
        (deep: string) =>
          `{"currency":"USD","request_payment_transaction":{"amount":5},"supplementary_purchase_data":{"line_items":[{"name":"a","quantity":1,"total_amount":5,"extra":${deep}}]}}`,
      );
      await fc.assert(
        fc.asyncProperty(depth, wrap, place, async (levels, wrapper, at) => {
          let deep = '1';
          for (let i = 0; i < levels; i += 1) deep = wrapper(deep);
          const text = at(deep);
          expectKlarnaAnswer(await post(GOOD_HEADERS, text), text.slice(0, 200));
        }),
        check(Math.max(20, Math.round(RUNS / 10))),
      );
    },
    timeoutFor(RUNS),
  );
});

describe('10,000 levels of nesting', () => {
  const nested = (levels: number, leaf = '1') => `${'{"a":'.repeat(levels)}${leaf}${'}'.repeat(levels)}`;
  const arrays = (levels: number) => `${'['.repeat(levels)}${']'.repeat(levels)}`;

  it.each([
    ['a body that is an array 10,000 levels deep', arrays(10_000)],
    ['a body 10,000 objects deep without the required fields', nested(10_000)],
    ['a __proto__ key at the bottom of 10,000 levels', nested(10_000, '{"__proto__":{"x":1}}')],
    [
      'a line item name 10,000 levels deep',
      `{"currency":"USD","request_payment_transaction":{"amount":5},"supplementary_purchase_data":{"line_items":[{"name":${nested(10_000)},"quantity":1,"total_amount":5}]}}`,
    ],
    // These two once reached the idempotency fingerprint and overflowed its stack (500); now the depth bound stops them.
    [
      'an unknown field 10,000 objects deep in an otherwise valid request',
      `{"currency":"USD","request_payment_transaction":{"amount":100},"x":${nested(10_000)}}`,
    ],
    [
      'an unknown field 10,000 arrays deep in an otherwise valid request',
      `{"currency":"USD","request_payment_transaction":{"amount":100},"x":${arrays(10_000)}}`,
    ],
  ])('answers %s with a Klarna 4xx', async (_name, text) => {
    const answer = await post(GOOD_HEADERS, text);
    expectKlarnaAnswer(answer, text.slice(0, 200));
    expect(answer.status).toBe(400);
  });

  it('accepts a valid request whose strings hold 220 open brackets and an escaped quote: only real nesting counts', async () => {
    const reference = `${'{['.repeat(60)}\\"${'['.repeat(100)}`;
    const text = JSON.stringify({
      currency: 'USD',
      request_payment_transaction: { amount: 100, payment_transaction_reference: reference },
    });
    const answer = await post(GOOD_HEADERS, text);
    expectKlarnaAnswer(answer, text.slice(0, 200));
    expect(answer.status).toBe(200);
  });
});

describe('after the fuzzing', () => {
  it('still approves a known-good request', async () => {
    const answer = await post({ ...GOOD_HEADERS, 'klarna-idempotency-key': 'fuzz-after-run' }, GOOD_BODY);
    expect(answer.status).toBe(200);
    expect(JSON.parse(answer.body).payment_transaction_response.result).toBe('APPROVED');
  });

  it('replays account B’s records byte for byte: the fuzzing of other accounts left them alone', async () => {
    for (const [i, headers] of forB.entries()) {
      const answer = await post({ ...GOOD_HEADERS, ...headers }, GOOD_BODY, AUTHORIZE_URL(ACCOUNT_B));
      expect(answer.status).toBe(200);
      expect(answer.headers['idempotent-replayed']).toBe('true');
      expect(answer.body).toBe(recordedForB[i]?.body);
    }
  });
});
