import type { WebhookSubscription } from '../../../contracts/index.js';
import type { ArmedFault, OutgoingEvent } from '../../core/webhooks/account-webhooks.js';
import { deliveryBytes } from '../../core/webhooks/delivery-record.js';
import type {
  DeliverySchedule,
  Enqueued,
  ScheduleClaim,
  ScheduledDelivery,
  ScheduleLimits,
} from '../../core/webhooks/delivery-schedule.js';
import type { RedisClient } from './redis-commands.js';
import { defineScripts, RedisGuard } from './redis-commands.js';
import { DEFAULT_NAMESPACE } from './redis-keys.js';
import { activeAccountsKey, webhookKeys } from './redis-webhook-keys.js';
import { CLAIM_DUE, COMPLETE, ENQUEUE, FORGET, PAGE } from './redis-webhook-scripts.js';

const DAY = 24 * 60 * 60_000;

/** How long Redis keeps webhook state after its last write (real time). */
export interface RedisWebhookTtls {
  /** An account's deliveries: its retry horizon and a day, after the last event or attempt. */
  deliveriesMs: number;
  /** Subscriptions, armed faults, signing keys and webhooks: 30 days after the last change. */
  settingsMs: number;
}

export function redisWebhookTtls(config: { webhookRetryHorizonMs: number }): RedisWebhookTtls {
  return { deliveriesMs: config.webhookRetryHorizonMs + DAY, settingsMs: 30 * DAY };
}

interface Scripts {
  kmWebhookEnqueue(...args: (string | number)[]): Promise<[number, number, string]>;
  kmWebhookClaim(...args: (string | number)[]): Promise<string[]>;
  kmWebhookComplete(...args: (string | number)[]): Promise<string>;
  kmWebhookPage(...args: (string | number)[]): Promise<(number | string | null)[]>;
  kmWebhookForget(...args: (string | number)[]): Promise<number>;
}

export interface RedisDeliveryScheduleOptions {
  ttls: RedisWebhookTtls;
  limits: ScheduleLimits;
  namespace?: string;
  onError?: (message: string) => void;
}

/**
 * The shared webhook schedule in Redis (docs/guides/scale-out.md): each account's deliveries, schedule, lease, fault
 * and subscription under its hash tag, changed by one Lua script at a time; and one sorted set of the accounts with
 * work, which every instance polls. Every failure of Redis is the catalogue's 503.
 */
export class RedisDeliverySchedule implements DeliverySchedule {
  private readonly namespace: string;
  private readonly scripts: Scripts;
  private readonly guard: RedisGuard;

  constructor(
    private readonly client: RedisClient,
    private readonly options: RedisDeliveryScheduleOptions,
  ) {
    this.namespace = options.namespace ?? DEFAULT_NAMESPACE;
    this.guard = new RedisGuard(options.onError);
    this.scripts = defineScripts<Scripts>(client, {
      kmWebhookEnqueue: ENQUEUE,
      kmWebhookClaim: CLAIM_DUE,
      kmWebhookComplete: COMPLETE,
      kmWebhookPage: PAGE,
      kmWebhookForget: FORGET,
    });
  }

  private keys(account: string) {
    return webhookKeys(this.namespace, account);
  }

  /** The delivery scripts' keys, counted first as EVALSHA wants. */
  private scripted(account: string): (string | number)[] {
    const { scripted } = this.keys(account);
    return [scripted.length, ...scripted];
  }

  async subscription(account: string): Promise<WebhookSubscription | undefined> {
    const text = await this.guard.run('read', () => this.client.get(this.keys(account).subscription));
    return text === null ? undefined : (JSON.parse(text) as WebhookSubscription);
  }

  setSubscription(account: string, subscription: WebhookSubscription | undefined): Promise<boolean> {
    const key = this.keys(account).subscription;
    return this.guard.run('subscribe', async () => {
      if (subscription === undefined) return (await this.client.del(key)) > 0;
      await this.client.set(key, JSON.stringify(subscription), 'PX', this.options.ttls.settingsMs);
      return true;
    });
  }

  async armFault(account: string, fault: ArmedFault): Promise<void> {
    const key = this.keys(account).fault;
    await this.guard.run('fault', () =>
      this.client.set(key, JSON.stringify(fault), 'PX', this.options.ttls.settingsMs),
    );
  }

  async enqueue(account: string, events: OutgoingEvent[], now: number, stamp: number): Promise<Enqueued> {
    const { limits, ttls } = this.options;
    const index = activeAccountsKey(this.namespace);
    const args = events.flatMap((event) => [JSON.stringify(event), deliveryBytes(event)]);
    const why = `pending webhooks of this account over ${limits.pendingBytesPerAccount} bytes (webhookPendingBytesPerAccount)`;
    const [queued, dropped, refused] = await this.guard.run('enqueue', async () => {
      // Stamped first: a poller that finds the account without work cannot take it off the list meanwhile.
      await this.client.zadd(index, stamp, account);
      await this.client.pexpire(index, ttls.deliveriesMs);
      return this.scripts.kmWebhookEnqueue(
        ...this.scripted(account),
        now,
        limits.entriesPerAccount,
        limits.pendingBytesPerAccount,
        ttls.deliveriesMs,
        why,
        events.length,
        ...args,
      );
    });
    return {
      queued: Number(queued),
      dropped: Number(dropped),
      refused: refused === '' ? [] : (refused.split(',') as Enqueued['refused']),
    };
  }

  async claim(account: string, now: number, owner: string, leaseMs: number): Promise<ScheduleClaim> {
    const reply = await this.guard.run('claim', () =>
      this.scripts.kmWebhookClaim(...this.scripted(account), now, owner, Math.max(1, Math.ceil(leaseMs))),
    );
    if (reply[0] === 'busy') return { kind: 'busy' };
    if (reply[0] === 'idle') return { kind: 'idle', pending: Number(reply[1]) };
    return { kind: 'claimed', delivery: JSON.parse(reply[1] ?? '{}') as ScheduledDelivery };
  }

  async complete(account: string, owner: string, delivery: ScheduledDelivery): Promise<'completed' | 'lease-lost'> {
    const reply = await this.guard.run('complete', () =>
      this.scripts.kmWebhookComplete(
        ...this.scripted(account),
        owner,
        JSON.stringify({ ...delivery, inFlight: false }),
        this.options.ttls.deliveriesMs,
      ),
    );
    return reply === 'lease-lost' ? 'lease-lost' : 'completed';
  }

  async page(account: string, limit: number, offset: number) {
    const [total, ...newest] = await this.guard.run('read', () =>
      this.scripts.kmWebhookPage(...this.scripted(account), offset, limit),
    );
    const deliveries = newest
      .filter((text): text is string => typeof text === 'string')
      .map((text) => JSON.parse(text) as ScheduledDelivery)
      .reverse();
    return { deliveries, total: Number(total) };
  }

  async accounts(): Promise<{ account: string; stamp: number }[]> {
    const flat = await this.guard.run('poll', () =>
      this.client.zrange(activeAccountsKey(this.namespace), 0, -1, 'WITHSCORES'),
    );
    const accounts: { account: string; stamp: number }[] = [];
    for (let i = 0; i + 1 < flat.length; i += 2) {
      accounts.push({ account: flat[i] as string, stamp: Number(flat[i + 1]) });
    }
    return accounts;
  }

  async forget(account: string, stamp: number, before: number): Promise<void> {
    await this.guard.run('poll', () =>
      this.scripts.kmWebhookForget(1, activeAccountsKey(this.namespace), account, stamp, before),
    );
  }

  async reset(account: string): Promise<void> {
    await this.guard.run('reset', () => this.client.del(...this.keys(account).all));
  }
}
