import type { WebhookPayload } from '../../contracts/index.js';

// Klarna's simulate call sends a sample event of the type asked for; the simulator's sample is a payment request in
// the state the event announces, made up for the occasion (docs/simulator-choices.md#webhook-simulate).

const STATE_CHANGE = 'payment.request.state-change.';

/** The state a payment request event announces: in-progress → IN_PROGRESS; `payment.request.updated` → SUBMITTED. */
export function simulatedState(eventType: string): string {
  return eventType.startsWith(STATE_CHANGE)
    ? eventType.slice(STATE_CHANGE.length).toUpperCase().replaceAll('-', '_')
    : 'SUBMITTED';
}

export interface SimulatedPayloadInput {
  eventType: string;
  /** A fresh payment request id: a sample event is about no real payment request. */
  paymentRequestId: string;
  /** Simulator clock of the account, ms. */
  now: number;
}

/** The payload of a simulated payment request event, marked by its reference as simulated. */
export function simulatedPayload(input: SimulatedPayloadInput): WebhookPayload {
  const at = new Date(input.now).toISOString();
  return {
    payment_request_id: input.paymentRequestId,
    payment_request_reference: 'simulated-event',
    state: simulatedState(input.eventType),
    amount: 1000,
    currency: 'USD',
    created_at: at,
    updated_at: at,
  };
}
