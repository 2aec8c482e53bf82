import { describe, expect, it } from 'vitest';
import { WebhookPayload } from '../../contracts/index.js';
import { simulatedPayload, simulatedState } from '../../mock-server/core/webhooks/simulated-payload.js';

describe('simulatedState', () => {
  it.each([
    ['payment.request.state-change.submitted', 'SUBMITTED'],
    ['payment.request.state-change.in-progress', 'IN_PROGRESS'],
    ['payment.request.state-change.completed', 'COMPLETED'],
    ['payment.request.state-change.canceled', 'CANCELED'],
    ['payment.request.state-change.expired', 'EXPIRED'],
    ['payment.request.state-change.declined', 'DECLINED'],
    ['payment.request.updated', 'SUBMITTED'],
  ])('%s announces a payment request in state %s', (eventType, state) => {
    expect(simulatedState(eventType)).toBe(state);
  });
});

describe('simulatedPayload', () => {
  it('is a payment request payload in the announced state, at the clock, marked as simulated', () => {
    const payload = simulatedPayload({
      eventType: 'payment.request.state-change.completed',
      paymentRequestId: 'krn:payment:eu1:request:00000000-0000-4000-8000-000000000001',
      now: Date.parse('2026-11-26T12:00:00.000Z'),
    });
    expect(WebhookPayload.parse(payload)).toEqual({
      payment_request_id: 'krn:payment:eu1:request:00000000-0000-4000-8000-000000000001',
      payment_request_reference: 'simulated-event',
      state: 'COMPLETED',
      amount: 1000,
      currency: 'USD',
      created_at: '2026-11-26T12:00:00.000Z',
      updated_at: '2026-11-26T12:00:00.000Z',
    });
  });
});

describe('simulated transaction events', () => {
  const input = (eventType: string) => ({
    eventType,
    paymentRequestId: 'krn:payment:eu1:request:r1',
    paymentTransactionId: 'krn:payment:eu1:transaction:t1',
    now: 0,
  });
  it.each([
    ['payment.transaction.state-change.authorized', 'AUTHORIZED', undefined, undefined],
    ['payment.transaction.state-change.closed', 'CLOSED', undefined, undefined],
    ['payment.transaction.captured', 'COMPLETED', 'krn:payment:eu1:transaction:t1:capture:1', undefined],
    [
      'payment.transaction.refunded',
      'COMPLETED',
      'krn:payment:eu1:transaction:t1:capture:1',
      'krn:payment:eu1:transaction:t1:refund:1',
    ],
  ])('%s is a transaction payload in state %s', (eventType, state, captureId, refundId) => {
    const payload = WebhookPayload.parse(simulatedPayload(input(eventType)));
    expect(payload).toMatchObject({ payment_transaction_id: 'krn:payment:eu1:transaction:t1', state });
    expect((payload as { payment_capture?: { payment_capture_id: string } }).payment_capture?.payment_capture_id).toBe(
      captureId,
    );
    expect((payload as { payment_refund?: { payment_refund_id: string } }).payment_refund?.payment_refund_id).toBe(
      refundId,
    );
  });
});
