import type {
  AuthorizeRequest,
  AuthorizeResponse,
  CustomerToken,
  PaymentTransaction,
} from '../../../contracts/index.js';
import { isoTime } from '../iso-time.js';
import type { PaymentRequestRecord } from '../payment-requests/payment-request-record.js';
import { renderPaymentRequest } from '../payment-requests/render-payment-request.js';
import type { Decision } from './decide.js';

export interface RenderContext {
  now: number;
  uuid: () => string;
  region: string;
  transactionTtlMs: number;
  /** The payment request a STEP_UP_REQUIRED answer carries. */
  paymentRequest: PaymentRequestRecord | undefined;
  /** The customer token an approval hands out (consented to in the step-up, or made by an approving scenario). */
  customerToken: CustomerToken | undefined;
}

const iso = isoTime;

/**
 * Builds the Klarna body for a decision (reference §3, docs/simulator-choices.md#authorize-call). Key order is fixed so that
 * equal inputs give equal bytes.
 */
export function renderAuthorize(decision: Decision, body: AuthorizeRequest, ctx: RenderContext): AuthorizeResponse {
  const response: AuthorizeResponse = {};
  const rpt = body.request_payment_transaction;
  const rct = body.request_customer_token;

  // Klarna's request collection expects payment_transaction_response.result on a tokenization alone too.
  response.payment_transaction_response =
    decision.result === 'APPROVED' && rpt !== undefined
      ? { result: 'APPROVED', payment_transaction: paymentTransaction(body, ctx) }
      : {
          result: decision.result,
          ...(decision.resultReason !== undefined && { result_reason: decision.resultReason }),
        };
  if (decision.result === 'STEP_UP_REQUIRED' && ctx.paymentRequest !== undefined) {
    response.payment_request = renderPaymentRequest(ctx.paymentRequest);
  }
  if (rct !== undefined || (decision.result === 'APPROVED' && ctx.customerToken !== undefined)) {
    response.customer_token_response =
      decision.result === 'APPROVED' && ctx.customerToken !== undefined
        ? customerTokenResponse(ctx.customerToken)
        : { result: decision.result };
  }
  return response;
}

/**
 * An approved token as Klarna's request collection reads it: `customer_token` is the string a token charge sends as
 * `Klarna-Customer-Token`, with the reference and scopes beside it (docs/simulator-choices.md#customer-token-shape).
 */
export function customerTokenResponse(token: CustomerToken): NonNullable<AuthorizeResponse['customer_token_response']> {
  return {
    result: 'APPROVED',
    customer_token: token.customer_token,
    ...(token.customer_token_reference !== undefined && { customer_token_reference: token.customer_token_reference }),
    scopes: token.scopes,
  };
}

function paymentTransaction(body: AuthorizeRequest, ctx: RenderContext): PaymentTransaction {
  const rpt = body.request_payment_transaction;
  if (rpt === undefined) throw new Error('paymentTransaction needs request_payment_transaction');
  const id = `krn:payment:${ctx.region}:transaction:${ctx.uuid()}`;
  return {
    payment_transaction_id: id,
    ...(rpt.payment_transaction_reference !== undefined && {
      payment_transaction_reference: rpt.payment_transaction_reference,
    }),
    amount: rpt.amount,
    currency: body.currency,
    payment_funding: { type: 'GUARANTEED', state: 'PENDING' },
    expires_at: iso(ctx.now + ctx.transactionTtlMs),
    ...(rpt.capture === 'NOW' && {
      payment_captures: [{ payment_capture_id: `${id}:capture:1`, amount: rpt.amount, captured_at: iso(ctx.now) }],
    }),
  };
}
