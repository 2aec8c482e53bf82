import { z } from 'zod';
import { Amount, Currency, CustomerTokenScope, IdempotencyKeyHeader, IsoDateTime, Krn, Reference } from './common.js';
import { lazily } from './lazily.js';
import { SupplementaryPurchaseData } from './supplementary-purchase-data.js';

// https://docs.klarna.com/api/kn/klarna-product-api-payment/klarna-product-api-payment-v2-r6 (authorizePayment)

export const AuthorizeParams = lazily(() =>
  z.object({
    // Klarna's form is krn:partner:global:account:test:M48JWZF8; the simulator accepts any non-empty id.
    partner_account_id: z.string().min(1).max(255),
  }),
);
export type AuthorizeParams = z.infer<typeof AuthorizeParams>;

const TokenHeader = lazily(() => z.string().min(1).max(8192));

/** Header names are lower-case: Node delivers them that way. */
export const AuthorizeHeaders = lazily(() =>
  z.looseObject({
    authorization: z.string().optional().describe('Basic <API key>'),
    'klarna-network-session-token': TokenHeader.optional().describe(
      'Session token: context from Klarna (Express Checkout, Sign in with Klarna, …), or the token of a completed ' +
        'payment request, which makes this a final authorization',
    ),
    'klarna-payment-token': TokenHeader.optional().describe(
      "Klarna's request collection finalizes with it: the same as Klarna-Network-Session-Token",
    ),
    'klarna-customer-token': TokenHeader.optional().describe('Customer token for a token charge'),
    'klarna-interoperability-token': TokenHeader.optional().describe('A token from another Klarna surface (context)'),
    'klarna-integration-metadata': z
      .string()
      .max(8192)
      .optional()
      .describe('JSON: {"integrator": {name, session_reference, module_name, module_version}, "originators": [...]}'),
    'klarna-idempotency-key': IdempotencyKeyHeader.optional(),
    'partner-correlation-id': z.string().max(255).optional().describe('Echoed in the response'),
  }),
);
export type AuthorizeHeaders = z.infer<typeof AuthorizeHeaders>;

/** Wire names of the headers, for error parameters and docs. */
export const HeaderNames = {
  'klarna-network-session-token': 'Klarna-Network-Session-Token',
  'klarna-payment-token': 'Klarna-Payment-Token',
  'klarna-customer-token': 'Klarna-Customer-Token',
  'klarna-interoperability-token': 'Klarna-Interoperability-Token',
  'klarna-integration-metadata': 'Klarna-Integration-Metadata',
  'klarna-idempotency-key': 'Klarna-Idempotency-Key',
  'partner-correlation-id': 'Partner-Correlation-Id',
  authorization: 'Authorization',
} as const;

export const RequestPaymentTransaction = lazily(() =>
  z.looseObject({
    amount: Amount.describe('Minor units, tax and discounts included'),
    payment_transaction_reference: Reference.optional(),
    payment_option_id: z.string().min(1).max(255).optional(),
    capture: z.enum(['NOW', 'LATER']).optional().describe('NOW creates the transaction already captured'),
    payment_capture_reference: Reference.optional().describe('With capture NOW: the reference of that capture'),
    payment_program_enablement_codes: z.array(z.string().min(1).max(255)).max(100).optional(),
  }),
);

export const RequestCustomerToken = lazily(() =>
  z.looseObject({
    scopes: z.array(CustomerTokenScope).min(1),
    customer_token_reference: Reference.optional(),
  }),
);

export const CustomerInteractionConfig = lazily(() =>
  z.looseObject({
    method: z.enum(['HANDOVER', 'SDK', 'QR_CODE']).optional(),
    return_url: z
      .url({
        protocol: /^https?$/,
        // Only a string can be a URL of another scheme (String() of `{"toString":null}` would throw).
        error: (i) =>
          typeof i.input === 'string' && URL.canParse(i.input) ? 'must be an http or https URL' : undefined,
      })
      .optional(),
    app_return_url: z.string().min(1).optional().describe('A custom-scheme URL back into an app'),
  }),
);

export const StepUpConfig = lazily(() =>
  z.looseObject({
    payment_request_reference: Reference.optional(),
    /** Klarna's collection sends a calendar date (YYYY-MM-DD); accepted, not honoured (the request keeps its 3 h). */
    payment_request_expires_at: z.union([z.iso.date(), IsoDateTime.unwrap()]).optional(),
    customer_interaction_config: CustomerInteractionConfig,
  }),
);

export const AcquiringConfig = lazily(() =>
  z.looseObject({
    payment_account_id: Krn.optional(),
    settlement_currency: Currency.optional(),
  }),
);

/** In-store purchases (Klarna's QR_CODE sample). */
export const PointOfCheckout = lazily(() => z.looseObject({ store_id: z.string().min(1).max(255).optional() }));
export const PointOfTransaction = lazily(() =>
  z.looseObject({
    type: z.string().min(1).max(64).optional(),
    terminal_reference: z.string().min(1).max(255).optional(),
  }),
);

export const AuthorizeRequest = lazily(() =>
  z.looseObject({
    currency: Currency,
    payment_request_id: Krn.optional(),
    request_payment_transaction: RequestPaymentTransaction.optional(),
    request_customer_token: RequestCustomerToken.optional(),
    step_up_config: StepUpConfig.optional(),
    acquiring_config: AcquiringConfig.optional(),
    supplementary_purchase_data: SupplementaryPurchaseData.optional(),
    /** Serialized JSON from another Klarna surface (`vnd.klarna.interoperability-data.v2+json`). */
    interoperability_data: z
      .string()
      .min(1)
      .max(256 * 1024)
      .optional(),
    point_of_checkout: PointOfCheckout.optional(),
    point_of_transaction: PointOfTransaction.optional(),
  }),
);
export type AuthorizeRequest = z.infer<typeof AuthorizeRequest>;
