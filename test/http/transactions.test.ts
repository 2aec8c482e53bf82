import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PaymentTransactionResource } from '../../contracts/index.js';
import type { MockApp } from '../../mock-server/app/build-app.js';
import type { fakeClock } from '../support/fake-clock.js';
import { klarnaClient } from '../support/klarna-client.js';
import { ACCOUNT } from '../support/samples.js';
import { listening, testApp } from '../support/test-app.js';

const DAY = 24 * 60 * 60 * 1000;
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

const client = klarnaClient(() => base);
const approve = (body: unknown = PAYMENT, options?: Parameters<typeof client.approve>[1]) =>
  client.approve(body, options);

describe('reading a payment transaction', () => {
  it('answers an approved transaction AUTHORIZED, with its amount, reference and purchase data', async () => {
    const id = await approve();
    const { status, body: json } = await client.transactions.read(id);
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

  it('keeps the purchase data as sent when the fingerprint wrote it (a keyed body with fields after it)', async () => {
    // A key makes the fingerprint's canonical body, which writes the purchase data apart for the transaction to keep;
    // point_of_checkout comes after it in the contract's order.
    const body = { ...PAYMENT, point_of_checkout: { store_id: 'store-9' } };
    const id = await approve(body, { idempotencyKey: 'kept-purchase-data' });
    expect((await client.transactions.read(id)).ok().supplementary_purchase_data).toEqual(
      PAYMENT.supplementary_purchase_data,
    );
    // The same body with its keys in another order is the same request: replayed, not a conflict.
    const reordered = {
      point_of_checkout: { store_id: 'store-9' },
      supplementary_purchase_data: {
        line_items: [{ total_amount: 4000, quantity: 1, name: 'Shoe' }],
        purchase_reference: 'order-7',
      },
      request_payment_transaction: { payment_transaction_reference: 'order-7', amount: 4000 },
      currency: 'EUR',
    };
    const again = await client.authorize(reordered, { idempotencyKey: 'kept-purchase-data' });
    expect(again.status).toBe(200);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(again.ok().payment_transaction_response?.payment_transaction?.payment_transaction_id).toBe(id);
  });

  it('answers a transaction captured at once (capture NOW) COMPLETED', async () => {
    const id = await approve({ ...PAYMENT, request_payment_transaction: { amount: 4000, capture: 'NOW' } });
    expect((await client.transactions.read(id)).ok().state).toBe('COMPLETED');
  });

  it('answers EXPIRED past expires_at on the account clock, and CLOSED 7 days later', async () => {
    const id = await approve();
    clock.advance(28 * DAY);
    expect((await client.transactions.read(id)).ok().state).toBe('EXPIRED');
    clock.advance(7 * DAY);
    expect((await client.transactions.read(id)).ok().state).toBe('CLOSED');
  });

  it('keeps transactions per account: another account, or an id never issued, is 404 RESOURCE_NOT_FOUND', async () => {
    const id = await approve();
    for (const answer of [
      await client.transactions.read(id, 'krn:partner:global:account:test:SOMEONEELSE'),
      await client.transactions.read('krn:payment:eu1:transaction:00000000-0000-4000-8000-000000000000'),
    ]) {
      expect(answer.status).toBe(404);
      expect(answer.error()).toMatchObject({
        error_type: 'RESOURCE_ERROR',
        error_code: 'RESOURCE_NOT_FOUND',
      });
    }
  });

  it('needs the same credentials as authorize', async () => {
    const id = await approve();
    const path = `/v2/accounts/${encodeURIComponent(ACCOUNT)}/payment/transactions/${encodeURIComponent(id)}`;
    expect((await client.send({ method: 'GET', path })).status).toBe(401);
  });
});
