import type {
  AuthorizeRequest,
  CustomerToken,
  PaymentRequest,
  PaymentRequestInteractionConfig,
  UpdatePaymentRequestBody,
} from '../../../contracts/index.js';
import { type KeptPurchaseData, keepPurchaseData } from './kept-purchase-data.js';

export type PaymentRequestState = PaymentRequest['state'];

/**
 * What a payment request is made of, whoever asked for it: authorize's STEP_UP_REQUIRED (from `step_up_config`) or
 * createPaymentRequest (top-level fields), and what updatePaymentRequest replaces.
 */
export interface PaymentRequestFields {
  reference: string | undefined;
  amount: number | undefined;
  currency: string;
  interaction: PaymentRequestInteractionConfig | undefined;
  purchaseData: KeptPurchaseData | undefined;
  requestCustomerToken: AuthorizeRequest['request_customer_token'];
}

/** A payment request as the simulator keeps it (times in ms on the account's clock). */
export interface PaymentRequestRecord extends PaymentRequestFields {
  account: string;
  uuid: string;
  paymentRequestId: string;
  state: PaymentRequestState;
  previousState: PaymentRequestState | undefined;
  createdAt: number;
  updatedAt: number;
  /** When the state machine expires the request unless it completed first (`state_expires_at`). */
  stateExpiresAt: number;
  canceledAt: number | undefined;
  completedAt: number | undefined;
  /** Origin of the simulator as the client saw it, for payment_request_url. */
  publicUrl: string;
  sessionToken: string | undefined;
  customerToken: CustomerToken | undefined;
  /** Writes so far: a write is refused unless over the version read (core/store/record-store.ts). */
  version: number;
}

/** The fields of the payment request an authorize request steps up with (reference §3.3). */
export function fieldsOfAuthorize(body: AuthorizeRequest): PaymentRequestFields {
  return {
    reference: body.step_up_config?.payment_request_reference,
    amount: body.request_payment_transaction?.amount,
    currency: body.currency,
    interaction: body.step_up_config?.customer_interaction_config,
    purchaseData: keepPurchaseData(body.supplementary_purchase_data),
    requestCustomerToken: body.request_customer_token,
  };
}

/** A new payment request in state SUBMITTED (reference §3.3, §6.1; §7 createPaymentRequest). */
export function newPaymentRequest(
  account: string,
  fields: PaymentRequestFields,
  ctx: { now: number; uuid: string; region: string; ttlMs: number; publicUrl: string },
): PaymentRequestRecord {
  return {
    ...fields,
    account,
    uuid: ctx.uuid,
    paymentRequestId: `krn:payment:${ctx.region}:request:${ctx.uuid}`,
    state: 'SUBMITTED',
    previousState: undefined,
    createdAt: ctx.now,
    updatedAt: ctx.now,
    stateExpiresAt: ctx.now + ctx.ttlMs,
    canceledAt: undefined,
    completedAt: undefined,
    publicUrl: ctx.publicUrl,
    sessionToken: undefined,
    customerToken: undefined,
    version: 0,
  };
}

/** The fields a createPaymentRequest or updatePaymentRequest body sets (top level, not inside step_up_config). */
export function fieldsOfPaymentRequestBody(body: UpdatePaymentRequestBody): Partial<PaymentRequestFields> {
  return {
    reference: body.payment_request_reference,
    amount: body.amount,
    currency: body.currency,
    interaction: body.customer_interaction_config,
    purchaseData: keepPurchaseData(body.supplementary_purchase_data),
    requestCustomerToken: body.request_customer_token,
  };
}
