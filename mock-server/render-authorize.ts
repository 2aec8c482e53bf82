import type { AuthorizeRequest, AuthorizeResponse, PaymentRequest, PaymentTransaction } from '../contracts/index.js';
import type { Decision } from './decide.js';

export interface RenderContext {
  now: number;
  uuid: () => string;
  region: string;
  transactionTtlMs: number;
  paymentRequestTtlMs: number;
  /** Origin that payment_request_url points at. */
  publicUrl: string;
}

const iso = (ms: number) => new Date(ms).toISOString();

/**
 * Builds the Klarna body for a decision (reference §3, simulator-decisions §1). Key order is fixed so that
 * equal inputs give equal bytes.
 */
export function renderAuthorize(decision: Decision, body: AuthorizeRequest, ctx: RenderContext): AuthorizeResponse {
  const response: AuthorizeResponse = {};
  const rpt = body.request_payment_transaction;
  const rct = body.request_customer_token;

  if (rpt !== undefined) {
    response.payment_transaction_response =
      decision.result === 'APPROVED'
        ? { result: 'APPROVED', payment_transaction: paymentTransaction(body, ctx) }
        : {
            result: decision.result,
            ...(decision.resultReason !== undefined && { result_reason: decision.resultReason }),
          };
  }
  if (decision.result === 'STEP_UP_REQUIRED') response.payment_request = paymentRequest(body, ctx);
  if (rct !== undefined) {
    response.customer_token_response =
      decision.result === 'APPROVED'
        ? {
            result: 'APPROVED',
            customer_token: {
              customer_token: `krn:customer-token:${ctx.region}:${ctx.uuid()}`,
              ...(rct.customer_token_reference !== undefined && {
                customer_token_reference: rct.customer_token_reference,
              }),
              scopes: rct.scopes,
            },
          }
        : { result: decision.result };
  }
  return response;
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

function paymentRequest(body: AuthorizeRequest, ctx: RenderContext): PaymentRequest {
  const uuid = ctx.uuid();
  const id = `krn:payment:${ctx.region}:request:${uuid}`;
  const reference = body.step_up_config?.payment_request_reference;
  const amount = body.request_payment_transaction?.amount;
  return {
    payment_request_id: id,
    ...(reference !== undefined && { payment_request_reference: reference }),
    state: 'SUBMITTED',
    ...(amount !== undefined && { amount }),
    currency: body.currency,
    expires_at: iso(ctx.now + ctx.paymentRequestTtlMs),
    created_at: iso(ctx.now),
    updated_at: iso(ctx.now),
    state_context: {
      customer_interaction: {
        method: body.step_up_config?.customer_interaction_config.method ?? 'HANDOVER',
        payment_request_id: id,
        payment_request_url: `${ctx.publicUrl}/pay/requests/${uuid}/start`,
      },
    },
  };
}
