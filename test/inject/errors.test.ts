import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { KlarnaError } from '../../contracts/index.js';
import type { MockApp } from '../../mock-server/app/build-app.js';
import { ACCOUNT, AUTHORIZE_URL } from '../support/samples.js';
import { testApp } from '../support/test-app.js';

const AUTH = { authorization: 'Basic klarna_test_api_made_up_key' };
const GOOD = { currency: 'USD', request_payment_transaction: { amount: 11800 } };
const masked = { error_id: expect.any(String) };

let app: MockApp;
beforeEach(async () => {
  ({ app } = await testApp());
});
afterEach(() => app.close());

const post = (body: unknown, headers: Record<string, string> = AUTH, url = AUTHORIZE_URL()) =>
  app.inject({
    method: 'POST',
    url,
    headers,
    ...(typeof body === 'string' ? { payload: body } : { payload: body as object }),
  });

/** Every error is a Klarna error body whose error_id is the response's Klarna-Correlation-Id. */
function klarnaError(response: Awaited<ReturnType<typeof post>>) {
  const body = KlarnaError.parse(response.json());
  expect(response.headers['content-type']).toBe('application/json; charset=utf-8');
  expect(response.headers['klarna-correlation-id']).toBe(body.error_id);
  expect(response.body).not.toMatch(/at .*\.(ts|js):\d+/);
  return body;
}

describe('credentials and accounts', () => {
  it('answers a request without Authorization with 401 UNAUTHORIZED', async () => {
    const response = await post(GOOD, {});
    expect(response.statusCode).toBe(401);
    expect(klarnaError(response)).toMatchInlineSnapshot(
      masked,
      `
      {
        "error_code": "UNAUTHORIZED",
        "error_id": Any<String>,
        "error_message": "The presented credentials failed authentication",
        "error_type": "ACCESS_ERROR",
      }
    `,
    );
  });

  it('answers a Bearer token with 401, before looking at the body', async () => {
    const response = await post({ nonsense: true }, { authorization: 'Bearer abc' });
    expect(response.statusCode).toBe(401);
  });

  it.each([
    ['malformed JSON', '{"currency": '],
    ['an empty body', ''],
    ['a body nested 100 levels deep', `${'['.repeat(100)}${']'.repeat(100)}`],
  ])('answers %s without credentials with 401: the body is read after them', async (_what, payload) => {
    const response = await post(payload, { 'content-type': 'application/json' });
    expect(response.statusCode).toBe(401);
  });

  it('answers an unknown key with 401 when keys are configured', async () => {
    await app.close();
    ({ app } = await testApp({ config: { apiKeys: [{ key: 'klarna_test_api_real' }] } }));
    expect((await post(GOOD)).statusCode).toBe(401);
    expect((await post(GOOD, { authorization: 'Basic klarna_test_api_real' })).statusCode).toBe(200);
  });

  it('answers a key bound to another account with 403 OPERATION_FORBIDDEN', async () => {
    await app.close();
    ({ app } = await testApp({
      config: { apiKeys: [{ key: 'k', accounts: ['krn:partner:global:account:test:OTHER'] }] },
    }));
    const response = await post(GOOD, { authorization: 'Basic k' });
    expect(response.statusCode).toBe(403);
    expect(klarnaError(response)).toMatchInlineSnapshot(
      masked,
      `
      {
        "error_code": "OPERATION_FORBIDDEN",
        "error_id": Any<String>,
        "error_message": "Insufficient privileges to authorize payments on resource krn:partner:global:account:test:M48JWZF8",
        "error_type": "RESOURCE_ERROR",
      }
    `,
    );
  });

  it('names the operation a bound key may not do on the payment request routes too', async () => {
    await app.close();
    ({ app } = await testApp({
      config: { apiKeys: [{ key: 'k', accounts: ['krn:partner:global:account:test:OTHER'] }] },
    }));
    const url = `/v2/accounts/${encodeURIComponent(ACCOUNT)}/payment/requests/x`;
    for (const [method, operation] of [
      ['GET', 'read payment requests'],
      ['DELETE', 'cancel payment requests'],
    ] as const) {
      const response = await app.inject({ method, url, headers: { authorization: 'Basic k' } });
      expect(response.statusCode).toBe(403);
      expect(klarnaError(response).error_message).toBe(
        `Insufficient privileges to ${operation} on resource ${ACCOUNT}`,
      );
    }
  });

  it('answers an account outside the configured list with 404 RESOURCE_NOT_FOUND', async () => {
    await app.close();
    ({ app } = await testApp({ config: { accounts: [ACCOUNT] } }));
    const response = await post(GOOD, AUTH, AUTHORIZE_URL('krn:partner:global:account:test:NOPE'));
    expect(response.statusCode).toBe(404);
    expect(klarnaError(response)).toMatchInlineSnapshot(
      masked,
      `
      {
        "error_code": "RESOURCE_NOT_FOUND",
        "error_id": Any<String>,
        "error_message": "Resource krn:partner:global:account:test:NOPE does not exist",
        "error_type": "RESOURCE_ERROR",
      }
    `,
    );
    expect((await post(GOOD)).statusCode).toBe(200);
  });

  it('accepts the account id with its colons raw or percent-encoded', async () => {
    expect((await post(GOOD, AUTH, `/v2/accounts/${ACCOUNT}/payment/authorize`)).statusCode).toBe(200);
    expect((await post(GOOD, AUTH, AUTHORIZE_URL())).statusCode).toBe(200);
  });
});

describe('routes', () => {
  it("answers an unknown route with 404 NOT_FOUND in Klarna shape, with no error_type as in Klarna's table", async () => {
    const response = await app.inject({ method: 'GET', url: '/v2/nothing/here' });
    expect(response.statusCode).toBe(404);
    expect(klarnaError(response)).toMatchInlineSnapshot(
      masked,
      `
      {
        "error_code": "NOT_FOUND",
        "error_id": Any<String>,
        "error_message": "The requested API route does not exist",
      }
    `,
    );
  });

  it('says so when the unknown route is a real Klarna operation the simulator does not simulate', async () => {
    const response = await app.inject({
      method: 'GET',
      url: `/v2/accounts/${ACCOUNT}/payment/chargebacks/krn:payment:eu1:chargeback:1`,
    });
    expect(response.statusCode).toBe(404);
    expect(klarnaError(response)).toMatchInlineSnapshot(
      masked,
      `
      {
        "error_code": "NOT_FOUND",
        "error_id": Any<String>,
        "error_message": "GET /v2/accounts/{partner_account_id}/payment/chargebacks/{payment_chargeback_id} is Klarna's readPaymentChargeback, not simulated by klarna-mock",
      }
    `,
    );
  });

  it('answers GET on the authorize path with 404 NOT_FOUND', async () => {
    const response = await app.inject({ method: 'GET', url: AUTHORIZE_URL() });
    expect(response.statusCode).toBe(404);
    expect(klarnaError(response).error_code).toBe('NOT_FOUND');
  });

  it('answers a malformed percent-encoding in the path with a Klarna error', async () => {
    const response = await post(GOOD, AUTH, '/v2/accounts/%E0%A4%A/payment/authorize');
    expect(response.statusCode).toBeLessThan(500);
    klarnaError(response);
  });
});

describe('bodies that are not JSON', () => {
  it('answers malformed JSON with 400 INVALID_CONTENT_TYPE', async () => {
    const response = await post('{"currency": "USD",', { ...AUTH, 'content-type': 'application/json' });
    expect(response.statusCode).toBe(400);
    expect(klarnaError(response)).toMatchInlineSnapshot(
      masked,
      `
      {
        "error_code": "INVALID_CONTENT_TYPE",
        "error_id": Any<String>,
        "error_message": "The received input is not valid JSON",
        "error_type": "INPUT_ERROR",
      }
    `,
    );
  });

  it.each([
    ['text/plain', 'currency=USD'],
    ['application/x-www-form-urlencoded', 'currency=USD'],
  ])('answers a %s body with 400 INVALID_CONTENT_TYPE', async (type, payload) => {
    const response = await post(payload, { ...AUTH, 'content-type': type });
    expect(response.statusCode).toBe(400);
    expect(klarnaError(response).error_code).toBe('INVALID_CONTENT_TYPE');
  });

  it('answers an empty JSON body with 400 INVALID_CONTENT_TYPE', async () => {
    const response = await post('', { ...AUTH, 'content-type': 'application/json' });
    expect(response.statusCode).toBe(400);
    expect(klarnaError(response).error_code).toBe('INVALID_CONTENT_TYPE');
  });

  it('answers a JSON null body with 400 INVALID_CONTENT_TYPE', async () => {
    const response = await post('null', { ...AUTH, 'content-type': 'application/json' });
    expect(response.statusCode).toBe(400);
    expect(klarnaError(response)).toMatchObject({
      error_code: 'INVALID_CONTENT_TYPE',
      error_message: 'The received input is JSON null, not a request object',
    });
  });

  it('answers no body at all with 400 INVALID_CONTENT_TYPE', async () => {
    const response = await app.inject({ method: 'POST', url: AUTHORIZE_URL(), headers: AUTH });
    expect(response.statusCode).toBe(400);
    expect(klarnaError(response).error_code).toBe('INVALID_CONTENT_TYPE');
  });

  it('answers a __proto__ key with a Klarna 400, not a crash', async () => {
    const response = await post('{"currency":"USD","__proto__":{"x":1}}', {
      ...AUTH,
      'content-type': 'application/json',
    });
    expect(response.statusCode).toBe(400);
    klarnaError(response);
  });

  it('answers a body over 1 MB with 413 PAYLOAD_TOO_LARGE', async () => {
    const big = JSON.stringify({ ...GOOD, padding: 'x'.repeat(1024 * 1024) });
    const response = await post(big, { ...AUTH, 'content-type': 'application/json' });
    expect(response.statusCode).toBe(413);
    expect(klarnaError(response)).toMatchInlineSnapshot(
      masked,
      `
      {
        "error_code": "PAYLOAD_TOO_LARGE",
        "error_id": Any<String>,
        "error_message": "The request body exceeds 1048576 bytes",
        "error_type": "INPUT_ERROR",
      }
    `,
    );
  });

  it('accepts a body just under 1 MB', async () => {
    const padding = 'x'.repeat(1024 * 1024 - 200);
    const response = await post(JSON.stringify({ ...GOOD, padding }), { ...AUTH, 'content-type': 'application/json' });
    expect(response.statusCode).toBe(200);
  });
});

describe('validation', () => {
  it('lists every violation of a bad request, headers and body, with its parameter path', async () => {
    const response = await post(
      {
        currency: 'usd',
        request_payment_transaction: { amount: 118.5, payment_transaction_reference: '', capture: 'SOON' },
        step_up_config: { customer_interaction_config: { method: 'QR', return_url: 'not a url' } },
        supplementary_purchase_data: { line_items: [{ name: 'Shoe', quantity: 0, total_amount: 100 }] },
      },
      { ...AUTH, 'klarna-idempotency-key': 'k'.repeat(256), 'partner-correlation-id': 'p'.repeat(256) },
    );
    expect(response.statusCode).toBe(400);
    expect(klarnaError(response)).toMatchInlineSnapshot(
      masked,
      `
      {
        "error_code": "VALIDATION_ERROR",
        "error_id": Any<String>,
        "error_message": "One or more input parameters failed validation",
        "error_type": "INPUT_ERROR",
        "validation_errors": [
          {
            "parameter": "Klarna-Idempotency-Key",
            "reason": "Too big: expected string to have <=255 characters",
          },
          {
            "parameter": "Partner-Correlation-Id",
            "reason": "Too big: expected string to have <=255 characters",
          },
          {
            "parameter": "currency",
            "reason": "must be an ISO 4217 code of 3 upper-case letters",
          },
          {
            "parameter": "request_payment_transaction.amount",
            "reason": "Invalid input: expected int, received number",
          },
          {
            "parameter": "request_payment_transaction.payment_transaction_reference",
            "reason": "Too small: expected string to have >=1 characters",
          },
          {
            "parameter": "request_payment_transaction.capture",
            "reason": "Invalid option: expected one of "NOW"|"LATER"",
          },
          {
            "parameter": "step_up_config.customer_interaction_config.method",
            "reason": "Invalid option: expected one of "HANDOVER"|"SDK"|"QR_CODE"",
          },
          {
            "parameter": "step_up_config.customer_interaction_config.return_url",
            "reason": "Invalid URL",
          },
          {
            "parameter": "supplementary_purchase_data.line_items[0].quantity",
            "reason": "Too small: expected number to be >=1",
          },
        ],
      }
    `,
    );
  });

  it.each([
    ['a float', 118.5],
    ['a string', '11800'],
    ['zero', 0],
    ['a negative', -1],
    ['above 2147483647', 2147483648],
    ['null', null],
  ])('rejects an amount that is %s, naming request_payment_transaction.amount', async (_what, amount) => {
    const response = await post({ currency: 'USD', request_payment_transaction: { amount } });
    expect(response.statusCode).toBe(400);
    expect(klarnaError(response).validation_errors?.map((v) => v.parameter)).toEqual([
      'request_payment_transaction.amount',
    ]);
  });

  it('accepts the bounds of the amount, 1 and 2147483647', async () => {
    for (const amount of [1, 2147483647]) {
      expect((await post({ currency: 'USD', request_payment_transaction: { amount } })).statusCode).toBe(200);
    }
  });

  it('rejects a currency outside the supported list', async () => {
    const response = await post({ ...GOOD, currency: 'JPY' });
    expect(klarnaError(response).validation_errors).toMatchInlineSnapshot(`
      [
        {
          "parameter": "currency",
          "reason": "unsupported currency JPY; supported: AUD, CAD, CHF, CZK, DKK, EUR, GBP, HUF, MXN, NOK, NZD, PLN, RON, SEK, USD",
        },
      ]
    `);
  });

  it('honours a configured currency list', async () => {
    await app.close();
    ({ app } = await testApp({ config: { currencies: ['JPY'] } }));
    expect((await post({ ...GOOD, currency: 'JPY' })).statusCode).toBe(200);
    expect((await post(GOOD)).statusCode).toBe(400);
  });

  it('requires currency and one of request_payment_transaction or request_customer_token', async () => {
    const response = await post({ supplementary_purchase_data: {} });
    expect(klarnaError(response).validation_errors).toMatchInlineSnapshot(`
      [
        {
          "parameter": "currency",
          "reason": "Invalid input: expected string, received undefined",
        },
        {
          "parameter": "request_payment_transaction",
          "reason": "request_payment_transaction or request_customer_token is required",
        },
      ]
    `);
  });

  it('rejects line items that do not add up to the amount', async () => {
    const response = await post({
      ...GOOD,
      supplementary_purchase_data: {
        line_items: [
          { name: 'A', quantity: 1, total_amount: 8000 },
          { name: 'B', quantity: 1, total_amount: 3000 },
        ],
      },
    });
    expect(response.statusCode).toBe(400);
    expect(klarnaError(response).validation_errors).toMatchInlineSnapshot(`
      [
        {
          "parameter": "supplementary_purchase_data.line_items",
          "reason": "the sum of line_items[].total_amount (11000) must equal request_payment_transaction.amount (11800)",
        },
      ]
    `);
  });

  it('accepts line items with a discount that add up to the amount', async () => {
    const response = await post({
      ...GOOD,
      supplementary_purchase_data: {
        line_items: [
          { name: 'A', quantity: 1, total_amount: 12800 },
          { name: 'Discount', quantity: 1, total_amount: -1000 },
        ],
      },
    });
    expect(response.statusCode).toBe(200);
  });

  it('skips the line-item sum when configured off', async () => {
    await app.close();
    ({ app } = await testApp({ config: { lineItemSumCheck: false } }));
    const body = {
      ...GOOD,
      supplementary_purchase_data: { line_items: [{ name: 'A', quantity: 1, total_amount: 1 }] },
    };
    expect((await post(body)).statusCode).toBe(200);
  });

  it.each([
    [
      'request_payment_transaction.payment_transaction_reference',
      { request_payment_transaction: { amount: 1, payment_transaction_reference: 'r'.repeat(256) } },
    ],
    [
      'supplementary_purchase_data.purchase_reference',
      {
        request_payment_transaction: { amount: 1 },
        supplementary_purchase_data: { purchase_reference: 'r'.repeat(256) },
      },
    ],
    [
      'step_up_config.payment_request_reference',
      {
        request_payment_transaction: { amount: 1 },
        step_up_config: { payment_request_reference: 'r'.repeat(256), customer_interaction_config: {} },
      },
    ],
    [
      'request_customer_token.customer_token_reference',
      {
        request_customer_token: { scopes: ['payment:customer_present'], customer_token_reference: 'r'.repeat(256) },
        supplementary_purchase_data: { ondemand_service: {} },
      },
    ],
  ])('rejects %s over 255 characters', async (parameter, body) => {
    const response = await post({ currency: 'USD', ...body });
    expect(klarnaError(response).validation_errors?.map((v) => v.parameter)).toEqual([parameter]);
  });

  it.each([
    ['payment:customer_not_present', 'supplementary_purchase_data.subscriptions'],
    ['payment:customer_present', 'supplementary_purchase_data.ondemand_service'],
  ])('requires the purchase a %s token is for: %s', async (scope, parameter) => {
    const response = await post({ currency: 'USD', request_customer_token: { scopes: [scope] } });
    expect(response.statusCode).toBe(400);
    expect(klarnaError(response).validation_errors).toEqual([
      { parameter, reason: `required when request_customer_token.scopes includes ${scope}` },
    ]);
  });

  it('accepts references of exactly 255 characters', async () => {
    const body = {
      currency: 'USD',
      request_payment_transaction: { amount: 1, payment_transaction_reference: 'r'.repeat(255) },
    };
    expect((await post(body)).statusCode).toBe(200);
  });

  it('rejects a session token over 8192 characters, naming the header', async () => {
    const response = await post(GOOD, { ...AUTH, 'klarna-network-session-token': 't'.repeat(8193) });
    expect(klarnaError(response).validation_errors).toMatchInlineSnapshot(`
      [
        {
          "parameter": "Klarna-Network-Session-Token",
          "reason": "Too big: expected string to have <=8192 characters",
        },
      ]
    `);
  });

  it('rejects a JSON array as the body', async () => {
    const response = await post('[1,2]', { ...AUTH, 'content-type': 'application/json' });
    expect(response.statusCode).toBe(400);
    expect(klarnaError(response).validation_errors?.[0]?.parameter).toBe('body');
  });

  it('accepts unknown fields and still answers', async () => {
    const response = await post({
      ...GOOD,
      request_payment_transaction: { amount: 1, paymnet_transaction_reference: 'x' },
    });
    expect(response.statusCode).toBe(200);
  });
});

describe('session tokens', () => {
  /** Posts with a token the simulator issued `age` ms ago (on the fake clock). */
  async function withTokenIssued(age: number) {
    const { app: timed, clock } = await testApp();
    timed.store.issueSessionToken(ACCOUNT, 'issued-token', { completedAt: clock.now() });
    clock.advance(age);
    const response = await timed.inject({
      method: 'POST',
      url: AUTHORIZE_URL(),
      headers: { ...AUTH, 'klarna-network-session-token': 'issued-token' },
      payload: GOOD,
    });
    await timed.close();
    return response;
  }

  it('rejects a token the simulator issued more than 60 minutes ago, naming the header', async () => {
    const response = await withTokenIssued(60 * 60_000);
    expect(response.statusCode).toBe(400);
    expect(response.json().validation_errors).toMatchInlineSnapshot(`
      [
        {
          "parameter": "Klarna-Network-Session-Token",
          "reason": "expired",
        },
      ]
    `);
  });

  it('accepts a token the simulator issued within the last 60 minutes', async () => {
    const response = await withTokenIssued(60 * 60_000 - 1);
    expect(response.json().payment_transaction_response.result).toBe('APPROVED');
  });

  it('rejects a token it never issued in strict mode, with reason unknown', async () => {
    await app.close();
    ({ app } = await testApp({ config: { strictSessionTokens: true } }));
    const response = await post(GOOD, { ...AUTH, 'klarna-network-session-token': 'made-up' });
    expect(response.statusCode).toBe(400);
    expect(klarnaError(response).validation_errors).toEqual([
      { parameter: 'Klarna-Network-Session-Token', reason: 'unknown' },
    ]);
  });
});

describe('correlation headers', () => {
  it('echoes Partner-Correlation-Id and sends a Klarna-Correlation-Id UUID on success', async () => {
    const response = await post(GOOD, { ...AUTH, 'partner-correlation-id': 'abc123' });
    expect(response.headers['partner-correlation-id']).toBe('abc123');
    expect(response.headers['klarna-correlation-id']).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('echoes Partner-Correlation-Id on errors too', async () => {
    const response = await post({}, { ...AUTH, 'partner-correlation-id': 'abc123' });
    expect(response.statusCode).toBe(400);
    expect(response.headers['partner-correlation-id']).toBe('abc123');
  });
});

describe('admin routes', () => {
  const admin = (url: string, payload: object) =>
    app.inject({ method: 'POST', url, headers: { 'content-type': 'application/json' }, payload });
  const longKey = 'k'.repeat(600);

  it.each([
    ['/__mock/clock', { account: 'a', advance_ms: 1, [longKey]: 1 }],
    ['/__mock/scenarios', { name: 'declined', [longKey]: 1 }],
    ['/__mock/scenarios', { scenario: { name: 'x', result: 'DECLINED', match: { [longKey]: 1 } } }],
    ['/__mock/webhooks', { account: 'a', url: 'http://127.0.0.1:1/', [longKey]: 1 }],
    ['/__mock/webhooks/faults', { account: 'a', fault: 'drop', [longKey]: 1 }],
    [
      '/__mock/clock',
      { account: 'a', advance_ms: 1, ...Object.fromEntries(Array.from({ length: 100 }, (_, i) => [`u${i}`, 1])) },
    ],
  ])('answers unknown keys too long to quote on %s with a 400 whose reason Klarna could send', async (url, payload) => {
    const response = await admin(url, payload);
    expect(response.statusCode).toBe(400);
    const [violation] = klarnaError(response).validation_errors ?? [];
    expect(violation?.reason).toMatch(/^Unrecognized keys?: .*…$/);
    expect(String(violation?.reason).length).toBe(512);
  });

  it('refuses strings no request could ever match, instead of keeping them', async () => {
    const long = 'A'.repeat(256);
    const cases = [
      { name: 'declined', account: long },
      { scenario: { name: 'x', result: 'DECLINED', match: { account: long } } },
      { scenario: { name: 'x', result: 'DECLINED', match: { email_contains: 'e'.repeat(1025) } } },
      { scenario: { name: 'x', result: 'DECLINED', match: { reference_prefix: long } } },
    ];
    for (const payload of cases) expect((await admin('/__mock/scenarios', payload)).statusCode).toBe(400);
    expect((await app.scenarios.list()).length).toBe(0);
  });

  it('refuses a webhook URL that fetch could never deliver to: credentials in it, or over 2048 characters', async () => {
    for (const url of ['http://user:pass@127.0.0.1:1/hook', `http://127.0.0.1:1/${'p'.repeat(2048)}`]) {
      const response = await admin('/__mock/webhooks', { account: 'a', url });
      expect(response.statusCode).toBe(400);
      expect(klarnaError(response).validation_errors?.[0]?.parameter).toBe('url');
    }
  });
});
