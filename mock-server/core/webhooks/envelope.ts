import { createHash } from 'node:crypto';
import type { WebhookEnvelope, WebhookPayload } from '../../../contracts/index.js';
import { isoTime } from '../iso-time.js';

// Envelope of a v2 notification, in the order of Klarna's sample (reference §7.1):
// https://docs.klarna.com/klarna-network-distribution/manage-partners/integration-setup-and-notifications/webhooks

export interface EnvelopeInput {
  eventId: string;
  eventType: string;
  /** Simulator clock of the account, ms. */
  occurredAt: number;
  /** The account the event is about (the subject). */
  account: string;
  /** The account whose webhook receives it, when another one (a partner hearing about an account it acts for). */
  recipient?: string | undefined;
  webhookId: string;
  payload: WebhookPayload;
}

/**
 * The simulator has no partner/merchant split, so the recipient and the subject are the same account (Klarna
 * sends different ids when a partner acts for a merchant).
 */
export function buildEnvelope(input: EnvelopeInput): WebhookEnvelope {
  return {
    metadata: {
      event_id: input.eventId,
      event_type: input.eventType,
      event_version: 'v2',
      occurred_at: isoTime(input.occurredAt),
      recipient_account_id: input.recipient ?? input.account,
      subject_account_id: input.account,
      product_instance_id: `krn:partner:global:account:product:payment:${accountUuid(input.account)}`,
      webhook_id: input.webhookId,
    },
    payload: input.payload,
  };
}

/** A UUID (version 8, "custom") derived from the account, so one account always has one product instance. */
export function accountUuid(account: string): string {
  const hex = createHash('sha256').update(`klarna-mock:product-instance:${account}`).digest('hex');
  const variant = ((Number.parseInt(hex.charAt(16), 16) & 0x3) | 0x8).toString(16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-8${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}
