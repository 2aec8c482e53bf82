import type {
  CreatedSigningKey,
  CreateWebhookRequest,
  SigningKey,
  UpdateWebhookRequest,
  Webhook,
} from '../../../contracts/index.js';
import type { Awaitable } from '../awaitable.js';
import type { WebhookTarget } from './webhook-dispatcher.js';

// Issue 15: the webhooks and signing keys of Klarna's Notifications API, per account, in this process
// (NotificationRegistry, synchronous) or shared by every instance over one store (Redis). Either throws the
// catalogue's errors (a limit, an unknown or in-use key, a webhook of none of this account); a shared store that
// cannot be reached throws its 503.

/** Klarna's Notifications API state of every account: what the routes and the delivery of events read. */
export interface NotificationStore {
  /** A new key; its secret is in this answer only. */
  createSigningKey(account: string): Awaitable<CreatedSigningKey>;
  signingKeys(account: string): Awaitable<SigningKey[]>;
  signingKey(account: string, id: string): Awaitable<SigningKey>;
  deleteSigningKey(account: string, id: string): Awaitable<void>;
  createWebhook(account: string, request: CreateWebhookRequest): Awaitable<Webhook>;
  /** Oldest first. */
  webhooks(account: string): Awaitable<Webhook[]>;
  webhook(account: string, id: string): Awaitable<Webhook>;
  updateWebhook(account: string, id: string, changes: UpdateWebhookRequest): Awaitable<Webhook>;
  deleteWebhook(account: string, id: string): Awaitable<void>;
  /** Where a webhook goes and its key, for simulate: whatever its status and event types. */
  target(account: string, id: string): Awaitable<WebhookTarget>;
  /** Forgets the account's webhooks and signing keys. */
  reset(account: string): Awaitable<void>;
}
