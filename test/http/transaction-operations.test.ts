import { beforeEach, describe, expect, it } from 'vitest';
import { PaymentCaptureResource, PaymentRefundResource, PaymentTransactionResource } from '../../contracts/index.js';
import { servedApp } from '../support/test-app.js';
import { LINE_ITEMS, PAYMENT, transactionClient } from '../support/transaction-client.js';

const DAY = 24 * 60 * 60 * 1000;
const served = servedApp();
const klarna = transactionClient(() => served.base);
let other = 0;
/** Each test on its own account, so that moving the clock moves only its transactions. */
let client = klarna;
beforeEach(() => {
  other += 1;
  client = transactionClient(() => served.base, `krn:partner:global:account:test:OPS${String(other).padStart(5, '0')}`);
});

const SHIPMENT = {
  delivery: { tracking_number: 'T1', shipping_carrier: 'DHL', estimated_delivery_date: '2026-12-10' },
};
const refused = (answer: { status: number; json: { error_code?: string } }) => [answer.status, answer.json.error_code];

describe('capturing a payment transaction', () => {
  it('captures partly, then the rest; each capture has its id and the read shows them and the amounts', async () => {
    const id = await client.approve();
    const first = await client.capture(id, {
      capture_amount: 1500,
      payment_capture_reference: 'partner-capture-reference-1',
      supplementary_capture_data: { line_items: LINE_ITEMS, shipments: [SHIPMENT] },
    });
    expect(first.status).toBe(201);
    expect(PaymentCaptureResource.parse(first.json)).toMatchObject({
      payment_capture_id: `${id}:capture:1`,
      amount: 1500,
      supplementary_capture_data: { shipments: [SHIPMENT] },
    });
    expect(PaymentTransactionResource.parse((await client.read(id)).json)).toMatchObject({
      state: 'AUTHORIZED',
      captured_amount: 1500,
      remaining_authorized_amount: 2500,
    });
    const second = await client.capture(id, { capture_amount: 2500 });
    expect(second.json.payment_capture_id).toBe(`${id}:capture:2`);
    const read = PaymentTransactionResource.parse((await client.read(id)).json);
    expect(read).toMatchObject({ state: 'COMPLETED', captured_amount: 4000, remaining_authorized_amount: 0 });
    expect(read.payment_captures?.map((c) => c.payment_capture_id)).toEqual([`${id}:capture:1`, `${id}:capture:2`]);
    const again = await client.readCapture(`${id}:capture:1`);
    expect(again.status).toBe(200);
    expect(again.json).toMatchObject({ payment_capture_reference: 'partner-capture-reference-1', amount: 1500 });
  });

  it('refuses more than remains with 403 OPERATION_FORBIDDEN, and a capture once COMPLETED with 409', async () => {
    const id = await client.approve();
    const over = await client.capture(id, { capture_amount: 4001 });
    expect(refused(over)).toEqual([403, 'OPERATION_FORBIDDEN']);
    expect(over.json.error_message).toContain('capture_amount 4001 exceeds the 4000 left to capture');
    await client.capture(id, { capture_amount: 4000 });
    expect(refused(await client.capture(id, { capture_amount: 1 }))).toEqual([409, 'RESOURCE_CONFLICT']);
  });

  it('releases the rest with remaining_authorization RELEASE: COMPLETED, nothing more to capture', async () => {
    const id = await client.approve();
    await client.capture(id, { capture_amount: 1000, remaining_authorization: 'RELEASE' });
    expect((await client.read(id)).json).toMatchObject({ state: 'COMPLETED', remaining_authorized_amount: 0 });
  });

  it('refuses a capture once EXPIRED (409)', async () => {
    const id = await client.approve();
    await client.advance(28 * DAY);
    const answer = await client.capture(id, { capture_amount: 1 });
    expect(refused(answer)).toEqual([409, 'RESOURCE_CONFLICT']);
    expect(answer.json.error_message).toContain('is EXPIRED; it cannot be captured');
  });

  it('reads capture NOW by its capture id', async () => {
    const id = await client.approve({ ...PAYMENT, request_payment_transaction: { amount: 4000, capture: 'NOW' } });
    expect((await client.readCapture(`${id}:capture:1`)).json).toMatchObject({ amount: 4000 });
  });

  it('stops at 200 captures with 403', async () => {
    const id = await client.approve({ currency: 'EUR', request_payment_transaction: { amount: 100_000 } });
    for (let i = 0; i < 200; i += 1) expect((await client.capture(id, { capture_amount: 1 })).status).toBe(201);
    const answer = await client.capture(id, { capture_amount: 1 });
    expect(refused(answer)).toEqual([403, 'OPERATION_FORBIDDEN']);
    expect(answer.json.error_message).toContain('limit of 200 captures');
  });

  it('replays a capture sent again with its Klarna-Idempotency-Key, and refuses the key for another body', async () => {
    const id = await client.approve();
    const key = { 'klarna-idempotency-key': 'cap-1' };
    const first = await client.capture(id, { capture_amount: 100 }, key);
    const again = await client.capture(id, { capture_amount: 100 }, key);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(again.json).toEqual(first.json);
    expect((await client.read(id)).json.captured_amount).toBe(100);
    expect(refused(await client.capture(id, { capture_amount: 200 }, key))).toEqual([409, 'RESOURCE_CONFLICT']);
  });

  it('keeps captures per account and checks the body', async () => {
    const id = await client.approve();
    const { json } = await client.capture(id, { capture_amount: 100 });
    expect((await klarna.readCapture(String(json.payment_capture_id))).status).toBe(404);
    expect(refused(await client.capture(id, { capture_amount: 0 }))).toEqual([400, 'VALIDATION_ERROR']);
  });
});

describe('scenarios on transaction operations', () => {
  it('declines a capture under a DECLINED scenario with 403, capturing nothing', async () => {
    const id = await client.approve();
    const answer = await client.capture(id, { capture_amount: 100 }, { 'mock-scenario': 'declined' });
    expect(refused(answer)).toEqual([403, 'OPERATION_FORBIDDEN']);
    expect(answer.json.error_message).toBe(`Capture of payment transaction ${id} was declined (scenario declined)`);
    expect((await client.read(id)).json.captured_amount).toBe(0);
  });

  it('answers an error scenario instead of the operation, and refuses a result other than a declined capture', async () => {
    const id = await client.approve();
    await client.capture(id, { capture_amount: 100 });
    expect(refused(await client.void(id, { 'mock-scenario': 'forbidden' }))).toEqual([403, 'OPERATION_FORBIDDEN']);
    expect((await client.read(id)).json.state).toBe('AUTHORIZED');
    const refund = await client.refund(
      id,
      { refund_amount: 1, supplementary_refund_data: { line_items: LINE_ITEMS } },
      { 'mock-scenario': 'declined' },
    );
    expect(refund.status).toBe(400);
    expect(refund.json.validation_errors).toEqual([
      { parameter: 'Mock-Scenario', reason: 'scenario "declined" applies to authorize only' },
    ]);
  });
});

describe('refunding', () => {
  it('refunds a transaction with line items, readable by its refund id; never more than was captured', async () => {
    const id = await client.approve();
    await client.capture(id, { capture_amount: 3000 });
    const missing = await client.refund(id, { refund_amount: 100 });
    expect(refused(missing)).toEqual([400, 'VALIDATION_ERROR']);
    const done = await client.refund(id, {
      refund_amount: 1000,
      refund_reference: 'refund-1',
      supplementary_refund_data: { line_items: LINE_ITEMS },
    });
    expect(done.status).toBe(201);
    expect(PaymentRefundResource.parse(done.json).payment_refund_id).toBe(`${id}:refund:1`);
    expect((await client.readRefund(`${id}:refund:1`)).json).toMatchObject({ amount: 1000 });
    const over = await client.refund(id, {
      refund_amount: 2001,
      supplementary_refund_data: { line_items: LINE_ITEMS },
    });
    expect(refused(over)).toEqual([403, 'OPERATION_FORBIDDEN']);
    expect((await client.read(id)).json).toMatchObject({ refunded_amount: 1000, captured_amount: 3000 });
  });

  it('stops at 200 refunds with 403', async () => {
    const id = await client.approve({ currency: 'EUR', request_payment_transaction: { amount: 100_000 } });
    await client.capture(id, { capture_amount: 100_000 });
    const refund = { refund_amount: 1, supplementary_refund_data: { line_items: LINE_ITEMS } };
    for (let i = 0; i < 200; i += 1) expect((await client.refund(id, refund)).status).toBe(201);
    const answer = await client.refund(id, refund);
    expect(refused(answer)).toEqual([403, 'OPERATION_FORBIDDEN']);
    expect(answer.json.error_message).toContain('limit of 200 refunds');
  });

  it('stops at 500 actions in all with 403, whatever they were', async () => {
    const id = await client.approve({ currency: 'EUR', request_payment_transaction: { amount: 100_000 } });
    const refund = { refund_amount: 1, supplementary_refund_data: { line_items: LINE_ITEMS } };
    for (let i = 0; i < 200; i += 1) expect((await client.capture(id, { capture_amount: 1 })).status).toBe(201);
    for (let i = 0; i < 200; i += 1) expect((await client.refund(id, refund)).status).toBe(201);
    for (let i = 0; i < 100; i += 1) {
      expect((await client.update(id, { payment_transaction_reference: `ref-${i}` })).status).toBe(200);
    }
    const answer = await client.update(id, { payment_transaction_reference: 'one-too-many' });
    expect(refused(answer)).toEqual([403, 'OPERATION_FORBIDDEN']);
    expect(answer.json.error_message).toContain('limit of 500 actions');
  });

  it('refunds a capture, never more than is left of it', async () => {
    const id = await client.approve();
    await client.capture(id, { capture_amount: 1000 });
    await client.capture(id, { capture_amount: 1000 });
    const done = await client.refundCapture(`${id}:capture:2`, { refund_amount: 600, payment_refund_reference: 'r' });
    expect(done.status).toBe(201);
    expect(done.json).toMatchObject({ payment_capture_id: `${id}:capture:2`, amount: 600 });
    expect(refused(await client.refundCapture(`${id}:capture:2`, { refund_amount: 401 }))).toEqual([
      403,
      'OPERATION_FORBIDDEN',
    ]);
    expect((await client.readCapture(`${id}:capture:2`)).json.refunded_amount).toBe(600);
    expect((await client.refundCapture(`${id}:capture:9`, { refund_amount: 1 })).status).toBe(404);
  });

  it('refuses a refund once CLOSED (409)', async () => {
    const id = await client.approve();
    await client.advance(35 * DAY);
    const answer = await client.refund(id, { refund_amount: 1, supplementary_refund_data: { line_items: LINE_ITEMS } });
    expect(refused(answer)).toEqual([409, 'RESOURCE_CONFLICT']);
  });
});

describe('voiding, reauthorizing and updating', () => {
  it('voids without captures to CLOSED, with some to COMPLETED, and not once fully captured', async () => {
    const plain = await client.approve();
    expect((await client.void(plain)).json.state).toBe('CLOSED');
    const partly = await client.approve();
    await client.capture(partly, { capture_amount: 100 });
    expect((await client.void(partly)).json.state).toBe('COMPLETED');
    const full = await client.approve();
    await client.capture(full, { capture_amount: 4000 });
    expect(refused(await client.void(full))).toEqual([409, 'RESOURCE_CONFLICT']);
  });

  it('never voids twice: a void ends AUTHORIZED, so the 200-void limit cannot be reached one void at a time', async () => {
    const id = await client.approve();
    expect((await client.void(id)).status).toBe(200);
    expect(refused(await client.void(id))).toEqual([409, 'RESOURCE_CONFLICT']);
  });

  it('reauthorizes an expired transaction: extension_days move expires_at, and it is AUTHORIZED again', async () => {
    const id = await client.approve();
    await client.advance(30 * DAY);
    expect((await client.read(id)).json.state).toBe('EXPIRED');
    const answer = await client.reauthorize(id, { extension_days: 10, amount: 3000 });
    expect(answer.status).toBe(200);
    expect(answer.json).toMatchObject({ state: 'AUTHORIZED', amount: 3000 });
    await client.advance(9 * DAY);
    expect((await client.read(id)).json.state).toBe('AUTHORIZED');
    await client.advance(DAY);
    expect((await client.read(id)).json.state).toBe('EXPIRED');
  });

  it('refuses to reauthorize once CLOSED', async () => {
    const id = await client.approve();
    await client.advance(35 * DAY);
    expect(refused(await client.reauthorize(id, { extension_days: 10 }))).toEqual([409, 'RESOURCE_CONFLICT']);
  });

  it('updates references and purchase data while AUTHORIZED, not once EXPIRED', async () => {
    const id = await client.approve();
    const answer = await client.update(id, {
      payment_transaction_reference: 'order-8',
      supplementary_purchase_data: { purchase_reference: 'order-8' },
    });
    expect(answer.json).toMatchObject({
      payment_transaction_reference: 'order-8',
      supplementary_purchase_data: { purchase_reference: 'order-8', line_items: LINE_ITEMS },
    });
    await client.advance(28 * DAY);
    expect(refused(await client.update(id, { payment_transaction_reference: 'x' }))).toEqual([
      409,
      'RESOURCE_CONFLICT',
    ]);
  });
});

describe('expiry on the account clock', () => {
  it('completes a partly captured transaction after the 7-day grace, and closes one never captured', async () => {
    const partly = await client.approve();
    await client.capture(partly, { capture_amount: 100 });
    const never = await client.approve();
    await client.advance(35 * DAY);
    expect((await client.read(partly)).json.state).toBe('COMPLETED');
    expect((await client.read(never)).json.state).toBe('CLOSED');
  });
});
