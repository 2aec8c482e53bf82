import type { CustomerToken, PaymentRequest } from '../../../contracts/index.js';
import { isoTime } from '../iso-time.js';
import { purchaseDataOf } from './kept-purchase-data.js';
import type { PaymentRequestRecord } from './payment-request-record.js';

const iso = isoTime;

/**
 * How long the payment request resource itself lives (`expires_at`): Klarna's cancel sample shows it about 25 hours
 * after creation. Its state expires much earlier (`state_expires_at`, the paymentRequestTtlMs setting, 3 hours by
 * default) (docs/simulator-choices.md#payment-request-expiry).
 */
export const PAYMENT_REQUEST_LIFETIME_MS = 25 * 60 * 60 * 1000;

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
    state_expires_at: iso(record.stateExpiresAt),
    expires_at: iso(record.createdAt + PAYMENT_REQUEST_LIFETIME_MS),
    created_at: iso(record.createdAt),
    updated_at: iso(record.updatedAt),
    ...(record.canceledAt !== undefined && { canceled_at: iso(record.canceledAt) }),
    // Echoed as sent: Klarna's request collection reads purchase_reference and line_items back and reuses them.
    ...(record.purchaseData !== undefined && {
      supplementary_purchase_data: purchaseDataOf(record.purchaseData),
    }),
    state_context: {
      customer_interaction: {
        method: record.interaction?.method ?? 'HANDOVER',
        payment_request_id: record.paymentRequestId,
        payment_request_url: paymentRequestUrl(record),
      },
      // A canceled request's token was withdrawn: it is no longer shown. Klarna's request collection reads it as
      // payment_token (sent as Klarna-Payment-Token); klarna_network_session_token is the same value, kept.
      ...(record.sessionToken !== undefined &&
        record.state !== 'CANCELED' && {
          klarna_network_session_token: record.sessionToken,
          payment_token: record.sessionToken,
        }),
      ...(record.customerToken !== undefined && { klarna_customer: klarnaCustomer(record.customerToken) }),
    },
  };
}

/**
 * The customer token as Klarna's request collection reads it, `klarna_customer.customer_token`, the string a token
 * charge sends as Klarna-Customer-Token; reference and scopes beside it, as in customer_token_response
 * (docs/simulator-choices.md#customer-token-shape).
 */
function klarnaCustomer(token: CustomerToken) {
  return {
    customer_token: token.customer_token,
    ...(token.customer_token_reference !== undefined && { customer_token_reference: token.customer_token_reference }),
    scopes: token.scopes,
  };
}
