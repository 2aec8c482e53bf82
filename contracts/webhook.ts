import { z } from 'zod';
import { lazily } from './lazily.js';

// Webhooks (reference §7.1): https://docs.klarna.com/klarna-network-distribution/manage-partners/integration-setup-and-notifications/webhooks
// The envelope and payload are loose objects so a webhook captured from Klarna parses too.

/** Any 8-4-4-4-12 hex id: lenient on version and variant bits, which Klarna does not promise. */
const Guid = lazily(() => z.guid());
const GUID = '[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}';

export const WebhookId = lazily(() =>
  z.string().regex(new RegExp(`^krn:partner:global:notification:webhook:${GUID}$`)),
);
export const SigningKeyId = lazily(() =>
  z.string().regex(new RegExp(`^krn:partner:global:notification:signing-key:${GUID}$`)),
);

/** `payment.request.state-change.completed` and friends: dot-separated, lower-case, dashes allowed. */
export const WebhookEventType = lazily(() =>
  z
    .string()
    .regex(
      /^[a-z][a-z0-9-]*(\.[a-z0-9-]+)+$/,
      'a dot-separated event name such as payment.request.state-change.completed',
    ),
);

export const WebhookMetadata = lazily(() =>
  z.looseObject({
    event_id: Guid,
    event_type: WebhookEventType,
    event_version: z.literal('v2'),
    occurred_at: z.iso.datetime({ offset: true }),
    recipient_account_id: z.string().min(1),
    subject_account_id: z.string().min(1),
    product_instance_id: z.string().regex(/^krn:/, 'must be a krn: identifier'),
    webhook_id: z.string().regex(/^krn:/, 'must be a krn: identifier'),
  }),
);
export type WebhookMetadata = z.infer<typeof WebhookMetadata>;

/** The payment request as it is after the change; on completion it also carries the token(s) (reference §7.1). */
export const PaymentRequestEventPayload = lazily(() =>
  z.looseObject({
    payment_request_id: z.string().min(1),
    payment_request_reference: z.string().optional(),
    state: z.string().min(1),
  }),
);

/** `payment.transaction.*`: the transaction after the change, with the capture or refund that made it, if any. */
export const PaymentTransactionEventPayload = lazily(() =>
  z.looseObject({
    payment_transaction_id: z.string().min(1),
    state: z.string().min(1),
    payment_capture: z.looseObject({ payment_capture_id: z.string().min(1) }).optional(),
    payment_refund: z.looseObject({ payment_refund_id: z.string().min(1) }).optional(),
  }),
);

export const WebhookPayload = lazily(() =>
  z.union([PaymentRequestEventPayload.unwrap(), PaymentTransactionEventPayload.unwrap()]),
);
export type WebhookPayload = z.infer<typeof WebhookPayload>;

export const WebhookEnvelope = lazily(() => z.looseObject({ metadata: WebhookMetadata, payload: WebhookPayload }));
export type WebhookEnvelope = z.infer<typeof WebhookEnvelope>;

/**
 * Klarna accepts HTTPS on ports 443 and 8443 only; the simulator also accepts http and any port so a receiver on
 * localhost works (a simulator choice).
 */
export const WebhookUrl = lazily(() =>
  z
    .url({ protocol: /^https?$/ })
    .max(2048)
    // fetch refuses a URL with credentials on every attempt: refuse it here, where the caller hears why.
    .refine((url) => URL.canParse(url) && !new URL(url).username && !new URL(url).password, {
      message: 'must not carry a user name or password',
    }),
);

export const WebhookSubscriptionRequest = lazily(() =>
  z.strictObject({
    account: z.string().min(1).max(255),
    url: WebhookUrl,
    signing_key: z.string().min(16).max(256).optional().describe('Generated when absent'),
  }),
);
export type WebhookSubscriptionRequest = z.infer<typeof WebhookSubscriptionRequest>;

export const WebhookSubscription = lazily(() =>
  z.object({
    account: z.string(),
    url: z.string(),
    webhook_id: WebhookId,
    signing_key_id: SigningKeyId,
    signing_key: z.string(),
  }),
);
export type WebhookSubscription = z.infer<typeof WebhookSubscription>;

/**
 * A subscription as reads show it: the signing key is returned once, by the POST that sets it, never again (anyone
 * who can read the admin API could otherwise forge webhooks).
 */
export const WebhookSubscriptionView = lazily(() =>
  z.strictObject(WebhookSubscription.unwrap().omit({ signing_key: true }).shape),
);
export type WebhookSubscriptionView = z.infer<typeof WebhookSubscriptionView>;

/** Simulator-only delivery faults, armed per account for the next events. */
export const WebhookFault = lazily(() => z.enum(['delay', 'duplicate', 'drop', 'out_of_order']));
export type WebhookFault = z.infer<typeof WebhookFault>;

export const WebhookDeliveryState = lazily(() => z.enum(['pending', 'delivered', 'failed', 'dropped']));
export type WebhookDeliveryState = z.infer<typeof WebhookDeliveryState>;

export const WebhookDelivery = lazily(() =>
  z.object({
    event_id: z.string(),
    event_type: z.string(),
    url: z.string(),
    attempts: z.int().min(0),
    state: WebhookDeliveryState,
    fault: WebhookFault.optional().describe('The fault applied to this event, if any'),
    last_status: z.int().optional(),
    last_error: z.string().optional(),
    first_attempt_at: z.iso.datetime().optional(),
    last_attempt_at: z.iso.datetime().optional(),
    next_attempt_at: z.iso.datetime().optional(),
  }),
);
export type WebhookDelivery = z.infer<typeof WebhookDelivery>;

export const WebhookDeliveryList = lazily(() => z.object({ deliveries: z.array(WebhookDelivery) }));

export const WebhookFaultRequest = lazily(() =>
  z
    .strictObject({
      account: z.string().min(1).max(255),
      fault: WebhookFault,
      delay_ms: z
        .int()
        .min(0)
        .max(86_400_000)
        .optional()
        .describe('With delay: first attempt this late, simulator clock'),
      times: z.int().min(1).max(1000).default(1).describe('How many of the next events of the account it applies to'),
    })
    .superRefine((f, ctx) => {
      if (f.fault === 'delay' && f.delay_ms === undefined) {
        ctx.addIssue({ code: 'custom', path: ['delay_ms'], message: 'delay needs delay_ms' });
      }
      if (f.fault !== 'delay' && f.delay_ms !== undefined) {
        ctx.addIssue({ code: 'custom', path: ['delay_ms'], message: 'delay_ms goes with fault delay' });
      }
    }),
);
export type WebhookFaultRequest = z.infer<typeof WebhookFaultRequest>;
export type WebhookFaultRequestInput = z.input<typeof WebhookFaultRequest>;
