import { randomBytes } from 'node:crypto';
import type {
  CreatedSigningKey,
  CreateWebhookRequest,
  SigningKey,
  UpdateWebhookRequest,
  Webhook,
} from '../../../contracts/index.js';
import { catalogue } from '../error-catalogue.js';
import {
  createdKeyView,
  keyView,
  newSigningKey,
  newWebhook,
  type SigningKeyRecord,
  targetOf,
  updateWebhookRecord,
  type WebhookRecord,
  wantsEvent,
  webhookView,
} from './notification-records.js';
import type { NotificationStore } from './notification-store.js';
import type { WebhookTarget } from './webhook-dispatcher.js';

// Klarna's Notifications API state: signing keys first (at most 50 per account, the secret shown
// once), then webhooks that name one. https://docs.klarna.com/klarna-network-distribution/manage-partners/integration-setup-and-notifications/webhooks

/** Klarna's documented cap. */
export const MAX_SIGNING_KEYS = 50;
/** The simulator's cap (Klarna documents none): docs/simulator-choices.md#webhook-management. */
export const MAX_WEBHOOKS = 100;

interface AccountNotifications {
  keys: Map<string, SigningKeyRecord>;
  webhooks: Map<string, WebhookRecord>;
}

export interface NotificationRegistryOptions {
  /** The account's simulator clock, ms. */
  now: (account: string) => number;
  uuid: () => string;
  /** A new signing key's secret; 32 random bytes by default. */
  secret?: () => string;
}

/**
 * One account's webhooks and signing keys, for each account, in this process (the memory NotificationStore,
 * synchronous). Bounded per account by the caps above; the accounts are the ones API keys name (config) and the
 * default account, so their number is bounded by the settings.
 */
export class NotificationRegistry implements NotificationStore {
  private readonly accounts = new Map<string, AccountNotifications>();
  private readonly secret: () => string;

  constructor(private readonly options: NotificationRegistryOptions) {
    this.secret = options.secret ?? (() => randomBytes(32).toString('base64url'));
  }

  createSigningKey(account: string): CreatedSigningKey {
    const { keys } = this.state(account);
    if (keys.size >= MAX_SIGNING_KEYS) throw catalogue.notificationLimit(MAX_SIGNING_KEYS, 'signing keys');
    const record = newSigningKey(this.options.uuid(), this.secret(), this.options.now(account));
    keys.set(record.id, record);
    return createdKeyView(record);
  }

  signingKeys(account: string): SigningKey[] {
    return [...(this.accounts.get(account)?.keys.values() ?? [])].map(keyView);
  }

  signingKey(account: string, id: string): SigningKey {
    return keyView(this.key(account, id));
  }

  /** A key a webhook signs with stays: docs/simulator-choices.md#signing-key-in-use. */
  deleteSigningKey(account: string, id: string): void {
    const record = this.key(account, id);
    const users = this.webhookList(account).filter((webhook) => webhook.signing_key_id === record.id);
    if (users.length > 0) throw catalogue.signingKeyInUse(id, users.map((webhook) => webhook.webhook_id).join(', '));
    this.accounts.get(account)?.keys.delete(id);
  }

  createWebhook(account: string, request: CreateWebhookRequest): Webhook {
    const state = this.state(account);
    if (state.webhooks.size >= MAX_WEBHOOKS) throw catalogue.notificationLimit(MAX_WEBHOOKS, 'webhooks');
    if (!state.keys.has(request.signing_key_id)) throw catalogue.unknownSigningKey();
    const record = newWebhook(this.options.uuid(), request, this.options.now(account));
    state.webhooks.set(record.webhook_id, record);
    return webhookView(record);
  }

  webhooks(account: string): Webhook[] {
    return this.webhookList(account).map(webhookView);
  }

  webhook(account: string, id: string): Webhook {
    return webhookView(this.webhookRecord(account, id));
  }

  updateWebhook(account: string, id: string, changes: UpdateWebhookRequest): Webhook {
    const record = this.webhookRecord(account, id);
    if (changes.signing_key_id !== undefined && !this.state(account).keys.has(changes.signing_key_id)) {
      throw catalogue.unknownSigningKey();
    }
    updateWebhookRecord(record, changes, this.options.now(account));
    return webhookView(record);
  }

  deleteWebhook(account: string, id: string): void {
    this.webhookRecord(account, id);
    this.accounts.get(account)?.webhooks.delete(id);
  }

  /** Where a webhook goes and its key, for simulate: whatever its status and event types. */
  target(account: string, id: string): WebhookTarget {
    return this.targetOf(account, this.webhookRecord(account, id));
  }

  /** The enabled webhooks of the account that ask for this event, oldest first. */
  targets(account: string, eventType: string): WebhookTarget[] {
    return this.webhookList(account)
      .filter((webhook) => wantsEvent(webhook, eventType))
      .map((webhook) => this.targetOf(account, webhook));
  }

  /** Whether no account has set up anything yet (then no event has a target: every approval asks). */
  get empty(): boolean {
    return this.accounts.size === 0;
  }

  /** Forgets the account's webhooks and signing keys. */
  reset(account: string): void {
    this.accounts.delete(account);
  }

  private targetOf(account: string, webhook: WebhookRecord): WebhookTarget {
    // A key in use cannot be deleted, so it is there.
    return targetOf(webhook, this.key(account, webhook.signing_key_id));
  }

  private webhookList(account: string): WebhookRecord[] {
    return [...(this.accounts.get(account)?.webhooks.values() ?? [])];
  }

  private key(account: string, id: string): SigningKeyRecord {
    const record = this.accounts.get(account)?.keys.get(id);
    if (record === undefined) throw catalogue.resourceNotFound(`signing key ${id}`);
    return record;
  }

  private webhookRecord(account: string, id: string): WebhookRecord {
    const record = this.accounts.get(account)?.webhooks.get(id);
    if (record === undefined) throw catalogue.resourceNotFound(`webhook ${id}`);
    return record;
  }

  private state(account: string): AccountNotifications {
    let state = this.accounts.get(account);
    if (state === undefined) {
      state = { keys: new Map(), webhooks: new Map() };
      this.accounts.set(account, state);
    }
    return state;
  }
}
