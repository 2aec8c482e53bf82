import { z } from 'zod';
import { AuthorizeHeaders, AuthorizeRequest } from './authorize-request.js';
import { PaymentRequestState } from './authorize-response.js';
import { TransactionResult } from './common.js';
import { lazily } from './lazily.js';
import { CreatePaymentRequestBody, PaymentRequestHeaders } from './payment-request.js';

/** Where an authorize sample is sent: the account path (the default) or Klarna Direct's, on the API key's account. */
export const AuthorizePath = lazily(() =>
  z.enum(['/v2/accounts/{partner_account_id}/payment/authorize', '/v2/payment/authorize']),
);

/** A documented request kept in fixtures/samples/: what Klarna's page sends, and what the simulator answers. */
export const SampleRequest = lazily(() =>
  z.strictObject({
    description: z.string().min(1),
    /** The docs.klarna.com page the request comes from. */
    source: z.url(),
    /** Absent: the account path, as every sample before Klarna Direct's. */
    path: AuthorizePath.optional(),
    headers: AuthorizeHeaders,
    body: AuthorizeRequest,
    /** The result of the default decision (docs/simulator-choices.md#default-decision). */
    expected_result: TransactionResult,
  }),
);
export type SampleRequest = z.infer<typeof SampleRequest>;

/**
 * A documented payment request call kept in fixtures/samples/payment-requests/: a create (POST), or an update
 * (PATCH) sent to a payment request the suite creates first from the create sample it names.
 */
export const PaymentRequestSample = lazily(() =>
  z.strictObject({
    description: z.string().min(1),
    source: z.url(),
    method: z.enum(['POST', 'PATCH']),
    /** For a PATCH: the create sample whose payment request it updates. */
    updates: z.string().min(1).optional(),
    headers: PaymentRequestHeaders,
    body: CreatePaymentRequestBody,
    expected_status: z.union([z.literal(200), z.literal(201)]),
    expected_state: PaymentRequestState,
  }),
);
export type PaymentRequestSample = z.infer<typeof PaymentRequestSample>;

/**
 * A webhook-management request of Klarna's collection, kept in fixtures/samples/notifications/ and run in file
 * order: `{signing_key_id}` and `{webhook_id}` stand for the ids the samples before it created.
 */
export const NotificationSample = lazily(() =>
  z.strictObject({
    description: z.string().min(1),
    source: z.url(),
    method: z.enum(['GET', 'POST', 'PATCH', 'DELETE']),
    path: z.string().regex(/^\/v2\/notification\//),
    body: z.record(z.string(), z.unknown()).optional(),
    expected_status: z.int().min(200).max(299),
  }),
);
export type NotificationSample = z.infer<typeof NotificationSample>;
