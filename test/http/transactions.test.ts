import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AuthorizeResponse, KlarnaError, PaymentTransactionResource } from '../../contracts/index.js';
import type { MockApp } from '../../mock-server/build-app.js';
import type { fakeClock } from '../support/fake-clock.js';
import { ACCOUNT, AUTHORIZE_URL } from '../support/samples.js';
import { listening, testApp } from '../support/test-app.js';

const DAY = 24 * 60 * 60 * 1000;
const AUTH = { authorization: 'Basic klarna_test_api_k', 'content-type': 'application/json' };
const PAYMENT = {
  currency: 'EUR',
  request_payment_transaction: { amount: 4000, payment_transaction_reference: 'order-7' },
  supplementary_purchase_data: {
    purchase_reference: 'order-7',
    line_items: [{ name: 'Shoe', quantity: 1, total_amount: 4000 }],
  },
};

let app: MockApp;
let clock: ReturnType<typeof fakeClock>;
let base: string;
beforeAll(async () => {
  ({ app, clock } = await testApp());
  base = await listening(app);
});
afterAll(() => app.close());

async function approve(body: unknown = PAYMENT) {
  const response = await fetch(`${base}${AUTHORIZE_URL()}`, {
    method: 'POST',
    headers: AUTH,
    body: JSON.stringify(body),
  });
  const transaction = AuthorizeResponse.parse(await response.json()).payment_transaction_response?.payment_transaction;
  if (!transaction) throw new Error('not approved');
  return transaction.payment_transaction_id;
}
async function read(id: string, account = ACCOUNT) {
  const url = `${base}/v2/accounts/${encodeURIComponent(account)}/payment/transactions/${encodeURIComponent(id)}`;
  const response = await fetch(url, { headers: AUTH });
  return { status: response.status, json: (await response.json()) as unknown };
}

describe('reading a payment transaction', () => {
  it('answers an approved transaction AUTHORIZED, with its amount, reference and purchase data', async () => {
    const id = await approve();
    const { status, json } = await read(id);
    expect(status).toBe(200);
    expect(PaymentTransactionResource.parse(json)).toMatchObject({
      payment_transaction_id: id,
      payment_transaction_reference: 'order-7',
      state: 'AUTHORIZED',
      amount: 4000,
      currency: 'EUR',
      supplementary_purchase_data: { purchase_reference: 'order-7' },
    });
  });

  it('answers a transaction captured at once (capture NOW) COMPLETED', async () => {
    const id = await approve({ ...PAYMENT, request_payment_transaction: { amount: 4000, capture: 'NOW' } });
    expect(PaymentTransactionResource.parse((await read(id)).json).state).toBe('COMPLETED');
  });

  it('answers EXPIRED past expires_at on the account clock, and CLOSED 7 days later', async () => {
    const id = await approve();
    clock.advance(28 * DAY);
    expect(PaymentTransactionResource.parse((await read(id)).json).state).toBe('EXPIRED');
    clock.advance(7 * DAY);
    expect(PaymentTransactionResource.parse((await read(id)).json).state).toBe('CLOSED');
  });

  it('keeps transactions per account: another account, or an id never issued, is 404 RESOURCE_NOT_FOUND', async () => {
    const id = await approve();
    for (const answer of [
      await read(id, 'krn:partner:global:account:test:SOMEONEELSE'),
      await read('krn:payment:eu1:transaction:00000000-0000-4000-8000-000000000000'),
    ]) {
      expect(answer.status).toBe(404);
      expect(KlarnaError.parse(answer.json)).toMatchObject({
        error_type: 'RESOURCE_ERROR',
        error_code: 'RESOURCE_NOT_FOUND',
      });
    }
  });

  it('needs the same credentials as authorize', async () => {
    const id = await approve();
    const url = `${base}/v2/accounts/${encodeURIComponent(ACCOUNT)}/payment/transactions/${encodeURIComponent(id)}`;
    expect((await fetch(url)).status).toBe(401);
  });
});
