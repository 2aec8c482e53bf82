import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ClientReport } from '../../contracts/index.js';
import type { MockApp } from '../../mock-server/app/build-app.js';
import { klarnaClient } from '../support/klarna-client.js';
import { ACCOUNT, AUTHORIZE_URL, loadSamples } from '../support/samples.js';
import { listening, testApp } from '../support/test-app.js';

const GOOD_CLIENT = 'krn:partner:global:account:test:GOODGOOD';
const BAD_CLIENT = 'krn:partner:global:account:test:BADBADBA';
const stepUp = loadSamples()['initial-authorization-step-up'];
if (!stepUp) throw new Error('missing sample');
const GOOD_BODY = { ...stepUp.body, step_up_config: undefined };

let app: MockApp;
let base: string;
beforeEach(async () => {
  ({ app } = await testApp({ config: { journalSize: 5 } }));
  base = await listening(app);
});
afterEach(() => app.close());

const client = klarnaClient(() => base);
const post = (account: string, headers: Record<string, string>, body: unknown) =>
  client.authorize(body, { account, apiKey: 'klarna_test_api_secret', headers });
const report = async (account?: string) =>
  (await client.admin.report(account ? `?account=${encodeURIComponent(account)}` : '')).ok();
const journal = async (query = '') => (await client.admin.requests(query)).ok();
const codes = (r: ClientReport) => r.findings.map((f) => `${f.severity}:${f.code}`);

describe('client verification', () => {
  it('passes a good client with no errors and no warnings', async () => {
    await post(GOOD_CLIENT, { 'klarna-idempotency-key': randomUUID() }, GOOD_BODY);
    await post(GOOD_CLIENT, { 'klarna-idempotency-key': randomUUID() }, GOOD_BODY);
    expect(await report(GOOD_CLIENT)).toEqual({
      account: GOOD_CLIENT,
      requests: 2,
      errors: 0,
      warnings: 0,
      findings: [],
    });
  });

  it('flags a bad client: float amount, missing currency, a typo field, a retry under a new key', async () => {
    await post(
      BAD_CLIENT,
      { 'klarna-idempotency-key': randomUUID() },
      { request_payment_transaction: { amount: 118.5 } },
    );
    const typo = { ...GOOD_BODY, request_payment_transaction: { amount: 11800, paymnet_transaction_reference: 'x' } };
    await post(BAD_CLIENT, { 'klarna-idempotency-key': randomUUID() }, typo);
    const timedOut = await post(
      BAD_CLIENT,
      { 'klarna-idempotency-key': randomUUID(), 'mock-scenario': 'timeout' },
      GOOD_BODY,
    );
    expect(timedOut.status).toBe(500);
    await post(BAD_CLIENT, { 'klarna-idempotency-key': randomUUID() }, GOOD_BODY);

    const result = await report(BAD_CLIENT);
    expect(result.errors).toBe(2);
    expect(codes(result)).toEqual(['error:VALIDATION_ERROR', 'warning:unknown_field', 'warning:retry_with_new_key']);
    const parameters = result.findings.flatMap((f) => f.examples.map((e) => e.parameter));
    expect(parameters).toEqual([
      'currency',
      'request_payment_transaction.amount',
      'request_payment_transaction.paymnet_transaction_reference',
      'Klarna-Idempotency-Key',
    ]);
  });

  it('warns about missing recommended data and idempotency keys', async () => {
    await post(BAD_CLIENT, {}, { currency: 'USD', request_payment_transaction: { amount: 100 } });
    await post(
      BAD_CLIENT,
      { 'klarna-idempotency-key': 'order-42' },
      { currency: 'USD', request_payment_transaction: { amount: 100 }, supplementary_purchase_data: {} },
    );
    expect(codes(await report(BAD_CLIENT)).sort()).toEqual([
      'warning:idempotency_key_not_uuid',
      'warning:missing_idempotency_key',
      'warning:missing_line_items',
      'warning:missing_supplementary_purchase_data',
    ]);
  });

  it('does not blame the client for errors a scenario staged', async () => {
    await post(BAD_CLIENT, { 'klarna-idempotency-key': randomUUID(), 'mock-scenario': 'validation-error' }, GOOD_BODY);
    expect((await report(BAD_CLIENT)).errors).toBe(0);
  });

  it("takes Klarna-Payment-Token as Klarna's collection sends it, without a warning, and redacts every token header", async () => {
    const tokens = {
      'klarna-idempotency-key': randomUUID(),
      'klarna-payment-token': 'krn:payment:eu1:payment-token:x',
      'klarna-interoperability-token': 'krn:network:us1:interoperability:jwt',
      'klarna-customer-token': 'krn:customer-token:eu1:c',
    };
    expect((await post(BAD_CLIENT, tokens, GOOD_BODY)).status).toBe(200);
    const codes = (await report(BAD_CLIENT)).findings.map((f) => f.code);
    expect(codes.some((code) => code.includes('payment_token'))).toBe(false);
    const [entry] = (await journal(`?account=${encodeURIComponent(BAD_CLIENT)}`)).requests;
    expect(entry?.headers).toMatchObject({
      'klarna-payment-token': '[redacted]',
      'klarna-interoperability-token': '[redacted]',
      'klarna-customer-token': '[redacted]',
    });
  });

  it('warns when a final authorization asks for another amount than the step-up', async () => {
    const first = await post(BAD_CLIENT, { 'klarna-idempotency-key': randomUUID() }, stepUp.body);
    const paymentRequestId = first.ok().payment_request?.payment_request_id;
    const final = {
      currency: 'USD',
      payment_request_id: paymentRequestId,
      request_payment_transaction: { amount: 11900 },
    };
    await post(BAD_CLIENT, { 'klarna-idempotency-key': randomUUID(), 'klarna-network-session-token': 'krn:t' }, final);
    const result = await report(BAD_CLIENT);
    expect(codes(result)).toContain('warning:amount_differs_from_step_up');
  });
});

describe('the request journal', () => {
  it('keeps time, method, path, redacted headers, body, outcome and findings', async () => {
    await post(ACCOUNT, { 'klarna-network-session-token': 'secret-token', 'mock-scenario': 'declined' }, GOOD_BODY);
    const [entry] = (await journal()).requests;
    expect(entry).toMatchObject({
      account: ACCOUNT,
      method: 'POST',
      path: AUTHORIZE_URL(ACCOUNT),
      status: 200,
      result: 'DECLINED',
      scenario: 'declined',
      replayed: false,
      time: '2026-11-26T12:00:00.000Z',
    });
    expect(entry?.headers.authorization).toBe('[redacted]');
    expect(entry?.headers['klarna-network-session-token']).toBe('[redacted]');
    expect(JSON.stringify(entry)).not.toContain('secret');
    expect(entry?.body).toEqual(JSON.parse(JSON.stringify(GOOD_BODY)));
  });

  it('keeps a body that is not JSON as the text received, and flags it', async () => {
    await client.authorize('{"currency": "USD",', { apiKey: 'k' });
    const [entry] = (await journal()).requests;
    expect(entry?.body).toBe('{"currency": "USD",');
    expect(entry?.status).toBe(400);
    expect(entry?.findings.map((f) => f.code)).toEqual(['INVALID_CONTENT_TYPE']);
  });

  it('records faults as faults', async () => {
    await post(ACCOUNT, { 'mock-scenario': 'response-lost' }, GOOD_BODY).catch(() => undefined);
    const [entry] = (await journal()).requests;
    expect(entry?.fault).toBe('response_lost');
    expect(entry?.status).toBeUndefined();
  });

  it('is a ring buffer per account, filtered by account and limit', async () => {
    for (let i = 0; i < 7; i++) await post(ACCOUNT, { 'partner-correlation-id': `n${i}` }, GOOD_BODY);
    await post(GOOD_CLIENT, {}, GOOD_BODY);
    const mine = (await journal(`?account=${encodeURIComponent(ACCOUNT)}`)).requests;
    expect(mine.map((e) => e.headers['partner-correlation-id'])).toEqual(['n2', 'n3', 'n4', 'n5', 'n6']);
    expect((await journal()).requests).toHaveLength(6);
    expect((await journal('?limit=2')).requests).toHaveLength(2);
  });

  it('records a request with no body, or an empty one, with its 400', async () => {
    const path = AUTHORIZE_URL(ACCOUNT);
    await client.send({ method: 'POST', path, headers: { authorization: 'Basic k' } });
    await client.send({
      method: 'POST',
      path,
      headers: { authorization: 'Basic k', 'content-type': 'application/json' },
    });
    const entries = (await journal()).requests;
    expect(entries.map((e) => [e.status, e.body])).toEqual([
      [400, null],
      [400, null],
    ]);
  });

  it('drops records older than journalMaxAgeMs on their own account clock', async () => {
    await post(ACCOUNT, { 'partner-correlation-id': 'old' }, GOOD_BODY);
    await post(GOOD_CLIENT, { 'partner-correlation-id': 'other' }, GOOD_BODY);
    const advance = await client.admin.moveClock({ advance_ms: 24 * 3_600_000 }, ACCOUNT);
    expect(advance.status).toBe(200);
    await post(ACCOUNT, { 'partner-correlation-id': 'new' }, GOOD_BODY);
    const ids = (await journal()).requests.map((e) => e.headers['partner-correlation-id']);
    expect(ids.sort()).toEqual(['new', 'other']);
  });

  it('forgets an account on reset, keeping the others', async () => {
    await post(ACCOUNT, {}, GOOD_BODY);
    await post(GOOD_CLIENT, {}, GOOD_BODY);
    await client.admin.reset(ACCOUNT);
    expect((await journal()).requests.map((e) => e.account)).toEqual([GOOD_CLIENT]);
  });
});
