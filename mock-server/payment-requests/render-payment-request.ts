import type { PaymentRequest } from '../../contracts/index.js';
import type { PaymentRequestRecord } from './payment-request-record.js';

const iso = (ms: number) => new Date(ms).toISOString();

/** `payment.request.state-change.<state>`, e.g. in-progress for IN_PROGRESS (reference §7.1). */
export const stateChangeEvent = (record: PaymentRequestRecord) =>
  `payment.request.state-change.${record.state.toLowerCase().replace('_', '-')}`;

/** Where the hosted purchase page of a payment request lives. */
export const paymentRequestUrl = (record: PaymentRequestRecord) =>
  `${record.publicUrl}/pay/requests/${record.uuid}/start`;

/**
 * The payment request resource: in the STEP_UP_REQUIRED answer, on GET and DELETE, and as webhook payload.
 * Key order is fixed so equal records give equal bytes.
 */
export function renderPaymentRequest(record: PaymentRequestRecord): PaymentRequest {
  return {
    payment_request_id: record.paymentRequestId,
    ...(record.reference !== undefined && { payment_request_reference: record.reference }),
    state: record.state,
    ...(record.previousState !== undefined && { previous_state: record.previousState }),
    ...(record.amount !== undefined && { amount: record.amount }),
    currency: record.currency,
    expires_at: iso(record.expiresAt),
    created_at: iso(record.createdAt),
    updated_at: iso(record.updatedAt),
    ...(record.canceledAt !== undefined && { canceled_at: iso(record.canceledAt) }),
    state_context: {
      customer_interaction: {
        method: record.interaction?.method ?? 'HANDOVER',
        payment_request_id: record.paymentRequestId,
        payment_request_url: paymentRequestUrl(record),
      },
      // A canceled request's token was withdrawn: it is no longer shown.
      ...(record.sessionToken !== undefined &&
        record.state !== 'CANCELED' && { klarna_network_session_token: record.sessionToken }),
      ...(record.customerToken !== undefined && { customer_token: record.customerToken }),
    },
  };
}
