import { describe, expect, it } from 'vitest';
import { WebhookPayload } from '../../contracts/index.js';
import { simulatedPayload, simulatedState } from '../../mock-server/webhooks/simulated-payload.js';

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
