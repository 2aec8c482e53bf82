import type {
  CreatedSigningKey,
  CreateWebhookRequest,
  SigningKey,
  UpdateWebhookRequest,
  Webhook,
} from '../../../contracts/index.js';
import { catalogue } from '../../core/error-catalogue.js';
import {
  createdKeyView,
  keyView,
  newSigningKey,
  newWebhook,
  type SigningKeyRecord,
  targetOf,
  updateWebhookRecord,
  type WebhookRecord,
  webhookView,
} from '../../core/webhooks/notification-records.js';
import { MAX_SIGNING_KEYS, MAX_WEBHOOKS } from '../../core/webhooks/notification-registry.js';
import type { NotificationStore } from '../../core/webhooks/notification-store.js';
import type { WebhookTarget } from '../../core/webhooks/webhook-dispatcher.js';
import type { RedisClient } from './redis-commands.js';
import { defineScripts, parseJsonList, RedisGuard } from './redis-commands.js';
import { DEFAULT_NAMESPACE } from './redis-keys.js';
import { notificationKeys } from './redis-webhook-keys.js';
import { N_CREATE, N_DELETE, N_LIST, N_REPLACE } from './redis-webhook-scripts.js';

interface Scripts {
  kmNotifyCreate(...args: (string | number)[]): Promise<string>;
  kmNotifyReplace(...args: (string | number)[]): Promise<string>;
  kmNotifyDelete(...args: (string | number)[]): Promise<string[]>;
  kmNotifyList(...args: (string | number)[]): Promise<(string | null)[]>;
}

export interface RedisNotificationStoreOptions {
  now: (account: string) => number;
  uuid: () => string;
  secret: () => string;
  /** Real ms Redis keeps an account's keys and webhooks after their last change. */
  ttlMs: number;
  namespace?: string;
  onError?: (message: string) => void;
}

/** A webhook changed meanwhile is read and changed again, this many times at most, before a 503. */
const MAX_REPLACES = 8;

/**
 * The Notifications API's webhooks and signing keys in Redis, shared by every instance: per account, one hash of keys
 * and one of webhooks (JSON records) with their order, under the account's hash tag. Each write is one Lua script
 * that checks its rule (the caps, a key that exists, a key not in use) and writes; a failure of Redis is the
 * catalogue's 503.
 */
export class RedisNotificationStore implements NotificationStore {
  private readonly namespace: string;
  private readonly scripts: Scripts;
  private readonly guard: RedisGuard;

  constructor(
    private readonly client: RedisClient,
    private readonly options: RedisNotificationStoreOptions,
  ) {
    this.namespace = options.namespace ?? DEFAULT_NAMESPACE;
    this.guard = new RedisGuard(options.onError);
    this.scripts = defineScripts<Scripts>(client, {
      kmNotifyCreate: N_CREATE,
      kmNotifyReplace: N_REPLACE,
      kmNotifyDelete: N_DELETE,
      kmNotifyList: N_LIST,
    });
  }

  private keys(account: string): (string | number)[] {
    const keys = notificationKeys(this.namespace, account);
    return [keys.length, ...keys];
  }

  private async create(account: string, kind: 'key' | 'hook', id: string, json: string, signingKey = '') {
    const max = kind === 'key' ? MAX_SIGNING_KEYS : MAX_WEBHOOKS;
    const reply = await this.guard.run('create', () =>
      this.scripts.kmNotifyCreate(...this.keys(account), kind, max, id, json, this.options.ttlMs, signingKey),
    );
    if (reply === 'limit') throw catalogue.notificationLimit(max, kind === 'key' ? 'signing keys' : 'webhooks');
    if (reply === 'unknown-key') throw catalogue.unknownSigningKey();
  }

  private async list<T>(account: string, kind: 'key' | 'hook'): Promise<T[]> {
    const found = await this.guard.run('read', () => this.scripts.kmNotifyList(...this.keys(account), kind));
    return parseJsonList<T>(found);
  }

  private async read(account: string, kind: 'key' | 'hook', id: string): Promise<string> {
    const [keys, , hooks] = notificationKeys(this.namespace, account);
    const text = await this.guard.run('read', () => this.client.hget((kind === 'key' ? keys : hooks) as string, id));
    if (text === null) throw catalogue.resourceNotFound(`${kind === 'key' ? 'signing key' : 'webhook'} ${id}`);
    return text;
  }

  async createSigningKey(account: string): Promise<CreatedSigningKey> {
    const record = newSigningKey(this.options.uuid(), this.options.secret(), this.options.now(account));
    await this.create(account, 'key', record.id, JSON.stringify(record));
    return createdKeyView(record);
  }

  async signingKeys(account: string): Promise<SigningKey[]> {
    return (await this.list<SigningKeyRecord>(account, 'key')).map(keyView);
  }

  async signingKey(account: string, id: string): Promise<SigningKey> {
    return keyView(JSON.parse(await this.read(account, 'key', id)) as SigningKeyRecord);
  }

  /** A key a webhook signs with stays: docs/simulator-choices.md#signing-key-in-use. */
  async deleteSigningKey(account: string, id: string): Promise<void> {
    await this.remove(account, 'key', id);
  }

  async createWebhook(account: string, request: CreateWebhookRequest): Promise<Webhook> {
    const record = newWebhook(this.options.uuid(), request, this.options.now(account));
    await this.create(account, 'hook', record.webhook_id, JSON.stringify(record), record.signing_key_id);
    return webhookView(record);
  }

  async webhooks(account: string): Promise<Webhook[]> {
    return (await this.list<WebhookRecord>(account, 'hook')).map(webhookView);
  }

  async webhook(account: string, id: string): Promise<Webhook> {
    return webhookView(JSON.parse(await this.read(account, 'hook', id)) as WebhookRecord);
  }

  /** Read, changed and written only if unchanged meanwhile (another instance's update is read again). */
  async updateWebhook(account: string, id: string, changes: UpdateWebhookRequest): Promise<Webhook> {
    for (let replaces = 0; replaces < MAX_REPLACES; replaces += 1) {
      const before = await this.read(account, 'hook', id);
      const record = JSON.parse(before) as WebhookRecord;
      updateWebhookRecord(record, changes, this.options.now(account));
      const after = JSON.stringify(record);
      const reply = await this.guard.run('update', () =>
        this.scripts.kmNotifyReplace(
          ...this.keys(account),
          id,
          before,
          after,
          record.signing_key_id,
          this.options.ttlMs,
        ),
      );
      if (reply === 'not-found') throw catalogue.resourceNotFound(`webhook ${id}`);
      if (reply === 'unknown-key') throw catalogue.unknownSigningKey();
      if (reply === 'ok') return webhookView(record);
    }
    throw catalogue.unavailable();
  }

  async deleteWebhook(account: string, id: string): Promise<void> {
    await this.remove(account, 'hook', id);
  }

  private async remove(account: string, kind: 'key' | 'hook', id: string): Promise<void> {
    const [reply, ...users] = await this.guard.run('delete', () =>
      this.scripts.kmNotifyDelete(...this.keys(account), kind, id),
    );
    if (reply === 'not-found') throw catalogue.resourceNotFound(`${kind === 'key' ? 'signing key' : 'webhook'} ${id}`);
    if (reply === 'in-use') throw catalogue.signingKeyInUse(id, users.join(', '));
  }

  async target(account: string, id: string): Promise<WebhookTarget> {
    const webhook = JSON.parse(await this.read(account, 'hook', id)) as WebhookRecord;
    // A key in use cannot be deleted, so it is there.
    return targetOf(webhook, JSON.parse(await this.read(account, 'key', webhook.signing_key_id)) as SigningKeyRecord);
  }

  async reset(account: string): Promise<void> {
    await this.guard.run('reset', () => this.client.del(...notificationKeys(this.namespace, account)));
  }
}
