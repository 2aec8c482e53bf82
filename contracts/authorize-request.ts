import { z } from 'zod';
import { Amount, Currency, CustomerTokenScope, Krn, Reference } from './common.js';
import { SupplementaryPurchaseData } from './supplementary-purchase-data.js';

// https://docs.klarna.com/api/kn/klarna-product-api-payment/klarna-product-api-payment-v2-r6 (authorizePayment)

export const AuthorizeParams = z.object({
  // Klarna's form is krn:partner:global:account:test:M48JWZF8; the simulator accepts any non-empty id.
  partner_account_id: z.string().min(1).max(255),
});
export type AuthorizeParams = z.infer<typeof AuthorizeParams>;

/** Header names are lower-case: Node delivers them that way. */
export const AuthorizeHeaders = z.looseObject({
  authorization: z.string().optional().describe('Basic <API key>'),
  'klarna-network-session-token': z
    .string()
    .min(1)
    .max(8192)
    .optional()
    .describe('Opaque session token from the completed payment request; turns the call into a final authorization'),
  'klarna-customer-token': z.string().min(1).max(8192).optional().describe('Customer token for a token charge'),
  'klarna-idempotency-key': z.string().min(1).max(255).optional().describe('Ideally a UUID; replays the first answer'),
  'partner-correlation-id': z.string().max(255).optional().describe('Echoed in the response'),
});
export type AuthorizeHeaders = z.infer<typeof AuthorizeHeaders>;

/** Wire names of the headers, for error parameters and docs. */
export const HeaderNames = {
  'klarna-network-session-token': 'Klarna-Network-Session-Token',
  'klarna-customer-token': 'Klarna-Customer-Token',
  'klarna-idempotency-key': 'Klarna-Idempotency-Key',
  'partner-correlation-id': 'Partner-Correlation-Id',
  authorization: 'Authorization',
} as const;

export const RequestPaymentTransaction = z.looseObject({
  amount: Amount.describe('Minor units, tax and discounts included'),
  payment_transaction_reference: Reference.optional(),
  payment_option_id: z.string().min(1).max(255).optional(),
  capture: z.enum(['NOW', 'LATER']).optional().describe('NOW creates the transaction already captured'),
});

export const RequestCustomerToken = z.looseObject({
  scopes: z.array(CustomerTokenScope).min(1),
  customer_token_reference: Reference.optional(),
});

export const CustomerInteractionConfig = z.looseObject({
  method: z.enum(['HANDOVER', 'SDK']).optional(),
  return_url: z.url().optional(),
  app_return_url: z.string().min(1).optional(),
});

export const StepUpConfig = z.looseObject({
  payment_request_reference: Reference.optional(),
  customer_interaction_config: CustomerInteractionConfig,
});

export const AuthorizeRequest = z.looseObject({
  currency: Currency,
  payment_request_id: Krn.optional(),
  request_payment_transaction: RequestPaymentTransaction.optional(),
  request_customer_token: RequestCustomerToken.optional(),
  step_up_config: StepUpConfig.optional(),
  supplementary_purchase_data: SupplementaryPurchaseData.optional(),
});
export type AuthorizeRequest = z.infer<typeof AuthorizeRequest>;
