import type { AuthorizeRequest, CustomerToken, PaymentRequest } from '../../contracts/index.js';

export type PaymentRequestState = PaymentRequest['state'];

/** A payment request as the simulator keeps it (times in ms on the account's clock). */
export interface PaymentRequestRecord {
  account: string;
  uuid: string;
  paymentRequestId: string;
  reference: string | undefined;
  state: PaymentRequestState;
  previousState: PaymentRequestState | undefined;
  amount: number | undefined;
  currency: string;
  createdAt: number;
  updatedAt: number;
  expiresAt: number;
  canceledAt: number | undefined;
  completedAt: number | undefined;
  /** Origin of the simulator as the client saw it, for payment_request_url. */
  publicUrl: string;
  interaction: NonNullable<AuthorizeRequest['step_up_config']>['customer_interaction_config'] | undefined;
  supplementaryPurchaseData: AuthorizeRequest['supplementary_purchase_data'];
  requestCustomerToken: AuthorizeRequest['request_customer_token'];
  sessionToken: string | undefined;
  customerToken: CustomerToken | undefined;
}

/** The payment request a STEP_UP_REQUIRED answer creates, in state SUBMITTED (reference §3.3, §6.1). */
export function newPaymentRequest(
  account: string,
  body: AuthorizeRequest,
  ctx: { now: number; uuid: string; region: string; ttlMs: number; publicUrl: string },
): PaymentRequestRecord {
  return {
    account,
    uuid: ctx.uuid,
    paymentRequestId: `krn:payment:${ctx.region}:request:${ctx.uuid}`,
    reference: body.step_up_config?.payment_request_reference,
    state: 'SUBMITTED',
    previousState: undefined,
    amount: body.request_payment_transaction?.amount,
    currency: body.currency,
    createdAt: ctx.now,
    updatedAt: ctx.now,
    expiresAt: ctx.now + ctx.ttlMs,
    canceledAt: undefined,
    completedAt: undefined,
    publicUrl: ctx.publicUrl,
    interaction: body.step_up_config?.customer_interaction_config,
    supplementaryPurchaseData: body.supplementary_purchase_data,
    requestCustomerToken: body.request_customer_token,
    sessionToken: undefined,
    customerToken: undefined,
  };
}
