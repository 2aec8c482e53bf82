import { z } from 'zod';
import { Amount, Currency, CustomerTokenScope, IsoDateTime, Krn, TransactionResult } from './common.js';

// Response objects are loose: the same schemas check Klarna's test environment, which may add fields.
// Reference §3; where the docs only show fragments see the README's "Where the simulator chooses".

export const PaymentFunding = z.looseObject({
  type: z.enum(['GUARANTEED', 'NON_GUARANTEED']).optional(),
  state: z.enum(['PENDING', 'FUNDED', 'EXPIRED']).optional(),
});

export const PaymentCapture = z.looseObject({
  payment_capture_id: z.string().min(1),
  amount: Amount.optional(),
  captured_at: IsoDateTime.optional(),
});

export const PaymentTransaction = z.looseObject({
  payment_transaction_id: Krn,
  payment_transaction_reference: z.string().optional(),
  amount: Amount,
  currency: Currency,
  payment_funding: PaymentFunding.optional(),
  payment_pricing: z.looseObject({}).optional(),
  expires_at: IsoDateTime.optional(),
  payment_captures: z.array(PaymentCapture).optional(),
});
export type PaymentTransaction = z.infer<typeof PaymentTransaction>;

export const PaymentTransactionResponse = z.looseObject({
  result: TransactionResult,
  payment_transaction: PaymentTransaction.optional(),
  result_reason: z.string().optional(),
});

export const PaymentRequestState = z.enum(['SUBMITTED', 'IN_PROGRESS', 'COMPLETED', 'EXPIRED', 'CANCELED', 'DECLINED']);

export const CustomerInteraction = z.looseObject({
  method: z.string().optional(),
  payment_request_id: Krn.optional(),
  payment_request_url: z.url().optional(),
});

export const PaymentRequest = z.looseObject({
  payment_request_id: Krn,
  payment_request_reference: z.string().optional(),
  state: PaymentRequestState,
  previous_state: PaymentRequestState.optional(),
  amount: Amount.optional(),
  currency: Currency.optional(),
  expires_at: IsoDateTime.optional(),
  created_at: IsoDateTime.optional(),
  updated_at: IsoDateTime.optional(),
  canceled_at: IsoDateTime.optional(),
  state_context: z
    .looseObject({
      customer_interaction: CustomerInteraction.optional(),
      // After COMPLETED. Klarna's key names here are UNSURE (reference §3.3); README "Where the simulator chooses".
      klarna_network_session_token: z.string().optional(),
      customer_token: z.lazy(() => CustomerToken).optional(),
    })
    .optional(),
});
export type PaymentRequest = z.infer<typeof PaymentRequest>;

export const CustomerToken = z.looseObject({
  customer_token: z.string().min(1),
  customer_token_reference: z.string().optional(),
  scopes: z.array(CustomerTokenScope),
});

export type CustomerToken = z.infer<typeof CustomerToken>;

export const CustomerTokenResponse = z.looseObject({
  result: TransactionResult,
  customer_token: CustomerToken.optional(),
  result_reason: z.string().optional(),
});

export const AuthorizeResponse = z.looseObject({
  payment_transaction_response: PaymentTransactionResponse.optional(),
  payment_request: PaymentRequest.optional(),
  customer_token_response: CustomerTokenResponse.optional(),
});
export type AuthorizeResponse = z.infer<typeof AuthorizeResponse>;

/** POST /__mock/payment-requests/{id}/{action}: what the state-change webhook carries, and the redirect. */
export const CustomerActionResult = z.object({
  event_type: z.string(),
  payload: PaymentRequest,
  redirect_url: z.string().optional(),
});
export type CustomerActionResult = z.infer<typeof CustomerActionResult>;
