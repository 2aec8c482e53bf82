import type {
  CreatedSigningKey,
  CreateWebhookRequest,
  SigningKey,
  UpdateWebhookRequest,
  Webhook,
  WebhookStatus,
} from '../../../contracts/index.js';
import { isoTime } from '../iso-time.js';
import { anyEventTypeMatches } from './event-type-matches.js';
import type { WebhookTarget } from './webhook-dispatcher.js';

// The records of Klarna's Notifications API, as every NotificationStore keeps them (in memory, or as JSON in a
// shared store), and the views the API shows of them.

export interface SigningKeyRecord {
  id: string;
  secret: string;
  createdAt: number;
}

export interface WebhookRecord {
  webhook_id: string;
  url: string;
  event_types: string[];
  event_version: string;
  signing_key_id: string;
  status: WebhookStatus;
  createdAt: number;
  updatedAt: number;
}

const iso = isoTime;

export function newSigningKey(id: string, secret: string, now: number): SigningKeyRecord {
  return { id: `krn:partner:global:notification:signing-key:${id}`, secret, createdAt: now };
}

export function newWebhook(id: string, request: CreateWebhookRequest, now: number): WebhookRecord {
  return {
    webhook_id: `krn:partner:global:notification:webhook:${id}`,
    url: request.url,
    event_types: [...request.event_types],
    event_version: request.event_version,
    signing_key_id: request.signing_key_id,
    status: request.status,
    createdAt: now,
    updatedAt: now,
  };
}

/** The fields sent replace the webhook's; the others stay. Changes the record in place. */
export function updateWebhookRecord(record: WebhookRecord, changes: UpdateWebhookRequest, now: number): void {
  for (const [field, value] of Object.entries(changes)) {
    if (value !== undefined) Object.assign(record, { [field]: value });
  }
  record.updatedAt = now;
}

/** Whether an event goes to this webhook (not for simulate, which sends whatever the status and types). */
export function wantsEvent(webhook: WebhookRecord, eventType: string): boolean {
  return webhook.status === 'ENABLED' && anyEventTypeMatches(webhook.event_types, eventType);
}

export function targetOf(webhook: WebhookRecord, key: SigningKeyRecord): WebhookTarget {
  return { webhookId: webhook.webhook_id, url: webhook.url, signingKeyId: key.id, signingKey: key.secret };
}

/** The targets of the webhooks that want an event, each with the signing key it names (oldest webhook first). */
export function eventTargetsOf(
  webhooks: readonly WebhookRecord[],
  keys: readonly SigningKeyRecord[],
  eventType: string,
): WebhookTarget[] {
  const wanted = webhooks.filter((webhook) => wantsEvent(webhook, eventType));
  if (wanted.length === 0) return [];
  const byId = new Map(keys.map((key) => [key.id, key]));
  return wanted.flatMap((webhook) => {
    const key = byId.get(webhook.signing_key_id);
    return key === undefined ? [] : [targetOf(webhook, key)];
  });
}

export function keyView(record: SigningKeyRecord): SigningKey {
  return { signing_key_id: record.id, created_at: iso(record.createdAt) };
}

/** The answer that creates a key: the only one that shows its secret. */
export function createdKeyView(record: SigningKeyRecord): CreatedSigningKey {
  return { ...keyView(record), signing_key: record.secret };
}

export function webhookView(record: WebhookRecord): Webhook {
  const { createdAt, updatedAt, ...fields } = record;
  return { ...fields, event_types: [...fields.event_types], created_at: iso(createdAt), updated_at: iso(updatedAt) };
}
