import { z } from 'zod';
import {
  AcquiringConfig,
  AuthorizeHeaders,
  AuthorizeParams,
  CustomerInteractionConfig,
  PointOfCheckout,
  PointOfTransaction,
  RequestCustomerToken,
} from './authorize-request.js';
import { Amount, Currency, Reference } from './common.js';
import { lazily } from './lazily.js';
import { SupplementaryPurchaseData } from './supplementary-purchase-data.js';

// createPaymentRequest and updatePaymentRequest: https://docs.klarna.com/acquirer/klarna-direct/payment-authorization/authorization-resources/payment-request/
// Field names and types as Klarna's request collection (r2512) sends them. Objects stay loose: fields Klarna adds
// later pass, and are reported as warnings.

/** The same object as authorize's `step_up_config.customer_interaction_config`, at the top of the body here. */
export const PaymentRequestInteractionConfig = lazily(() => CustomerInteractionConfig);
export type PaymentRequestInteractionConfig = z.infer<typeof PaymentRequestInteractionConfig>;

export const ShippingConfig = lazily(() =>
  z.looseObject({
    mode: z.string().min(1).optional().describe('EDITABLE in Klarna’s samples'),
    supported_countries: z.array(z.string().regex(/^[A-Z]{2}$/, 'must be an ISO 3166-1 alpha-2 code')).optional(),
  }),
);

export const CreatePaymentRequestBody = lazily(() =>
  z.looseObject({
    currency: Currency,
    /** Absent on a tokenization alone (Klarna's "Subscription with free trial"). */
    amount: Amount.optional().describe('Minor units; omitted when only a customer token is requested'),
    payment_request_reference: Reference.optional(),
    customer_interaction_config: PaymentRequestInteractionConfig.optional(),
    payment_option_id: z.string().min(1).max(255).optional(),
    payment_program_enablement_codes: z.array(z.string().min(1).max(255)).optional(),
    shipping_config: ShippingConfig.optional(),
    request_customer_token: RequestCustomerToken.optional(),
    collect_customer_profile: z.array(z.string().min(1)).optional().describe('profile:name, profile:email, …'),
    supplementary_purchase_data: SupplementaryPurchaseData.optional(),
    acquiring_config: AcquiringConfig.optional(),
    point_of_checkout: PointOfCheckout.optional(),
    point_of_transaction: PointOfTransaction.optional(),
  }),
);
export type CreatePaymentRequestBody = z.infer<typeof CreatePaymentRequestBody>;

/** A partial update: the fields sent replace the request's, the others stay. */
export const UpdatePaymentRequestBody = lazily(() => CreatePaymentRequestBody.unwrap().partial());
export type UpdatePaymentRequestBody = z.infer<typeof UpdatePaymentRequestBody>;

export const PaymentRequestHeaders = lazily(() =>
  AuthorizeHeaders.unwrap()
    .pick({
      authorization: true,
      'klarna-network-session-token': true,
      'klarna-customer-token': true,
      'klarna-idempotency-key': true,
      'partner-correlation-id': true,
    })
    .extend({
      // Klarna's Update sample sends it; the simulator accepts it and does nothing with it.
      'klarna-interoperability-token': z.string().min(1).max(8192).optional().describe('Accepted, not used'),
    }),
);
export type PaymentRequestHeaders = z.infer<typeof PaymentRequestHeaders>;

/** Path parameters of the account form (`/v2/accounts/{partner_account_id}/payment/requests/{payment_request_id}`). */
export const PaymentRequestParams = lazily(() =>
  AuthorizeParams.unwrap().extend({ payment_request_id: z.string().min(1).max(255) }),
);
/** The Klarna Direct form names no account: the API key's is used. */
export const DirectPaymentRequestParams = lazily(() =>
  PaymentRequestParams.unwrap().omit({ partner_account_id: true }),
);
