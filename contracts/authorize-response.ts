import { z } from 'zod';
import { Amount, Currency, CustomerTokenScope, IsoDateTime, Krn, TransactionResult } from './common.js';
import { lazily } from './lazily.js';

// Response objects are loose: the same schemas check Klarna's test environment, which may add fields.
// Reference §3; where the docs only show fragments see docs/simulator-choices.md#authorize-call.

export const PaymentFunding = lazily(() =>
  z.looseObject({
    type: z.enum(['GUARANTEED', 'NON_GUARANTEED']).optional(),
    state: z.enum(['PENDING', 'FUNDED', 'EXPIRED']).optional(),
  }),
);

export const PaymentCapture = lazily(() =>
  z.looseObject({
    payment_capture_id: z.string().min(1),
    amount: Amount.optional(),
    captured_at: IsoDateTime.optional(),
  }),
);

export const PaymentTransaction = lazily(() =>
  z.looseObject({
    payment_transaction_id: Krn,
    payment_transaction_reference: z.string().optional(),
    amount: Amount,
    currency: Currency,
    payment_funding: PaymentFunding.optional(),
    payment_pricing: z.looseObject({}).optional(),
    expires_at: IsoDateTime.optional(),
    payment_captures: z.array(PaymentCapture).optional(),
  }),
);
export type PaymentTransaction = z.infer<typeof PaymentTransaction>;

export const PaymentTransactionResponse = lazily(() =>
  z.looseObject({
    result: TransactionResult,
    payment_transaction: PaymentTransaction.optional(),
    result_reason: z.string().optional(),
  }),
);

export const PaymentRequestState = lazily(() =>
  z.enum(['SUBMITTED', 'IN_PROGRESS', 'COMPLETED', 'EXPIRED', 'CANCELED', 'DECLINED']),
);

export const CustomerInteraction = lazily(() =>
  z.looseObject({
    method: z.string().optional(),
    payment_request_id: Krn.optional(),
    payment_request_url: z.url().optional(),
  }),
);

export const PaymentRequest = lazily(() =>
  z.looseObject({
    payment_request_id: Krn,
    payment_request_reference: z.string().optional(),
    state: PaymentRequestState,
    previous_state: PaymentRequestState.optional(),
    amount: Amount.optional(),
    currency: Currency.optional(),
    /** When the request expires unless completed (+3 h by default). */
    state_expires_at: IsoDateTime.optional(),
    /** When the resource itself goes (Klarna's cancel sample shows about a day after creation). */
    expires_at: IsoDateTime.optional(),
    created_at: IsoDateTime.optional(),
    updated_at: IsoDateTime.optional(),
    canceled_at: IsoDateTime.optional(),
    /** Echoed: Klarna's request collection reads its purchase_reference and line_items back. */
    supplementary_purchase_data: z.looseObject({}).optional(),
    state_context: z
      .looseObject({
        customer_interaction: CustomerInteraction.optional(),
        // After COMPLETED. Klarna's collection reads the last three; the first is the simulator's older name.
        klarna_network_session_token: z.string().optional(),
        /** The token a final authorization sends (Klarna-Payment-Token or Klarna-Network-Session-Token). */
        payment_token: z.string().optional(),
        klarna_customer: z.looseObject({ customer_token: z.string().min(1) }).optional(),
        interoperability_token: z.string().optional(),
      })
      .optional(),
  }),
);
export type PaymentRequest = z.infer<typeof PaymentRequest>;

export const CustomerToken = lazily(() =>
  z.looseObject({
    customer_token: z.string().min(1),
    customer_token_reference: z.string().optional(),
    scopes: z.array(CustomerTokenScope),
  }),
);

export type CustomerToken = z.infer<typeof CustomerToken>;

export const CustomerTokenResponse = lazily(() =>
  z.looseObject({
    result: TransactionResult,
    // Klarna's request collection reads this as the token string and sends it as the Klarna-Customer-Token header; the
    // API reference shows an object. The simulator answers the string with reference and scopes beside it; the
    // contract accepts either, so that it can check Klarna's test environment too.
    customer_token: z.union([z.string().min(1), CustomerToken.unwrap()]).optional(),
    customer_token_reference: z.string().optional(),
    scopes: z.array(CustomerTokenScope).optional(),
    result_reason: z.string().optional(),
  }),
);

export const AuthorizeResponse = lazily(() =>
  z.looseObject({
    payment_transaction_response: PaymentTransactionResponse.optional(),
    payment_request: PaymentRequest.optional(),
    customer_token_response: CustomerTokenResponse.optional(),
  }),
);
export type AuthorizeResponse = z.infer<typeof AuthorizeResponse>;

/** POST /__mock/payment-requests/{id}/{action}: what the state-change webhook carries, and the redirect. */
export const CustomerActionResult = lazily(() =>
  z.object({
    event_type: z.string(),
    payload: PaymentRequest,
    redirect_url: z.string().optional(),
  }),
);
export type CustomerActionResult = z.infer<typeof CustomerActionResult>;
