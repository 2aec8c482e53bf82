import { z } from 'zod';
import { IdempotencyKeyHeader, IsoDateTime } from './common.js';
import { lazily } from './lazily.js';
import { SigningKeyId, WebhookId, WebhookUrl } from './webhook.js';

// Klarna's Notifications API: webhooks and signing keys, under /v2/notification/ (no account in the path: the API
// key names it). https://docs.klarna.com/klarna-network-distribution/manage-partners/integration-setup-and-notifications/webhooks
// Bodies as Klarna's request collection (release r2512) sends them; responses loose, so Klarna's extra fields pass.

/** Every event name Klarna's request collection subscribes to. */
export const NOTIFICATION_EVENT_NAMES = [
  'payment.request.state-change.submitted',
  'payment.request.state-change.in-progress',
  'payment.request.state-change.canceled',
  'payment.request.state-change.expired',
  'payment.request.state-change.completed',
  'payment.request.state-change.declined',
  'payment.request.updated',
  'payment.transaction.state-change.authorized',
  'payment.transaction.state-change.completed',
  'payment.transaction.state-change.expired',
  'payment.transaction.state-change.closed',
  'payment.transaction.captured',
  'payment.transaction.chargeback',
  'payment.transaction.refunded',
  'payment.funding.state-change.funded',
  'payment.funding.state-change.expired',
  'payment.dispute.state-change.pre-arbitration',
  'payment.dispute.state-change.arbitration-pending',
  'payment.dispute.state-change.merchant-evidence-pending',
  'payment.dispute.state-change.closed',
  'payment.dispute.state-change.arbitration-appeal-window-open',
  'payment.dispute.updated.arbitration-deadline-extended',
  'settlement.report.created',
  'settlement.report.uploaded-to-sftp',
  'settlement.payout.processed',
  'settlement.payout.confirmed',
  'settlement.payout.failed',
  'identity.customer-token.state-change.revoked',
  'partner.account.state-change.operational',
  'partner.account.change.created',
  'partner.compliance.decision.created',
] as const;

export const NotificationEventName = lazily(() => z.enum(NOTIFICATION_EVENT_NAMES));
export type NotificationEventName = z.infer<typeof NotificationEventName>;

/** `payment`, `payment.request`, `payment.request.state-change`, …: the families a wildcard may name. */
const FAMILIES = new Set(
  NOTIFICATION_EVENT_NAMES.flatMap((name) => {
    const segments = name.split('.');
    return segments.slice(1).map((_, i) => segments.slice(0, i + 1).join('.'));
  }),
);

/**
 * An event name, or a family wildcard (`payment.*`, `payment.request.*`, `settlement.report.*`) as Klarna's
 * samples use them. There is no bare `*`: Klarna's "all events" sample lists four family wildcards instead
 * (docs/simulator-choices.md#webhook-event-types).
 */
export const NotificationEventPattern = lazily(() =>
  z
    .string()
    .max(128)
    .refine(
      (value) =>
        (NOTIFICATION_EVENT_NAMES as readonly string[]).includes(value) ||
        (value.endsWith('.*') && FAMILIES.has(value.slice(0, -2))),
      {
        message:
          'must be an event name such as payment.request.state-change.completed, or a wildcard such as payment.*',
      },
    ),
);

export const WebhookStatus = lazily(() => z.enum(['ENABLED', 'DISABLED']));
export type WebhookStatus = z.infer<typeof WebhookStatus>;

const WebhookFields = lazily(() =>
  z.object({
    url: WebhookUrl,
    event_types: z.array(NotificationEventPattern).min(1).max(64),
    event_version: z.literal('v2'),
    signing_key_id: z.string().min(1).max(255).describe('A signing key of the same account'),
    status: WebhookStatus,
  }),
);

/** `event_version` and `status` may be left out (`v2`, `ENABLED`); Klarna's samples always send them. */
export const CreateWebhookRequest = lazily(() =>
  WebhookFields.unwrap().extend({
    event_version: WebhookFields.unwrap().shape.event_version.default('v2'),
    status: WebhookStatus.default('ENABLED'),
  }),
);
export type CreateWebhookRequest = z.infer<typeof CreateWebhookRequest>;

/** The fields to change; the others keep their values. */
export const UpdateWebhookRequest = lazily(() => WebhookFields.unwrap().partial());
export type UpdateWebhookRequest = z.infer<typeof UpdateWebhookRequest>;

export const SimulateWebhookRequest = lazily(() =>
  z.object({
    event_type: NotificationEventName.refine(
      (name) =>
        name.startsWith('payment.request.') ||
        (name.startsWith('payment.transaction.') && !name.endsWith('.chargeback')),
      { message: 'the simulator simulates payment.request.* and payment.transaction.* events only (no chargeback)' },
    ),
    event_version: z.literal('v2').default('v2'),
  }),
);
export type SimulateWebhookRequest = z.infer<typeof SimulateWebhookRequest>;

export const Webhook = lazily(() =>
  z.looseObject({
    webhook_id: WebhookId,
    url: z.string(),
    event_types: z.array(z.string()),
    event_version: z.string(),
    signing_key_id: z.string(),
    status: WebhookStatus,
    created_at: IsoDateTime.optional(),
    updated_at: IsoDateTime.optional(),
  }),
);
export type Webhook = z.infer<typeof Webhook>;

export const WebhookList = lazily(() => z.looseObject({ webhooks: z.array(Webhook) }));

/** The event a simulate call queued for delivery. */
export const SimulatedEvent = lazily(() =>
  z.looseObject({
    event_id: z.guid(),
    event_type: z.string(),
    webhook_id: WebhookId,
  }),
);

/** A signing key as every answer but its creation shows it: never the secret. */
export const SigningKey = lazily(() =>
  z.looseObject({
    signing_key_id: SigningKeyId,
    created_at: IsoDateTime.optional(),
    signing_key: z.never().optional().describe('Shown only when the key is created'),
  }),
);
export type SigningKey = z.infer<typeof SigningKey>;

/** The answer to creating a key: the only time the secret is shown (Klarna: keys are shown once). */
export const CreatedSigningKey = lazily(() => SigningKey.unwrap().extend({ signing_key: z.string().min(1) }));
export type CreatedSigningKey = z.infer<typeof CreatedSigningKey>;

export const SigningKeyList = lazily(() => z.looseObject({ signing_keys: z.array(SigningKey) }));

/** Creating a signing key takes no body; an empty object is accepted too. */
export const CreateSigningKeyRequest = lazily(() => z.strictObject({}).optional());

export const WebhookParams = lazily(() => z.object({ webhook_id: z.string().min(1).max(255) }));
export const SigningKeyParams = lazily(() => z.object({ signing_key_id: z.string().min(1).max(255) }));

export const NotificationHeaders = lazily(() =>
  z.looseObject({
    'klarna-idempotency-key': IdempotencyKeyHeader.optional(),
    'partner-correlation-id': z.string().max(255).optional(),
  }),
);
