import type { WebhookPayload } from '../../../contracts/index.js';
import { isoTime } from '../iso-time.js';

// Klarna's simulate call sends a sample event of the type asked for; the simulator's sample is a payment request or
// a payment transaction in the state the event announces, made up for the occasion
// (docs/simulator-choices.md#webhook-simulate).

const STATE_CHANGE = 'payment.request.state-change.';
const TRANSACTION_STATE_CHANGE = 'payment.transaction.state-change.';

/** The state a payment request event announces: in-progress → IN_PROGRESS; `payment.request.updated` → SUBMITTED. */
export function simulatedState(eventType: string): string {
  if (eventType.startsWith(TRANSACTION_STATE_CHANGE))
    return eventType.slice(TRANSACTION_STATE_CHANGE.length).toUpperCase();
  if (eventType.startsWith('payment.transaction.')) return 'COMPLETED';
  return eventType.startsWith(STATE_CHANGE)
    ? eventType.slice(STATE_CHANGE.length).toUpperCase().replaceAll('-', '_')
    : 'SUBMITTED';
}

export interface SimulatedPayloadInput {
  eventType: string;
  /** A fresh payment request id: a sample event is about no real payment request. */
  paymentRequestId: string;
  /** A fresh payment transaction id, for `payment.transaction.*`. */
  paymentTransactionId?: string | undefined;
  /** Simulator clock of the account, ms. */
  now: number;
}

/** The payload of a simulated event, marked by its reference as simulated. */
export function simulatedPayload(input: SimulatedPayloadInput): WebhookPayload {
  const at = isoTime(input.now);
  const common = {
    state: simulatedState(input.eventType),
    amount: 1000,
    currency: 'USD',
    created_at: at,
    updated_at: at,
  };
  if (!input.eventType.startsWith('payment.transaction.')) {
    return { payment_request_id: input.paymentRequestId, payment_request_reference: 'simulated-event', ...common };
  }
  const id = input.paymentTransactionId ?? input.paymentRequestId.replace(':request:', ':transaction:');
  const captured =
    input.eventType === 'payment.transaction.captured' || input.eventType === 'payment.transaction.refunded';
  return {
    payment_transaction_id: id,
    payment_transaction_reference: 'simulated-event',
    ...common,
    ...(captured && { captured_amount: 1000, refunded_amount: 0, remaining_authorized_amount: 0 }),
    ...(captured && {
      payment_capture: { payment_capture_id: `${id}:capture:1`, amount: 1000, currency: 'USD', captured_at: at },
    }),
    ...(input.eventType === 'payment.transaction.refunded' && {
      refunded_amount: 1000,
      payment_refund: { payment_refund_id: `${id}:refund:1`, amount: 1000, currency: 'USD', refunded_at: at },
    }),
  };
}
