import { describe, expect, it } from 'vitest';
import {
  AuthorizeResponse,
  CustomerActionResult,
  KlarnaError,
  PaymentRequest,
  WebhookEnvelope,
} from '../../contracts/index.js';
import { pactum } from '../support/pactum-contract.js';
import { ACCOUNT, AUTHORIZE_URL } from '../support/samples.js';
import { listening, servedApp, testApp } from '../support/test-app.js';

const served = servedApp({
  config: { apiKeys: [{ key: 'klarna_test_api_k' }, { key: 'klarna_test_api_bound', accounts: [ACCOUNT] }] },
});
const AUTH = { authorization: 'Basic klarna_test_api_k' };
const DEFAULT_ACCOUNT = 'krn:partner:global:account:test:DEFAULT';
const requestsUrl = (account = ACCOUNT) => `/v2/accounts/${encodeURIComponent(account)}/payment/requests`;
const requestUrl = (id: string, account = ACCOUNT) => `${requestsUrl(account)}/${encodeURIComponent(id)}`;

const LINE_ITEMS = [
  { name: 'Running shoes', quantity: 1, total_amount: 8000 },
  { name: 'Socks', quantity: 2, total_amount: 3000 },
];
/** Klarna's one-time create body (collection r2512, Payment Request API/Create), with the simulator's values. */
const CREATE = {
  currency: 'USD',
  amount: 11000,
  payment_request_reference: 'payment-reference-1',
  customer_interaction_config: {
    method: 'HANDOVER',
    return_url:
      'https://partner.example/return?state={klarna.payment_request.state}&token={klarna.payment_request.payment_token}',
    app_return_url: 'appName://KlarnaPayment',
  },
  payment_option_id: 'S0xBUk5B',
  payment_program_enablement_codes: ['Financing_0_6M'],
  shipping_config: { mode: 'EDITABLE', supported_countries: ['US'] },
  supplementary_purchase_data: { purchase_reference: 'order-1', line_items: LINE_ITEMS },
  acquiring_config: { payment_account_id: 'krn:partner:global:account:payment-account:1' },
};

const post = (url: string, body: object, headers: Record<string, string> = AUTH) =>
  pactum.spec().post(`${served.base}${url}`).withHeaders(headers).withJson(body);
const patch = (url: string, body: object, headers: Record<string, string> = AUTH) =>
  pactum.spec().patch(`${served.base}${url}`).withHeaders(headers).withJson(body);
const get = (url: string, headers: Record<string, string> = AUTH) =>
  pactum.spec().get(`${served.base}${url}`).withHeaders(headers);

async function create(body: object = CREATE, url = requestsUrl(), headers = AUTH) {
  return PaymentRequest.parse(
    await post(url, body, headers).expectStatus(201).expect('contract', PaymentRequest).returns('res.body'),
  );
}
async function approve(id: string) {
  const json = await pactum
    .spec()
    .post(`${served.base}/__mock/payment-requests/${encodeURIComponent(id)}/approve`)
    .expectStatus(200)
    .returns('res.body');
  return CustomerActionResult.parse(json);
}
const validationError = (validation_errors: unknown[]) => ({
  error_id: expect.any(String),
  error_type: 'INPUT_ERROR',
  error_code: 'VALIDATION_ERROR',
  error_message: 'One or more input parameters failed validation',
  validation_errors,
});

describe('createPaymentRequest', () => {
  it('answers 201 with the payment request in state SUBMITTED, its purchase data echoed', async () => {
    const request = await create();
    expect(request).toEqual({
      payment_request_id: expect.stringMatching(/^krn:payment:eu1:request:[0-9a-f-]{36}$/),
      payment_request_reference: 'payment-reference-1',
      state: 'SUBMITTED',
      amount: 11000,
      currency: 'USD',
      state_expires_at: '2026-11-26T15:00:00.000Z',
      expires_at: '2026-11-27T13:00:00.000Z',
      created_at: '2026-11-26T12:00:00.000Z',
      updated_at: '2026-11-26T12:00:00.000Z',
      supplementary_purchase_data: CREATE.supplementary_purchase_data,
      state_context: {
        customer_interaction: {
          method: 'HANDOVER',
          payment_request_id: request.payment_request_id,
          payment_request_url: expect.stringMatching(new RegExp(`^${served.base}/pay/requests/[0-9a-f-]{36}/start$`)),
        },
      },
    });
    const read = await get(requestUrl(request.payment_request_id)).expectStatus(200).returns('res.body');
    expect(read).toEqual(request);
  });

  it('creates a tokenization alone without an amount, and its approval issues the customer token only', async () => {
    const request = await create({
      currency: 'EUR',
      customer_interaction_config: { method: 'SDK' },
      request_customer_token: { scopes: ['customer:login'], customer_token_reference: 'customer-1' },
      collect_customer_profile: ['profile:name', 'profile:email'],
    });
    expect(request.amount).toBeUndefined();
    const approved = await approve(request.payment_request_id);
    expect(approved.payload.state_context?.klarna_customer).toEqual({
      customer_token: expect.stringMatching(/^krn:customer-token:eu1:/),
      customer_token_reference: 'customer-1',
      scopes: ['customer:login'],
    });
    expect(approved.payload.state_context?.payment_token).toBeUndefined();
  });

  it('accepts an in-store QR_CODE request with no return URLs', async () => {
    const request = await create({
      currency: 'USD',
      amount: 500,
      customer_interaction_config: { method: 'QR_CODE' },
      point_of_checkout: { store_id: 'store-1' },
      point_of_transaction: { type: 'TERMINAL', terminal_reference: 'terminal-1' },
    });
    expect(request.state_context?.customer_interaction?.method).toBe('QR_CODE');
  });

  it('refuses a HANDOVER without a return_url, naming the field', async () => {
    const { return_url: _gone, ...config } = CREATE.customer_interaction_config;
    const body = await post(requestsUrl(), { ...CREATE, customer_interaction_config: config })
      .expectStatus(400)
      .returns('res.body');
    expect(body).toEqual(
      validationError([
        {
          parameter: 'customer_interaction_config.return_url',
          reason: 'customer interaction method HANDOVER must define return URLs: return_url is required',
        },
      ]),
    );
  });

  it('refuses line items that do not add up to the amount, with every other violation', async () => {
    const body = await post(requestsUrl(), { ...CREATE, amount: 10000, currency: 'usd' })
      .expectStatus(400)
      .returns('res.body');
    expect(body).toEqual(
      validationError([
        { parameter: 'currency', reason: 'must be an ISO 4217 code of 3 upper-case letters' },
        {
          parameter: 'supplementary_purchase_data.line_items',
          reason: 'the sum of line_items[].total_amount (11000) must equal amount (10000)',
        },
      ]),
    );
  });

  it('checks the credentials before the body: no Authorization is a 401', async () => {
    await post(requestsUrl(), {}, {}).expectStatus(401).expectJsonMatch({ error_code: 'UNAUTHORIZED' });
  });

  it('refuses a partner account id that is no krn', async () => {
    const body = await post(requestsUrl('acct-1'), CREATE).expectStatus(400).returns('res.body');
    expect(KlarnaError.parse(body).validation_errors?.[0]?.parameter).toBe('partner_account_id');
  });

  it('serves the hosted purchase page of a created request, whose Approve button completes it', async () => {
    const request = await create();
    const url = String(request.state_context?.customer_interaction?.payment_request_url);
    const page = await fetch(url);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('Running shoes');
    const approve = await fetch(url.replace(/\/start$/, '/approve'), { method: 'POST', redirect: 'manual' });
    expect(approve.status).toBeLessThan(400);
    const read = await get(requestUrl(request.payment_request_id)).expectStatus(200).returns('res.body');
    expect(PaymentRequest.parse(read).state).toBe('COMPLETED');
  });

  it('completes on approval with a payment token a final authorization must match in amount and currency', async () => {
    const request = await create();
    const approved = await approve(request.payment_request_id);
    const token = String(approved.payload.state_context?.payment_token);
    expect(token).toMatch(/^krn:payment:eu1:klarna-network-session-token:/);
    expect(approved.payload.state_context?.klarna_network_session_token).toBe(token);
    expect(new URL(String(approved.redirect_url)).searchParams.get('token')).toBe(token);
    const final = (amount: number) =>
      post(
        AUTHORIZE_URL(),
        { currency: 'USD', request_payment_transaction: { amount } },
        { ...AUTH, 'klarna-network-session-token': token },
      );
    await final(12000).expectStatus(409).expectJsonMatch({
      error_code: 'RESOURCE_CONFLICT',
      error_message: 'Idempotent operation on Klarna-Network-Session-Token failed: the customer approved 11000 USD',
    });
    const answer = AuthorizeResponse.parse(await final(11000).expectStatus(200).returns('res.body'));
    expect(answer.payment_transaction_response?.result).toBe('APPROVED');
  });

  it('announces the new request as state-change.submitted and an update as payment.request.updated', async () => {
    const posted: string[] = [];
    const { app } = await testApp({
      config: { webhooks: [{ account: ACCOUNT, url: 'http://127.0.0.1:9/hook', signing_key: 'k'.repeat(32) }] },
      webhookPost: async (_url, body) => {
        posted.push(body);
        return 200;
      },
    });
    try {
      const base = await listening(app);
      const created = await pactum
        .spec()
        .post(`${base}${requestsUrl()}`)
        .withHeaders(AUTH)
        .withJson(CREATE)
        .expectStatus(201)
        .returns('res.body');
      const id = PaymentRequest.parse(created).payment_request_id;
      await pactum
        .spec()
        .patch(`${base}${requestUrl(id)}`)
        .withHeaders(AUTH)
        .withJson({ payment_request_reference: 'updated' })
        .expectStatus(200);
      await app.webhooks.idle();
    } finally {
      await app.close();
    }
    const envelopes = posted.map((body) => WebhookEnvelope.parse(JSON.parse(body)));
    expect(
      envelopes.map((e) => [
        e.metadata.event_type,
        (e.payload as { payment_request_reference?: string }).payment_request_reference,
      ]),
    ).toEqual([
      ['payment.request.state-change.submitted', 'payment-reference-1'],
      ['payment.request.updated', 'updated'],
    ]);
  });
});

describe('Klarna-Idempotency-Key on createPaymentRequest', () => {
  it('replays the first answer byte for byte for the same body under the same key', async () => {
    const headers = { ...AUTH, 'klarna-idempotency-key': 'create-once' };
    const first = await post(requestsUrl(), CREATE, headers).expectStatus(201).toss();
    const again = await post(requestsUrl(), { ...CREATE }, headers)
      .expectStatus(201)
      .expectHeader('idempotent-replayed', 'true')
      .toss();
    expect(again.body).toEqual(first.body);
  });

  it('answers 409 for another body, or another operation, under a key already used', async () => {
    const headers = { ...AUTH, 'klarna-idempotency-key': 'create-conflict' };
    await post(requestsUrl(), CREATE, headers).expectStatus(201);
    const conflict = {
      error_id: expect.any(String),
      error_type: 'RESOURCE_ERROR',
      error_code: 'RESOURCE_CONFLICT',
      error_message:
        'Idempotent operation on create-conflict failed: the request differs from the first one sent with this key',
    };
    expect(
      await post(requestsUrl(), { ...CREATE, payment_request_reference: 'other' }, headers)
        .expectStatus(409)
        .returns('res.body'),
    ).toEqual(conflict);
    const authorizeBody = { currency: 'USD', request_payment_transaction: { amount: 11000 } };
    expect(await post(AUTHORIZE_URL(), authorizeBody, headers).expectStatus(409).returns('res.body')).toEqual(conflict);
  });

  it('keeps the keys of one account apart from another’s', async () => {
    const headers = { ...AUTH, 'klarna-idempotency-key': 'per-account' };
    const mine = await create(CREATE, requestsUrl(), headers);
    const theirs = await create(CREATE, requestsUrl('krn:partner:global:account:test:OTHER'), headers);
    expect(theirs.payment_request_id).not.toBe(mine.payment_request_id);
  });
});

describe('updatePaymentRequest', () => {
  it('replaces the fields sent on a SUBMITTED request and keeps the others', async () => {
    const request = await create();
    const updated = PaymentRequest.parse(
      await patch(requestUrl(request.payment_request_id), { payment_request_reference: 'updated-reference' })
        .expectStatus(200)
        .expect('contract', PaymentRequest)
        .returns('res.body'),
    );
    expect(updated).toEqual({ ...request, payment_request_reference: 'updated-reference' });
  });

  it('takes Klarna’s Update sample: an amount its line items do not add up to, and an interoperability token', async () => {
    const request = await create();
    const items = [...LINE_ITEMS, { name: 'Shipping', quantity: 1, total_amount: 1336 }];
    const updated = PaymentRequest.parse(
      await patch(
        requestUrl(request.payment_request_id),
        { ...CREATE, amount: 11836, supplementary_purchase_data: { purchase_reference: 'order-2', line_items: items } },
        { ...AUTH, 'klarna-interoperability-token': '5b4b9c3e-0d1f-4bb4-9a52-3c1f5a0a8f11' },
      )
        .expectStatus(200)
        .returns('res.body'),
    );
    expect(updated).toMatchObject({
      state: 'SUBMITTED',
      amount: 11836,
      supplementary_purchase_data: { purchase_reference: 'order-2', line_items: items },
    });
  });

  it('finalizes with the updated amount', async () => {
    const request = await create();
    await patch(requestUrl(request.payment_request_id), { amount: 9000, supplementary_purchase_data: {} }).expectStatus(
      200,
    );
    const token = String((await approve(request.payment_request_id)).payload.state_context?.payment_token);
    await post(
      AUTHORIZE_URL(),
      { currency: 'USD', request_payment_transaction: { amount: 9000 } },
      { ...AUTH, 'klarna-network-session-token': token },
    )
      .expectStatus(200)
      .expectJsonMatch({ payment_transaction_response: { result: 'APPROVED' } });
  });

  it('answers 409 RESOURCE_CONFLICT once the request has left SUBMITTED', async () => {
    const request = await create();
    await approve(request.payment_request_id);
    const body = await patch(requestUrl(request.payment_request_id), { amount: 1 })
      .expectStatus(409)
      .returns('res.body');
    expect(body).toEqual({
      error_id: expect.any(String),
      error_type: 'RESOURCE_ERROR',
      error_code: 'RESOURCE_CONFLICT',
      error_message: `Payment request ${request.payment_request_id} is COMPLETED; it cannot be updated any more`,
    });
  });

  it('answers 404 RESOURCE_NOT_FOUND for a request it does not know', async () => {
    await patch(requestUrl('krn:payment:eu1:request:nope'), { amount: 1 })
      .expectStatus(404)
      .expectJsonMatch({ error_type: 'RESOURCE_ERROR', error_code: 'RESOURCE_NOT_FOUND' });
  });

  it('replays a PATCH sent again under its key, and refuses the key on another request', async () => {
    const [one, two] = [await create(), await create()];
    const headers = { ...AUTH, 'klarna-idempotency-key': 'patch-once' };
    const change = { payment_request_reference: 'patched' };
    await patch(requestUrl(one.payment_request_id), change, headers).expectStatus(200);
    await patch(requestUrl(one.payment_request_id), change, headers)
      .expectStatus(200)
      .expectHeader('idempotent-replayed', 'true');
    await patch(requestUrl(two.payment_request_id), change, headers).expectStatus(409);
  });
});

describe('the Klarna Direct forms, on the API key’s account', () => {
  const DIRECT = '/v2/payment/requests';

  it('creates, reads and cancels on the default account with a key bound to none', async () => {
    const request = await create(CREATE, DIRECT);
    const read = await get(`${DIRECT}/${request.payment_request_id}`).expectStatus(200).returns('res.body');
    expect(read).toEqual(request);
    await get(requestUrl(request.payment_request_id, DEFAULT_ACCOUNT)).expectStatus(200);
    await get(requestUrl(request.payment_request_id)).expectStatus(404);
    const canceled = await pactum
      .spec()
      .delete(`${served.base}${DIRECT}/${request.payment_request_id}`)
      .withHeaders(AUTH)
      .expectStatus(200)
      .returns('res.body');
    expect(PaymentRequest.parse(canceled).state).toBe('CANCELED');
  });

  it('acts on the one account a key is bound to', async () => {
    const bound = { authorization: 'Basic klarna_test_api_bound' };
    const request = await create(CREATE, DIRECT, bound);
    await get(requestUrl(request.payment_request_id)).expectStatus(200);
    await patch(`${DIRECT}/${request.payment_request_id}`, { amount: 11000 }, bound).expectStatus(200);
  });

  it('answers 401 to a key it does not know, before anything else', async () => {
    const body = await post(DIRECT, {}, { authorization: 'Basic nope' }).expectStatus(401).returns('res.body');
    expect(body).toEqual({
      error_id: expect.any(String),
      error_type: 'ACCESS_ERROR',
      error_code: 'UNAUTHORIZED',
      error_message: 'The presented credentials failed authentication',
    });
  });
});

describe('the body of a create or an update', () => {
  const raw = (method: string, url: string, headers: Record<string, string>, body: string) =>
    fetch(`${served.base}${url}`, { method, headers: { 'content-type': 'application/json', ...headers }, body });

  it('is read after the credentials: malformed JSON without them is a 401', async () => {
    const response = await raw('POST', requestsUrl(), {}, '{"currency": ');
    expect(response.status).toBe(401);
  });

  it('answers malformed JSON with 400 INVALID_CONTENT_TYPE, as authorize does', async () => {
    const response = await raw('POST', '/v2/payment/requests', AUTH, '{"currency": ');
    expect(response.status).toBe(400);
    expect(KlarnaError.parse(await response.json())).toMatchObject({
      error_type: 'INPUT_ERROR',
      error_code: 'INVALID_CONTENT_TYPE',
    });
  });

  it('refuses JSON null as no request object', async () => {
    const request = await create();
    const response = await raw('PATCH', requestUrl(request.payment_request_id), AUTH, 'null');
    expect(await response.json()).toEqual({
      error_id: expect.any(String),
      error_type: 'INPUT_ERROR',
      error_code: 'INVALID_CONTENT_TYPE',
      error_message: 'The received input is JSON null, not a request object',
    });
  });
});
